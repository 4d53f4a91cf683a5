/*
 * plan_pb.h — the plan and the agency changes as protobuf messages
 * (proto/plan.proto).  These bytes are what the signed log carries as
 * entry payloads, appended by server/ledger.c and folded by common/derive.c
 * (ENTRY_PLAN: PlanChange, ENTRY_AGENCY: AgencyChange); every replica decodes them with
 * these functions, so the plan is derived the same way everywhere.
 *
 * Encoders return a malloc'd buffer (*out, *n; caller frees) or TD_ENOMEM.
 * Decoders fill a caller-provided structure (caller frees with the module's
 * free function) or return TD_EPARSE with a message; nothing is allocated
 * on failure.
 */
#ifndef TD_PLAN_PB_H
#define TD_PLAN_PB_H

#include <stddef.h>
#include <stdint.h>

#include "agency.h"
#include "err.h"
#include "plan.h"

/* Largest payload decoded: the Entry payload limit (tiendo.proto, 1 MiB) is
 * the bound once these travel in the log; 16 MiB leaves room for now. */
#define TD_PLAN_PB_MAX (16u * 1024 * 1024)

int td_plan_pb_encode(const td_plan *p, const char *source, uint8_t **out, size_t *n);
/* *source (if not NULL) receives a malloc'd copy of the source name. */
int td_plan_pb_decode(const uint8_t *buf, size_t n, td_plan *out, char **source, td_error *err);

int td_agency_change_pb_encode(const td_agency_change *ch, uint8_t **out, size_t *n);
/* The whole registry as a CHANGE_SEED message (agencies with their dates,
 * groups, aliases): the first agency record of a store. */
int td_registry_seed_pb_encode(const td_registry *reg, uint8_t **out, size_t *n);

/*
 * Apply one stored AgencyChange to reg: a SEED adds its agencies, groups and
 * aliases (to an empty registry); others go through td_registry_apply.
 */
int td_registry_apply_pb(td_registry *reg, const uint8_t *buf, size_t n, td_error *err);

#endif
