/*
 * score_testutil.h - helpers shared by the test_score_*.c unit tests: read a
 * small CSV fixture with libcsv into rows of TEXT values (header kept apart).
 * Header-only (static functions) so each test binary stays self-contained.
 */
#ifndef MG_TESTS_SCORE_TESTUTIL_H
#define MG_TESTS_SCORE_TESTUTIL_H

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmem.h"
#include "sources/row.h"

typedef struct tcsv {
    char **header;
    size_t ncols;
    mg_row *rows;
    size_t nrows;
    /* private */
    char **cells;
    size_t ncells, cap;
    mg_value *values;
    size_t *row_start;
    size_t row_cap;
    size_t cur_fields;
    int has_header;
} tcsv;

static inline void tcsv_field(void *s, size_t len, void *data)
{
    tcsv *t = data;
    t->cells = mg_xgrow(t->cells, &t->cap, t->ncells + 1, sizeof *t->cells);
    t->cells[t->ncells++] = mg_xstrndup(s ? s : "", len);
    t->cur_fields++;
}

static inline void tcsv_record(int c, void *data)
{
    (void)c;
    tcsv *t = data;
    t->row_start = mg_xgrow(t->row_start, &t->row_cap, t->nrows + 2, sizeof *t->row_start);
    t->row_start[t->nrows + 1] = t->ncells;
    t->nrows++;
    t->cur_fields = 0;
}

/* Reads path; when has_header, the first record is the header.  Every row
 * gets ncols values (ragged rows are padded with ABSENT). */
static inline tcsv *tcsv_read(const char *path, int has_header)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    tcsv *t = mg_xcalloc(1, sizeof *t);
    t->row_start = mg_xgrow(NULL, &t->row_cap, 2, sizeof *t->row_start);
    t->row_start[0] = 0;
    struct csv_parser p;
    csv_init(&p, CSV_APPEND_NULL);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
        csv_parse(&p, buf, n, tcsv_field, tcsv_record, t);
    csv_fini(&p, tcsv_field, tcsv_record, t);
    csv_free(&p);
    fclose(fp);
    size_t first = 0;
    t->ncols = t->nrows ? t->row_start[1] : 0;
    if (has_header && t->nrows > 0) {
        t->header = t->cells;
        first = 1;
    }
    size_t nrows = t->nrows - first;
    t->rows = mg_xcalloc(nrows + 1, sizeof *t->rows);
    t->values = mg_xcalloc(nrows * t->ncols + 1, sizeof *t->values);
    for (size_t r = 0; r < nrows; r++) {
        size_t s = t->row_start[r + first], e = t->row_start[r + first + 1];
        mg_value *v = t->values + r * t->ncols;
        for (size_t c = 0; c < t->ncols; c++) {
            if (s + c < e) {
                v[c].kind = MG_VALUE_TEXT;
                v[c].text = t->cells[s + c];
                v[c].len = strlen(t->cells[s + c]);
            } else {
                v[c].kind = MG_VALUE_ABSENT;
                v[c].text = "";
            }
        }
        t->rows[r].nvalues = t->ncols;
        t->rows[r].values = v;
        t->rows[r].line = (unsigned long)(r + first + 1);
        t->rows[r].index = (unsigned long)r;
    }
    t->nrows = nrows;
    return t;
}

static inline void tcsv_free(tcsv *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->ncells; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t->rows);
    free(t->values);
    free(t->row_start);
    free(t);
}

/* Value of cell (r, c) as a double (reference files are plain numbers). */
static inline double tcsv_num(const tcsv *t, size_t r, size_t c)
{
    return strtod(t->rows[r].values[c].text, NULL);
}

#endif
