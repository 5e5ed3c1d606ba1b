/*
 * sha256.h - SHA-256 (FIPS 180-4), for the data and model fingerprints that
 * make reports and baselines reproducible.  Streaming: feed any number of
 * chunks.
 */
#ifndef MG_COMMON_SHA256_H
#define MG_COMMON_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

typedef struct mg_sha256 {
    uint32_t state[8];
    uint64_t bytes;
    unsigned char block[64];
    size_t used;
} mg_sha256;

void mg_sha256_init(mg_sha256 *h);
void mg_sha256_update(mg_sha256 *h, const void *data, size_t len);
/* Writes 64 lowercase hex digits and a NUL into hex. */
void mg_sha256_final_hex(mg_sha256 *h, char hex[65]);
/* Hashes a whole file, streaming.  Returns 0, or -1 with err. */
int mg_sha256_file(const char *path, char hex[65], mg_error *err);

#endif
