/*
 * limbs.h - the big integers behind the exact accumulators
 * (common/exact_sum.h, checks/drift/exact_moments.h).
 *
 * A number is an array of n signed 64-bit limbs, limb i weighing 2^(32 i)
 * units.  Adds go straight into the limbs, which may then leave [0, 2^32);
 * mg_limbs_carry brings them back, and is called often enough by the owner
 * that no limb overflows.  Carried, every limb but the top one is a 32-bit
 * digit and the top one holds the sign: the one representation of the
 * number, which is what state files store.
 */
#ifndef MG_COMMON_LIMBS_H
#define MG_COMMON_LIMBS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* The most limbs a number here may have (the drift sum of squares). */
#define MG_LIMBS_MAX 136

/* Carries limb[0..n): every limb but the top one into [0, 2^32), the
 * value unchanged. */
void mg_limbs_carry(int64_t *limb, size_t n);

/* Writes the carried absolute value of limb[0..n) to abs[0..n); returns 1
 * when the value is negative, else 0. */
int mg_limbs_magnitude(const int64_t *limb, size_t n, int64_t *abs);

/* For state files (common/state_json.h): a new object {"at": LO, key:
 * DIGITS} holding the carried digits LO.. of limb[0..n) (n <= MG_LIMBS_MAX)
 * from the lowest nonzero one to the highest, as counts (two's complement
 * for a negative top limb). */
json_t *mg_limbs_save(const int64_t *limb, size_t n, const char *key);

/* Reads such an object o into limb[0..n) (zeroed first), checking that it
 * fits: every digit below the top limb in [0, 2^32), the top one in
 * (-top_bound, top_bound).  0, or -1 with msg naming `what`. */
int mg_limbs_load(const json_t *o, const char *key, int64_t *limb, size_t n, int64_t top_bound, const char *what,
                  char *msg, size_t size);

#endif
