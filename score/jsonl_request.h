/*
 * jsonl_request.h - the request of mgate's JSON Lines scorer protocol,
 * written one way for both of its carriers (an external scorer's pipe,
 * score/external.c, and HTTP, score/http_proto_jsonl.c):
 *
 *   {"batch": N}
 *   {"id": ROW, "features": {...}}     one line per row, in order
 *
 * Private to score/.
 */
#ifndef MG_SCORE_JSONL_REQUEST_H
#define MG_SCORE_JSONL_REQUEST_H

#include <jansson.h>
#include <stddef.h>

/* The request text for n rows (compact, ASCII JSON; newline-terminated
 * lines), row r with id ids[r] and feature object features[r] (stolen).
 * Returns a malloc'd NUL-terminated text and sets *len. */
char *mg_jsonl_request(size_t n, const unsigned long *ids, json_t *const *features, size_t *len);

#endif
