/*
 * planstore.h — the ONE place the plan and the agency registry are stored
 * (issue: the master plan, point 6).  A SQLite database at DATADIR/server.db.
 *
 * Storage is a journal, not a table of current values: every import and
 * every agency change is appended as one record whose payload is the
 * protobuf message the signed log will carry (plan.proto: PlanChange for
 * kind 'plan', AgencyChange for kind 'agency').  The current plan is the
 * last plan record; the current registry is the replay of the agency
 * records, the first of which is a CHANGE_SEED holding the built-in initial
 * registry.  The next issue replaces this table by log entries with the
 * same payloads and the same replay (DESIGN §4: state derived from the log).
 *
 * Schema (PRAGMA user_version = 1):
 *   plan_record(seq INTEGER PRIMARY KEY AUTOINCREMENT,
 *               kind TEXT NOT NULL CHECK (kind IN ('plan','agency')),
 *               payload BLOB NOT NULL, created_ms INTEGER NOT NULL,
 *               summary TEXT NOT NULL)
 *   triggers refuse UPDATE and DELETE (append-only, as the log will be).
 * WAL journal, synchronous=FULL, bound parameters only.
 */
#ifndef TDS_PLANSTORE_H
#define TDS_PLANSTORE_H

#include "agency.h"
#include "err.h"
#include "plan.h"

typedef struct td_planstore td_planstore;

/* Open (creating DATADIR with mode 0700 and the database if needed) and
 * migrate.  TD_EIO / TD_EDB with the path in the message. */
int td_planstore_open(const char *datadir, td_planstore **out, td_error *err);
void td_planstore_close(td_planstore *s);

/*
 * Current state: *plan (td_plan_init'ed; empty and *has_plan = 0 when no
 * plan was ever stored) and *reg (the built-in registry when nothing was
 * stored).  Caller frees both.
 */
int td_planstore_load(td_planstore *s, td_plan *plan, int *has_plan, td_registry *reg, td_error *err);

/* Append a plan record (the whole plan).  `summary` is a one-line note for
 * people ("nhập 726-KH-UBND.txt: 81 nhiệm vụ"). */
int td_planstore_put_plan(td_planstore *s, const td_plan *plan, const char *source, const char *summary,
                          td_error *err);
/* Append an agency change (already validated with td_registry_apply). */
int td_planstore_put_agency_change(td_planstore *s, const td_agency_change *ch, const char *summary,
                                   td_error *err);

#endif
