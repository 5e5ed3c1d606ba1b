/*
 * shared.h - the shared test corpora, kept outside the repository: the
 * folder `shared/` beside it (../shared from the repo root, where the tests
 * run), or $MGATE_SHARED.  A test that needs a part of it that is absent is
 * skipped, saying which test, what it needs and why; every other test runs.
 */
#ifndef MG_TESTS_SHARED_H
#define MG_TESTS_SHARED_H

/* The path of `sub` under the shared folder (static storage per call slot:
 * copy it if you need it past 16 further calls). */
const char *tu_shared(const char *sub);

/* 1 (after printing "skip: TEST needs ../shared/SUB (WHY)") when `sub` is
 * absent, else 0. */
int tu_shared_missing(const char *test, const char *sub, const char *why);

/* In a cmocka test: skip it when `sub` is absent. */
#define TU_NEEDS_SHARED(sub, why)                         \
    do {                                                  \
        if (tu_shared_missing(__func__, (sub), (why))) {  \
            skip();                                       \
            return;                                       \
        }                                                 \
    } while (0)

#endif
