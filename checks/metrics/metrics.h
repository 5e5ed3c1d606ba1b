/*
 * metrics.h - streaming model-quality metrics whose values equal
 * scikit-learn's (sklearn.metrics, checked against 1.2.1 to 1e-9), and the
 * registry of metric names the gate spec may use.
 *
 * A library: nothing here prints or exits.  Functions that can fail return -1
 * (or NULL) and fill a caller-supplied mg_error (NULL is fine); the message
 * has no file position, the caller prefixes one with mg_error_prefix.
 *
 * Use: create an accumulator for the task, feed it one row at a time, then
 * ask for any metric by name:
 *
 *     mg_metrics *acc = mg_metrics_new(MG_TASK_BINARY, NULL, &err);
 *     for each row: mg_metrics_add_binary(acc, label, probability);
 *     mg_metrics_value(acc, "roc_auc", &v, &err);
 *     mg_metrics_free(acc);
 *
 * Memory.  Everything is O(1) per accumulator, except:
 *   - multiclass keeps three counters per class (O(K));
 *   - the rank metrics (roc_auc, average_precision, registry flag
 *     needs_all_rows) keep every binary score: one double per row in a
 *     growable array (8 bytes per row, at most 16 bytes per row counting the
 *     array's doubling slack).  They are sorted in place when a rank metric is
 *     asked for, which needs no further memory.  An accumulator created with
 *     keep_rows = 0 keeps nothing per row and reports those two metrics as
 *     unavailable.
 * Sums over rows are exact, rounded once when read (common/exact_sum.h), so
 * values hold to 1e-9 of sklearn's on millions of rows and do not depend on
 * the order of the rows.
 *
 * Definitions (see README.md, "Accuracy gate", for the sklearn calls they match):
 *   - binary predicted class: positive when score >= threshold (default
 *     0.5), as `(p >= t).astype(int)` in numpy;
 *   - precision, recall, f1: zero_division = 0 (a 0/0 ratio is 0);
 *   - log_loss: probabilities clipped to [eps, 1 - eps] with eps = 2^-52
 *     (float64 machine epsilon, sklearn 1.2's eps="auto"), then each row's
 *     probabilities renormalised to sum 1, as sklearn does; labels are taken
 *     as all classes (binary {0,1}, multiclass 0..K-1) even when some are
 *     absent from the data (sklearn's `labels=` argument);
 *   - ece: `ece_bins` equal-width bins over [0,1] (default 10), bin of p =
 *     min(floor(p * bins), bins - 1); sum over non-empty bins of
 *     |bin| / n * |mean(label) - mean(score)|;
 *   - multiclass predicted class: the first class of highest probability
 *     (numpy argmax); f1_macro averages the classes that occur as a label or
 *     a prediction (sklearn's default `labels`).
 *
 * Ownership: mg_metrics_new returns an accumulator the caller frees with
 * mg_metrics_free (NULL is fine).  Registry entries are static: never freed.
 */
#ifndef MG_CHECKS_METRICS_H
#define MG_CHECKS_METRICS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "score/model.h" /* mg_model_task: MG_TASK_REGRESSION, _BINARY, _MULTICLASS */

/* ------------------------------------------------------------------ */
/* Registry                                                             */

/* One metric of one task.  A name may appear once per task ("accuracy" is
 * both a binary and a multiclass metric). */
typedef struct mg_metric_info {
    const char *name;        /* as written in a gate spec, e.g. "roc_auc" */
    mg_model_task task;      /* the task it applies to */
    int higher_is_better;    /* 1: larger is better (auc); 0: smaller is (log_loss) */
    int needs_all_rows;      /* 1: keeps every row's score (see Memory above) */
    const char *description; /* one line, lowercase, no full stop */
} mg_metric_info;

/* Number of registry entries and entry i (0 <= i < count), in a stable
 * order: binary, multiclass, then regression.  NULL when i is out of range. */
size_t mg_metric_count(void);
const mg_metric_info *mg_metric_at(size_t i);

/* The entry for name and task, or NULL when that task has no such metric. */
const mg_metric_info *mg_metric_lookup(const char *name, mg_model_task task);

/* The first entry with that name whatever the task, or NULL. */
const mg_metric_info *mg_metric_find(const char *name);

/* "Did you mean": the registered name of the given task closest to `name`
 * (Levenshtein distance, ties to the earlier entry) when the distance is at
 * most max(2, strlen(name) / 3); NULL otherwise.  Static string. */
const char *mg_metric_closest(const char *name, mg_model_task task);

/* "binary", "multiclass", "regression" (or "unknown"). */
const char *mg_metric_task_name(mg_model_task task);

/* ------------------------------------------------------------------ */
/* Accumulator                                                          */

typedef struct mg_metrics mg_metrics;

typedef struct mg_metrics_options {
    double threshold;      /* binary: predicted positive when score >= threshold */
    unsigned ece_bins;     /* binary: number of ECE bins, >= 1 */
    int keep_rows;         /* binary: keep scores for roc_auc / average_precision */
    size_t nclasses;       /* multiclass: K >= 2 (required) */
    /* multiclass, optional: class names, index = class number, for
     * mg_metrics_add_multiclass_named.  Copied. */
    const char *const *class_names;
} mg_metrics_options;

/* Fills the defaults: threshold 0.5, ece_bins 10, keep_rows 1, nclasses 0,
 * class_names NULL. */
void mg_metrics_options_init(mg_metrics_options *o);

/* A new, empty accumulator for the task.  opts NULL means the defaults (not
 * allowed for multiclass, which needs nclasses).  Returns NULL with err on a
 * bad option (threshold not finite, ece_bins 0, nclasses < 2). */
mg_metrics *mg_metrics_new(mg_model_task task, const mg_metrics_options *opts, mg_error *err);
void mg_metrics_free(mg_metrics *acc);

/*
 * Feed one row.  Each returns 0 when the row was taken and -1 when it was
 * rejected: a label out of range (binary: not 0 or 1; multiclass: not in
 * 0..K-1 or an unknown name) or a score / probability / value that is NaN or
 * infinite, or a call for the wrong task.  A rejected row is counted and
 * poisons the accumulator: every metric then fails with a message giving the
 * number of bad rows and the first one (rows are numbered from 1 in the
 * order of the add calls, rejected ones included).
 */
int mg_metrics_add_binary(mg_metrics *acc, int label, double score);
/* probs: nclasses values (need not sum to 1: sklearn renormalises). */
int mg_metrics_add_multiclass(mg_metrics *acc, int label, const double *probs);
/* As above with the label given by class name (exact, case-sensitive). */
int mg_metrics_add_multiclass_named(mg_metrics *acc, const char *label, const double *probs);
int mg_metrics_add_regression(mg_metrics *acc, double target, double prediction);

/* Rows taken (rejected ones not included). */
uint64_t mg_metrics_rows(const mg_metrics *acc);
mg_model_task mg_metrics_task(const mg_metrics *acc);

/* Returns 0 when every row was taken and there is at least one, else -1
 * with err saying why (empty input, or "N rows ... (first: row R)"). */
int mg_metrics_check(const mg_metrics *acc, mg_error *err);

/*
 * Computes the metric named `name` (a registry name of the accumulator's
 * task) into *out.  Returns 0, or -1 with err when the name is unknown for
 * the task, the input is empty or poisoned, or the metric is undefined on
 * this data: roc_auc and average_precision with a single class present
 * (sklearn raises for roc_auc and returns a meaningless 0 for average
 * precision with no positives: both are errors here), brier and ece with a
 * score outside [0,1] (sklearn raises for brier), r2 with fewer than two rows
 * (sklearn returns NaN).  The rank metrics sort the kept scores in place the
 * first time (hence the non-const accumulator); adding rows later is fine.
 */
int mg_metrics_value(mg_metrics *acc, const char *name, double *out, mg_error *err);

/* Binary confusion matrix at the accumulator's threshold. */
typedef struct mg_confusion {
    uint64_t tn, fp, fn, tp;
} mg_confusion;

/* Fills *out.  Returns 0, or -1 with err when the accumulator is not binary. */
int mg_metrics_confusion(const mg_metrics *acc, mg_confusion *out, mg_error *err);

/* Bytes the accumulator holds for kept rows (the rank metrics' arrays,
 * capacity included); 0 when keep_rows is off or not binary. */
size_t mg_metrics_row_bytes(const mg_metrics *acc);

/*
 * Sharded runs (checks/metrics/accum_state.c): the accumulator's state as
 * JSON (a new reference: counts, exact sums, the rank metrics' kept scores
 * as common/state_json.h arrays, 8 bytes a row), and the same added to an
 * accumulator created with the same task and options.  Merging the states
 * of any split of the rows, in any order, gives every metric with the bits
 * of one accumulator fed them all.  merge returns 0, or -1 with msg when the
 * state is not one of this task and options.
 */
json_t *mg_metrics_save(const mg_metrics *acc);
int mg_metrics_merge(mg_metrics *acc, const json_t *state, char *msg, size_t size);

#endif
