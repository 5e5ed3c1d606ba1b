/*
 * sha256.h - SHA-256, for the data and model fingerprints that make reports
 * and baselines reproducible.  Streaming: feed any number of chunks.  The
 * digest itself is OpenSSL libcrypto's (EVP); this is a small front so the
 * rest of mgate does not depend on OpenSSL's headers.
 *
 * Ownership: mg_sha256_init allocates the digest context; it is released by
 * mg_sha256_final_hex or, when the digest is abandoned, mg_sha256_discard.
 */
#ifndef MG_COMMON_SHA256_H
#define MG_COMMON_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

typedef struct mg_sha256 {
    void *ctx;      /* private: OpenSSL's EVP_MD_CTX, NULL when not started */
    uint64_t bytes; /* bytes fed so far */
} mg_sha256;

void mg_sha256_init(mg_sha256 *h);
void mg_sha256_update(mg_sha256 *h, const void *data, size_t len);
/* Writes 64 lowercase hex digits and a NUL into hex, and releases the
 * context (init again to start over). */
void mg_sha256_final_hex(mg_sha256 *h, char hex[65]);
/* Releases a context without a digest; safe on a finished one. */
void mg_sha256_discard(mg_sha256 *h);
/* Hashes a whole file, streaming.  Returns 0, or -1 with err. */
int mg_sha256_file(const char *path, char hex[65], mg_error *err);

#endif
