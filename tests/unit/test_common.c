/* Unit tests for common/: error records, SHA-256, atomic files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/run_id.h"
#include "common/sha256.h"
#include "common/xmem.h"

static void test_error_set_and_prefix(void **state)
{
    (void)state;
    mg_error err = {{0}};
    assert_int_equal(mg_error_set(&err, "expected %d fields, found %d", 5, 4), -1);
    mg_error_prefix(&err, "%s:%d", "data.csv", 14);
    assert_string_equal(err.msg, "data.csv:14: expected 5 fields, found 4");
}

static void sha_of(const char *s, size_t len, char hex[65])
{
    mg_sha256 h;
    mg_sha256_init(&h);
    /* Feed in uneven pieces to exercise the block buffering. */
    size_t step = 7;
    for (size_t off = 0; off < len; off += step)
        mg_sha256_update(&h, s + off, len - off < step ? len - off : step);
    mg_sha256_final_hex(&h, hex);
}

static void test_sha256_known_vectors(void **state)
{
    (void)state;
    char hex[65];
    sha_of("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha_of("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha_of(two, strlen(two), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* FIPS 180-2 B.3: one million 'a'. */
    char *million = malloc(1000000);
    memset(million, 'a', 1000000);
    sha_of(million, 1000000, hex);
    free(million);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_sha256_file_and_discard(void **state)
{
    (void)state;
    char dir[] = "/tmp/mgate-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/abc", dir);
    FILE *fp = fopen(path, "wb");
    fputs("abc", fp);
    fclose(fp);
    char hex[65];
    assert_int_equal(mg_sha256_file(path, hex, NULL), 0);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    unlink(path);
    rmdir(dir);
    mg_error err = {{0}};
    assert_int_equal(mg_sha256_file(path, hex, &err), -1);
    assert_non_null(strstr(err.msg, "cannot open"));
    /* An abandoned digest is released (the sanitizer build sees leaks). */
    mg_sha256 h;
    mg_sha256_init(&h);
    mg_sha256_update(&h, "x", 1);
    mg_sha256_discard(&h);
    mg_sha256_discard(&h);
}

static void test_atomic_file_replaces_only_on_commit(void **state)
{
    (void)state;
    char dir[] = "/tmp/mgate-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/report.xml", dir);
    FILE *fp = fopen(path, "w");
    fputs("old", fp);
    fclose(fp);

    mg_atomic_file af;
    mg_error err = {{0}};
    assert_int_equal(mg_atomic_open(&af, path, &err), 0);
    fputs("new", af.fp);
    mg_atomic_abort(&af); /* an aborted write leaves the old file */
    char buf[16] = {0};
    fp = fopen(path, "r");
    assert_non_null(fgets(buf, sizeof buf, fp));
    fclose(fp);
    assert_string_equal(buf, "old");

    assert_int_equal(mg_atomic_open(&af, path, &err), 0);
    fputs("new", af.fp);
    assert_int_equal(mg_atomic_commit(&af, &err), 0);
    fp = fopen(path, "r");
    assert_non_null(fgets(buf, sizeof buf, fp));
    fclose(fp);
    assert_string_equal(buf, "new");
    unlink(path);
    rmdir(dir);
}

static void test_atomic_file_missing_folder_is_an_error(void **state)
{
    (void)state;
    mg_atomic_file af;
    mg_error err = {{0}};
    assert_int_equal(mg_atomic_open(&af, "/nonexistent-dir/x.xml", &err), -1);
    assert_non_null(strstr(err.msg, "/nonexistent-dir/x.xml"));
}

/* Creates dir/name holding "x", last modified `age` seconds ago (negative:
 * in the future).  Returns its path (caller frees). */
static char *file_aged(const char *dir, const char *name, int age)
{
    char *p = mg_xasprintf("%s/%s", dir, name);
    FILE *fp = fopen(p, "w");
    assert_non_null(fp);
    fputs("x", fp);
    fclose(fp);
    struct timespec t[2];
    clock_gettime(CLOCK_REALTIME, &t[0]);
    t[0].tv_sec -= age;
    t[1] = t[0];
    assert_int_equal(utimensat(AT_FDCWD, p, t, 0), 0);
    return p;
}

static void test_atomic_clean_stale_removes_only_dead_writers_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/mgate-clean-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *target = mg_xasprintf("%s/r.xml", dir);
    /* A killed writer's file: old and unlocked. */
    char *dead = file_aged(dir, "r.xml.tmp.Ab12Cd", 60);
    /* A live writer's file: old but locked. */
    char *live = file_aged(dir, "r.xml.tmp.LiVe01", 60);
    int live_fd = open(live, O_RDONLY);
    assert_int_equal(flock(live_fd, LOCK_EX), 0);
    /* Written after this run started. */
    char *young = file_aged(dir, "r.xml.tmp.Young1", -60);
    /* Not our pattern: other report, too short, too long. */
    char *other = file_aged(dir, "s.xml.tmp.Ab12Cd", 60);
    char *shorter = file_aged(dir, "r.xml.tmp.Ab12C", 60);
    char *longer = file_aged(dir, "r.xml.tmp.Ab12Cde", 60);
    char *dotted = file_aged(dir, "r.xml.tmp.Ab.2Cd", 60);

    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    mg_error err = {{0}};
    assert_int_equal(mg_atomic_clean_stale(target, &now, &err), 1);
    assert_int_equal(access(dead, F_OK), -1);
    char *kept[] = {live, young, other, shorter, longer, dotted};
    for (size_t i = 0; i < sizeof kept / sizeof *kept; i++) {
        if (access(kept[i], F_OK) != 0)
            fail_msg("'%s' was removed", kept[i]);
        unlink(kept[i]);
        free(kept[i]);
    }
    close(live_fd);
    free(dead);
    free(target);
    rmdir(dir);
}

static void test_atomic_clean_stale_spares_an_open_writer(void **state)
{
    (void)state;
    char dir[] = "/tmp/mgate-clean-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *target = mg_xasprintf("%s/r.json", dir);
    mg_atomic_file af;
    mg_error err = {{0}};
    assert_int_equal(mg_atomic_open(&af, target, &err), 0);
    fputs("new", af.fp);
    /* Even a cleaner that started later than the file's last write keeps it. */
    struct timespec later;
    clock_gettime(CLOCK_REALTIME, &later);
    later.tv_sec += 3600;
    assert_int_equal(mg_atomic_clean_stale(target, &later, &err), 0);
    assert_int_equal(access(af.tmp_path, F_OK), 0);
    assert_int_equal(mg_atomic_commit(&af, &err), 0);
    assert_int_equal(access(target, F_OK), 0);
    /* A folder that does not exist has nothing to clean. */
    assert_int_equal(mg_atomic_clean_stale("/nonexistent-dir/r.json", &later, &err), 0);
    unlink(target);
    free(target);
    rmdir(dir);
}

static void test_run_id_is_32_hex_and_new_each_time(void **state)
{
    (void)state;
    char a[MG_RUN_ID_LEN + 1], b[MG_RUN_ID_LEN + 1];
    mg_run_id_new(a);
    mg_run_id_new(b);
    assert_int_equal(strlen(a), 32);
    assert_int_equal(strspn(a, "0123456789abcdef"), 32);
    assert_string_not_equal(a, b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_set_and_prefix),
        cmocka_unit_test(test_sha256_known_vectors),
        cmocka_unit_test(test_sha256_file_and_discard),
        cmocka_unit_test(test_atomic_file_replaces_only_on_commit),
        cmocka_unit_test(test_atomic_file_missing_folder_is_an_error),
        cmocka_unit_test(test_atomic_clean_stale_removes_only_dead_writers_files),
        cmocka_unit_test(test_atomic_clean_stale_spares_an_open_writer),
        cmocka_unit_test(test_run_id_is_32_hex_and_new_each_time),
    };
    return cmocka_run_group_tests_name("common", tests, NULL, NULL);
}
