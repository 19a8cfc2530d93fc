/* The per-call cost of the handle check, for callgrind (README.md, "C handles"). Built by
 * scripts/ci_c.sh (after `cargo build --release -p codguard-ffi`: gcc -std=c11 -O1 -Iinclude
 * tests/c/handle_cost.c -o target/handle_cost -Ltarget/release -lcodguard
 * -Wl,-rpath,$PWD/target/release), then
 *   valgrind --tool=callgrind --callgrind-out-file=/dev/null target/handle_cost N
 * makes N calls of the cheapest function that takes a handle (cg_engine_len) on an engine
 * and, with 10 other live handles, reports nothing itself: compare the instruction counts of
 * two N. */
#include <stdio.h>
#include <stdlib.h>

#include "codguard.h"

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 100000, i;
    cg_engine *engines[11] = {0};
    size_t len = 0, total = 0;
    for (i = 0; i < 11; i++) {
        if (cg_engine_new(NULL, 0, &engines[i]) != CG_OK) return 1;
    }
    for (i = 0; i < n; i++) {
        if (cg_engine_len(engines[i % 11], &len) != CG_OK) return 1;
        total += len;
    }
    for (i = 0; i < 11; i++) cg_engine_free(engines[i]);
    return total == 0 ? 0 : 1;
}
