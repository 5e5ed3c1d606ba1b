/*
 * http_service.c - start a scoring service in its own process group, wait
 * until it is ready, stop it.  See http_service.h.
 *
 * fork + exec (not posix_spawn) because the child must set PR_SET_PDEATHSIG
 * before exec; between fork and exec it only makes async-signal-safe calls.
 * An exec failure comes back through a close-on-exec pipe.
 */
#define _GNU_SOURCE /* execvpe, pipe2 */
#include "score/http_service.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/xmem.h"
#include "score/http_transport.h"

#define SERVICE_GRACE_MS 2000
#define MAX_SERVICES 16

struct mg_http_service {
    pid_t pid;  /* the leader, -1 once reaped */
    pid_t pgid; /* its process group (the leader's first pid) */
    char *name;
};

/* Groups to kill if mgate is interrupted; read by the signal handler. */
static volatile sig_atomic_t live_groups[MAX_SERVICES];
static struct sigaction saved[3];
static const int caught[3] = {SIGINT, SIGTERM, SIGHUP};
static int handlers_on;

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Kills every live group, then lets the signal do what it would have done. */
static void on_fatal_signal(int sig)
{
    for (int i = 0; i < MAX_SERVICES; i++)
        if (live_groups[i] > 0)
            kill(-(pid_t)live_groups[i], SIGTERM);
    sleep_ms(200);
    for (int i = 0; i < MAX_SERVICES; i++)
        if (live_groups[i] > 0)
            kill(-(pid_t)live_groups[i], SIGKILL);
    for (int i = 0; i < 3; i++)
        if (caught[i] == sig)
            sigaction(sig, &saved[i], NULL);
    raise(sig);
}

static void track(pid_t pg, int on)
{
    for (int i = 0; i < MAX_SERVICES; i++)
        if (on ? live_groups[i] == 0 : live_groups[i] == pg) {
            live_groups[i] = on ? pg : 0;
            break;
        }
    if (on && !handlers_on) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_fatal_signal;
        sigemptyset(&sa.sa_mask);
        for (int i = 0; i < 3; i++) {
            sigaction(caught[i], NULL, &saved[i]);
            /* A signal ignored before (nohup) stays ignored. */
            if (saved[i].sa_handler != SIG_IGN)
                sigaction(caught[i], &sa, NULL);
        }
        handlers_on = 1;
    }
}

int mg_http_free_port(mg_error *err)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &alen) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return mg_error_set(err, "cannot find a free port on 127.0.0.1: %s", strerror(e));
    }
    close(fd);
    return ntohs(a.sin_port);
}

extern char **environ;

/* The environment with PORT=port (a new array; its strings are borrowed
 * but for the PORT one, stored in port_var). */
static char **environment_with_port(int port, char *port_var, size_t size)
{
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = mg_xcalloc(n + 2, sizeof *env);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (port <= 0 || strncmp(environ[i], "PORT=", 5) != 0)
            env[k++] = environ[i];
    if (port > 0) {
        snprintf(port_var, size, "PORT=%d", port);
        env[k++] = port_var;
    }
    return env;
}

/* In the child: own group, die with the parent, stdout to stderr, exec. */
static void child_exec(const char *const *argv, char **env, int report_fd, pid_t parent)
{
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);
    for (int i = 0; i < 3; i++)
        signal(caught[i], SIG_DFL);
    dup2(2, 1);
    execvpe(argv[0], (char *const *)argv, env);
    int e = errno;
    ssize_t w = write(report_fd, &e, sizeof e);
    (void)w;
    _exit(127);
}

/* 1 when the leader has exited (reaped; *status set). */
static int exited(mg_http_service *s, int *status)
{
    return s->pid > 0 && waitpid(s->pid, status, WNOHANG) == s->pid;
}

static int ready_wait(mg_http_service *s, const char *ready_url, int ready_any, double timeout,
                      mg_error *err)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char why[256] = "no answer yet";
    for (;;) {
        int status;
        if (exited(s, &status)) {
            s->pid = -1;
            if (WIFEXITED(status))
                return mg_error_set(err, "service '%s' exited with status %d before it was ready", s->name,
                                    WEXITSTATUS(status));
            return mg_error_set(err, "service '%s' was killed by signal %d before it was ready", s->name,
                                WTERMSIG(status));
        }
        long code = 0;
        if (mg_http_probe(ready_url, 1.0, &code, why, sizeof why) == 0) {
            if (ready_any || (code >= 200 && code < 300))
                return 0;
            snprintf(why, sizeof why, "HTTP %ld", code);
        }
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        double spent = (double)(t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9;
        if (spent >= timeout)
            return mg_error_set(err, "service '%s' was not ready within %.3g s: GET %s: %s", s->name, timeout,
                                ready_url, why);
        sleep_ms(50);
    }
}

mg_http_service *mg_http_service_start(const char *const *argv, int port, const char *ready_url,
                                       int ready_any, double timeout, mg_error *err)
{
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) {
        mg_error_set(err, "service '%s': cannot create a pipe: %s", argv[0], strerror(errno));
        return NULL;
    }
    char port_var[32];
    char **env = environment_with_port(port, port_var, sizeof port_var);
    fflush(NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0)
        child_exec(argv, env, report[1], parent);
    free(env);
    close(report[1]);
    if (pid < 0) {
        close(report[0]);
        mg_error_set(err, "service '%s': cannot start: %s", argv[0], strerror(errno));
        return NULL;
    }
    /* Also from the parent, so the group exists before anyone signals it. */
    setpgid(pid, pid);
    mg_http_service *s = mg_xcalloc(1, sizeof *s);
    s->pid = s->pgid = pid;
    s->name = mg_xstrdup(argv[0]);
    track(pid, 1);
    int e = 0;
    ssize_t r;
    do
        r = read(report[0], &e, sizeof e);
    while (r < 0 && errno == EINTR);
    close(report[0]);
    if (r == (ssize_t)sizeof e) {
        mg_error_set(err, "service '%s': cannot start: %s", argv[0], strerror(e));
        mg_http_service_stop(s);
        return NULL;
    }
    if (ready_wait(s, ready_url, ready_any, timeout, err) != 0) {
        mg_http_service_stop(s);
        return NULL;
    }
    return s;
}

void mg_http_service_stop(mg_http_service *s)
{
    if (!s)
        return;
    if (s->pid > 0) {
        kill(-s->pid, SIGTERM);
        int status;
        int waited = 0;
        while (waitpid(s->pid, &status, WNOHANG) == 0 && waited < SERVICE_GRACE_MS) {
            sleep_ms(10);
            waited += 10;
        }
        if (waited >= SERVICE_GRACE_MS) {
            kill(-s->pid, SIGKILL);
            waitpid(s->pid, &status, 0);
        }
    }
    /* Whatever the leader left behind in its group goes too. */
    kill(-s->pgid, SIGKILL);
    track(s->pgid, 0);
    free(s->name);
    free(s);
}
