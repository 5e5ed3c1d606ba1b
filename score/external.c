/*
 * external.c - external scorers: a command that speaks mgate's JSON Lines
 * scorer protocol on its stdin/stdout (documented in README.md, "External scorers").
 *
 *   start      mgate starts the command once per run (posix_spawnp, argv as
 *              given, no shell).  The scorer first writes one line that
 *              describes itself:
 *                {"features": ["a", "b"], "task": "binary",
 *                 "classes": ["x", "y", "z"], "objective": "..."}
 *              ("classes" only for task "multiclass"; "objective" optional).
 *   request    {"batch": N} then N lines {"id": ROW, "features": {"a": 1.5,
 *              "b": null}}: numbers as numbers, missing values as null,
 *              other text as strings.
 *   response   exactly N lines, in order: {"prediction": X} (regression,
 *              binary: probability of the positive class), {"probabilities":
 *              [..K..]} (multiclass) or {"error": "why"} for a row it cannot
 *              score.  An optional "id" must match the request's.
 *   end        mgate closes the scorer's stdin; it should exit.  After a
 *              grace period it is killed.  No zombies are left.
 *
 * Every batch has a deadline (spec->timeout_seconds, default 30 s) enforced
 * with poll(); stdin is written, stdout and stderr read concurrently, so
 * neither side can block on a full pipe.  The last 2 KB of stderr are kept
 * for messages.  A scorer that crashes, hangs, writes something that is not
 * a JSON object, or answers the wrong number of rows fails the batch (-1);
 * it is then killed and later batches fail at once.  SIGPIPE is blocked in
 * the calling thread while mgate writes to the scorer, so a write to a
 * scorer that died fails with EPIPE; the process's SIGPIPE disposition is
 * never changed.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/xmem.h"
#include "score/jsonl_request.h"
#include "score/model_internal.h"

extern char **environ;

#define EXT_TAIL 2048
#define EXT_MAX_LINE (1u << 20)
#define EXT_GRACE_MS 1000

typedef struct ext_scorer {
    pid_t pid;
    int in_fd;  /* scorer's stdin (we write) */
    int out_fd; /* scorer's stdout (we read) */
    int err_fd; /* scorer's stderr (we read) */
    int dead;   /* killed or exited: no more batches */
    char *name; /* argv[0], for messages */
    double timeout;
    size_t batch_size;
    /* stdout bytes not yet split into lines */
    char *obuf;
    size_t olen, ocap;
    /* stderr tail (ring of the last EXT_TAIL bytes) */
    char tail[EXT_TAIL];
    size_t tail_len, tail_pos;
    char exit_desc[96]; /* how it ended, once reaped */
} ext_scorer;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void tail_add(ext_scorer *x, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        x->tail[x->tail_pos] = p[i];
        x->tail_pos = (x->tail_pos + 1) % EXT_TAIL;
        if (x->tail_len < EXT_TAIL)
            x->tail_len++;
    }
}

/* The stderr tail as one line ("|" for newlines), into buf. */
static const char *tail_text(const ext_scorer *x, char *buf, size_t size)
{
    size_t start = (x->tail_pos + EXT_TAIL - x->tail_len) % EXT_TAIL;
    size_t n = 0;
    for (size_t i = 0; i < x->tail_len && n + 1 < size; i++) {
        char ch = x->tail[(start + i) % EXT_TAIL];
        buf[n++] = (ch == '\n' || ch == '\r') ? '|' : ch;
    }
    while (n > 0 && buf[n - 1] == '|')
        n--;
    buf[n] = '\0';
    return buf;
}

/* Reaps the child (after it exited or was killed) and records how. */
static void reap(ext_scorer *x, int wait_ms)
{
    if (x->pid <= 0)
        return;
    int status = 0;
    pid_t r = 0;
    for (int waited = 0;; waited += 10) {
        r = waitpid(x->pid, &status, WNOHANG);
        if (r != 0 || waited >= wait_ms)
            break;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (r == 0) {
        kill(x->pid, SIGKILL);
        r = waitpid(x->pid, &status, 0);
        if (!x->exit_desc[0])
            snprintf(x->exit_desc, sizeof x->exit_desc, "was killed");
    }
    if (r == x->pid && !x->exit_desc[0]) {
        if (WIFEXITED(status))
            snprintf(x->exit_desc, sizeof x->exit_desc, "exited with status %d",
                     WEXITSTATUS(status));
        else if (WIFSIGNALED(status))
            snprintf(x->exit_desc, sizeof x->exit_desc, "was killed by signal %d",
                     WTERMSIG(status));
    }
    x->pid = -1;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Kills and reaps the scorer now; later batches fail at once. */
static void kill_scorer(ext_scorer *x)
{
    if (x->pid > 0)
        kill(x->pid, SIGKILL);
    close_fd(&x->in_fd);
    reap(x, 0);
    close_fd(&x->out_fd);
    close_fd(&x->err_fd);
    x->dead = 1;
}

static int ext_fail(ext_scorer *x, mg_error *err, const char *what)
{
    char tail[EXT_TAIL + 1];
    kill_scorer(x);
    tail_text(x, tail, sizeof tail);
    return mg_error_set(err, "external scorer '%s': %s%s%s%s", x->name, what,
                        tail[0] ? "; its stderr ends with: " : "", tail, "");
}

/*
 * Writes `req` (may be NULL) and reads `want` lines from the scorer, all
 * under one deadline.  lines[] receive malloc'd lines (no newline).
 * Returns 0, or -1 with err (the scorer is then killed).
 */
static int exchange(ext_scorer *x, const char *req, size_t req_len, char **lines, size_t want,
                    mg_error *err)
{
    double deadline = now_s() + x->timeout;
    size_t written = 0, got = 0;
    int out_eof = 0;
    char msg[256];
    while (got < want) {
        /* Complete lines already buffered. */
        char *nl;
        while (got < want && x->olen > 0 && (nl = memchr(x->obuf, '\n', x->olen)) != NULL) {
            size_t len = (size_t)(nl - x->obuf);
            lines[got++] = mg_xstrndup(x->obuf, len);
            memmove(x->obuf, nl + 1, x->olen - len - 1);
            x->olen -= len + 1;
        }
        if (got == want)
            break;
        if (x->olen > EXT_MAX_LINE)
            return ext_fail(x, err, "a reply line is longer than 1 MB");
        if (out_eof) {
            close_fd(&x->in_fd);
            reap(x, EXT_GRACE_MS);
            snprintf(msg, sizeof msg, "%s after %zu of %zu replies",
                     x->exit_desc[0] ? x->exit_desc : "closed its output", got, want);
            return ext_fail(x, err, msg);
        }
        struct pollfd p[3];
        int np = 0, in_i = -1, out_i, err_i = -1;
        if (req && written < req_len && x->in_fd >= 0) {
            p[np] = (struct pollfd){x->in_fd, POLLOUT, 0};
            in_i = np++;
        }
        p[np] = (struct pollfd){x->out_fd, POLLIN, 0};
        out_i = np++;
        if (x->err_fd >= 0) {
            p[np] = (struct pollfd){x->err_fd, POLLIN, 0};
            err_i = np++;
        }
        double left = deadline - now_s();
        if (left <= 0) {
            snprintf(msg, sizeof msg, "no complete reply within %.3g s (got %zu of %zu lines); "
                                      "killed", x->timeout, got, want);
            return ext_fail(x, err, msg);
        }
        int rc = poll(p, (nfds_t)np, (int)(left * 1000) + 1);
        if (rc < 0) {
            if (errno == EINTR)
                continue;
            return ext_fail(x, err, "poll failed");
        }
        if (in_i >= 0 && (p[in_i].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t w = write(x->in_fd, req + written, req_len - written);
            if (w > 0) {
                written += (size_t)w;
            } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
                /* EPIPE: it stopped reading; its exit status tells why. */
                close_fd(&x->in_fd);
            }
        }
        if (err_i >= 0 && (p[err_i].revents & (POLLIN | POLLHUP | POLLERR))) {
            char buf[4096];
            ssize_t r = read(x->err_fd, buf, sizeof buf);
            if (r > 0)
                tail_add(x, buf, (size_t)r);
            else if (r == 0 || (errno != EAGAIN && errno != EINTR))
                close_fd(&x->err_fd);
        }
        if (p[out_i].revents & (POLLIN | POLLHUP | POLLERR)) {
            x->obuf = mg_xgrow(x->obuf, &x->ocap, x->olen + 65536, 1);
            ssize_t r = read(x->out_fd, x->obuf + x->olen, x->ocap - x->olen);
            if (r > 0)
                x->olen += (size_t)r;
            else if (r == 0 || (errno != EAGAIN && errno != EINTR))
                out_eof = 1;
        }
    }
    /* Drain what stderr has right now, without waiting. */
    while (x->err_fd >= 0) {
        struct pollfd pe = {x->err_fd, POLLIN, 0};
        if (poll(&pe, 1, 0) <= 0)
            break;
        char buf[4096];
        ssize_t r = read(x->err_fd, buf, sizeof buf);
        if (r <= 0) {
            if (r == 0 || (errno != EAGAIN && errno != EINTR))
                close_fd(&x->err_fd);
            break;
        }
        tail_add(x, buf, (size_t)r);
    }
    return 0;
}

/* Runs exchange() with SIGPIPE blocked in this thread only (other threads
 * and the process's handler are left alone).  A SIGPIPE the exchange raised
 * (a write to a scorer that exited) is taken off the pending set before the
 * thread's mask is restored; one already pending before is left. */
static int exchange_nosigpipe(ext_scorer *x, const char *req, size_t len, char **lines,
                              size_t want, mg_error *err)
{
    sigset_t pipe_only, old_mask, pending;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    sigemptyset(&pending);
    sigpending(&pending);
    int was_pending = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_only, &old_mask);
    int rc = exchange(x, req, len, lines, want, err);
    sigemptyset(&pending);
    if (!was_pending && sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1) {
        int saved_errno = errno;
        const struct timespec now = {0, 0};
        while (sigtimedwait(&pipe_only, NULL, &now) < 0 && errno == EINTR)
            ;
        errno = saved_errno;
    }
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    return rc;
}

static void ext_free(void *impl)
{
    ext_scorer *x = impl;
    if (!x)
        return;
    /* Closing stdin asks it to finish; then a grace period; then SIGKILL. */
    close_fd(&x->in_fd);
    reap(x, EXT_GRACE_MS);
    close_fd(&x->out_fd);
    close_fd(&x->err_fd);
    free(x->name);
    free(x->obuf);
    free(x);
}

static json_t *value_json(const mg_value *v)
{
    double d;
    if (mg_value_is_missing(v))
        return json_null();
    if (mg_value_to_double(v, &d) == 0)
        return isfinite(d) ? json_real(d) : json_null();
    return json_stringn(v->text, v->len);
}

static long score_chunk(mg_model *m, const mg_binding *b, const mg_row *rows, size_t n,
                        double *out, unsigned char *ok, mg_error *row_err, int *first_fail,
                        mg_error *err)
{
    ext_scorer *x = m->impl;
    /* The request: {"batch": N} then one line per row. */
    json_t **feats = mg_xcalloc(n + 1, sizeof *feats);
    unsigned long *ids = mg_xcalloc(n + 1, sizeof *ids);
    for (size_t r = 0; r < n; r++) {
        ids[r] = rows[r].index;
        feats[r] = json_object();
        for (size_t i = 0; i < m->nfeatures; i++)
            json_object_set_new(feats[r], m->feature_names[i], value_json(mg_binding_value(b, &rows[r], i)));
    }
    size_t len;
    char *req = mg_jsonl_request(n, ids, feats, &len);
    free(feats);
    free(ids);
    char **lines = mg_xcalloc(n, sizeof *lines);
    int rc = exchange_nosigpipe(x, req, len, lines, n, err);
    free(req);
    long scored = 0;
    for (size_t r = 0; rc == 0 && r < n; r++) {
        double *o = out + r * m->noutputs;
        json_error_t je;
        json_t *j = json_loads(lines[r], 0, &je);
        char msg[320];
        if (!json_is_object(j)) {
            snprintf(msg, sizeof msg, "reply line %zu is not a JSON object: '%.60s'", r + 1,
                     lines[r]);
            json_decref(j);
            rc = ext_fail(x, err, msg);
            break;
        }
        json_t *id = json_object_get(j, "id");
        if (id && (!json_is_integer(id) || json_integer_value(id) != (json_int_t)rows[r].index)) {
            snprintf(msg, sizeof msg, "reply line %zu answers another row (id does not match "
                                      "%lu)", r + 1, rows[r].index);
            json_decref(j);
            rc = ext_fail(x, err, msg);
            break;
        }
        json_t *pred = json_object_get(j, "prediction");
        json_t *probs = json_object_get(j, "probabilities");
        json_t *e = json_object_get(j, "error");
        int good = 0;
        if (e) {
            for (size_t k = 0; k < m->noutputs; k++)
                o[k] = NAN;
            ok[r] = 0;
            if (*first_fail && row_err)
                mg_error_set(row_err, "external scorer: %.200s",
                             json_is_string(e) ? json_string_value(e) : "error");
            *first_fail = 0;
            good = 1;
        } else if (m->task != MG_TASK_MULTICLASS && json_is_number(pred)) {
            o[0] = json_number_value(pred);
            ok[r] = 1;
            scored++;
            good = 1;
        } else if (m->task == MG_TASK_MULTICLASS && json_is_array(probs) &&
                   json_array_size(probs) == m->noutputs) {
            good = 1;
            for (size_t k = 0; k < m->noutputs; k++) {
                json_t *pk = json_array_get(probs, k);
                good &= json_is_number(pk);
                o[k] = json_number_value(pk);
            }
            ok[r] = 1;
            scored++;
        }
        json_decref(j);
        if (!good) {
            snprintf(msg, sizeof msg, "reply line %zu: expected {\"%s\": ...} or {\"error\": "
                                      "...}, found '%.60s'", r + 1,
                     m->task == MG_TASK_MULTICLASS ? "probabilities" : "prediction", lines[r]);
            rc = ext_fail(x, err, msg);
        }
    }
    /* Lines beyond the N replies (when they have already arrived). */
    if (rc == 0 && x->olen > 0)
        rc = ext_fail(x, err, "it answered more lines than the rows asked for");
    for (size_t r = 0; r < n; r++)
        free(lines[r]);
    free(lines);
    return rc == 0 ? scored : -1;
}

static long ext_score_batch(mg_model *m, const mg_binding *b, const mg_row *rows, size_t n,
                            double *out, unsigned char *ok, mg_error *row_err, mg_error *err)
{
    ext_scorer *x = m->impl;
    if (x->dead) {
        char tail[EXT_TAIL + 1];
        return mg_error_set(err, "external scorer '%s' is no longer running (%s)%s%s", x->name,
                            x->exit_desc[0] ? x->exit_desc : "stopped",
                            x->tail_len ? "; its stderr ends with: " : "",
                            tail_text(x, tail, sizeof tail));
    }
    long total = 0;
    int first_fail = 1;
    for (size_t start = 0; start < n; start += x->batch_size) {
        size_t k = n - start < x->batch_size ? n - start : x->batch_size;
        long r = score_chunk(m, b, rows + start, k, out + start * m->noutputs, ok + start,
                             row_err, &first_fail, err);
        if (r < 0)
            return -1;
        total += r;
    }
    return total;
}

static const mg_model_ops ext_ops = {ext_free, NULL, ext_score_batch, NULL};

/* Reads the describe line into the model.  Returns 0 or -1. */
static int describe(mg_model *m, ext_scorer *x, mg_error *err)
{
    char *line = NULL;
    if (exchange_nosigpipe(x, NULL, 0, &line, 1, err) != 0)
        return -1;
    json_error_t je;
    json_t *j = json_loads(line, 0, &je);
    char msg[400];
    free(line);
    const char *task = json_string_value(json_object_get(j, "task"));
    json_t *feats = json_object_get(j, "features");
    json_t *classes = json_object_get(j, "classes");
    const char *objective = json_string_value(json_object_get(j, "objective"));
    int rc = 0;
    if (!json_is_object(j)) {
        rc = ext_fail(x, err, "its first line (the description) is not a JSON object");
    } else if (!task || (strcmp(task, "regression") && strcmp(task, "binary") &&
                         strcmp(task, "multiclass"))) {
        rc = ext_fail(x, err, "description: 'task' must be \"regression\", \"binary\" or "
                              "\"multiclass\"");
    } else if (!json_is_array(feats) || json_array_size(feats) == 0) {
        rc = ext_fail(x, err, "description: 'features' must be a non-empty array of names");
    } else if (strcmp(task, "multiclass") == 0 &&
               (!json_is_array(classes) || json_array_size(classes) < 2)) {
        rc = ext_fail(x, err, "description: a multiclass scorer must list its 'classes'");
    }
    if (rc == 0) {
        m->task = task[0] == 'r' ? MG_TASK_REGRESSION
                : task[0] == 'b' ? MG_TASK_BINARY : MG_TASK_MULTICLASS;
        m->objective = mg_xstrdup(objective ? objective : task);
        m->nfeatures = json_array_size(feats);
        m->feature_names = mg_xcalloc(m->nfeatures, sizeof *m->feature_names);
        for (size_t i = 0; i < m->nfeatures && rc == 0; i++) {
            const char *s = json_string_value(json_array_get(feats, i));
            if (!s) {
                snprintf(msg, sizeof msg, "description: features[%zu] is not a string", i);
                rc = ext_fail(x, err, msg);
                break;
            }
            m->feature_names[i] = mg_xstrdup(s);
        }
        m->noutputs = 1;
        if (rc == 0 && m->task == MG_TASK_MULTICLASS) {
            m->noutputs = json_array_size(classes);
            m->class_labels = mg_xcalloc(m->noutputs, sizeof *m->class_labels);
            for (size_t k = 0; k < m->noutputs; k++) {
                json_t *ck = json_array_get(classes, k);
                m->class_labels[k] = json_is_string(ck) ? mg_xstrdup(json_string_value(ck))
                                                        : mg_xasprintf("%zu", k);
            }
        }
    }
    json_decref(j);
    return rc;
}

/* pipe() with close-on-exec on both ends (so other scorers do not inherit
 * them); posix_spawn's dup2 onto 0/1/2 clears the flag on the copies. */
static int cloexec_pipe(int fd[2])
{
    if (pipe(fd) != 0)
        return -1;
    fcntl(fd[0], F_SETFD, FD_CLOEXEC);
    fcntl(fd[1], F_SETFD, FD_CLOEXEC);
    return 0;
}

mg_model *mg_external_start(const mg_model_spec *spec, mg_error *err)
{
    int in[2] = {-1, -1}, out[2] = {-1, -1}, errp[2] = {-1, -1};
    if (cloexec_pipe(in) != 0 || cloexec_pipe(out) != 0 || cloexec_pipe(errp) != 0) {
        int e = errno;
        for (int i = 0; i < 2; i++) {
            if (in[i] >= 0) close(in[i]);
            if (out[i] >= 0) close(out[i]);
            if (errp[i] >= 0) close(errp[i]);
        }
        mg_error_set(err, "external scorer '%s': cannot create pipes: %s", spec->command[0],
                     strerror(e));
        return NULL;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
    pid_t pid;
    int rc = posix_spawnp(&pid, spec->command[0], &fa, NULL, (char *const *)spec->command,
                          environ);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    close(errp[1]);
    if (rc != 0) {
        close(in[1]);
        close(out[0]);
        close(errp[0]);
        mg_error_set(err, "external scorer '%s': cannot start: %s", spec->command[0],
                     strerror(rc));
        return NULL;
    }
    ext_scorer *x = mg_xcalloc(1, sizeof *x);
    x->pid = pid;
    x->in_fd = in[1];
    x->out_fd = out[0];
    x->err_fd = errp[0];
    fcntl(x->in_fd, F_SETFL, fcntl(x->in_fd, F_GETFL) | O_NONBLOCK);
    fcntl(x->out_fd, F_SETFL, fcntl(x->out_fd, F_GETFL) | O_NONBLOCK);
    fcntl(x->err_fd, F_SETFL, fcntl(x->err_fd, F_GETFL) | O_NONBLOCK);
    x->name = mg_xstrdup(spec->command[0]);
    x->timeout = spec->timeout_seconds > 0 ? spec->timeout_seconds : 30.0;
    x->batch_size = spec->batch_size > 0 ? spec->batch_size : MG_EXTERNAL_BATCH_DEFAULT;
    mg_model *m = mg_model_alloc(&ext_ops, MG_MODEL_EXTERNAL);
    m->impl = x;
    if (describe(m, x, err) != 0) {
        mg_model_free(m);
        return NULL;
    }
    return m;
}
