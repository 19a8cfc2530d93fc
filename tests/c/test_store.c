/*
 * Tests of store mode through the C header (cg_store, cg_lookup): a tiny "database" in C (an
 * array of key -> cg_orders row JSON) driven by the lookup protocol gives exactly the
 * assessments of the in-memory engine on the example shop; erasure leaves no row of the
 * customer; and every error path (NULL, wrong handles, bad keys, malformed rows, invalid
 * UTF-8) returns its status and leaks nothing.
 *
 * Each test is a function returning 1 (pass) or 0 (fail) that releases what it took through
 * one exit path (`done:`). The last line printed is "N passed, N failed"; the exit status is
 * non-zero when anything failed. Run it under valgrind (scripts/ci_c.sh).
 *
 * Usage: test_store [DATA_DIR]   (default: examples/data, with history.jsonl and queries.jsonl)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "codguard.h"
#include "harness.h"

static const char *data_dir = "examples/data";

static const char SECRET[] = "the shop's secret";
#define SECRET_ARGS (const uint8_t *)SECRET, sizeof SECRET - 1

/* strdup is POSIX, not C11. */
static char *dup(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

/* ---------------------------------------------------------------- the "database" */

/* One cg_keys row joined to its cg_orders row: what `cg_keys JOIN cg_orders` returns. The key
 * is kept as the decimal text the library speaks, as a database client would print it. */
struct entry {
    char key[24];
    char *order_id;
    char *row; /* the cg_orders row as JSON */
};

struct db {
    struct entry *entries;
    size_t len, cap;
    size_t reads;
};

static void db_free(struct db *db) {
    for (size_t i = 0; i < db->len; i++) {
        free(db->entries[i].order_id);
        free(db->entries[i].row);
    }
    free(db->entries);
    memset(db, 0, sizeof *db);
}

static int db_push(struct db *db, const char *key, const char *order_id, const char *row) {
    if (db->len == db->cap) {
        size_t cap = db->cap ? db->cap * 2 : 64;
        struct entry *e = realloc(db->entries, cap * sizeof *e);
        if (!e) return 0;
        db->entries = e;
        db->cap = cap;
    }
    struct entry *e = &db->entries[db->len];
    if (strlen(key) >= sizeof e->key) return 0;
    strcpy(e->key, key);
    e->order_id = dup(order_id);
    e->row = dup(row);
    if (!e->order_id || !e->row) {
        free(e->order_id);
        free(e->row);
        return 0;
    }
    db->len++;
    return 1;
}

/* INSERT the rows of cg_store_write for one record. */
static cg_status db_add(struct db *db, const cg_store *store, const char *record, size_t len) {
    char *out = NULL;
    size_t out_len = 0;
    cJSON *w = NULL;
    char *row = NULL;
    cg_status st = cg_store_write(store, record, len, &out, &out_len);
    if (st != CG_OK) return st;
    w = cJSON_ParseWithLength(out, out_len);
    cJSON *order = cJSON_GetObjectItemCaseSensitive(w, "order");
    cJSON *keys = cJSON_GetObjectItemCaseSensitive(w, "keys");
    cJSON *id = cJSON_GetObjectItemCaseSensitive(order, "order_id");
    cJSON *key;
    st = CG_PANIC; /* a malformed answer is a library bug */
    if (!cJSON_IsArray(keys) || !cJSON_IsString(id) || !(row = cJSON_PrintUnformatted(order)))
        goto done;
    cJSON_ArrayForEach(key, keys) {
        if (!cJSON_IsString(key) || !db_push(db, key->valuestring, id->valuestring, row))
            goto done;
    }
    st = CG_OK;
done:
    free(row);
    cJSON_Delete(w);
    cg_string_free(out);
    return st;
}

/* SELECT ... WHERE key = ?: the rows filed under `key` as a JSON array. */
static char *db_rows(struct db *db, const char *key) {
    size_t cap = 3, n = 0;
    for (size_t i = 0; i < db->len; i++)
        if (strcmp(db->entries[i].key, key) == 0) cap += strlen(db->entries[i].row) + 1;
    char *out = malloc(cap);
    if (!out) return NULL;
    out[n++] = '[';
    for (size_t i = 0; i < db->len; i++) {
        if (strcmp(db->entries[i].key, key) != 0) continue;
        if (n > 1) out[n++] = ',';
        size_t l = strlen(db->entries[i].row);
        memcpy(out + n, db->entries[i].row, l);
        n += l;
        db->reads++;
    }
    out[n++] = ']';
    out[n] = '\0';
    return out;
}

/* DELETE FROM cg_orders WHERE order_id = ? (the keys cascade). */
static void db_delete(struct db *db, const char *order_id) {
    size_t j = 0;
    for (size_t i = 0; i < db->len; i++) {
        if (strcmp(db->entries[i].order_id, order_id) == 0) {
            free(db->entries[i].order_id);
            free(db->entries[i].row);
        } else {
            db->entries[j++] = db->entries[i];
        }
    }
    db->len = j;
}

/* Feeds a lookup from the database until it wants nothing. */
static cg_status db_feed(struct db *db, cg_lookup *lookup) {
    for (int round = 0; round < 100; round++) {
        char *wanted = NULL;
        size_t len = 0;
        cg_status st = cg_lookup_wanted(lookup, &wanted, &len);
        if (st != CG_OK) return st;
        cJSON *keys = cJSON_ParseWithLength(wanted, len);
        cg_string_free(wanted);
        if (!cJSON_IsArray(keys)) {
            cJSON_Delete(keys);
            return CG_PANIC;
        }
        if (cJSON_GetArraySize(keys) == 0) {
            cJSON_Delete(keys);
            return CG_OK;
        }
        cJSON *key;
        cJSON_ArrayForEach(key, keys) {
            char *rows = cJSON_IsString(key) ? db_rows(db, key->valuestring) : NULL;
            st = rows ? cg_lookup_supply(lookup, TEXT(key->valuestring), TEXT(rows)) : CG_PANIC;
            free(rows);
            if (st != CG_OK) break;
        }
        cJSON_Delete(keys);
        if (st != CG_OK) return st;
    }
    fprintf(stderr, "  the lookup still wants keys after 100 rounds\n");
    return CG_PANIC;
}

/* Loads every line of a JSON Lines file into the database. */
static cg_status db_load(struct db *db, const cg_store *store, char *text) {
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (strspn(line, " \t\r") == strlen(line)) continue;
        cg_status st = db_add(db, store, TEXT(line));
        if (st != CG_OK) return st;
    }
    return CG_OK;
}

static int db_has_order(const struct db *db, const char *order_id) {
    for (size_t i = 0; i < db->len; i++)
        if (strcmp(db->entries[i].order_id, order_id) == 0) return 1;
    return 0;
}

/* ---------------------------------------------------------------- round trip */

static int test_store_equals_engine(void) {
    int ok = 1;
    char path[1024];
    size_t hlen = 0, qlen = 0;
    char *history = NULL, *history_copy = NULL, *queries = NULL;
    cg_store *store = NULL;
    cg_engine *engine = NULL;
    cg_lookup *lookup = NULL;
    char *got = NULL, *want = NULL;
    size_t got_len = 0, want_len = 0, added = 0;
    struct db db = {0};
    int n = 0;

    snprintf(path, sizeof path, "%s/history.jsonl", data_dir);
    CHECK((history = read_file(path, &hlen)) != NULL);
    snprintf(path, sizeof path, "%s/queries.jsonl", data_dir);
    CHECK((queries = read_file(path, &qlen)) != NULL);
    CHECK((history_copy = dup(history)) != NULL);

    CHECK_STATUS(cg_engine_new(NULL, 0, &engine), CG_OK);
    CHECK_STATUS(cg_engine_add_history(engine, history, hlen, &added), CG_OK);
    CHECK_STATUS(cg_store_new(NULL, 0, SECRET_ARGS, &store), CG_OK);
    CHECK_STATUS(db_load(&db, store, history_copy), CG_OK);
    CHECK(db.len >= added);

    for (char *line = strtok(queries, "\n"); line; line = strtok(NULL, "\n")) {
        if (strspn(line, " \t\r") == strlen(line)) continue;
        CHECK_STATUS(cg_engine_assess(engine, TEXT(line), &want, &want_len), CG_OK);
        CHECK_STATUS(cg_store_assess(store, TEXT(line), &lookup), CG_OK);
        CHECK_STATUS(db_feed(&db, lookup), CG_OK);
        CHECK_STATUS(cg_lookup_assessment(lookup, &got, &got_len), CG_OK);
        if (got_len != want_len || memcmp(got, want, got_len) != 0) {
            fprintf(stderr, "  store:  %s\n  engine: %s\n", got, want);
            CHECK(0);
        }
        /* An assess lookup erases nothing. */
        cg_string_free(got);
        got = NULL;
        CHECK_STATUS(cg_lookup_erase_ids(lookup, &got, &got_len), CG_OK);
        CHECK(strcmp(got, "[]") == 0);
        cg_string_free(got);
        cg_string_free(want);
        cg_lookup_free(lookup);
        got = want = NULL;
        lookup = NULL;
        n++;
    }
    CHECK(n == 11);
    printf("store: %d assessments identical to the engine's, %zu rows read\n", n, db.reads);
done:
    cg_string_free(got);
    cg_string_free(want);
    cg_lookup_free(lookup);
    cg_store_free(store);
    cg_engine_free(engine);
    db_free(&db);
    free(history);
    free(history_copy);
    free(queries);
    return ok;
}

static const char *FIRST =
    "{\"order_id\": \"w1\", \"placed_at\": 1000, \"name\": \"Imane Chraibi\", \"phone\": "
    "\"0661472983\", \"email\": \"imane.c@gmail.com\", \"country\": \"MA\", \"outcome\": "
    "\"pending\"}";
static const char *SECOND =
    "{\"order_id\": \"w2\", \"placed_at\": 1060, \"name\": \"\xd8\xa5\xd9\x8a\xd9\x85\xd8\xa7"
    "\xd9\x86 \xd8\xa7\xd9\x84\xd8\xb4\xd8\xb1\xd8\xa7\xd9\x8a\xd8\xa8\xd9\x8a\", \"phone\": "
    "\"+212 \xd9\xa6\xd9\xa6\xd9\xa1 47 29 83\", \"country\": \"MA\"}";

/* Another worker's order is seen a minute later; erasing by email removes every row. */
static int test_duplicate_then_erase(void) {
    int ok = 1;
    cg_store *store = NULL;
    cg_lookup *lookup = NULL;
    char *out = NULL;
    size_t len = 0;
    struct db db = {0};

    CHECK_STATUS(cg_store_new(TEXT("{\"duplicate_window_secs\": 3600}"), SECRET_ARGS, &store),
                 CG_OK);
    CHECK_STATUS(db_add(&db, store, TEXT(FIRST)), CG_OK);
    CHECK(db.len >= 2); /* filed under the phone and the email at least */

    CHECK_STATUS(cg_store_assess(store, TEXT(SECOND), &lookup), CG_OK);
    CHECK_STATUS(db_feed(&db, lookup), CG_OK);
    CHECK_STATUS(cg_lookup_assessment(lookup, &out, &len), CG_OK);
    CHECK(strstr(out, "\"duplicate_recent_order\"") != NULL);
    CHECK(strstr(out, "\"w1\"") != NULL);
    cg_string_free(out);
    out = NULL;
    cg_lookup_free(lookup);
    lookup = NULL;

    CHECK_STATUS(cg_store_erase_by_email(store, TEXT("Imane.C@GMAIL.com"), &lookup), CG_OK);
    CHECK_STATUS(db_feed(&db, lookup), CG_OK);
    CHECK_STATUS(cg_lookup_erase_ids(lookup, &out, &len), CG_OK);
    CHECK(strcmp(out, "[\"w1\"]") == 0);
    CHECK(db_has_order(&db, "w1"));
    db_delete(&db, "w1");
    CHECK(!db_has_order(&db, "w1") && db.len == 0);
    cg_string_free(out);
    out = NULL;
    cg_lookup_free(lookup);
    lookup = NULL;

    /* Nothing is left to match. */
    CHECK_STATUS(cg_store_assess(store, TEXT(SECOND), &lookup), CG_OK);
    CHECK_STATUS(db_feed(&db, lookup), CG_OK);
    CHECK_STATUS(cg_lookup_assessment(lookup, &out, &len), CG_OK);
    CHECK(strstr(out, "\"matches\":[]") != NULL);
done:
    cg_string_free(out);
    cg_lookup_free(lookup);
    cg_store_free(store);
    db_free(&db);
    return ok;
}

/* Erase by phone through national, international and Arabic-Indic forms of one number. */
static int test_erase_by_phone(void) {
    int ok = 1;
    cg_store *store = NULL;
    cg_lookup *lookup = NULL;
    char *out = NULL;
    size_t len = 0;
    struct db db = {0};

    CHECK_STATUS(cg_store_new(NULL, 0, SECRET_ARGS, &store), CG_OK);
    CHECK_STATUS(db_add(&db, store, TEXT(FIRST)), CG_OK);
    CHECK_STATUS(cg_store_erase_by_phone(store, TEXT("\xe2\x80\x8f\xd9\xa0\xd9\xa6\xd9\xa6\xd9\xa1 47 29 83"),
                                         TEXT("MA"), &lookup),
                 CG_OK);
    CHECK_STATUS(db_feed(&db, lookup), CG_OK);
    CHECK_STATUS(cg_lookup_erase_ids(lookup, &out, &len), CG_OK);
    CHECK(strcmp(out, "[\"w1\"]") == 0);
    cg_string_free(out);
    out = NULL;
    /* An erase lookup answers the assessment of an empty order. */
    CHECK_STATUS(cg_lookup_assessment(lookup, &out, &len), CG_OK);
    CHECK(strstr(out, "\"matches\":[]") != NULL);
done:
    cg_string_free(out);
    cg_lookup_free(lookup);
    cg_store_free(store);
    db_free(&db);
    return ok;
}

/* PDO hands BIGINT, DOUBLE and BOOLEAN columns back as strings: the same answer. */
static int test_rows_as_drivers_give_them(void) {
    int ok = 1;
    cg_store *store = NULL;
    cg_lookup *a = NULL, *b = NULL;
    char *wrote = NULL, *wanted = NULL, *ja = NULL, *jb = NULL, *loose = NULL;
    size_t len = 0;
    cJSON *w = NULL, *keys = NULL;

    CHECK_STATUS(cg_store_new(NULL, 0, SECRET_ARGS, &store), CG_OK);
    CHECK_STATUS(cg_store_write(store, TEXT("{\"order_id\": \"h1\", \"placed_at\": 1000, "
                                            "\"phone\": \"0661472983\", \"country\": \"MA\", "
                                            "\"total\": 349.5, \"outcome\": \"refused\", "
                                            "\"negotiated\": true}"),
                                &wrote, &len),
                 CG_OK);
    CHECK((w = cJSON_ParseWithLength(wrote, len)) != NULL);
    cJSON *order = cJSON_GetObjectItemCaseSensitive(w, "order");
    cJSON *sig = cJSON_GetObjectItemCaseSensitive(order, "signature");
    CHECK(cJSON_IsString(sig));
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(order, "negotiated")));
    CHECK(strcmp(cJSON_GetObjectItemCaseSensitive(order, "outcome")->valuestring, "refused") == 0);
    /* No readable phone in the row. */
    CHECK(strstr(wrote, "661472983") == NULL);
    {
        /* The same row as a MySQL client returns it, with the key and a row number. */
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "key", "1");
        cJSON_AddStringToObject(row, "order_id", "h1");
        cJSON_AddStringToObject(row, "placed_at", "1000");
        cJSON_AddStringToObject(row, "total", "349.5");
        cJSON_AddStringToObject(row, "outcome", "refused");
        cJSON_AddStringToObject(row, "negotiated", "1");
        cJSON_AddStringToObject(row, "signature", sig->valuestring);
        cJSON_AddNumberToObject(row, "rn", 1);
        cJSON *rows = cJSON_CreateArray();
        cJSON_AddItemToArray(rows, row);
        loose = cJSON_PrintUnformatted(rows);
        cJSON_Delete(rows);
    }
    CHECK(loose != NULL);
    const char *q = "{\"order_id\": \"q1\", \"placed_at\": 2000000, \"phone\": \"0661472983\", "
                    "\"country\": \"MA\"}";
    CHECK_STATUS(cg_store_assess(store, TEXT(q), &a), CG_OK);
    CHECK_STATUS(cg_store_assess(store, TEXT(q), &b), CG_OK);
    CHECK_STATUS(cg_lookup_wanted(a, &wanted, &len), CG_OK);
    CHECK((keys = cJSON_ParseWithLength(wanted, len)) != NULL);
    CHECK(cJSON_GetArraySize(keys) == 1);
    const char *key = cJSON_GetArrayItem(keys, 0)->valuestring;
    char *strict = cJSON_PrintUnformatted(order);
    CHECK(strict != NULL);
    {
        char rows[4096];
        snprintf(rows, sizeof rows, "[%s]", strict);
        free(strict);
        CHECK_STATUS(cg_lookup_supply(a, TEXT(key), TEXT(rows)), CG_OK);
    }
    CHECK_STATUS(cg_lookup_supply(b, TEXT(key), TEXT(loose)), CG_OK);
    CHECK_STATUS(cg_lookup_assessment(a, &ja, &len), CG_OK);
    CHECK_STATUS(cg_lookup_assessment(b, &jb, &len), CG_OK);
    CHECK(strcmp(ja, jb) == 0);
    CHECK(strstr(ja, "\"h1\"") != NULL);
    /* The refusal and the negotiation came through "1" and "refused". */
    CHECK(strstr(ja, "\"prior_refused\"") != NULL);
    CHECK(strstr(ja, "\"prior_negotiated\"") != NULL);
done:
    cJSON_Delete(w);
    cJSON_Delete(keys);
    free(loose);
    cg_string_free(wrote);
    cg_string_free(wanted);
    cg_string_free(ja);
    cg_string_free(jb);
    cg_lookup_free(a);
    cg_lookup_free(b);
    cg_store_free(store);
    return ok;
}

/* A lookup keeps its own share of the store. */
static int test_lookup_outlives_store(void) {
    int ok = 1;
    cg_store *store = NULL;
    cg_lookup *lookup = NULL;
    char *out = NULL;
    size_t len = 0;
    CHECK_STATUS(cg_store_new(NULL, 0, SECRET_ARGS, &store), CG_OK);
    CHECK_STATUS(cg_store_assess(store, TEXT("{\"order_id\": \"q\", \"placed_at\": 1, \"phone\": "
                                             "\"0661472983\", \"country\": \"MA\"}"),
                                 &lookup),
                 CG_OK);
    cg_store_free(store);
    store = NULL;
    CHECK_STATUS(cg_lookup_wanted(lookup, &out, &len), CG_OK);
    CHECK(len > 2 && out[0] == '[' && out[1] == '"');
    cg_string_free(out);
    out = NULL;
    CHECK_STATUS(cg_lookup_supply(lookup, TEXT("-9223372036854775808"), TEXT("[]")), CG_OK);
    CHECK_STATUS(cg_lookup_assessment(lookup, &out, &len), CG_OK);
    CHECK(strstr(out, "\"order_id\":\"q\"") != NULL);
    CHECK(strstr(out, "\"matches\":[]") != NULL);
done:
    cg_string_free(out);
    cg_lookup_free(lookup);
    cg_store_free(store);
    return ok;
}

/* ---------------------------------------------------------------- error paths */

static int test_store_errors(void) {
    int ok = 1;
    cg_store *store = (cg_store *)(uintptr_t)0x1;
    cg_engine *engine = NULL;
    cg_lookup *lookup = (cg_lookup *)(uintptr_t)0x1;
    char *out = (char *)(uintptr_t)0x1;
    size_t len = 7;

    /* Out-pointers are cleared, NULLs refused. */
    CHECK_STATUS(cg_store_new(NULL, 0, NULL, 0, &store), CG_NULL_PARAMETER);
    CHECK(store == NULL);
    CHECK_STATUS(cg_store_new(NULL, 0, SECRET_ARGS, NULL), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_store_new(NULL, 0, (const uint8_t *)"", 0, &store), CG_INVALID_CONFIG);
    CHECK_STATUS(cg_store_new(TEXT("{\"bogus\": 1}"), SECRET_ARGS, &store), CG_INVALID_CONFIG);
    CHECK_STATUS(cg_store_new(TEXT("{"), SECRET_ARGS, &store), CG_INVALID_JSON);
    CHECK_STATUS(cg_store_new(TEXT("\xff"), SECRET_ARGS, &store), CG_INVALID_UTF8);
    CHECK(store == NULL);
    CHECK_STATUS(cg_store_write(NULL, TEXT("{}"), &out, &len), CG_NULL_PARAMETER);
    CHECK(out == NULL && len == 0);
    CHECK_STATUS(cg_store_assess(NULL, TEXT("{}"), &lookup), CG_NULL_PARAMETER);
    CHECK(lookup == NULL);

    CHECK_STATUS(cg_store_new(NULL, 0, SECRET_ARGS, &store), CG_OK);
    CHECK(cg_store_key_format() == 18); /* CHANGELOG.md: store key format */
    CHECK_STATUS(cg_store_config(store, &out, &len), CG_OK);
    CHECK(strstr(out, "\"max_orders_per_key\"") != NULL);
    cg_string_free(out);
    out = NULL;

    /* A record: malformed JSON, wrong shape, empty id, invalid UTF-8, NULL out. */
    CHECK_STATUS(cg_store_write(store, TEXT("{\"order_id\": "), &out, &len), CG_INVALID_JSON);
    CHECK_STATUS(cg_store_write(store, TEXT("{\"order_id\": \"a\", \"placed_at\": 1}"), &out, &len),
                 CG_INVALID_RECORD); /* no outcome */
    CHECK_STATUS(cg_store_write(store, TEXT("{\"order_id\": \"\", \"placed_at\": 1, \"outcome\": \"pending\"}"),
                                &out, &len),
                 CG_INVALID_RECORD);
    CHECK_STATUS(cg_store_write(store, TEXT("{\"order_id\": \"a\xc3\", \"placed_at\": 1}"), &out, &len),
                 CG_INVALID_UTF8);
    CHECK_STATUS(cg_store_write(store, NULL, 0, &out, &len), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_store_write(store, TEXT("{}"), NULL, &len), CG_NULL_PARAMETER);
    CHECK(out == NULL && len == 0);

    /* An order to assess; phones and emails to erase. */
    CHECK_STATUS(cg_store_assess(store, TEXT("[1]"), &lookup), CG_INVALID_RECORD);
    CHECK_STATUS(cg_store_assess(store, TEXT("{\"order_id\": \"\", \"placed_at\": 1}"), &lookup),
                 CG_INVALID_RECORD);
    CHECK_STATUS(cg_store_erase_by_phone(store, TEXT("123"), TEXT("MA"), &lookup),
                 CG_PHONE_TOO_SHORT);
    CHECK_STATUS(cg_store_erase_by_phone(store, TEXT("0661472983"), TEXT("ZZ"), &lookup),
                 CG_INVALID_COUNTRY);
    CHECK_STATUS(cg_store_erase_by_phone(store, TEXT(""), TEXT("MA"), &lookup), CG_PHONE_EMPTY);
    CHECK_STATUS(cg_store_erase_by_phone(store, NULL, 0, TEXT("MA"), &lookup), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_store_erase_by_email(store, TEXT("not an email"), &lookup), CG_EMAIL_INVALID);
    CHECK_STATUS(cg_store_erase_by_email(store, TEXT("\xfe@x.ma"), &lookup), CG_INVALID_UTF8);
    CHECK_STATUS(cg_store_erase_by_email(store, TEXT("a@b.ma"), NULL), CG_NULL_PARAMETER);
    CHECK(lookup == NULL);

    /* Another handle is not a store. */
    CHECK_STATUS(cg_engine_new(NULL, 0, &engine), CG_OK);
    CHECK_STATUS(cg_store_config((const cg_store *)(const void *)engine, &out, &len),
                 CG_INVALID_HANDLE);
done:
    if (out != (char *)(uintptr_t)0x1) cg_string_free(out);
    if (lookup != (cg_lookup *)(uintptr_t)0x1) cg_lookup_free(lookup);
    if (store != (cg_store *)(uintptr_t)0x1) cg_store_free(store);
    cg_engine_free(engine);
    return ok;
}

static int test_lookup_errors(void) {
    static uint64_t fake[8192];
    int ok = 1;
    cg_store *store = NULL;
    cg_lookup *lookup = NULL;
    char *out = NULL;
    size_t len = 0;
    const char *q = "{\"order_id\": \"q\", \"placed_at\": 1, \"phone\": \"0661472983\", "
                    "\"country\": \"MA\"}";

    CHECK_STATUS(cg_store_new(NULL, 0, SECRET_ARGS, &store), CG_OK);
    CHECK_STATUS(cg_store_assess(store, TEXT(q), &lookup), CG_OK);

    /* Keys: decimal 64-bit integers only. */
    const char *bad_keys[] = {"", "-", "+1", " 1", "1.5", "12a", "0x1f", "1e3",
                              "9223372036854775808", "-9223372036854775809",
                              "\xd9\xa1\xd9\xa2" /* Arabic-Indic digits */};
    for (size_t i = 0; i < sizeof bad_keys / sizeof bad_keys[0]; i++) {
        CHECK_STATUS(cg_lookup_supply(lookup, TEXT(bad_keys[i]), TEXT("[]")), CG_INVALID_RECORD);
    }
    CHECK_STATUS(cg_lookup_supply(lookup, TEXT("1\xff"), TEXT("[]")), CG_INVALID_UTF8);
    CHECK_STATUS(cg_lookup_supply(lookup, NULL, 0, TEXT("[]")), CG_NULL_PARAMETER);

    /* Rows: malformed JSON, wrong shapes, bad values, a signature that does not parse. */
    CHECK_STATUS(cg_lookup_supply(lookup, TEXT("1"), TEXT("[{")), CG_INVALID_JSON);
    CHECK_STATUS(cg_lookup_supply(lookup, TEXT("1"), TEXT("")), CG_INVALID_JSON);
    CHECK_STATUS(cg_lookup_supply(lookup, TEXT("1"), TEXT("{}")), CG_INVALID_RECORD);
    CHECK_STATUS(cg_lookup_supply(lookup, TEXT("1"), TEXT("[{\"order_id\": \"a\"}]")),
                 CG_INVALID_RECORD);
    CHECK_STATUS(cg_lookup_supply(lookup, TEXT("1"),
                                  TEXT("[{\"order_id\": \"a\", \"placed_at\": \"soon\", "
                                       "\"outcome\": \"pending\", \"signature\": \"{}\"}]")),
                 CG_INVALID_RECORD);
    CHECK_STATUS(cg_lookup_supply(lookup, TEXT("1"),
                                  TEXT("[{\"order_id\": \"a\", \"placed_at\": 1, \"negotiated\": 7, "
                                       "\"outcome\": \"pending\", \"signature\": \"{}\"}]")),
                 CG_INVALID_RECORD);
    CHECK_STATUS(cg_lookup_supply(lookup, TEXT("1"),
                                  TEXT("[{\"order_id\": \"a\", \"placed_at\": 1, "
                                       "\"outcome\": \"lost\", \"signature\": \"{}\"}]")),
                 CG_INVALID_RECORD);
    CHECK_STATUS(cg_lookup_supply(lookup, TEXT("1"),
                                  TEXT("[{\"order_id\": \"a\", \"placed_at\": 1, "
                                       "\"outcome\": \"pending\", \"signature\": \"not json\"}]")),
                 CG_INVALID_RECORD);
    CHECK_STATUS(cg_lookup_supply(lookup, TEXT("1"), TEXT("[\"\xc3\"]")), CG_INVALID_UTF8);
    CHECK_STATUS(cg_lookup_supply(lookup, TEXT("1"), NULL, 0), CG_NULL_PARAMETER);
    /* The last error names no customer data. */
    CHECK_STATUS(cg_lookup_supply(lookup, TEXT("1"),
                                  TEXT("[{\"order_id\": \"a\", \"placed_at\": \"0661472983x\", "
                                       "\"outcome\": \"pending\", \"signature\": \"{}\"}]")),
                 CG_INVALID_RECORD);
    CHECK(strstr(last_error(), "0661472983") == NULL);

    /* NULL handles and out-pointers; a store is not a lookup. */
    CHECK_STATUS(cg_lookup_supply(NULL, TEXT("1"), TEXT("[]")), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_lookup_wanted(NULL, &out, &len), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_lookup_wanted(lookup, NULL, &len), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_lookup_assessment(lookup, &out, NULL), CG_NULL_PARAMETER);
    CHECK_STATUS(cg_lookup_erase_ids(NULL, &out, &len), CG_NULL_PARAMETER);
    CHECK(out == NULL && len == 0);
    /* Zeroed memory is no lookup; a lookup is no store (it is bigger than a store, so the
     * check reads nothing beyond it). */
    CHECK_STATUS(cg_lookup_wanted((const cg_lookup *)(const void *)fake, &out, &len),
                 CG_INVALID_HANDLE);
    CHECK_STATUS(cg_lookup_supply((cg_lookup *)(void *)fake, TEXT("1"), TEXT("[]")),
                 CG_INVALID_HANDLE);
    CHECK_STATUS(cg_store_write((const cg_store *)(const void *)lookup, TEXT("{}"), &out, &len),
                 CG_INVALID_HANDLE);

    /* Still usable after all those errors. */
    CHECK_STATUS(cg_lookup_supply(lookup, TEXT("-42"), TEXT("[]")), CG_OK);
    CHECK_STATUS(cg_lookup_assessment(lookup, &out, &len), CG_OK);
    CHECK(strstr(out, "\"order_id\":\"q\"") != NULL);
done:
    cg_string_free(out);
    cg_lookup_free(lookup);
    cg_store_free(store);
    return ok;
}

static int test_free_null(void) {
    cg_store_free(NULL);
    cg_lookup_free(NULL);
    return 1;
}

/* ---------------------------------------------------------------- harness */

struct test {
    const char *name;
    int (*run)(void);
};

static const struct test TESTS[] = {
    {"store_equals_engine", test_store_equals_engine},
    {"duplicate_then_erase", test_duplicate_then_erase},
    {"erase_by_phone", test_erase_by_phone},
    {"rows_as_drivers_give_them", test_rows_as_drivers_give_them},
    {"lookup_outlives_store", test_lookup_outlives_store},
    {"store_errors", test_store_errors},
    {"lookup_errors", test_lookup_errors},
    {"free_null", test_free_null},
};

int main(int argc, char **argv) {
    if (argc > 1) data_dir = argv[1];
    for (size_t i = 0; i < sizeof TESTS / sizeof TESTS[0]; i++) {
        report(TESTS[i].name, TESTS[i].run());
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
