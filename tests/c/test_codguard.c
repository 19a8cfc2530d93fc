/*
 * Tests of libcodguard through its C header: every error path of the conventions (NULL
 * arguments, invalid UTF-8, malformed JSON, huge and empty inputs, small buffers, unknown
 * orders, corrupted snapshots, NULL frees) and a replay of the shared JSON vectors in
 * tests/vectors/.
 *
 * Each test is a function returning 1 (pass) or 0 (fail) that releases what it took through
 * one exit path (`done:`). The last line printed is "N passed, N failed"; the exit status is
 * non-zero when anything failed. Run it under valgrind (scripts/ci_c.sh).
 *
 * Usage: test_codguard [VECTORS_DIR [FLOW_VECTOR.json...]]   (default: tests/vectors)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "codguard.h"
#include "harness.h"

/* A sentinel that no library call leaves in an out-pointer. */
#define SENTINEL ((char *)(uintptr_t)0x1)

/* ---------------------------------------------------------------- version and messages */

static int test_version(void) {
    int ok = 1;
    const char *v = cg_version();
    CHECK(v != NULL);
    CHECK(strcmp(v, CG_VERSION) == 0);
done:
    return ok;
}

static int test_error_message_buffer(void) {
    int ok = 1;
    char small[5];
    char big[256];
    size_t n = 99;
    const char *want = "phone_too_short: the phone has too few digits";

    /* Size query: NULL buffer of length 0. */
    CHECK_STATUS(cg_error_message(CG_PHONE_TOO_SHORT, NULL, 0, &n), CG_BUFFER_TOO_SMALL);
    CHECK(n == strlen(want));
    /* Too small: truncated, NUL-terminated, full length reported. */
    CHECK_STATUS(cg_error_message(CG_PHONE_TOO_SHORT, small, sizeof small, &n),
                 CG_BUFFER_TOO_SMALL);
    CHECK(n == strlen(want));
    CHECK(strcmp(small, "phon") == 0);
    /* Big enough. */
    CHECK_STATUS(cg_error_message(CG_PHONE_TOO_SHORT, big, sizeof big, &n), CG_OK);
    CHECK(strcmp(big, want) == 0);
    /* NULL arguments. */
    CHECK_STATUS(cg_error_message(CG_OK, big, sizeof big, NULL), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_error_message(CG_OK, NULL, 10, &n), CG_NULL_PARAMETER);
    /* A number that is no status. */
    CHECK_STATUS(cg_error_message(12345, big, sizeof big, &n), CG_OK);
    CHECK(strncmp(big, "unknown", 7) == 0);
done:
    return ok;
}

static int test_truncation_keeps_utf8_whole(void) {
    int ok = 1;
    cg_engine *engine = NULL;
    char buf[9];
    size_t n = 0;
    /* The last error of a bad config mentions the config; cut it mid-way and check the
     * buffer still holds whole UTF-8 (here ASCII) and a NUL. */
    CHECK_STATUS(cg_engine_new(TEXT("{\"bogus\": 1}"), &engine), CG_INVALID_CONFIG);
    CHECK_STATUS(cg_last_error_message(buf, sizeof buf, &n), CG_BUFFER_TOO_SMALL);
    CHECK(n > sizeof buf);
    CHECK(strlen(buf) == sizeof buf - 1);
    CHECK(strncmp(buf, "invalid_", 8) == 0);
done:
    cg_engine_free(engine);
    return ok;
}

static int test_status_names(void) {
    int ok = 1;
    CHECK(strcmp(cg_status_name(CG_OK), "ok") == 0);
    CHECK(strcmp(cg_status_name(CG_NULL_PARAMETER), "null_parameter") == 0);
    CHECK(strcmp(cg_status_name(CG_PHONE_INVALID_FOR_REGION), "phone_invalid_for_region") == 0);
    CHECK(strcmp(cg_status_name(CG_SNAPSHOT_VERSION), "snapshot_version") == 0);
    CHECK(strcmp(cg_status_name(7), "unknown") == 0);
    /* The numbers are ABI. */
    CHECK(CG_NULL_PARAMETER == 100 && CG_PANIC == 104 && CG_INPUT_TOO_LONG == 200);
    CHECK(CG_UNKNOWN_ORDER == 212 && CG_SNAPSHOT_TRUNCATED == 300);
done:
    return ok;
}

static int test_free_null(void) {
    cg_string_free(NULL);
    cg_bytes_free(NULL);
    cg_engine_free(NULL);
    return 1;
}

/* ---------------------------------------------------------------- engine: arguments */

static int test_engine_new_and_default_config(void) {
    int ok = 1;
    cg_engine *engine = NULL, *engine2 = NULL;
    char *json = SENTINEL;
    size_t len = 99, n = 99;

    CHECK_STATUS(cg_engine_new(NULL, 0, &engine), CG_OK);
    CHECK(engine != NULL);
    CHECK_STATUS(cg_engine_len(engine, &n), CG_OK);
    CHECK(n == 0);
    CHECK_STATUS(cg_engine_config(engine, &json, &len), CG_OK);
    CHECK(json != NULL && strlen(json) == len);
    CHECK(strstr(json, "\"duplicate_window_secs\":172800") != NULL);
    /* Empty text is the default too; a partial config keeps the other defaults. */
    CHECK_STATUS(cg_engine_new(TEXT("{\"duplicate_window_secs\": 3600}"), &engine2), CG_OK);
    cg_string_free(json);
    json = NULL;
    CHECK_STATUS(cg_engine_config(engine2, &json, &len), CG_OK);
    CHECK(strstr(json, "\"duplicate_window_secs\":3600") != NULL);
    CHECK(strstr(json, "\"ghost_min_signals\":2") != NULL);
done:
    cg_string_free(json);
    cg_engine_free(engine);
    cg_engine_free(engine2);
    return ok;
}

static int test_engine_new_bad_config(void) {
    int ok = 1;
    cg_engine *engine = (cg_engine *)SENTINEL;

    CHECK_STATUS(cg_engine_new(TEXT("{"), &engine), CG_INVALID_JSON);
    CHECK(engine == NULL);
    CHECK_STATUS(cg_engine_new(TEXT("{\"bogus\": 1}"), &engine), CG_INVALID_CONFIG);
    CHECK_STATUS(cg_engine_new(TEXT("{\"name_match_threshold\": 2}"), &engine),
                 CG_INVALID_CONFIG);
    CHECK(strstr(last_error(), "name_match_threshold") != NULL);
    CHECK_STATUS(cg_engine_new(TEXT("[1, 2]"), &engine), CG_INVALID_CONFIG);
    CHECK_STATUS(cg_engine_new(TEXT("\xff\xfe"), &engine), CG_INVALID_UTF8);
    CHECK_STATUS(cg_engine_new(NULL, 0, NULL), CG_NULL_PARAMETER);
    CHECK(engine == NULL);
done:
    cg_engine_free(engine);
    return ok;
}

static int test_name_errors(void) {
    int ok = 1;
    double score = 7.0;
    char *out = SENTINEL;
    size_t len = 99;
    char big[2048];
    memset(big, 'a', sizeof big);

    CHECK_STATUS(cg_name_similarity(TEXT("Ahmed Tazi"), TEXT("Tazi Ahmad"), NULL), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_name_similarity(NULL, 3, TEXT("Tazi Ahmad"), &score), CG_NULL_PARAMETER);
    CHECK(score == 0.0);
    CHECK_STATUS(cg_name_similarity("\xff\xfe", 2, TEXT("x"), &score), CG_INVALID_UTF8);
    CHECK_STATUS(cg_name_similarity(big, sizeof big, TEXT("x"), &score), CG_INPUT_TOO_LONG);
    CHECK_STATUS(cg_name_similarity(TEXT("محمد العلوي"), TEXT("Mohamed Alaoui"), &score), CG_OK);
    CHECK(score >= 0.8);
    CHECK_STATUS(cg_parse_name(NULL, 1, &out, &len), CG_NULL_PARAMETER);
    CHECK(out == NULL && len == 0);
    CHECK_STATUS(cg_parse_name(TEXT("x"), NULL, &len), CG_NULL_PARAMETER);
done:
    return ok;
}

static int test_null_parameters(void) {
    int ok = 1;
    cg_engine *engine = NULL, *loaded = (cg_engine *)SENTINEL;
    char *out = SENTINEL;
    size_t len = 99, n = 99;
    const char *order = "{\"order_id\": \"o-1\", \"placed_at\": 1}";

    CHECK_STATUS(cg_engine_new(NULL, 0, &engine), CG_OK);
    CHECK_STATUS(cg_engine_len(NULL, &n), CG_NULL_PARAMETER);
    CHECK(n == 0);
    CHECK_STATUS(cg_engine_len(engine, NULL), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_engine_assess(NULL, TEXT(order), &out, &len), CG_NULL_PARAMETER);
    CHECK(out == NULL && len == 0);
    CHECK_STATUS(cg_engine_assess(engine, NULL, 3, &out, &len), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_engine_assess(engine, NULL, 0, &out, &len), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_engine_assess(engine, TEXT(order), NULL, &len), CG_NULL_PARAMETER);
    CHECK(len == 0);
    CHECK_STATUS(cg_engine_assess(engine, TEXT(order), &out, NULL), CG_NULL_PARAMETER);
    CHECK(out == NULL);
    CHECK_STATUS(cg_engine_assess_many(engine, NULL, 0, &out, &len), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_engine_add_history(NULL, TEXT("[]"), &n), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_engine_add_history(engine, NULL, 0, &n), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_engine_add_history(engine, TEXT("[]"), NULL), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_engine_add_order(engine, NULL, 0), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_engine_assess_and_add(NULL, TEXT(order), &out, &len), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_engine_assess_and_add(engine, NULL, 0, &out, &len), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_engine_assess_and_add(engine, TEXT(order), NULL, &len), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_engine_assess_and_add(engine, TEXT(order), &out, NULL), CG_NULL_PARAMETER);
    CHECK(out == NULL);
    CHECK_STATUS(cg_engine_record_outcome(engine, NULL, 0, TEXT("delivered")),
                 CG_NULL_PARAMETER);
    CHECK_STATUS(cg_engine_record_outcome(engine, TEXT("o-1"), NULL, 0), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_engine_record_negotiated(NULL, TEXT("o-1"), true), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_engine_erase_by_phone(engine, NULL, 0, TEXT("MA"), &n), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_engine_erase_by_email(engine, TEXT("a@b.ma"), NULL), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_engine_save(NULL, (uint8_t **)&out, &len), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_engine_save(engine, NULL, &len), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_engine_load(NULL, 0, &loaded), CG_NULL_PARAMETER);
    CHECK(loaded == NULL);
    CHECK_STATUS(cg_normalize_phone(NULL, 0, TEXT("MA"), &out, &len), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_normalize_phone(TEXT("0612345678"), NULL, 2, &out, &len),
                 CG_NULL_PARAMETER);
    CHECK_STATUS(cg_normalize_phone(TEXT("0612345678"), TEXT("MA"), NULL, &len),
                 CG_NULL_PARAMETER);
    CHECK_STATUS(cg_normalize_email(NULL, 0, &out, &len), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_parse_email(TEXT("a@b.ma"), &out, NULL), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_normalize_address(TEXT("12 rue X"), NULL, 0, TEXT("MA"), &out, &len),
                 CG_NULL_PARAMETER);
    CHECK(out == NULL);
    /* The last error names the missing argument. */
    CHECK(strstr(last_error(), "null_parameter") != NULL);
done:
    cg_engine_free(engine);
    return ok;
}

static int test_invalid_handle(void) {
    int ok = 1;
    /* Zeroed memory is no engine: the handle check refuses it without touching anything
     * beyond the struct. */
    static uint64_t fake[8192];
    size_t n = 99;
    CHECK_STATUS(cg_engine_len((const cg_engine *)fake, &n), CG_INVALID_HANDLE);
    CHECK_STATUS(cg_engine_add_order((cg_engine *)fake, TEXT("{}")), CG_INVALID_HANDLE);
done:
    return ok;
}

/* Issue 16 item 3: a handle of another kind, a freed one, a heap block that was never a
 * handle: refused with CG_INVALID_HANDLE and never read (valgrind would report the read of
 * freed or out-of-bounds memory). */
/* Issue 16 item 9: a sealed snapshot loads with its key only; a flipped bit anywhere, another
 * key, a plain snapshot and trailing bytes are refused. */
static int test_sealed_snapshots(void) {
    int ok = 1;
    const uint8_t key[] = "shop snapshot key";
    cg_engine *engine = NULL, *loaded = NULL;
    uint8_t *plain = NULL, *sealed = NULL, *copy = NULL;
    size_t plain_len = 0, sealed_len = 0, n = 99, i;

    CHECK_STATUS(cg_engine_new(TEXT("{\"duplicate_window_secs\": 60}"), &engine), CG_OK);
    CHECK_STATUS(cg_engine_add_history(engine,
                                       TEXT("{\"order_id\": \"h-1\", \"placed_at\": 1, "
                                            "\"phone\": \"0696030620\", \"country\": \"MA\", "
                                            "\"outcome\": \"refused\"}"),
                                       &n),
                 CG_OK);
    CHECK_STATUS(cg_engine_save(engine, &plain, &plain_len), CG_OK);
    CHECK_STATUS(cg_engine_save_sealed(engine, key, 17, &sealed, &sealed_len), CG_OK);
    CHECK(sealed_len == plain_len + 32);
    CHECK_STATUS(cg_engine_load_sealed(sealed, sealed_len, key, 17, &loaded), CG_OK);
    CHECK_STATUS(cg_engine_len(loaded, &n), CG_OK);
    CHECK(n == 1);
    cg_engine_free(loaded);
    loaded = NULL;
    CHECK_STATUS(cg_engine_load_sealed(sealed, sealed_len, key, 16, &loaded), CG_SNAPSHOT_CORRUPT);
    CHECK_STATUS(cg_engine_load_sealed(plain, plain_len, key, 17, &loaded), CG_SNAPSHOT_CORRUPT);
    CHECK_STATUS(cg_engine_load(sealed, sealed_len, &loaded), CG_SNAPSHOT_CORRUPT);
    CHECK_STATUS(cg_engine_load_sealed(sealed, 10, key, 17, &loaded), CG_SNAPSHOT_TRUNCATED);
    CHECK_STATUS(cg_engine_save_sealed(engine, key, 0, &copy, &n), CG_INVALID_CONFIG);
    CHECK(copy == NULL);
    copy = malloc(sealed_len);
    CHECK(copy != NULL);
    for (i = 0; i < sealed_len; i++) {
        memcpy(copy, sealed, sealed_len);
        copy[i] ^= (uint8_t)(1u << (i % 8));
        CHECK_STATUS(cg_engine_load_sealed(copy, sealed_len, key, 17, &loaded), CG_SNAPSHOT_CORRUPT);
        CHECK(loaded == NULL);
    }
done:
    free(copy);
    cg_bytes_free(plain);
    cg_bytes_free(sealed);
    cg_engine_free(loaded);
    cg_engine_free(engine);
    return ok;
}

static int test_handles_refused_without_reading(void) {
    int ok = 1;
    const uint8_t secret[] = "s3cret";
    cg_engine *engine = NULL, *freed = NULL;
    cg_send_guard *guard = NULL;
    char *out = NULL;
    size_t n = 99, len = 0;
    char *tiny = malloc(1); /* smaller than any handle: reading its "tag" would overrun */

    CHECK(tiny != NULL);
    *tiny = 'x';
    CHECK_STATUS(cg_engine_new(NULL, 0, &engine), CG_OK);
    CHECK_STATUS(cg_send_guard_new(NULL, 0, secret, 6, &guard), CG_OK);
    /* Wrong kind: a send guard (a small struct) given as an engine, an engine as a flow. */
    CHECK_STATUS(cg_engine_len((const cg_engine *)guard, &n), CG_INVALID_HANDLE);
    CHECK_STATUS(cg_engine_add_order((cg_engine *)guard, TEXT("{}")), CG_INVALID_HANDLE);
    CHECK_STATUS(cg_flow_handle((cg_flow *)engine, TEXT("{}"), &out, &len), CG_INVALID_HANDLE);
    CHECK(strstr(last_error(), "not a live cg_flow") != NULL);
    /* Never a handle. */
    CHECK_STATUS(cg_engine_len((const cg_engine *)tiny, &n), CG_INVALID_HANDLE);
    CHECK_STATUS(cg_engine_len((const cg_engine *)(tiny + 1), &n), CG_INVALID_HANDLE);
    cg_engine_free((cg_engine *)tiny); /* not ours: left alone */
    cg_send_guard_free((cg_send_guard *)engine); /* another kind: left alone */
    /* Freed: refused, and a second free does nothing. */
    CHECK_STATUS(cg_engine_new(NULL, 0, &freed), CG_OK);
    cg_engine_free(freed);
    CHECK_STATUS(cg_engine_len(freed, &n), CG_INVALID_HANDLE);
    CHECK_STATUS(cg_engine_add_order(freed, TEXT("{}")), CG_INVALID_HANDLE);
    CHECK_STATUS(cg_engine_assess_and_add(freed, TEXT("{}"), &out, &len), CG_INVALID_HANDLE);
    CHECK(out == NULL && len == 0);
    cg_engine_free(freed);
    /* The live ones still work. */
    CHECK_STATUS(cg_engine_len(engine, &n), CG_OK);
    CHECK(n == 0);
done:
    free(tiny);
    cg_send_guard_free(guard);
    cg_engine_free(engine);
    return ok;
}

/* ---------------------------------------------------------------- engine: records */

static int test_history_input_errors(void) {
    int ok = 1;
    cg_engine *engine = NULL;
    size_t added = 99, n = 99;
    const char *bad_line =
        "{\"order_id\": \"o-1\", \"placed_at\": 1, \"country\": \"MA\", \"outcome\": \"delivered\"}\n"
        "{\"order_id\": \"o-2\", \"placed_at\": \n";
    const char *wrong_type =
        "[{\"order_id\": \"o-1\", \"placed_at\": \"0612345678\", \"country\": \"MA\", "
        "\"outcome\": \"delivered\"}]";
    const char *bad_outcome =
        "{\"order_id\": \"o-1\", \"placed_at\": 1, \"country\": \"MA\", \"outcome\": \"lost\"}";
    const char *no_id = "{\"placed_at\": 1, \"country\": \"MA\", \"outcome\": \"delivered\"}";

    CHECK_STATUS(cg_engine_new(NULL, 0, &engine), CG_OK);
    CHECK_STATUS(cg_engine_add_history(engine, TEXT(bad_line), &added), CG_INVALID_JSON);
    CHECK(strstr(last_error(), "line 2, column ") != NULL);
    /* The file's line, said once: not serde's "line 1" of the one line it was handed. */
    CHECK(strstr(last_error(), "line 1") == NULL);
    CHECK(added == 0);
    /* A line that is not JSON has its column, in characters: an Arabic id two letters longer
     * than "o-2" (six bytes more) moves it by two, as an editor shows it. A record's own error
     * names its field and line, without serde's column (mostly the record's end). */
    {
        const char *ascii = "{\"order_id\": \"o-2\" \"placed_at\": 1}";
        const char *arabic = "{\"order_id\": \"\xd8\xb7\xd9\x84\xd8\xa8-2\" \"placed_at\": 1}";
        const char *data = "{\"order_id\": \"o-2\", \"placed_at\": \"x\"}";
        CHECK_STATUS(cg_engine_add_history(engine, TEXT(ascii), &added), CG_INVALID_JSON);
        CHECK(strstr(last_error(), "line 1, column 20: ") != NULL);
        CHECK_STATUS(cg_engine_add_history(engine, TEXT(arabic), &added), CG_INVALID_JSON);
        CHECK(strstr(last_error(), "line 1, column 22: ") != NULL);
        CHECK_STATUS(cg_engine_add_history(engine, TEXT(data), &added), CG_INVALID_RECORD);
        CHECK(strstr(last_error(), "line 1: ") != NULL);
        CHECK(strstr(last_error(), "column") == NULL);
        CHECK(strstr(last_error(), "`placed_at`") != NULL);
        /* A JSON array says serde's line and column, the column in characters too. */
        CHECK_STATUS(cg_engine_add_history(engine,
                                           TEXT("[{\"order_id\": \"\xd8\xb7\xd9\x84\xd8\xa8\" \"placed_at\": 1}]"),
                                           &added),
                     CG_INVALID_JSON);
        CHECK(strstr(last_error(), "at line 1 column 21") != NULL); /* the second opening quote */
    }
    CHECK_STATUS(cg_engine_add_history(engine, TEXT(wrong_type), &added), CG_INVALID_RECORD);
    /* The message names the field and the problem, not the customer's data. */
    CHECK(strstr(last_error(), "0612345678") == NULL);
    CHECK(strstr(last_error(), "`placed_at`") != NULL);
    CHECK_STATUS(cg_engine_add_history(engine, TEXT(bad_outcome), &added), CG_INVALID_RECORD);
    CHECK(strstr(last_error(), "`outcome`") != NULL);
    CHECK_STATUS(cg_engine_add_history(engine, TEXT(no_id), &added), CG_INVALID_RECORD);
    CHECK(strstr(last_error(), "`order_id`") != NULL);
    CHECK_STATUS(cg_engine_add_history(engine, TEXT("[{\"order_id\": "), &added),
                 CG_INVALID_JSON);
    CHECK_STATUS(cg_engine_add_history(engine, TEXT("\xff\xfe"), &added), CG_INVALID_UTF8);
    /* Empty input adds nothing and is fine. */
    CHECK_STATUS(cg_engine_add_history(engine, TEXT(""), &added), CG_OK);
    CHECK(added == 0);
    CHECK_STATUS(cg_engine_add_history(engine, TEXT("[]"), &added), CG_OK);
    CHECK_STATUS(cg_engine_len(engine, &n), CG_OK);
    CHECK(n == 0);
done:
    cg_engine_free(engine);
    return ok;
}

static int test_assess_input_errors(void) {
    int ok = 1;
    cg_engine *engine = NULL;
    char *out = SENTINEL;
    size_t len = 99;

    CHECK_STATUS(cg_engine_new(NULL, 0, &engine), CG_OK);
    CHECK_STATUS(cg_engine_assess(engine, TEXT("{\"order_id\": \"\", \"placed_at\": 1}"), &out,
                                  &len),
                 CG_INVALID_RECORD);
    CHECK(out == NULL && len == 0);
    CHECK_STATUS(cg_engine_assess(engine, TEXT("{\"order_id\": \"o-1\""), &out, &len),
                 CG_INVALID_JSON);
    CHECK_STATUS(cg_engine_assess(engine, TEXT("not json"), &out, &len), CG_INVALID_JSON);
    CHECK_STATUS(cg_engine_assess(engine, TEXT("{\"placed_at\": 1}"), &out, &len),
                 CG_INVALID_RECORD);
    CHECK_STATUS(cg_engine_assess(engine, TEXT("{\"order_id\": \"o\xff\", \"placed_at\": 1}"),
                                  &out, &len),
                 CG_INVALID_UTF8);
    CHECK_STATUS(cg_engine_add_order(engine, TEXT("{\"order_id\": \" \", \"placed_at\": 1}")),
                 CG_INVALID_RECORD);
    CHECK(out == NULL);
done:
    cg_engine_free(engine);
    return ok;
}

static const char *str_field(const cJSON *c, const char *name);
static int same_text(const char *got, const char *want);

/* assess_many answers each order in its place: one that breaks the input contract (a country
 * written out) gets its error, the others their assessment. */
static int test_assess_many_keeps_going(void) {
    int ok = 1;
    cg_engine *engine = NULL;
    char *out = NULL;
    size_t len = 0;
    cJSON *got = NULL;
    const cJSON *bad;
    const char *orders =
        "[{\"order_id\": \"o-1\", \"placed_at\": 1, \"phone\": \"0696030620\", \"country\": \"MA\"},"
        " {\"order_id\": \"o-2\", \"placed_at\": 1, \"phone\": \"0696030620\", \"country\": \"Morocco\"},"
        " {\"order_id\": \"o-3\", \"placed_at\": 1, \"telephone\": \"0696030620\", \"country\": \"MA\"},"
        " {\"order_id\": \"o-4\", \"placed_at\": 1, \"phone\": \"01027096050\", \"country\": \"eg\"},"
        " {\"order_id\": \"o-\\u0007\", \"placed_at\": 1, \"country\": \"Morocco\"}]";

    CHECK_STATUS(cg_engine_new(NULL, 0, &engine), CG_OK);
    CHECK_STATUS(cg_engine_assess_many(engine, TEXT(orders), &out, &len), CG_OK);
    got = cJSON_Parse(out);
    CHECK(cJSON_GetArraySize(got) == 5);
    CHECK(same_text(str_field(cJSON_GetArrayItem(got, 0), "customer_class"), "new"));
    bad = cJSON_GetArrayItem(got, 1);
    CHECK(same_text(str_field(bad, "order_id"), "o-2"));
    bad = cJSON_GetObjectItemCaseSensitive(bad, "error");
    CHECK(same_text(str_field(bad, "code"), "invalid_record"));
    CHECK(strstr(str_field(bad, "message"), "`country`") != NULL);
    bad = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(got, 2), "error");
    CHECK(strstr(str_field(bad, "message"), "`telephone`") != NULL);
    CHECK(same_text(str_field(cJSON_GetArrayItem(got, 3), "order_id"), "o-4"));
    CHECK(same_text(str_field(cJSON_GetArrayItem(got, 3), "customer_class"), "new"));
    /* An id no report shows back (a control character) is answered as none. */
    CHECK(same_text(str_field(cJSON_GetArrayItem(got, 4), "order_id"), ""));
done:
    cJSON_Delete(got);
    cg_string_free(out);
    cg_engine_free(engine);
    return ok;
}

/* A file saved by Windows tools or a spreadsheet starts with a byte-order mark (EF BB BF): the
 * history and a batch of orders are read past it, in JSON Lines (CRLF) and in an array. Anywhere
 * else it is the line's content, and that line is not JSON. */
static int test_a_files_byte_order_mark_is_skipped(void) {
    int ok = 1;
    cg_engine *engine = NULL;
    char *out = NULL;
    size_t added = 0, len = 0;
    cJSON *got = NULL;
    const char *history =
        "\xef\xbb\xbf{\"order_id\": \"h-1\", \"placed_at\": 1, \"phone\": \"0661472983\", "
        "\"country\": \"MA\", \"outcome\": \"refused\"}\r\n"
        "{\"order_id\": \"h-2\", \"placed_at\": 2, \"phone\": \"0661472983\", \"country\": \"MA\", "
        "\"outcome\": \"refused\"}\r\n";
    const char *array = "\xef\xbb\xbf[{\"order_id\": \"h-3\", \"placed_at\": 3, \"country\": \"MA\", "
                        "\"outcome\": \"delivered\"}]";
    const char *orders =
        "\xef\xbb\xbf{\"order_id\": \"o-1\", \"placed_at\": 9, \"phone\": \"+212 661-472983\", "
        "\"country\": \"MA\"}\r\n"
        "{\"order_id\": \"o-2\", \"placed_at\": 9, \"country\": \"MA\"}\r\n";
    const char *mark_inside = "{\"order_id\": \"h-4\", \"placed_at\": 1, \"country\": \"MA\", "
                              "\"outcome\": \"delivered\"}\n\xef\xbb\xbf{\"order_id\": \"h-5\"}\n";

    CHECK_STATUS(cg_engine_new(NULL, 0, &engine), CG_OK);
    CHECK_STATUS(cg_engine_add_history(engine, TEXT(history), &added), CG_OK);
    CHECK(added == 2);
    CHECK_STATUS(cg_engine_add_history(engine, TEXT(array), &added), CG_OK);
    CHECK(added == 1);
    CHECK_STATUS(cg_engine_add_history(engine, TEXT(mark_inside), &added), CG_INVALID_JSON);
    CHECK(strstr(last_error(), "line 2") != NULL);
    CHECK_STATUS(cg_engine_assess_many(engine, TEXT(orders), &out, &len), CG_OK);
    got = cJSON_Parse(out);
    CHECK(cJSON_GetArraySize(got) == 2);
    CHECK(same_text(str_field(cJSON_GetArrayItem(got, 0), "order_id"), "o-1"));
    /* The first order is the customer who refused twice (risky): the history was read. */
    CHECK(same_text(str_field(cJSON_GetArrayItem(got, 0), "customer_class"), "risky"));
    CHECK(same_text(str_field(cJSON_GetArrayItem(got, 1), "order_id"), "o-2"));
done:
    cJSON_Delete(got);
    cg_string_free(out);
    cg_engine_free(engine);
    return ok;
}

/* assess_many reads a batch one order at a time: a JSON Lines line whose bytes are not UTF-8,
 * or an order holding a lone surrogate escape (in JSON Lines or in an array), is that order's
 * invalid_utf8 in its place (its message naming the line), not the whole call's. An array whose
 * bytes are not UTF-8 cannot be split without reading it, and fails whole. */
static int test_assess_many_invalid_unicode_in_its_place(void) {
    int ok = 1;
    cg_engine *engine = NULL;
    char *out = NULL;
    size_t len = 0;
    cJSON *got = NULL;
    const cJSON *bad;
    const char *lines =
        "{\"order_id\": \"o-1\", \"placed_at\": 1, \"phone\": \"0696030620\", \"country\": \"MA\"}\n"
        "{\"order_id\": \"o-2\", \"placed_at\": 1, \"name\": \"Sal\xc3\x28ma\", \"country\": \"MA\"}\r\n"
        "\n"
        "{\"order_id\": \"o-3\", \"placed_at\": 1, \"name\": \"\\ud800\", \"country\": \"MA\"}\n"
        "{\"order_id\": \"o-4\", \"placed_at\": 1, \"phone\": \"01027096050\", \"country\": \"EG\"}\n"
        "{\"placed_at\": 1, \"name\": \"Sal\xffma\", \"order_id\": \"o-5\", \"country\": \"MA\"}\n"
        "{\"order_id\": \"o-\xff" "6\", \"placed_at\": 1, \"country\": \"MA\"}\n";
    const char *array =
        "[{\"order_id\": \"o-1\", \"placed_at\": 1, \"country\": \"MA\"},"
        " {\"order_id\": \"o-2\", \"placed_at\": 1, \"name\": \"a\\udc00\", \"country\": \"MA\"},"
        " {\"order_id\": \"o-3\", \"placed_at\": 1, \"name\": \"\\ud83d\\ude00\", \"country\": \"MA\"}]";
    const char *bad_array =
        "[{\"order_id\": \"o-1\", \"placed_at\": 1, \"name\": \"\xff\", \"country\": \"MA\"}]";

    CHECK_STATUS(cg_engine_new(NULL, 0, &engine), CG_OK);
    CHECK_STATUS(cg_engine_assess_many(engine, TEXT(lines), &out, &len), CG_OK);
    got = cJSON_Parse(out);
    CHECK(cJSON_GetArraySize(got) == 6);
    CHECK(same_text(str_field(cJSON_GetArrayItem(got, 0), "order_id"), "o-1"));
    CHECK(same_text(str_field(cJSON_GetArrayItem(got, 0), "customer_class"), "new"));
    bad = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(got, 1), "error");
    CHECK(same_text(str_field(bad, "code"), "invalid_utf8"));
    /* The line, and the bad byte's column (in characters, as the JSON errors'). */
    CHECK(strstr(str_field(bad, "message"), "line 2, column 49: not UTF-8") != NULL);
    /* Each names the order its text names before the fault. */
    CHECK(same_text(str_field(cJSON_GetArrayItem(got, 1), "order_id"), "o-2"));
    CHECK(same_text(str_field(cJSON_GetArrayItem(got, 2), "order_id"), "o-3"));
    bad = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(got, 2), "error");
    CHECK(same_text(str_field(bad, "code"), "invalid_utf8"));
    CHECK(strstr(str_field(bad, "message"), "line 4") != NULL);
    CHECK(strstr(str_field(bad, "message"), "lone surrogate") != NULL);
    CHECK(same_text(str_field(cJSON_GetArrayItem(got, 3), "order_id"), "o-4"));
    CHECK(same_text(str_field(cJSON_GetArrayItem(got, 3), "customer_class"), "new"));
    /* An id after the bad byte is the line's id too; one that holds the bad byte is none. */
    CHECK(same_text(str_field(cJSON_GetArrayItem(got, 4), "order_id"), "o-5"));
    CHECK(same_text(str_field(cJSON_GetArrayItem(got, 5), "order_id"), ""));
    bad = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(got, 5), "error");
    CHECK(same_text(str_field(bad, "code"), "invalid_utf8"));
    cJSON_Delete(got);
    got = NULL;
    cg_string_free(out);
    out = NULL;

    CHECK_STATUS(cg_engine_assess_many(engine, TEXT(array), &out, &len), CG_OK);
    got = cJSON_Parse(out);
    CHECK(cJSON_GetArraySize(got) == 3);
    CHECK(same_text(str_field(cJSON_GetArrayItem(got, 0), "order_id"), "o-1"));
    bad = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(got, 1), "error");
    CHECK(same_text(str_field(bad, "code"), "invalid_utf8"));
    CHECK(strstr(str_field(bad, "message"), "lone surrogate") != NULL);
    CHECK(same_text(str_field(cJSON_GetArrayItem(got, 1), "order_id"), "o-2"));
    /* A proper pair is an ordinary character. */
    CHECK(same_text(str_field(cJSON_GetArrayItem(got, 2), "order_id"), "o-3"));
    CHECK(str_field(cJSON_GetArrayItem(got, 2), "customer_class") != NULL);
    cg_string_free(out);
    out = NULL;

    CHECK_STATUS(cg_engine_assess_many(engine, TEXT(bad_array), &out, &len), CG_INVALID_UTF8);
    CHECK(out == NULL);
    /* A line that is not JSON still fails the call: the text is no list of orders. */
    CHECK_STATUS(cg_engine_assess_many(engine, TEXT("{\"order_id\": \"o-1\"}\n{\"order_id\":\n"),
                                       &out, &len),
                 CG_INVALID_JSON);
done:
    cJSON_Delete(got);
    cg_string_free(out);
    cg_engine_free(engine);
    return ok;
}

static int test_unknown_order(void) {
    int ok = 1;
    cg_engine *engine = NULL;

    CHECK_STATUS(cg_engine_new(NULL, 0, &engine), CG_OK);
    CHECK_STATUS(cg_engine_record_outcome(engine, TEXT("o-404"), TEXT("delivered")),
                 CG_UNKNOWN_ORDER);
    CHECK(strstr(last_error(), "unknown_order") != NULL);
    CHECK_STATUS(cg_engine_record_negotiated(engine, TEXT("o-404"), true), CG_UNKNOWN_ORDER);
    /* An outcome that is no contract name is a record problem, checked first. */
    CHECK_STATUS(cg_engine_record_outcome(engine, TEXT("o-404"), TEXT("Delivered")),
                 CG_INVALID_RECORD);
done:
    cg_engine_free(engine);
    return ok;
}

static int test_snapshots(void) {
    int ok = 1;
    cg_engine *engine = NULL, *loaded = NULL;
    uint8_t *bytes = NULL;
    uint8_t *copy = NULL;
    size_t len = 0, n = 99;
    cg_status st;

    CHECK_STATUS(cg_engine_new(TEXT("{\"duplicate_window_secs\": 60}"), &engine), CG_OK);
    CHECK_STATUS(cg_engine_save(engine, &bytes, &len), CG_OK);
    CHECK(bytes != NULL && len > 0);

    /* Round trip keeps the policy. */
    CHECK_STATUS(cg_engine_load(bytes, len, &loaded), CG_OK);
    CHECK_STATUS(cg_engine_len(loaded, &n), CG_OK);
    CHECK(n == 0);
    cg_engine_free(loaded);
    loaded = NULL;

    copy = malloc(len);
    CHECK(copy != NULL);

    /* Truncated. */
    CHECK_STATUS(cg_engine_load(bytes, len / 2, &loaded), CG_SNAPSHOT_TRUNCATED);
    CHECK(loaded == NULL);
    CHECK_STATUS(cg_engine_load(bytes, 0, &loaded), CG_SNAPSHOT_TRUNCATED);

    /* One flipped byte in the body. */
    memcpy(copy, bytes, len);
    copy[len - 1] ^= 0x5a;
    st = cg_engine_load(copy, len, &loaded);
    CHECK(st == CG_SNAPSHOT_CORRUPT || st == CG_SNAPSHOT_TRUNCATED);
    CHECK(loaded == NULL);

    /* Every single-byte corruption is refused as a snapshot error (or, for bytes the
     * checksum does not cover, still loads); never anything else. */
    for (size_t i = 0; i < len; i++) {
        memcpy(copy, bytes, len);
        copy[i] ^= 0xff;
        st = cg_engine_load(copy, len, &loaded);
        if (st == CG_OK) {
            cg_engine_free(loaded);
            loaded = NULL;
            continue;
        }
        CHECK(st == CG_SNAPSHOT_CORRUPT || st == CG_SNAPSHOT_TRUNCATED ||
              st == CG_SNAPSHOT_VERSION);
        CHECK(loaded == NULL);
    }

    /* Garbage. */
    st = cg_engine_load((const uint8_t *)"hello, world", 12, &loaded);
    CHECK(st == CG_SNAPSHOT_CORRUPT || st == CG_SNAPSHOT_TRUNCATED ||
          st == CG_SNAPSHOT_VERSION);
done:
    free(copy);
    cg_bytes_free(bytes);
    cg_engine_free(loaded);
    cg_engine_free(engine);
    return ok;
}

/* ---------------------------------------------------------------- normalizers */

static int test_huge_inputs(void) {
    int ok = 1;
    size_t big = 1 << 20;
    char *huge = malloc(big);
    char *out = SENTINEL;
    size_t len = 99;

    CHECK(huge != NULL);
    memset(huge, '6', big);
    CHECK_STATUS(cg_normalize_phone(huge, big, TEXT("MA"), &out, &len), CG_INPUT_TOO_LONG);
    CHECK(out == NULL && len == 0);
    memset(huge, 'a', big);
    huge[big / 2] = '@';
    CHECK_STATUS(cg_normalize_email(huge, big, &out, &len), CG_INPUT_TOO_LONG);
    CHECK_STATUS(cg_parse_email(huge, big, &out, &len), CG_INPUT_TOO_LONG);
    /* A huge JSON string that is not JSON is still just malformed. */
    CHECK_STATUS(cg_parse_phone(huge, big, TEXT("MA"), &out, &len), CG_INPUT_TOO_LONG);
done:
    free(huge);
    return ok;
}

static int test_empty_fields(void) {
    int ok = 1;
    char *out = SENTINEL;
    size_t len = 99;

    CHECK_STATUS(cg_normalize_phone(TEXT(""), TEXT("MA"), &out, &len), CG_PHONE_EMPTY);
    CHECK(out == NULL && len == 0);
    CHECK_STATUS(cg_normalize_phone(TEXT("   "), TEXT("MA"), &out, &len), CG_PHONE_EMPTY);
    CHECK_STATUS(cg_normalize_email(TEXT(""), &out, &len), CG_EMAIL_EMPTY);
    /* An empty country is no country: a national number is no number of any region. */
    CHECK_STATUS(cg_normalize_phone(TEXT("0612345678"), TEXT(""), &out, &len),
                 CG_PHONE_INVALID_FOR_REGION);
    /* A country the library does not know is refused first, whatever the text. */
    CHECK_STATUS(cg_normalize_phone(TEXT("0612345678"), TEXT("ZZ"), &out, &len),
                 CG_INVALID_COUNTRY);
    CHECK_STATUS(cg_normalize_phone(TEXT("x"), TEXT("ZZ"), &out, &len), CG_INVALID_COUNTRY);
done:
    return ok;
}

static int test_phone_text_forms(void) {
    int ok = 1;
    char *out = NULL;
    size_t len = 0;
    /* Arabic-Indic digits and a right-to-left mark, as customers type them. */
    const char *arabic = "\xe2\x80\x8f\xd9\xa0\xd9\xa6\xd9\xa9\xd9\xa6\xd9\xa0\xd9\xa3\xd9\xa0"
                         "\xd9\xa6\xd9\xa2\xd9\xa0"; /* U+200F ٠٦٩٦٠٣٠٦٢٠ */

    CHECK_STATUS(cg_normalize_phone(TEXT(arabic), TEXT("MA"), &out, &len), CG_OK);
    CHECK(strcmp(out, "+212696030620") == 0 && len == 13);
    cg_string_free(out);
    out = NULL;
    CHECK_STATUS(cg_normalize_phone(TEXT("06 12 34\xff"), TEXT("MA"), &out, &len),
                 CG_INVALID_UTF8);
    CHECK_STATUS(cg_find_phone(TEXT("call me on 06 96 03 06 20 please"), TEXT("MA"), &out, &len),
                 CG_OK);
    CHECK(out != NULL && strcmp(out, "+212696030620") == 0);
    cg_string_free(out);
    out = NULL;
    /* Digits that look made up are a weak signal, not an error; all digits equal is junk. */
    CHECK_STATUS(cg_normalize_phone(TEXT("0612345678"), TEXT("MA"), &out, &len), CG_OK);
    CHECK(strcmp(out, "+212612345678") == 0);
    cg_string_free(out);
    out = NULL;
    CHECK_STATUS(cg_normalize_phone(TEXT("0666666666"), TEXT("MA"), &out, &len), CG_PHONE_JUNK);
    CHECK(out == NULL);
    CHECK_STATUS(cg_find_phone(TEXT("no number here"), TEXT("MA"), &out, &len), CG_OK);
    CHECK(out == NULL && len == 0);
done:
    cg_string_free(out);
    return ok;
}

static int test_erase_on_empty_engine(void) {
    int ok = 1;
    cg_engine *engine = NULL;
    size_t n = 99;

    CHECK_STATUS(cg_engine_new(NULL, 0, &engine), CG_OK);
    CHECK_STATUS(cg_engine_erase_by_phone(engine, TEXT("0612345678"), TEXT("MA"), &n), CG_OK);
    CHECK(n == 0);
    CHECK_STATUS(cg_engine_erase_by_phone(engine, TEXT("12"), TEXT("MA"), &n),
                 CG_PHONE_TOO_SHORT);
    CHECK_STATUS(cg_engine_erase_by_email(engine, TEXT("not an email"), &n), CG_EMAIL_INVALID);
    CHECK_STATUS(cg_engine_erase_by_email(engine, TEXT("m.alaoui@gmail.com"), &n), CG_OK);
    CHECK(n == 0);
done:
    cg_engine_free(engine);
    return ok;
}

/* ---------------------------------------------------------------- confirmation flow */

static const char *FLOW_ORDER =
    "{\"order_id\": \"o-1\", \"placed_at\": 1767225600, \"name\": \"Salma\", "
    "\"phone\": \"+212696030620\", \"email\": \"salma@example.com\", \"country\": \"MA\", "
    "\"total\": 349, \"currency\": \"MAD\"}";

static int test_flow_errors(void) {
    int ok = 1;
    cg_flow *flow = (cg_flow *)SENTINEL, *restored = (cg_flow *)SENTINEL;
    const uint8_t secret[] = "s3cret";
    char *out = SENTINEL;
    size_t len = 99;
    bool has = true;
    int64_t at = 99;

    CHECK_STATUS(cg_flow_new(TEXT(FLOW_ORDER), TEXT("confirm"), NULL, 0, secret, 0, NULL, 0, &flow),
                 CG_INVALID_CONFIG); /* empty secret */
    CHECK(flow == NULL);
    /* A name that is not a contract action is a bad setting, as in every binding. */
    CHECK_STATUS(cg_flow_new(TEXT(FLOW_ORDER), TEXT("maybe"), NULL, 0, secret, 6, NULL, 0, &flow),
                 CG_INVALID_CONFIG);
    CHECK_STATUS(cg_flow_new(TEXT("{\"order_id\": \"\", \"placed_at\": 1}"), TEXT("confirm"),
                             NULL, 0, secret, 6, NULL, 0, &flow),
                 CG_INVALID_RECORD);
    CHECK_STATUS(cg_flow_new(TEXT(FLOW_ORDER), TEXT("confirm"), TEXT("{\"bogus\": 1}"), secret,
                             6, NULL, 0, &flow),
                 CG_INVALID_CONFIG);
    CHECK_STATUS(cg_flow_new(TEXT(FLOW_ORDER), TEXT("confirm"), TEXT("{"), secret, 6, NULL, 0, &flow),
                 CG_INVALID_JSON);
    CHECK_STATUS(cg_flow_new(TEXT(FLOW_ORDER), TEXT("confirm"), NULL, 0, NULL, 6, NULL, 0, &flow),
                 CG_NULL_PARAMETER);
    CHECK_STATUS(cg_flow_new(TEXT(FLOW_ORDER), TEXT("confirm"), NULL, 0, secret, 6, NULL, 0, NULL),
                 CG_NULL_PARAMETER);
    CHECK_STATUS(cg_flow_new(TEXT(FLOW_ORDER), TEXT("confirm"), TEXT("null"), secret, 6, NULL, 0, &flow),
                 CG_OK);
    CHECK_STATUS(cg_flow_handle(flow, TEXT("{\"type\": \"teleport\", \"at\": 1}"), &out, &len),
                 CG_INVALID_EVENT);
    CHECK(out == NULL && len == 0);
    CHECK_STATUS(cg_flow_handle(flow, TEXT("{\"type\": "), &out, &len), CG_INVALID_JSON);
    CHECK_STATUS(cg_flow_handle(flow, TEXT("\xff\xfe"), &out, &len), CG_INVALID_UTF8);
    CHECK_STATUS(cg_flow_handle(NULL, TEXT("{}"), &out, &len), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_flow_next_deadline(NULL, &has, &at), CG_NULL_PARAMETER);
    CHECK(!has && at == 0);
    has = true;
    CHECK_STATUS(cg_flow_needs_address(NULL, &has), CG_NULL_PARAMETER);
    CHECK(!has);
    CHECK_STATUS(cg_flow_needs_address(flow, NULL), CG_NULL_PARAMETER);
    /* FLOW_ORDER has no address: the link's page must ask for one. */
    CHECK_STATUS(cg_flow_needs_address(flow, &has), CG_OK);
    CHECK(has);
    /* A window that is no date, and an unknown slot, are invalid events. */
    CHECK_STATUS(cg_flow_handle(flow,
                                TEXT("{\"type\": \"link_clicked\", \"at\": 1767225600, \"token\": "
                                     "\"x\", \"delivery_window\": {\"day\": \"2026-02-30\", "
                                     "\"slot\": \"evening\"}}"),
                                &out, &len),
                 CG_INVALID_EVENT);
    CHECK_STATUS(cg_flow_handle(flow,
                                TEXT("{\"type\": \"delivery_failed\", \"at\": 1767225600, "
                                     "\"reason\": \"lost\"}"),
                                &out, &len),
                 CG_INVALID_EVENT);
    CHECK_STATUS(cg_flow_state(flow, &out, &len), CG_OK);
    CHECK(strcmp(out, "not_started") == 0);
    cg_string_free(out);
    out = NULL;
    CHECK_STATUS(cg_flow_verify_link(flow, TEXT("short"), 1767225600), CG_TOKEN_MALFORMED);
    /* An engine is not a flow, and a flow snapshot must be one. */
    CHECK_STATUS(cg_flow_restore(TEXT("{\"version\": 1}"), secret, 6, &restored),
                 CG_SNAPSHOT_CORRUPT);
    CHECK(restored == NULL);
done:
    cg_string_free(out);
    cg_flow_free(flow);
    cg_flow_free(NULL);
    return ok;
}

/* A JSON escape of a lone surrogate (\ud800 without its pair) is text no Unicode string can
 * hold: invalid_utf8, as a lone surrogate in a Python str (contract section 2), not a JSON
 * syntax error. A proper pair is an ordinary character. */
static int test_lone_surrogate_escapes(void) {
    int ok = 1;
    cg_engine *engine = NULL;
    cg_flow *flow = NULL;
    const uint8_t secret[] = "s3cret";
    char *out = NULL;
    size_t len = 0, added = 0;

    CHECK_STATUS(cg_engine_new(NULL, 0, &engine), CG_OK);
    CHECK_STATUS(cg_engine_assess(engine,
                                  TEXT("{\"order_id\": \"o-1\", \"placed_at\": 1, \"name\": "
                                       "\"\\ud800x\", \"country\": \"MA\"}"),
                                  &out, &len),
                 CG_INVALID_UTF8);
    CHECK(strstr(last_error(), "lone surrogate") != NULL);
    CHECK_STATUS(cg_engine_assess(engine,
                                  TEXT("{\"order_id\": \"o-1\", \"placed_at\": 1, \"name\": "
                                       "\"a\\udc00\", \"country\": \"MA\"}"),
                                  &out, &len),
                 CG_INVALID_UTF8);
    CHECK_STATUS(cg_engine_add_history(engine,
                                       TEXT("{\"order_id\": \"h-1\", \"placed_at\": 1, "
                                            "\"city\": \"\\ud800\\u0041\", \"country\": "
                                            "\"MA\", \"outcome\": \"delivered\"}"),
                                       &added),
                 CG_INVALID_UTF8);
    CHECK(added == 0);
    /* A syntax error elsewhere stays invalid_json. */
    CHECK_STATUS(cg_engine_assess(engine, TEXT("{\"order_id\": \"\\ud83d\\ude00\""), &out,
                                  &len),
                 CG_INVALID_JSON);
    CHECK_STATUS(cg_engine_assess(engine,
                                  TEXT("{\"order_id\": \"o-1\", \"placed_at\": 1, \"name\": "
                                       "\"\\ud83d\\ude00\", \"country\": \"MA\"}"),
                                  &out, &len),
                 CG_OK);
    cg_string_free(out);
    out = NULL;
    CHECK_STATUS(cg_flow_new(TEXT(FLOW_ORDER), TEXT("confirm"), NULL, 0, secret, 6, NULL, 0, &flow),
                 CG_OK);
    CHECK_STATUS(cg_flow_handle(flow, TEXT("{\"type\": \"\\ud800\", \"at\": 1}"), &out, &len),
                 CG_INVALID_UTF8);
done:
    cg_string_free(out);
    cg_flow_free(flow);
    cg_engine_free(engine);
    return ok;
}

static int test_flow_snapshot_round_trip(void) {
    int ok = 1;
    cg_flow *flow = NULL, *again = NULL;
    const uint8_t secret[] = "s3cret";
    char *actions = NULL, *snap = NULL, *state = NULL;
    size_t len = 0;
    bool has = false;
    int64_t at = 0;

    CHECK_STATUS(cg_flow_new(TEXT(FLOW_ORDER), TEXT("confirm"), NULL, 0, secret, 6, NULL, 0, &flow),
                 CG_OK);
    CHECK_STATUS(cg_flow_handle(flow, TEXT("{\"type\": \"placed\", \"at\": 1767225600}"), &actions,
                                &len),
                 CG_OK);
    CHECK(strstr(actions, "\"channel\":\"sms\"") != NULL);
    CHECK_STATUS(cg_flow_next_deadline(flow, &has, &at), CG_OK);
    CHECK(has && at == 1767225600 + 4 * 3600);
    CHECK_STATUS(cg_flow_snapshot(flow, &snap, &len), CG_OK);
    CHECK_STATUS(cg_flow_restore(snap, len, secret, 6, &again), CG_OK);
    CHECK_STATUS(cg_flow_state(again, &state, &len), CG_OK);
    CHECK(strcmp(state, "awaiting_sms") == 0);
    /* A confirmation reply ends it. */
    cg_string_free(actions);
    actions = NULL;
    CHECK_STATUS(cg_flow_handle(again,
                                TEXT("{\"type\": \"reply\", \"at\": 1767226000, \"channel\": "
                                     "\"sms\", \"intent\": \"confirm\"}"),
                                &actions, &len),
                 CG_OK);
    /* FLOW_ORDER has no address: customer service must get one. */
    CHECK(strcmp(actions, "[{\"type\":\"confirm\"},{\"type\":\"notify_customer_service\","
                          "\"reason\":\"address_missing\"}]") == 0);
    CHECK_STATUS(cg_flow_next_deadline(again, &has, &at), CG_OK);
    CHECK(!has && at == 0);
done:
    cg_string_free(actions);
    cg_string_free(snap);
    cg_string_free(state);
    cg_flow_free(flow);
    cg_flow_free(again);
    return ok;
}

/* The first link a flow's actions carry (the token after the last '/'), copied into `out`. */
static int first_token(const char *actions, char out[33]) {
    const char *link = strstr(actions, "\"link\":\"");
    const char *end, *slash;
    if (link == NULL) return 0;
    link += 8;
    end = strchr(link, '"');
    if (end == NULL) return 0;
    slash = end;
    while (slash > link && slash[-1] != '/') slash--;
    if (end - slash != 32) return 0;
    memcpy(out, slash, 32);
    out[32] = '\0';
    return 1;
}

/* Issue 16 items 4, 5, 8 and the template caps, through C: sealed snapshots, totals that are
 * not amounts, links bound to the flow that sent them, capped names. */
/* Issue 16: JSON nested 100,000 deep is an error status (never a stack overflow),
 * and an order id the store could not hold (a NUL, over 191 characters) is refused by name. */
static int test_deep_json_and_field_limits(void) {
    int ok = 1;
    const uint8_t secret[] = "s3cret";
    size_t depth = 100000, i, len = 0, added = 99;
    char *deep = malloc(2 * depth + 64);
    char *out = SENTINEL, *long_id = NULL;
    cg_engine *engine = NULL;
    cg_flow *flow = NULL;
    cg_send_guard *guard = NULL;
    cg_status st;

    CHECK(deep != NULL);
    for (i = 0; i < depth; i++) deep[i] = '[';
    for (i = 0; i < depth; i++) deep[depth + i] = ']';
    /* Where the value's type is wrong at its first byte, serde stops there (a data error);
     * where it reads on, it stops at 128 levels (malformed JSON) or skips the value without
     * recursing. Never a crash. */
    CHECK(cg_engine_new(deep, 2 * depth, &engine) == CG_INVALID_CONFIG);
    CHECK(engine == NULL);
    CHECK(cg_send_guard_new(deep, 2 * depth, secret, 6, &guard) == CG_INVALID_CONFIG);
    CHECK_STATUS(cg_engine_new(NULL, 0, &engine), CG_OK);
    CHECK_STATUS(cg_engine_assess(engine, deep, 2 * depth, &out, &len), CG_INVALID_RECORD);
    CHECK_STATUS(cg_engine_add_history(engine, deep, 2 * depth, &added), CG_INVALID_RECORD);
    /* A record's text field holding 100,000 nested lists: skipped without recursion, then
     * refused by name. */
    {
        const char *head = "{\"order_id\": \"o-1\", \"placed_at\": 1, \"country\": \"MA\", \"name\": ";
        char *rec = malloc(strlen(head) + 2 * depth + 2);
        CHECK(rec != NULL);
        memcpy(rec, head, strlen(head));
        memcpy(rec + strlen(head), deep, 2 * depth);
        rec[strlen(head) + 2 * depth] = '}';
        st = cg_engine_assess(engine, rec, strlen(head) + 2 * depth + 1, &out, &len);
        free(rec);
        CHECK_STATUS(st, CG_INVALID_RECORD);
        CHECK(strstr(last_error(), "field `name` must be a string or null, not a list") != NULL);
    }
    /* Inside an object: {"x": [[[...]]]} as a flow's event and policy. */
    memcpy(deep, "{\"x\": ", 6);
    memcpy(deep + 2 * depth, "}", 1);
    st = cg_flow_new(TEXT(FLOW_ORDER), TEXT("confirm"), deep, 2 * depth + 1, secret, 6, NULL, 0,
                     &flow);
    CHECK(st == CG_INVALID_JSON || st == CG_INVALID_CONFIG);
    CHECK(flow == NULL);
    CHECK_STATUS(cg_flow_new(TEXT(FLOW_ORDER), TEXT("confirm"), NULL, 0, secret, 6, NULL, 0, &flow),
                 CG_OK);
    st = cg_flow_handle(flow, deep, 2 * depth + 1, &out, &len);
    CHECK(st == CG_INVALID_JSON || st == CG_INVALID_EVENT);
    CHECK(out == NULL);

    /* The order id: a NUL (as a JSON escape), 192 characters; 191 Arabic-Indic digits pass. */
    CHECK_STATUS(cg_engine_assess(engine,
                                  TEXT("{\"order_id\": \"o\\u00001\", \"placed_at\": 1, "
                                       "\"country\": \"MA\"}"),
                                  &out, &len),
                 CG_INVALID_RECORD);
    CHECK(strstr(last_error(), "`order_id` holds a NUL") != NULL);
    long_id = malloc(64 + 192 * 2);
    CHECK(long_id != NULL);
    strcpy(long_id, "{\"order_id\": \"");
    for (i = 0; i < 192; i++) strcat(long_id, "\xd9\xa3"); /* U+0663 */
    strcat(long_id, "\", \"placed_at\": 1, \"country\": \"MA\"}");
    CHECK_STATUS(cg_engine_assess(engine, long_id, strlen(long_id), &out, &len),
                 CG_INVALID_RECORD);
    CHECK(strstr(last_error(), "`order_id` is 192 characters long, the maximum is 191") != NULL);
    memmove(long_id + 14, long_id + 16, strlen(long_id + 16) + 1); /* 191 characters */
    CHECK_STATUS(cg_engine_assess(engine, long_id, strlen(long_id), &out, &len), CG_OK);
    cg_string_free(out);
    out = NULL;
done:
    free(deep);
    free(long_id);
    cg_flow_free(flow);
    cg_send_guard_free(guard);
    cg_engine_free(engine);
    return ok;
}

static int test_flow_hostile_inputs(void) {
    int ok = 1;
    const uint8_t secret[] = "s3cret";
    const char *placed = "{\"type\": \"placed\", \"at\": 1767225600}";
    cg_flow *flow = NULL, *review = NULL, *restarted = NULL, *again = NULL;
    char *actions = NULL, *snap = NULL, *order_token = NULL, *big_order = NULL;
    char token[33];
    size_t len = 0, snap_len = 0, tested = 0, i;
    uint32_t parts = 0;
    const char *seg;

    /* A total that is no amount cannot be stored: refused at creation. */
    CHECK(cg_flow_new(TEXT("{\"order_id\": \"o-1\", \"placed_at\": 1, \"total\": 1e999}"),
                      TEXT("confirm"), NULL, 0, secret, 6, NULL, 0, &flow) != CG_OK);
    CHECK(flow == NULL);
    CHECK_STATUS(cg_flow_new(TEXT("{\"order_id\": \"o-1\", \"placed_at\": 1, \"total\": -5}"),
                             TEXT("confirm"), NULL, 0, secret, 6, NULL, 0, &flow),
                 CG_INVALID_RECORD);
    CHECK_STATUS(cg_flow_new(TEXT(FLOW_ORDER), TEXT("confirm"), NULL, 0, secret, 6,
                             (const uint8_t *)"short", 5, &flow),
                 CG_INVALID_CONFIG);

    /* Random nonces (NULL): two flows of the same order send different links. */
    CHECK_STATUS(cg_flow_new(TEXT(FLOW_ORDER), TEXT("confirm"), NULL, 0, secret, 6, NULL, 0, &flow),
                 CG_OK);
    CHECK_STATUS(cg_flow_handle(flow, TEXT(placed), &actions, &len), CG_OK);
    CHECK(first_token(actions, token));
    CHECK_STATUS(cg_flow_verify_link(flow, TEXT(token), 1767225600), CG_OK);
    /* The flow restarted for the reused order id: the old link does not pass, nor confirm. */
    CHECK_STATUS(cg_flow_new(TEXT(FLOW_ORDER), TEXT("confirm"), NULL, 0, secret, 6, NULL, 0,
                             &restarted),
                 CG_OK);
    cg_string_free(actions);
    actions = NULL;
    CHECK_STATUS(cg_flow_handle(restarted, TEXT(placed), &actions, &len), CG_OK);
    CHECK(strstr(actions, token) == NULL);
    CHECK_STATUS(cg_flow_verify_link(restarted, TEXT(token), 1767225600), CG_TOKEN_WRONG_ORDER);
    /* A review flow never sent a link: a genuine order token of the same order id fails. */
    CHECK_STATUS(cg_issue_token(secret, 6, TEXT("o-1"), 1767300000, &order_token, &len), CG_OK);
    CHECK_STATUS(cg_flow_new(TEXT(FLOW_ORDER), TEXT("review"), NULL, 0, secret, 6, NULL, 0,
                             &review),
                 CG_OK);
    cg_string_free(actions);
    actions = NULL;
    CHECK_STATUS(cg_flow_handle(review, TEXT(placed), &actions, &len), CG_OK);
    CHECK(strcmp(actions, "[{\"type\":\"flag_for_call\"}]") == 0);
    CHECK(cg_flow_verify_link(review, TEXT(order_token), 1767225700) != CG_OK);
    CHECK(cg_flow_verify_link(review, TEXT(token), 1767225700) != CG_OK);

    /* A sealed snapshot: another secret, or any flipped bit (every 5th is tried), is refused. */
    CHECK_STATUS(cg_flow_snapshot(flow, &snap, &snap_len), CG_OK);
    CHECK_STATUS(cg_flow_restore(snap, snap_len, (const uint8_t *)"other", 5, &again),
                 CG_SNAPSHOT_CORRUPT);
    for (i = 0; i < snap_len * 8; i += 5) {
        cg_status st;
        snap[i / 8] ^= (char)(1 << (i % 8));
        st = cg_flow_restore(snap, snap_len, secret, 6, &again);
        snap[i / 8] ^= (char)(1 << (i % 8));
        if (st == CG_OK) {
            fprintf(stderr, "  bit %zu flipped and accepted\n", i);
            CHECK(0);
        }
        CHECK(again == NULL);
        tested++;
    }
    CHECK(tested > 1000);
    CHECK_STATUS(cg_flow_restore(snap, snap_len, secret, 6, &again), CG_OK);

    /* A 1 MB name is refused (16,384 bytes at most); the longest a record may hold is cut in
     * the message: one SMS stays a few parts, not hundreds. */
    big_order = malloc(1100000);
    CHECK(big_order != NULL);
    strcpy(big_order, "{\"order_id\": \"o-2\", \"placed_at\": 1767225600, \"phone\": "
                      "\"+212696030620\", \"country\": \"MA\", \"name\": \"");
    len = strlen(big_order);
    for (i = 0; i < 1000000 / 6; i++, len += 6) memcpy(big_order + len, "Salma ", 6);
    strcpy(big_order + len, "\"}");
    cg_flow_free(again);
    again = NULL;
    CHECK_STATUS(cg_flow_new(TEXT(big_order), TEXT("confirm"), NULL, 0, secret, 6, NULL, 0, &again),
                 CG_INVALID_RECORD);
    CHECK(strstr(last_error(), "field `name` is 999996 bytes long") != NULL);
    len = strlen("{\"order_id\": \"o-2\", \"placed_at\": 1767225600, \"phone\": "
                 "\"+212696030620\", \"country\": \"MA\", \"name\": \"") + 2730 * 6;
    strcpy(big_order + len, "\"}");
    CHECK_STATUS(cg_flow_new(TEXT(big_order), TEXT("confirm"), NULL, 0, secret, 6, NULL, 0, &again),
                 CG_OK);
    cg_string_free(actions);
    actions = NULL;
    CHECK_STATUS(cg_flow_handle(again, TEXT(placed), &actions, &len), CG_OK);
    seg = strstr(actions, "\"segments\":");
    CHECK(seg != NULL && sscanf(seg + 11, "%u", &parts) == 1);
    CHECK(parts <= 2);
    CHECK(len < 1000);
done:
    free(big_order);
    cg_string_free(actions);
    cg_string_free(snap);
    cg_string_free(order_token);
    cg_flow_free(flow);
    cg_flow_free(review);
    cg_flow_free(restarted);
    cg_flow_free(again);
    return ok;
}

static int test_send_guard_errors(void) {
    int ok = 1;
    cg_send_guard *guard = (cg_send_guard *)SENTINEL, *other = (cg_send_guard *)SENTINEL;
    const uint8_t secret[] = "s3cret";
    const char *sms = "{\"type\": \"send\", \"channel\": \"sms\", \"template\": \"sms_confirm\", "
                      "\"to\": \"+212612345678\", \"segments\": 1, \"lang\": \"fr\", \"body\": \"x\"}";
    char *out = SENTINEL, *snap = NULL;
    size_t len = 99;

    CHECK_STATUS(cg_send_guard_new(NULL, 0, secret, 0, &guard), CG_INVALID_CONFIG);
    CHECK(guard == NULL);
    CHECK_STATUS(cg_send_guard_new(TEXT("{\"countries\": [\"MAR\"]}"), secret, 6, &guard),
                 CG_INVALID_CONFIG);
    CHECK_STATUS(cg_send_guard_new(TEXT("{"), secret, 6, &guard), CG_INVALID_JSON);
    CHECK_STATUS(cg_send_guard_new(NULL, 0, secret, 6, NULL), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_send_guard_new(TEXT("{\"per_number_per_day\": 1}"), secret, 6, &guard), CG_OK);
    CHECK_STATUS(cg_send_guard_admit(NULL, TEXT(sms), TEXT("MA"), 1767225600, &out, &len),
                 CG_NULL_PARAMETER);
    CHECK(out == NULL && len == 0);
    CHECK_STATUS(cg_send_guard_admit(guard, TEXT("{\"type\": \"confirm\"}"), TEXT("MA"),
                                     1767225600, &out, &len),
                 CG_INVALID_RECORD);
    CHECK_STATUS(cg_send_guard_admit(guard, TEXT(sms), TEXT("\xff"), 1767225600, &out, &len),
                 CG_INVALID_UTF8);
    CHECK_STATUS(cg_send_guard_admit(guard, TEXT(sms), TEXT("MA"), 1767225600, &out, &len), CG_OK);
    CHECK(strcmp(out, "null") == 0);
    cg_string_free(out);
    out = NULL;
    CHECK_STATUS(cg_send_guard_admit(guard, TEXT(sms), TEXT("MA"), 1767225601, &out, &len), CG_OK);
    CHECK(strstr(out, "\"reason\":\"number_daily_limit\"") != NULL);
    CHECK_STATUS(cg_send_guard_snapshot(guard, &snap, &len), CG_OK);
    /* Another secret, or a changed byte, is refused. */
    CHECK_STATUS(cg_send_guard_restore(snap, len, NULL, 0, (const uint8_t *)"other", 5, &other),
                 CG_SNAPSHOT_CORRUPT);
    CHECK(other == NULL);
    snap[len / 2] ^= 1;
    CHECK(cg_send_guard_restore(snap, len, NULL, 0, secret, 6, &other) != CG_OK);
    CHECK(other == NULL);
    CHECK_STATUS(cg_send_guard_restore(TEXT("{\"version\": 1}"), NULL, 0, secret, 6, &other),
                 CG_SNAPSHOT_CORRUPT);
done:
    cg_string_free(out);
    cg_string_free(snap);
    cg_send_guard_free(guard);
    cg_send_guard_free(other);
    cg_send_guard_free(NULL);
    return ok;
}

/* ---------------------------------------------------------------- vectors */

/* A string field of a case, or NULL for JSON null / missing. */
static const char *str_field(const cJSON *c, const char *name) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The status name of a call, as the vectors spell error codes. */
static int same_error(cg_status st, const char *want) {
    if (want == NULL) return st == CG_OK;
    return st != CG_OK && strcmp(cg_status_name(st), want) == 0;
}

static int same_text(const char *got, const char *want) {
    if (want == NULL) return got == NULL;
    return got != NULL && strcmp(got, want) == 0;
}

static int phone_case(const cJSON *c) {
    int ok = 1;
    const char *raw = str_field(c, "raw");
    const char *country = str_field(c, "country");
    const char *expected = str_field(c, "expected");
    const char *error = str_field(c, "error");
    int looks_fake = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "looks_fake"));
    int junk = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "junk"));
    char *out = NULL, *info = NULL;
    cJSON *parsed = NULL;
    size_t len = 0;
    cg_status st;

    CHECK(raw != NULL && country != NULL);
    st = cg_normalize_phone(TEXT(raw), TEXT(country), &out, &len);
    if (!same_error(st, error)) {
        fprintf(stderr, "  phone %s: status %s, want %s\n", str_field(c, "note"),
                cg_status_name(st), error ? error : "ok");
        CHECK(0);
    }
    if (error == NULL) CHECK(same_text(out, expected));
    st = cg_parse_phone(TEXT(raw), TEXT(country), &info, &len);
    if (expected == NULL) {
        CHECK(st != CG_OK && info == NULL);
    } else {
        CHECK(st == CG_OK);
        parsed = cJSON_Parse(info);
        CHECK(parsed != NULL);
        CHECK(same_text(str_field(parsed, "e164"), expected));
        CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(parsed, "looks_fake")) == looks_fake);
        CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(parsed, "junk")) == junk);
    }
done:
    cJSON_Delete(parsed);
    cg_string_free(info);
    cg_string_free(out);
    return ok;
}

static int email_case(const cJSON *c) {
    int ok = 1;
    const char *raw = str_field(c, "raw");
    const char *error = str_field(c, "error");
    char *out = NULL, *info = NULL;
    cJSON *parsed = NULL;
    size_t len = 0;
    cg_status st;

    CHECK(raw != NULL);
    st = cg_normalize_email(TEXT(raw), &out, &len);
    if (!same_error(st, error)) {
        fprintf(stderr, "  email %s: status %s, want %s\n", str_field(c, "note"),
                cg_status_name(st), error ? error : "ok");
        CHECK(0);
    }
    CHECK(same_text(out, str_field(c, "address")));
    st = cg_parse_email(TEXT(raw), &info, &len);
    CHECK(same_error(st, error));
    if (error == NULL) {
        parsed = cJSON_Parse(info);
        CHECK(parsed != NULL);
        CHECK(same_text(str_field(parsed, "address"), str_field(c, "address")));
        CHECK(same_text(str_field(parsed, "key"), str_field(c, "key")));
        CHECK(same_text(str_field(parsed, "fake"), str_field(c, "fake")));
        CHECK(same_text(str_field(parsed, "suggestion"), str_field(c, "suggestion")));
    }
done:
    cJSON_Delete(parsed);
    cg_string_free(info);
    cg_string_free(out);
    return ok;
}

/* name.json: pairs {"a", "b", "close"} (close: >= 0.8, far: < 0.5) and {"raw", "nonsense"}. */
static int name_case(const cJSON *c) {
    int ok = 1;
    const char *a = str_field(c, "a");
    const char *b = str_field(c, "b");
    const char *raw = str_field(c, "raw");
    const cJSON *close = cJSON_GetObjectItemCaseSensitive(c, "close");
    const cJSON *nonsense = cJSON_GetObjectItemCaseSensitive(c, "nonsense");
    char *info = NULL;
    cJSON *got = NULL;
    size_t len = 0;
    double score = -1.0;

    if (a != NULL && b != NULL && cJSON_IsBool(close)) {
        CHECK_STATUS(cg_name_similarity(TEXT(a), TEXT(b), &score), CG_OK);
        if (cJSON_IsTrue(close) ? score < 0.8 : score >= 0.5) {
            fprintf(stderr, "  name %s / %s: %.3f\n", a, b, score);
            CHECK(0);
        }
    } else {
        CHECK(raw != NULL && cJSON_IsBool(nonsense));
        CHECK_STATUS(cg_parse_name(TEXT(raw), &info, &len), CG_OK);
        got = cJSON_Parse(info);
        CHECK(got != NULL);
        CHECK(cJSON_Compare(cJSON_GetObjectItemCaseSensitive(got, "nonsense"), nonsense, 1));
    }
done:
    cJSON_Delete(got);
    cg_string_free(info);
    return ok;
}

static int address_case(const cJSON *c) {
    int ok = 1;
    const char *raw = str_field(c, "raw");
    const char *city = str_field(c, "city");
    const char *country = str_field(c, "country");
    const char *error = str_field(c, "error");
    const cJSON *expected = cJSON_GetObjectItemCaseSensitive(c, "expected");
    const cJSON *field;
    char *out = NULL, *info = NULL;
    cJSON *got = NULL;
    size_t len = 0;

    if (city == NULL) city = "";
    if (country == NULL) country = "";
    if (error != NULL) {
        CHECK(raw != NULL);
        CHECK(same_error(cg_normalize_address(TEXT(raw), TEXT(city), TEXT(country), &out, &len),
                         error));
        CHECK(out == NULL);
        CHECK(same_error(cg_parse_address(TEXT(raw), TEXT(city), TEXT(country), &info, &len),
                         error));
        CHECK(info == NULL);
        goto done;
    }
    CHECK(raw != NULL && cJSON_IsObject(expected));
    CHECK_STATUS(cg_normalize_address(TEXT(raw), TEXT(city), TEXT(country), &out, &len), CG_OK);
    CHECK(same_text(out, str_field(expected, "text")));
    CHECK_STATUS(cg_parse_address(TEXT(raw), TEXT(city), TEXT(country), &info, &len), CG_OK);
    got = cJSON_Parse(info);
    CHECK(got != NULL);
    cJSON_ArrayForEach(field, expected) {
        if (!cJSON_Compare(cJSON_GetObjectItemCaseSensitive(got, field->string), field, 1)) {
            fprintf(stderr, "  address %s: field %s differs: %s\n", raw, field->string, info);
            CHECK(0);
        }
    }
done:
    cJSON_Delete(got);
    cg_string_free(info);
    cg_string_free(out);
    return ok;
}

/* The codes of a JSON array of reasons, compared in order with an array of strings. */
static int same_reason_codes(const cJSON *reasons, const cJSON *want) {
    const cJSON *r = reasons ? reasons->child : NULL;
    const cJSON *w = want ? want->child : NULL;
    for (; r != NULL && w != NULL; r = r->next, w = w->next) {
        if (!same_text(str_field(r, "code"), cJSON_GetStringValue(w))) return 0;
    }
    return r == NULL && w == NULL;
}

/* The order ids of a JSON array of matches, as a set, against a sorted array of strings. */
static int same_match_ids(const cJSON *matches, const cJSON *want) {
    const cJSON *w, *m;
    if (cJSON_GetArraySize(matches) != cJSON_GetArraySize(want)) return 0;
    cJSON_ArrayForEach(w, want) {
        int found = 0;
        cJSON_ArrayForEach(m, matches) {
            found |= same_text(str_field(m, "order_id"), cJSON_GetStringValue(w));
        }
        if (!found) return 0;
    }
    return 1;
}

/* assess.json: a new engine (with `config`), `history` added, `order` assessed. */
static int assess_case(const cJSON *c) {
    int ok = 1;
    const cJSON *config = cJSON_GetObjectItemCaseSensitive(c, "config");
    const cJSON *want = cJSON_GetObjectItemCaseSensitive(c, "expected");
    const cJSON *want_matches = cJSON_GetObjectItemCaseSensitive(want, "matches");
    char *config_text = NULL, *history_text = NULL, *order_text = NULL, *out = NULL;
    char *kept_out = NULL;
    cJSON *got = NULL;
    cg_engine *engine = NULL, *kept = NULL;
    size_t len = 0, added = 0, kept_len = 0, held = 0;

    config_text = cJSON_IsNull(config) ? NULL : cJSON_PrintUnformatted(config);
    history_text = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(c, "history"));
    order_text = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(c, "order"));
    CHECK(history_text != NULL && order_text != NULL && want != NULL);
    CHECK_STATUS(cg_engine_new(config_text, config_text ? strlen(config_text) : 0, &engine), CG_OK);
    CHECK_STATUS(cg_engine_add_history(engine, TEXT(history_text), &added), CG_OK);
    CHECK_STATUS(cg_engine_assess(engine, TEXT(order_text), &out, &len), CG_OK);
    got = cJSON_Parse(out);
    CHECK(got != NULL);
    /* In one step with adding it: the same answer, byte for byte, and the order is then held. */
    CHECK_STATUS(cg_engine_new(config_text, config_text ? strlen(config_text) : 0, &kept), CG_OK);
    CHECK_STATUS(cg_engine_add_history(kept, TEXT(history_text), &added), CG_OK);
    CHECK_STATUS(cg_engine_assess_and_add(kept, TEXT(order_text), &kept_out, &kept_len), CG_OK);
    CHECK(kept_len == len && memcmp(kept_out, out, len) == 0);
    CHECK_STATUS(cg_engine_len(kept, &held), CG_OK);
    CHECK(held == added + 1);
    CHECK_STATUS(cg_engine_add_order(kept, TEXT(order_text)), CG_DUPLICATE_ORDER);
    if (!same_text(str_field(got, "customer_class"), str_field(want, "customer_class")) ||
        !same_text(str_field(got, "action"), str_field(want, "action")) ||
        !same_reason_codes(cJSON_GetObjectItemCaseSensitive(got, "reasons"),
                           cJSON_GetObjectItemCaseSensitive(want, "reasons")) ||
        !cJSON_Compare(cJSON_GetObjectItemCaseSensitive(got, "notify_customer_service"),
                       cJSON_GetObjectItemCaseSensitive(want, "notify_customer_service"), 1) ||
        (want_matches != NULL &&
         !same_match_ids(cJSON_GetObjectItemCaseSensitive(got, "matches"), want_matches))) {
        fprintf(stderr, "  got %s\n", out);
        CHECK(0);
    }
done:
    cJSON_Delete(got);
    cJSON_free(config_text);
    cJSON_free(history_text);
    cJSON_free(order_text);
    cg_string_free(out);
    cg_string_free(kept_out);
    cg_engine_free(engine);
    cg_engine_free(kept);
    return ok;
}

/* records.json: an order assessed, or a history record added, on an empty engine; the error
 * code, and the last error message naming the field. A case's `text` is the record as the text
 * of a JSON Lines line (text that is not JSON is invalid_json), given as it is. */
static int records_case(const cJSON *c) {
    int ok = 1;
    const char *kind = str_field(c, "kind");
    const char *error = str_field(c, "error");
    const char *field = str_field(c, "field");
    const char *line = str_field(c, "text");
    const cJSON *record = cJSON_GetObjectItemCaseSensitive(c, "record");
    char *text = NULL, *out = NULL;
    char named[128];
    cg_engine *engine = NULL;
    size_t len = 0, added = 0;
    cg_status st;

    CHECK(kind != NULL && (record != NULL || line != NULL));
    CHECK_STATUS(cg_engine_new(NULL, 0, &engine), CG_OK);
    /* One record as a JSON Lines text. */
    if (line == NULL) {
        text = cJSON_PrintUnformatted(record);
        CHECK(text != NULL);
        line = text;
    }
    if (strcmp(kind, "history") == 0) {
        st = cg_engine_add_history(engine, TEXT(line), &added);
    } else {
        st = cg_engine_assess(engine, TEXT(line), &out, &len);
    }
    if (!same_error(st, error)) {
        fprintf(stderr, "  records %s: status %s, want %s: %s\n", str_field(c, "note"),
                cg_status_name(st), error ? error : "ok", last_error());
        CHECK(0);
    }
    if (error != NULL && field != NULL) {
        snprintf(named, sizeof named, "`%s`", field);
        if (strstr(last_error(), named) == NULL) {
            fprintf(stderr, "  records %s: message does not name %s: %s\n",
                    str_field(c, "note"), named, last_error());
            CHECK(0);
        }
    }
done:
    cJSON_free(text);
    cg_string_free(out);
    cg_engine_free(engine);
    return ok;
}

/* events.json: an event fed to a new `confirm` flow of the case's order; the error code, the
 * last error message naming the field and never holding the value. */
static int events_case(const cJSON *c) {
    int ok = 1;
    const char *error = str_field(c, "error");
    const char *field = str_field(c, "field");
    const char *value = str_field(c, "value");
    const char *secret = "shop-secret-1", *nonce = "vector-flow-nonce";
    char *order = NULL, *event = NULL, *out = NULL;
    char named[128];
    cg_flow *flow = NULL;
    size_t len = 0;
    cg_status st;

    order = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(c, "order"));
    event = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(c, "event"));
    CHECK(order != NULL && event != NULL);
    CHECK_STATUS(cg_flow_new(TEXT(order), TEXT("confirm"), NULL, 0, (const uint8_t *)secret,
                             strlen(secret), (const uint8_t *)nonce, strlen(nonce), &flow),
                 CG_OK);
    st = cg_flow_handle(flow, TEXT(event), &out, &len);
    if (!same_error(st, error)) {
        fprintf(stderr, "  events %s: status %s, want %s: %s\n", str_field(c, "note"),
                cg_status_name(st), error ? error : "ok", last_error());
        CHECK(0);
    }
    if (error != NULL && field != NULL) {
        snprintf(named, sizeof named, "`%s`", field);
        if (strstr(last_error(), named) == NULL) {
            fprintf(stderr, "  events %s: message does not name %s: %s\n", str_field(c, "note"),
                    named, last_error());
            CHECK(0);
        }
    }
    if (error != NULL && value != NULL && strstr(last_error(), value) != NULL) {
        fprintf(stderr, "  events %s: message repeats the value: %s\n", str_field(c, "note"),
                last_error());
        CHECK(0);
    }
done:
    cJSON_free(order);
    cJSON_free(event);
    cg_string_free(out);
    cg_flow_free(flow);
    return ok;
}

static int reply_intent_case(const cJSON *c) {
    int ok = 1;
    const char *text = str_field(c, "text");
    /* null and "" both mean "no country"; C passes "". */
    const char *country = str_field(c, "country");
    const char *error = str_field(c, "error");
    const cJSON *expected = cJSON_GetObjectItemCaseSensitive(c, "expected");
    char *out = NULL;
    cJSON *got = NULL;
    size_t len = 0;
    cg_status st;

    CHECK(text != NULL && expected != NULL);
    if (country == NULL) country = "";
    st = cg_reply_intent(TEXT(text), TEXT(country), &out, &len);
    if (!same_error(st, error)) {
        fprintf(stderr, "  reply %s: status %s, want %s\n", str_field(c, "note"),
                cg_status_name(st), error ? error : "ok");
        CHECK(0);
    }
    if (error != NULL) {
        CHECK(out == NULL && len == 0);
        goto done;
    }
    got = cJSON_Parse(out);
    CHECK(got != NULL);
    if (!cJSON_Compare(got, expected, 1)) {
        fprintf(stderr, "  reply %s: got %s\n", str_field(c, "note"), out);
        CHECK(0);
    }
done:
    cJSON_Delete(got);
    cg_string_free(out);
    return ok;
}

static int token_case(const cJSON *c) {
    int ok = 1;
    const char *op = str_field(c, "op");
    const char *secret = str_field(c, "secret");
    const char *order_id = str_field(c, "order_id");
    const char *token = str_field(c, "token");
    char *out = NULL;
    size_t len = 0;
    cg_status st;

    CHECK(op != NULL && secret != NULL && order_id != NULL);
    if (strcmp(op, "issue") == 0) {
        double expires = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(c, "expires_at"));
        st = cg_issue_token((const uint8_t *)secret, strlen(secret), TEXT(order_id),
                            (int64_t)expires, &out, &len);
        CHECK(same_error(st, str_field(c, "error")));
        if (st == CG_OK) CHECK(same_text(out, token));
    } else {
        double now = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(c, "now"));
        CHECK(token != NULL);
        st = cg_verify_token((const uint8_t *)secret, strlen(secret), TEXT(token),
                             TEXT(order_id), (int64_t)now);
        CHECK(same_error(st, str_field(c, "error")));
    }
done:
    cg_string_free(out);
    return ok;
}

/* One step of a send guard case on `guard`: the verdict (JSON null or the send_denied event)
 * or the error. */
static int guard_step(cg_send_guard *guard, const cJSON *step, const char *country) {
    int ok = 1;
    char *action = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(step, "action"));
    double at = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(step, "at"));
    const char *error = str_field(step, "error");
    char *out = NULL;
    size_t len = 0;
    cJSON *got = NULL;
    cg_status st;

    CHECK(action != NULL);
    st = cg_send_guard_admit(guard, TEXT(action), TEXT(country), (int64_t)at, &out, &len);
    CHECK(same_error(st, error));
    if (error == NULL) {
        got = cJSON_Parse(out);
        if (!cJSON_Compare(got, cJSON_GetObjectItemCaseSensitive(step, "denied"), 1)) {
            fprintf(stderr, "  verdict %s\n", out);
            CHECK(0);
        }
    } else {
        CHECK(out == NULL);
    }
done:
    cJSON_Delete(got);
    cJSON_free(action);
    cg_string_free(out);
    return ok;
}

/* One send guard case: each step on a guard restored from the previous snapshot, beside one
 * kept live; both must answer alike and end with the same snapshot. */
static int send_guard_case(const cJSON *c) {
    int ok = 1;
    const char *secret = str_field(c, "secret");
    const char *country = str_field(c, "country");
    char *policy = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(c, "policy"));
    cg_send_guard *live = NULL, *restored = NULL;
    char *stored = NULL, *again = NULL;
    size_t len = 0, again_len = 0;
    const cJSON *step;

    CHECK(secret != NULL && country != NULL && policy != NULL);
    if (str_field(c, "error") != NULL) {
        cg_status st = cg_send_guard_new(TEXT(policy), (const uint8_t *)secret, strlen(secret),
                                         &live);
        CHECK(same_error(st, str_field(c, "error")));
        CHECK(live == NULL);
        goto done;
    }
    CHECK_STATUS(cg_send_guard_new(TEXT(policy), (const uint8_t *)secret, strlen(secret), &live),
                 CG_OK);
    CHECK_STATUS(cg_send_guard_snapshot(live, &stored, &len), CG_OK);
    cJSON_ArrayForEach(step, cJSON_GetObjectItemCaseSensitive(c, "steps")) {
        CHECK_STATUS(cg_send_guard_restore(stored, len, TEXT(policy), (const uint8_t *)secret,
                                           strlen(secret), &restored),
                     CG_OK);
        CHECK(guard_step(live, step, country));
        CHECK(guard_step(restored, step, country));
        cg_string_free(stored);
        stored = NULL;
        CHECK_STATUS(cg_send_guard_snapshot(restored, &stored, &len), CG_OK);
        CHECK_STATUS(cg_send_guard_snapshot(live, &again, &again_len), CG_OK);
        CHECK(len == again_len && memcmp(stored, again, len) == 0);
        cg_string_free(again);
        again = NULL;
        cg_send_guard_free(restored);
        restored = NULL;
    }
done:
    cJSON_free(policy);
    cg_string_free(stored);
    cg_string_free(again);
    cg_send_guard_free(live);
    cg_send_guard_free(restored);
    return ok;
}

/* One flow vector: build the flow, feed every step's event, compare actions (or the error),
 * state and next deadline. */
static int flow_file(const cJSON *doc) {
    int ok = 1;
    const cJSON *order = cJSON_GetObjectItemCaseSensitive(doc, "order");
    const cJSON *policy = cJSON_GetObjectItemCaseSensitive(doc, "policy");
    const char *action = str_field(doc, "action");
    const char *secret = str_field(doc, "secret");
    const char *nonce = str_field(doc, "nonce");
    const cJSON *step;
    char *order_text = NULL, *policy_text = NULL, *event_text = NULL;
    char *out = NULL, *state = NULL;
    cJSON *got = NULL;
    cg_flow *flow = NULL;
    size_t len = 0;
    int i = 0;

    CHECK(order != NULL && action != NULL && secret != NULL && nonce != NULL);
    order_text = cJSON_PrintUnformatted(order);
    policy_text = cJSON_PrintUnformatted(policy); /* "null" for the default */
    CHECK(order_text != NULL && policy_text != NULL);
    if (str_field(doc, "error") != NULL) {
        /* The flow cannot be created (a bad policy, say): nothing to replay. */
        cg_status st = cg_flow_new(TEXT(order_text), TEXT(action), TEXT(policy_text),
                                   (const uint8_t *)secret, strlen(secret),
                                   (const uint8_t *)nonce, strlen(nonce), &flow);
        CHECK(same_error(st, str_field(doc, "error")));
        CHECK(flow == NULL);
        CHECK(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "steps")) == 0);
        goto done;
    }
    CHECK_STATUS(cg_flow_new(TEXT(order_text), TEXT(action), TEXT(policy_text),
                             (const uint8_t *)secret, strlen(secret), (const uint8_t *)nonce,
                             strlen(nonce), &flow),
                 CG_OK);
    cJSON_ArrayForEach(step, cJSON_GetObjectItemCaseSensitive(doc, "steps")) {
        const char *error = str_field(step, "error");
        const cJSON *deadline = cJSON_GetObjectItemCaseSensitive(step, "next_deadline");
        bool has = false;
        int64_t at = 0;
        cg_status st;

        event_text = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(step, "event"));
        CHECK(event_text != NULL);
        st = cg_flow_handle(flow, TEXT(event_text), &out, &len);
        if (!same_error(st, error)) {
            fprintf(stderr, "  step %d: status %s, want %s\n", i, cg_status_name(st),
                    error ? error : "ok");
            CHECK(0);
        }
        if (error == NULL) {
            got = cJSON_Parse(out);
            if (!cJSON_Compare(got, cJSON_GetObjectItemCaseSensitive(step, "actions"), 1)) {
                fprintf(stderr, "  step %d: actions %s\n", i, out);
                CHECK(0);
            }
            cJSON_Delete(got);
            got = NULL;
        }
        CHECK_STATUS(cg_flow_state(flow, &state, &len), CG_OK);
        CHECK(same_text(state, str_field(step, "state")));
        CHECK_STATUS(cg_flow_next_deadline(flow, &has, &at), CG_OK);
        if (cJSON_IsNumber(deadline)) {
            CHECK(has && at == (int64_t)cJSON_GetNumberValue(deadline));
        } else {
            CHECK(!has);
        }
        cJSON_free(event_text);
        event_text = NULL;
        cg_string_free(out);
        out = NULL;
        cg_string_free(state);
        state = NULL;
        i++;
    }
done:
    cJSON_Delete(got);
    cJSON_free(event_text);
    cJSON_free(order_text);
    cJSON_free(policy_text);
    cg_string_free(out);
    cg_string_free(state);
    cg_flow_free(flow);
    return ok;
}

/* Replays every tests/vectors/flow/NAME.json given on the command line after the vectors
 * directory (the script lists them; C has no portable directory listing). */
static void replay_flow(const char *path) {
    char label[512];
    size_t len = 0;
    char *text = read_file(path, &len);
    cJSON *doc = text ? cJSON_Parse(text) : NULL;
    free(text);
    snprintf(label, sizeof label, "flow %s", path);
    report(label, doc != NULL && flow_file(doc));
    cJSON_Delete(doc);
}

/* Replays tests/vectors/NAME.json through `run`, one result per case. A missing file is
 * failure, and so is an unreadable one. */
static void replay(const char *dir, const char *name, int (*run)(const cJSON *)) {
    char path[4096];
    char label[256];
    size_t len = 0;
    char *text;
    cJSON *doc, *cases, *c;
    int i = 0;

    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    text = read_file(path, &len);
    if (text == NULL) {
        /* Every binding replays every vector file: a missing one is a failure, not a skip. */
        snprintf(label, sizeof label, "vectors %s present", name);
        report(label, 0);
        return;
    }
    doc = cJSON_Parse(text);
    free(text);
    cases = doc ? cJSON_GetObjectItemCaseSensitive(doc, "cases") : NULL;
    snprintf(label, sizeof label, "vectors %s readable", name);
    report(label, cJSON_IsArray(cases) && cJSON_GetArraySize(cases) > 0);
    cJSON_ArrayForEach(c, cases) {
        const char *note = str_field(c, "note");
        snprintf(label, sizeof label, "%s[%d] %s", name, i++, note ? note : "");
        report(label, run(c));
    }
    cJSON_Delete(doc);
}

/* risk.json: the file's `model` loaded into a new engine (cg_engine_set_risk_model), `history`
 * added, `order` assessed: class, action, risk (exactly), reason codes, matched ids. */
static const char *risk_model_text;

static int risk_case(const cJSON *c) {
    int ok = 1;
    const cJSON *want = cJSON_GetObjectItemCaseSensitive(c, "expected");
    const cJSON *want_matches = cJSON_GetObjectItemCaseSensitive(want, "matches");
    char *history_text = NULL, *order_text = NULL, *out = NULL;
    cJSON *got = NULL;
    cg_engine *engine = NULL;
    size_t len = 0, added = 0;

    history_text = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(c, "history"));
    order_text = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(c, "order"));
    CHECK(history_text != NULL && order_text != NULL && want != NULL && risk_model_text != NULL);
    CHECK_STATUS(cg_engine_new(NULL, 0, &engine), CG_OK);
    CHECK_STATUS(cg_engine_set_risk_model(engine, TEXT(risk_model_text)), CG_OK);
    CHECK_STATUS(cg_engine_add_history(engine, TEXT(history_text), &added), CG_OK);
    CHECK_STATUS(cg_engine_assess(engine, TEXT(order_text), &out, &len), CG_OK);
    got = cJSON_Parse(out);
    CHECK(got != NULL);
    if (!same_text(str_field(got, "customer_class"), str_field(want, "customer_class")) ||
        !same_text(str_field(got, "action"), str_field(want, "action")) ||
        cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(got, "risk")) !=
            cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(want, "risk")) ||
        !same_reason_codes(cJSON_GetObjectItemCaseSensitive(got, "reasons"),
                           cJSON_GetObjectItemCaseSensitive(want, "reasons")) ||
        (want_matches != NULL &&
         !same_match_ids(cJSON_GetObjectItemCaseSensitive(got, "matches"), want_matches))) {
        fprintf(stderr, "  got %s\n", out);
        CHECK(0);
    }
done:
    cJSON_Delete(got);
    cJSON_free(history_text);
    cJSON_free(order_text);
    cg_string_free(out);
    cg_engine_free(engine);
    return ok;
}

/* risk.json's `bad_models`: each refused with CG_INVALID_CONFIG by engine and store alike, and
 * the engine keeps the model it had. */
static int risk_bad_model(const cJSON *b) {
    int ok = 1;
    const cJSON *model = cJSON_GetObjectItemCaseSensitive(b, "model");
    const char *raw = str_field(b, "model_text");
    char *text = raw ? NULL : cJSON_PrintUnformatted(model);
    const char *bad = raw ? raw : text;
    cg_engine *engine = NULL;
    cg_store *store = NULL;

    CHECK(bad != NULL);
    CHECK_STATUS(cg_engine_new(NULL, 0, &engine), CG_OK);
    CHECK_STATUS(cg_engine_set_risk_model(engine, TEXT(risk_model_text)), CG_OK);
    CHECK_STATUS(cg_engine_set_risk_model(engine, TEXT(bad)), CG_INVALID_CONFIG);
    CHECK_STATUS(cg_store_new(NULL, 0, (const uint8_t *)"s", 1, &store), CG_OK);
    CHECK_STATUS(cg_store_set_risk_model(store, TEXT(bad)), CG_INVALID_CONFIG);
    CHECK_STATUS(cg_store_set_risk_model(store, TEXT(risk_model_text)), CG_OK);
    CHECK_STATUS(cg_store_set_risk_model(store, NULL, 0), CG_OK);
    CHECK_STATUS(cg_engine_set_risk_model(NULL, TEXT(risk_model_text)), CG_NULL_PARAMETER);
done:
    cJSON_free(text);
    cg_engine_free(engine);
    cg_store_free(store);
    return ok;
}

static void replay_risk(const char *dir) {
    char path[4096];
    char label[256];
    size_t len = 0;
    char *text, *model = NULL;
    cJSON *doc, *c;
    int i = 0;

    snprintf(path, sizeof path, "%s/risk.json", dir);
    text = read_file(path, &len);
    doc = text ? cJSON_Parse(text) : NULL;
    free(text);
    if (doc != NULL) model = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(doc, "model"));
    report("vectors risk present, with a model", doc != NULL && model != NULL);
    risk_model_text = model;
    replay(dir, "risk", risk_case);
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(doc, "bad_models")) {
        const char *note = str_field(c, "note");
        snprintf(label, sizeof label, "risk bad model[%d] %s", i++, note ? note : "");
        report(label, risk_bad_model(c));
    }
    report("risk bad models present", i >= 5);
    risk_model_text = NULL;
    cJSON_free(model);
    cJSON_Delete(doc);
}

static int test_reply_intent_errors(void) {
    int ok = 1;
    char *out = SENTINEL;
    size_t len = 99;
    const char *unknown_json = "{\"intent\":\"unknown\",\"phone\":null}";
    char *big = malloc(1 << 20);

    CHECK(big != NULL);
    memset(big, 'a', 1 << 20);
    /* The text never fails the call: an over-long reply is unknown. */
    CHECK_STATUS(cg_reply_intent(big, 1 << 20, TEXT("MA"), &out, &len), CG_OK);
    CHECK(same_text(out, unknown_json));
    cg_string_free(out);
    out = SENTINEL;
    /* The caller's mistakes do. */
    CHECK_STATUS(cg_reply_intent("\xff\xfe", 2, TEXT("MA"), &out, &len), CG_INVALID_UTF8);
    CHECK(out == NULL && len == 0);
    CHECK_STATUS(cg_reply_intent(TEXT("oui"), TEXT("Morocco"), &out, &len), CG_INVALID_COUNTRY);
    CHECK(out == NULL && len == 0);
    CHECK_STATUS(cg_reply_intent(TEXT("oui"), NULL, 0, &out, &len), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_reply_intent(TEXT("oui"), TEXT("MA"), NULL, &len), CG_NULL_PARAMETER);
    /* "" is no country: a word whose meaning depends on it stays unknown. */
    CHECK_STATUS(cg_reply_intent(TEXT("ماشي"), TEXT(""), &out, &len), CG_OK);
    CHECK(same_text(out, unknown_json));
    cg_string_free(out);
    out = NULL;
    CHECK_STATUS(cg_reply_intent(TEXT("ماشي"), TEXT("EG"), &out, &len), CG_OK);
    CHECK(strstr(out, "\"confirm\"") != NULL);
done:
    if (out != SENTINEL) cg_string_free(out);
    free(big);
    return ok;
}

/* ---------------------------------------------------------------- harness */

struct test {
    const char *name;
    int (*run)(void);
};

static const struct test TESTS[] = {
    {"version", test_version},
    {"error_message_buffer", test_error_message_buffer},
    {"truncation_keeps_utf8_whole", test_truncation_keeps_utf8_whole},
    {"status_names", test_status_names},
    {"free_null", test_free_null},
    {"engine_new_and_default_config", test_engine_new_and_default_config},
    {"engine_new_bad_config", test_engine_new_bad_config},
    {"null_parameters", test_null_parameters},
    {"name_errors", test_name_errors},
    {"reply_intent_errors", test_reply_intent_errors},
    {"invalid_handle", test_invalid_handle},
    {"handles_refused_without_reading", test_handles_refused_without_reading},
    {"sealed_snapshots", test_sealed_snapshots},
    {"history_input_errors", test_history_input_errors},
    {"assess_input_errors", test_assess_input_errors},
    {"assess_many_keeps_going", test_assess_many_keeps_going},
    {"assess_many_invalid_unicode_in_its_place", test_assess_many_invalid_unicode_in_its_place},
    {"a_files_byte_order_mark_is_skipped", test_a_files_byte_order_mark_is_skipped},
    {"unknown_order", test_unknown_order},
    {"snapshots", test_snapshots},
    {"huge_inputs", test_huge_inputs},
    {"deep_json_and_field_limits", test_deep_json_and_field_limits},
    {"empty_fields", test_empty_fields},
    {"phone_text_forms", test_phone_text_forms},
    {"erase_on_empty_engine", test_erase_on_empty_engine},
    {"flow_errors", test_flow_errors},
    {"lone_surrogate_escapes", test_lone_surrogate_escapes},
    {"flow_hostile_inputs", test_flow_hostile_inputs},
    {"send_guard_errors", test_send_guard_errors},
    {"flow_snapshot_round_trip", test_flow_snapshot_round_trip},
};

int main(int argc, char **argv) {
    const char *vectors = argc > 1 ? argv[1] : "tests/vectors";
    size_t i;

    for (i = 0; i < sizeof TESTS / sizeof TESTS[0]; i++) {
        report(TESTS[i].name, TESTS[i].run());
    }
    replay(vectors, "phone", phone_case);
    replay(vectors, "email", email_case);
    replay(vectors, "address", address_case);
    replay(vectors, "name", name_case);
    replay(vectors, "assess", assess_case);
    replay_risk(vectors);
    replay(vectors, "records", records_case);
    replay(vectors, "events", events_case);
    replay(vectors, "reply_intent", reply_intent_case);
    replay(vectors, "token", token_case);
    replay(vectors, "send_guard", send_guard_case);
    for (int a = 2; a < argc; a++) replay_flow(argv[a]);

    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
