/*
 * triage: what a shop's back office does with libcodguard, in plain C.
 *
 *   triage HISTORY.jsonl ORDERS.jsonl [LIMIT]
 *
 * Loads the shop's past orders, assesses each new order (printing its class and action) and
 * adds it to the history as pending (so a customer's second order in the file is seen), and
 * drives the confirmation flow of the first order to confirm through a few events: placed,
 * no answer for 4 hours (WhatsApp), then the customer's reply "wakha" read by the reply
 * matcher. Build with `make` (see the Makefile).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "codguard.h"

#define TEXT(s) (s), strlen(s)

static void die(const char *what, cg_status st) {
    char msg[512];
    size_t n = 0;
    cg_last_error_message(msg, sizeof msg, &n);
    /* The message starts with the status's name ("invalid_record: ..."). */
    fprintf(stderr, "triage: %s (status %u): %s\n", what, (unsigned)st, msg);
    exit(2);
}

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long size;
    if (!f) {
        perror(path);
        exit(2);
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
        !(buf = malloc((size_t)size + 1)) || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "triage: cannot read %s\n", path);
        exit(2);
    }
    buf[size] = '\0';
    *len = (size_t)size;
    fclose(f);
    return buf;
}

static const char *str(const cJSON *o, const char *name) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* Feeds one event to the flow and prints the actions it asks for. */
static void feed(cg_flow *flow, const char *event) {
    char *actions = NULL, *state = NULL;
    size_t len = 0;
    bool has = false;
    int64_t at = 0;
    cg_status st = cg_flow_handle(flow, TEXT(event), &actions, &len);
    if (st != CG_OK) die("flow event", st);
    if ((st = cg_flow_state(flow, &state, &len)) != CG_OK) die("flow state", st);
    if ((st = cg_flow_next_deadline(flow, &has, &at)) != CG_OK) die("flow deadline", st);
    printf("  event   %s\n  actions %s\n  state   %s, ", event, actions, state);
    if (has)
        printf("next tick at %lld\n", (long long)at);
    else
        printf("next tick none (no time-driven step left)\n");
    cg_string_free(actions);
    cg_string_free(state);
}

static void run_flow(const char *order_json, size_t order_len, int64_t placed_at,
                     const char *country) {
    static const uint8_t secret[] = "change-me: the shop's secret";
    cg_flow *flow = NULL;
    char *intent = NULL;
    size_t len = 0;
    char event[512];
    const char *reply = "wakha, sift liya";
    /* NULL nonce: the library draws random bytes, so no other flow's link passes here. */
    cg_status st = cg_flow_new(order_json, order_len, TEXT("confirm"), NULL, 0, secret,
                               sizeof secret - 1, NULL, 0, &flow);
    if (st != CG_OK) die("flow", st);

    snprintf(event, sizeof event, "{\"type\": \"placed\", \"at\": %lld}", (long long)placed_at);
    feed(flow, event);
    snprintf(event, sizeof event, "{\"type\": \"tick\", \"at\": %lld}",
             (long long)placed_at + 4 * 3600);
    feed(flow, event);

    /* The customer answers on WhatsApp in Darija: what does it mean? */
    if ((st = cg_reply_intent(TEXT(reply), TEXT(country), &intent, &len)) != CG_OK)
        die("reply intent", st);
    printf("  reply   \"%s\" -> %s\n", reply, intent);
    cJSON *parsed = cJSON_Parse(intent);
    snprintf(event, sizeof event,
             "{\"type\": \"reply\", \"at\": %lld, \"channel\": \"whatsapp\", \"intent\": \"%s\"}",
             (long long)placed_at + 5 * 3600, str(parsed, "intent"));
    cJSON_Delete(parsed);
    cg_string_free(intent);
    feed(flow, event);
    cg_flow_free(flow);
}

int main(int argc, char **argv) {
    cg_engine *engine = NULL;
    char *history, *orders, *line, *next;
    size_t history_len, orders_len, added = 0, count = 0, failed = 0, number;
    long limit = argc > 3 ? strtol(argv[3], NULL, 10) : -1;
    int flow_done = 0;
    cg_status st;

    if (argc < 3) {
        fprintf(stderr, "usage: %s HISTORY.jsonl ORDERS.jsonl [LIMIT]\n", argv[0]);
        return 2;
    }
    if (strcmp(cg_version(), CG_VERSION) != 0) {
        fprintf(stderr, "triage: library %s, header %s\n", cg_version(), CG_VERSION);
        return 2;
    }
    if ((st = cg_engine_new(NULL, 0, &engine)) != CG_OK) die("engine", st);

    history = read_file(argv[1], &history_len);
    if ((st = cg_engine_add_history(engine, history, history_len, &added)) != CG_OK)
        die("history", st);
    free(history);
    printf("history: %zu past orders\n", added);

    orders = read_file(argv[2], &orders_len);
    /* A file saved by Windows tools or a spreadsheet may start with a byte-order mark: it is no
     * part of the first order (cg_engine_add_history and cg_engine_assess_many skip it too). */
    line = orders_len >= 3 && memcmp(orders, "\xef\xbb\xbf", 3) == 0 ? orders + 3 : orders;
    for (number = 1; line && (limit < 0 || (long)count < limit); line = next, number++) {
        char *assessment = NULL, *end = strchr(line, '\n');
        size_t len = 0;
        cJSON *a, *order;
        next = end ? end + 1 : NULL;
        if (end) *end = '\0';
        if (strspn(line, " \t\r") == strlen(line)) continue;
        count++;
        /* Assessed, then joins the history as pending, as a shop's backend adds it: the same
         * customer's next order in the file is seen (duplicate_recent_order), and an id already
         * held is an error in its place. */
        st = cg_engine_assess_and_add(engine, TEXT(line), &assessment, &len);
        if (st != CG_OK) {
            /* The message starts with the status's name ("invalid_record: ..."). */
            char msg[256];
            size_t n = 0;
            cg_last_error_message(msg, sizeof msg, &n);
            printf("line %zu: %s\n", number, msg);
            failed++;
            continue;
        }
        a = cJSON_Parse(assessment);
        printf("%-14s %-10s %-12s risk %.2f\n", str(a, "order_id"), str(a, "customer_class"),
               str(a, "action"), cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(a, "risk")));
        if (!flow_done && strcmp(str(a, "action"), "confirm") == 0) {
            order = cJSON_Parse(line);
            printf("confirmation flow of %s:\n", str(a, "order_id"));
            run_flow(TEXT(line),
                     (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(order, "placed_at")),
                     str(order, "country"));
            cJSON_Delete(order);
            flow_done = 1;
        }
        cJSON_Delete(a);
        cg_string_free(assessment);
    }
    free(orders);
    cg_engine_free(engine);
    printf("%zu order%s assessed, %zu failed\n", count - failed, count - failed == 1 ? "" : "s",
           failed);
    return failed == 0 ? 0 : 1;
}
