/*
 * sha256.c - mg_sha256 on OpenSSL libcrypto's EVP digest interface.  A
 * failure of libcrypto here can only be a failed allocation, so it ends
 * the run as an internal error, as out of memory does elsewhere.
 */
#include "common/sha256.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

static void digest_failed(const char *what)
{
    fprintf(stderr, "mgate: internal error: SHA-256 %s failed in libcrypto\n", what);
    exit(3);
}

void mg_sha256_init(mg_sha256 *h)
{
    /* SHA-256 needs nothing from the system's openssl.cnf; not reading it
     * saves a file parse and about 1 MB of memory.  (Later calls, and any
     * earlier initialisation by someone else, leave this a no-op.) */
    OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
        digest_failed("init");
    h->ctx = ctx;
    h->bytes = 0;
}

void mg_sha256_update(mg_sha256 *h, const void *data, size_t len)
{
    if (len == 0)
        return;
    if (EVP_DigestUpdate(h->ctx, data, len) != 1)
        digest_failed("update");
    h->bytes += len;
}

void mg_sha256_final_hex(mg_sha256 *h, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(h->ctx, md, &n) != 1 || n != 32)
        digest_failed("final");
    mg_sha256_discard(h);
    static const char digits[] = "0123456789abcdef";
    for (unsigned int i = 0; i < 32; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[64] = '\0';
}

void mg_sha256_discard(mg_sha256 *h)
{
    EVP_MD_CTX_free(h->ctx);
    h->ctx = NULL;
}

int mg_sha256_file(const char *path, char hex[65], mg_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return mg_error_set(err, "'%s': cannot open: %s", path, strerror(errno));
    mg_sha256 h;
    mg_sha256_init(&h);
    unsigned char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
        mg_sha256_update(&h, buf, n);
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        mg_sha256_discard(&h);
        return mg_error_set(err, "'%s': read error", path);
    }
    mg_sha256_final_hex(&h, hex);
    return 0;
}
