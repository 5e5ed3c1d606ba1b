/*
 * row.h - one row of evaluation data, as every row source hands it out.
 *
 * A row is an array of values, one per column of the source (the CSV header,
 * or the column list of a JSON Lines source).  Values borrow their text from
 * the source: they stay valid until the next call to mg_source_next() or
 * mg_source_free().  Copy what you keep.
 */
#ifndef MG_SOURCES_ROW_H
#define MG_SOURCES_ROW_H

#include <stddef.h>

typedef enum mg_value_kind {
    MG_VALUE_ABSENT = 0, /* the column is not in this row (JSONL key absent, short CSV row) */
    MG_VALUE_NULL,       /* JSON null */
    MG_VALUE_TEXT,       /* text as found: every CSV field (possibly empty), a JSON string */
    MG_VALUE_NUMBER,     /* a JSON number: `num` holds it, `text` its printed form */
    MG_VALUE_BOOL,       /* a JSON true/false: `num` is 1 or 0, `text` "true"/"false" */
    MG_VALUE_OTHER       /* a JSON object or array: `text` is its compact JSON */
} mg_value_kind;

typedef struct mg_value {
    mg_value_kind kind;
    const char *text; /* NUL-terminated; "" for ABSENT and NULL */
    size_t len;       /* bytes of text, which may hold NUL bytes from the data */
    double num;       /* for NUMBER and BOOL */
    int quoted;       /* an empty CSV field that was quoted ("" is an empty string, not a
                       * missing value); JSON strings.  0 for non-empty CSV fields. */
} mg_value;

typedef struct mg_row {
    size_t nvalues;          /* == number of columns of the source */
    const mg_value *values;  /* nvalues entries */
    size_t nfields_found;    /* CSV: fields on this record (may differ from nvalues) */
    unsigned long line;      /* 1-based physical line where the record starts */
    unsigned long index;     /* 0-based data row number (header excluded) */
    size_t bytes;            /* bytes the record occupies in the file */
} mg_row;

/* True when the value counts as missing: absent, null, or empty unquoted text.
 * Inline: the runner asks it of every field of every row. */
static inline int mg_value_is_missing(const mg_value *v)
{
    switch (v->kind) {
    case MG_VALUE_ABSENT:
    case MG_VALUE_NULL:
        return 1;
    case MG_VALUE_TEXT:
        return v->len == 0 && !v->quoted;
    default:
        return 0;
    }
}

/*
 * Reads a value as a number.  TEXT is parsed as a whole decimal number
 * (leading/trailing spaces allowed, "nan"/"inf" accepted as such); BOOL gives
 * 0/1.  Returns 0 and sets *out on success, -1 if the value is not a number
 * (missing values are not numbers either).
 */
int mg_value_to_double(const mg_value *v, double *out);

/* An owned deep copy of a row, for callers that keep rows past the next read
 * (batch scoring).  Free with mg_row_free (NULL is fine). */
mg_row *mg_row_dup(const mg_row *row);
void mg_row_free(mg_row *row);

#endif
