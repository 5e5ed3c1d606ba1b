/*
 * json_fixture.h - reads a committed JSON fixture for a unit test; a file
 * that is missing or not JSON fails the calling test with its position.
 */
#ifndef MG_TESTS_JSON_FIXTURE_H
#define MG_TESTS_JSON_FIXTURE_H

#include <jansson.h>

/* Returns a new reference (caller decrefs). */
json_t *tu_json_load(const char *path);

#endif
