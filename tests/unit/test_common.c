/* Unit tests for common/: error records, SHA-256, atomic files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/sha256.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_set_and_prefix),
        cmocka_unit_test(test_sha256_known_vectors),
        cmocka_unit_test(test_sha256_file_and_discard),
        cmocka_unit_test(test_atomic_file_replaces_only_on_commit),
        cmocka_unit_test(test_atomic_file_missing_folder_is_an_error),
    };
    return cmocka_run_group_tests_name("common", tests, NULL, NULL);
}
