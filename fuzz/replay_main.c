/*
 * replay_main.c - runs a fuzz target once over given files and folders,
 * without libFuzzer: what `make test` (and `make sanitize`) do with the
 * committed corpus, the seeds made from fixtures/ and ../shared/corpus, and
 * every past crash input.  Built with whatever compiler builds mgate.
 *
 *   replay_fuzz_csv DIR_OR_FILE...
 *
 * Prints `NAME: N inputs` and exits 0; a crash, a sanitizer report or a
 * broken promise (fuzz_fail) ends the process, naming the input first.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/xmem.h"
#include "fuzz/support.h"

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads a whole file into a new buffer (malloc'd exactly to its size, so
 * ASan sees reads past the end).  Returns NULL after printing why. */
static uint8_t *read_input(const char *path, size_t *size)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        perror(path);
        return NULL;
    }
    size_t cap = 0, n = 0;
    uint8_t *buf = NULL;
    size_t got;
    do {
        buf = mg_xgrow(buf, &cap, n + 65536, 1);
        got = fread(buf + n, 1, cap - n, fp);
        n += got;
    } while (got > 0);
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        perror(path);
        free(buf);
        return NULL;
    }
    uint8_t *exact = mg_xmalloc(n ? n : 1);
    memcpy(exact, buf, n);
    free(buf);
    *size = n;
    return exact;
}

static int run_file(const char *path)
{
    size_t size = 0;
    uint8_t *data = read_input(path, &size);
    if (!data)
        return -1;
    /* Named before the run: if the target dies, the log says on what. */
    if (getenv("FUZZ_REPLAY_VERBOSE"))
        fprintf(stderr, "replay: %s\n", path);
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    return 0;
}

/* Runs every regular file of a folder (not recursive), in name order. */
static int run_dir(const char *dir, unsigned long *count)
{
    DIR *d = opendir(dir);
    if (!d) {
        perror(dir);
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') {
            names = mg_xgrow(names, &cap, n + 1, sizeof *names);
            names[n++] = mg_xasprintf("%s/%s", dir, e->d_name);
        }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, by_name);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
            if (run_file(names[i]) != 0)
                rc = -1;
            else
                (*count)++;
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    unsigned long count = 0;
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            perror(argv[i]);
            rc = 1;
        } else if (S_ISDIR(st.st_mode)) {
            if (run_dir(argv[i], &count) != 0)
                rc = 1;
        } else if (run_file(argv[i]) != 0) {
            rc = 1;
        } else {
            count++;
        }
    }
    const char *name = strrchr(argv[0], '/');
    printf("%s: %lu inputs%s\n", name ? name + 1 : argv[0], count, rc ? ", some unreadable" : "");
    return rc;
}
