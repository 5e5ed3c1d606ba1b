/*
 * adv_checks.h - the adversarial checks (group "adversarial") and the
 * fixture-case check (group "fixtures").  Each scores rows of its own making
 * with the gate's model; see README.md, "Adversarial and edge-case checks".
 */
#ifndef MG_CHECKS_ADV_CHECKS_H
#define MG_CHECKS_ADV_CHECKS_H

#include "checks/check.h"

extern const mg_check_def mg_check_fixtures;
extern const mg_check_def mg_check_input_handling;
extern const mg_check_def mg_check_order_invariance;
extern const mg_check_def mg_check_robustness;
extern const mg_check_def mg_check_invariance;
extern const mg_check_def mg_check_monotonic;
extern const mg_check_def mg_check_adversarial_search;

#endif
