/*
 * fuzz_profile.c - drift profile files (checks/drift/profile_json.c and the
 * sketch readers), as `mgate profile --merge` and the drift checks read them.
 *
 * Each input is read from memory (mg_dprofile_from_text, what
 * mg_dprofile_read calls on the file's bytes).  A profile that reads:
 *  - is written the way mg_dprofile_write writes it and read back, and
 *    writing that again gives the same text (what mgate writes, it reads);
 *  - is merged with a second reading of itself: the merge must be accepted
 *    (same columns by construction) unless its result could not be stored
 *    (counts over INT64_MAX, moments beyond double precision: then refused
 *    with a reason), every count doubles, and the merged profile must write
 *    and read back;
 *  - is merged with a small valid profile of the same columns made from two
 *    rows (accepted when every sketch has mgate's k, adding 2 rows), and
 *    with a fixed profile of other columns (refused).  A refused merge must
 *    say why and leave the profile as it was.
 * A profile that does not read must say why, naming the file.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checks/drift/profile.h"
#include "fuzz/support.h"

#define FILE_NAME "fuzz.profile.json"

/* The text mg_dprofile_write would write; the caller frees it. */
static char *profile_text(const mg_dprofile *p)
{
    json_t *doc = mg_dprofile_to_json(p);
    char *text = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    if (!text)
        fuzz_fail("a profile of %llu rows cannot be written as JSON", (unsigned long long)p->rows);
    return text;
}

/* What is written reads back, and writes again to the same text, which is
 * returned (the caller frees it). */
static char *check_round_trip(const mg_dprofile *p, const char *what)
{
    char *text = profile_text(p);
    mg_error err = {{0}};
    mg_dprofile *back = mg_dprofile_from_text(FILE_NAME, text, strlen(text), &err);
    if (!back)
        fuzz_fail("%s profile, as written, does not read back: %s", what, err.msg);
    char *again = profile_text(back);
    if (strcmp(text, again) != 0)
        fuzz_fail("%s profile changed on being written, read and written again", what);
    free(again);
    mg_dprofile_free(back);
    return text;
}

static void check_doubled(uint64_t merged, uint64_t one, const char *what)
{
    if (merged != 2 * one)
        fuzz_fail("merged with itself, %s is %llu, not twice %llu", what, (unsigned long long)merged,
                  (unsigned long long)one);
}

static int moments_double_finite(const mg_moments *m)
{
    mg_moments twice = *m;
    mg_moments_merge(&twice, m);
    return isfinite(twice.mean) && isfinite(twice.m2);
}

/* Whether p merged with itself can be stored (profile.h: counts up to
 * INT64_MAX, finite moments); only then must the merge be accepted. */
static int doubled_fits(const mg_dprofile *p)
{
    if (p->rows > INT64_MAX / 2 || p->scores_missing > INT64_MAX / 2 || p->scores.count > INT64_MAX / 2 ||
        !moments_double_finite(&p->scores))
        return 0;
    for (size_t i = 0; i < p->ncols; i++)
        if (!moments_double_finite(&p->cols[i].moments))
            return 0;
    return 1;
}

static void merge_with_itself(const char *data, size_t size, const mg_dprofile *once)
{
    mg_error err = {{0}};
    mg_dprofile *p = mg_dprofile_from_text(FILE_NAME, data, size, &err);
    if (!p)
        fuzz_fail("a profile read once does not read twice: %s", err.msg);
    if (mg_dprofile_merge(p, once, &err) != 0) {
        if (doubled_fits(once) || !err.msg[0] || p->rows != once->rows)
            fuzz_fail("a profile cannot be merged with itself: '%s'", err.msg);
        mg_dprofile_free(p);
        return;
    }
    check_doubled(p->rows, once->rows, "rows");
    check_doubled(p->scores.count, once->scores.count, "the scores' count");
    check_doubled(p->score_sketch.n, once->score_sketch.n, "the score sketch's n");
    check_doubled(p->labels.total, once->labels.total, "the labels' total");
    for (size_t i = 0; i < p->ncols; i++) {
        const mg_pcol *a = &p->cols[i], *b = &once->cols[i];
        check_doubled(a->rows, b->rows, "a column's rows");
        check_doubled(a->missing, b->missing, "a column's missing");
        check_doubled(a->wrong_type, b->wrong_type, "a column's wrong_type");
        check_doubled(a->moments.count, b->moments.count, "a column's count");
        check_doubled(a->sketch.n, b->sketch.n, "a column's sketch n");
        check_doubled(a->values.total, b->values.total, "a column's values total");
    }
    free(check_round_trip(p, "a self-merged"));
    mg_dprofile_free(p);
}

/* A profile of the same columns as p, made from two rows the usual way. */
static mg_dprofile *small_profile_like(const mg_dprofile *p)
{
    const char **names = malloc((p->ncols ? p->ncols : 1) * sizeof *names);
    mg_pcol_kind *kinds = malloc((p->ncols ? p->ncols : 1) * sizeof *kinds);
    mg_value *values = calloc(p->ncols ? p->ncols : 1, sizeof *values);
    if (!names || !kinds || !values)
        abort();
    for (size_t i = 0; i < p->ncols; i++) {
        names[i] = p->cols[i].name;
        kinds[i] = p->cols[i].kind;
        values[i] = kinds[i] == MG_PCOL_NUMBER ? (mg_value){MG_VALUE_NUMBER, "1.5", 3, 1.5, 0}
                                               : (mg_value){MG_VALUE_TEXT, "x", 1, 0, 0};
    }
    mg_dprofile *small = mg_dprofile_new(names, kinds, p->ncols, p->label_col, p->scores_from);
    for (uint64_t r = 0; r < 2; r++) {
        mg_row row = {.nvalues = p->ncols, .values = values, .line = r + 2, .index = r};
        mg_dprofile_add_row(small, &row);
        if (p->scores_from)
            mg_dprofile_add_score(small, 0.25);
    }
    mg_dprofile_settle(small);
    free(names);
    free(kinds);
    free(values);
    return small;
}

static int has_mgate_k(const mg_dprofile *p)
{
    for (size_t i = 0; i < p->ncols; i++)
        if (p->cols[i].kind == MG_PCOL_NUMBER && p->cols[i].sketch.k != MG_QSKETCH_K)
            return 0;
    return !p->scores_from || p->score_sketch.k == MG_QSKETCH_K;
}

/* Merges `other` into p, whose written text is *text: accepted (adding its
 * rows, and then p still writes and reads back; *text becomes the new text)
 * or refused with a reason and p unchanged. */
static void merge_other(mg_dprofile *p, const mg_dprofile *other, int must_accept, const char *what,
                        char **text)
{
    uint64_t rows = p->rows;
    mg_error err = {{0}};
    if (mg_dprofile_merge(p, other, &err) == 0) {
        if (p->rows != rows + other->rows)
            fuzz_fail("merged with %s, rows are %llu, not %llu + %llu", what, (unsigned long long)p->rows,
                      (unsigned long long)rows, (unsigned long long)other->rows);
        free(*text);
        *text = check_round_trip(p, "a merged");
    } else {
        if (must_accept || !err.msg[0])
            fuzz_fail("merge with %s refused: '%s'", what, err.msg);
        char *after = profile_text(p);
        if (strcmp(*text, after) != 0)
            fuzz_fail("a refused merge with %s changed the profile", what);
        free(after);
    }
}

static void merge_with_others(mg_dprofile *p, char **text)
{
    mg_dprofile *small = small_profile_like(p);
    merge_other(p, small, has_mgate_k(p), "a small profile of the same columns", text);
    mg_dprofile_free(small);

    static const char *const names[] = {"fuzz: no such column"};
    static const mg_pcol_kind kinds[] = {MG_PCOL_NUMBER};
    mg_dprofile *unlike = mg_dprofile_new(names, kinds, 1, -1, NULL);
    mg_dprofile_settle(unlike);
    merge_other(p, unlike, 0, "a profile of other columns", text);
    mg_dprofile_free(unlike);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mg_error err = {{0}};
    mg_dprofile *p = mg_dprofile_from_text(FILE_NAME, (const char *)data, size, &err);
    if (!p) {
        if (strncmp(err.msg, FILE_NAME ":", strlen(FILE_NAME ":")) != 0)
            fuzz_fail("a profile refused without naming its file: '%s'", err.msg);
        return 0;
    }
    char *text = check_round_trip(p, "a");
    merge_with_itself((const char *)data, size, p);
    merge_with_others(p, &text);
    free(text);
    mg_dprofile_free(p);
    return 0;
}
