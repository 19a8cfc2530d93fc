/*
 * The small harness the C tests share: each test is a function returning 1 (pass) or 0 (fail)
 * that releases what it took through one exit path (`done:`); CHECK and CHECK_STATUS jump there
 * on failure, with the library's last-error message. Include once per test program.
 */
#ifndef CODGUARD_TEST_HARNESS_H
#define CODGUARD_TEST_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codguard.h"

static int passed, failed;

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "  %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);      \
            ok = 0;                                                                        \
            goto done;                                                                     \
        }                                                                                  \
    } while (0)

/* Status of a call, with its last-error message shown when it is not what we expect. */
#define CHECK_STATUS(call, want)                                                           \
    do {                                                                                   \
        cg_status got_ = (call);                                                           \
        if (got_ != (want)) {                                                              \
            fprintf(stderr, "  %s:%d: %s gave %s (%u), want %s: %s\n", __FILE__, __LINE__,  \
                    #call, cg_status_name(got_), (unsigned)got_, cg_status_name(want),      \
                    last_error());                                                         \
            ok = 0;                                                                        \
            goto done;                                                                     \
        }                                                                                  \
    } while (0)

#define TEXT(s) (s), strlen(s)

static const char *last_error(void) {
    static char buf[1024];
    size_t n = 0;
    buf[0] = '\0';
    cg_last_error_message(buf, sizeof buf, &n);
    return buf;
}

static void report(const char *name, int ok) {
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "FAIL %s\n", name);
    }
}

/* The whole file at `path`, NUL-terminated, or NULL; `*len` gets its length. */
static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long size;
    if (!f) return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t)size + 1);
    if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        buf = NULL;
    }
    if (buf) {
        buf[size] = '\0';
        *len = (size_t)size;
    }
    fclose(f);
    return buf;
}

#endif
