/*
 * draft.h — reports being written, kept in the replica's table `draft`
 * (migration 3 in replica.c; all SQL of that table is in draft.c).
 *
 * A draft is the serialized payload an entry WILL carry (today only
 * ReportPayload, kind TIENDO__ENTRY_KIND__ENTRY_REPORT), NOT signed: it can
 * be edited, replaced or deleted, and nothing of it leaves the device.
 * `tiendo draft submit` signs it into the outbox and then deletes it.
 * There is one draft per (kind, key); the key of a report draft is
 * "TASK/YYYY-MM" (tdc_draft_key).  Saving again replaces the payload and
 * keeps created_ms.
 *
 * Ownership: rows returned are the caller's (tdc_draft_free /
 * tdc_drafts_free).  Every function returns 0 or a negative TD_E* code with
 * err filled (English, naming the database file).
 */
#ifndef TDC_DRAFT_H
#define TDC_DRAFT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "replica.h"

/* Longest key: "99999/2025-06" and indicator codes fit with room to spare. */
#define TDC_DRAFT_KEY_MAX 64

typedef struct tdc_draft {
    int64_t id;
    int kind;                   /* TIENDO__ENTRY_KIND__* */
    char key[TDC_DRAFT_KEY_MAX + 1];
    uint8_t *payload;           /* owned (NULL when listed without payloads) */
    size_t len;
    int64_t created_ms, updated_ms;
} tdc_draft;

/* "27/2025-06" into key (TDC_DRAFT_KEY_MAX + 1 bytes). */
void tdc_draft_key(uint32_t task, const char *period, char *key);

/* Insert or replace the draft (kind, key); TD_EARG for an empty or too
 * long key. */
int tdc_draft_put(tdc_replica *r, int kind, const char *key, const uint8_t *payload, size_t len, int64_t now_ms,
                  td_error *err);

/* The draft (kind, key) with its payload; *found = 0 (out zeroed) if none. */
int tdc_draft_get(tdc_replica *r, int kind, const char *key, tdc_draft *out, int *found, td_error *err);

/* Every draft of `kind` (all kinds when kind < 0) ordered by key, with
 * payloads; *v is NULL when *n == 0. */
int tdc_draft_list(tdc_replica *r, int kind, tdc_draft **v, size_t *n, td_error *err);

/* Delete the draft (kind, key); *found (may be NULL) tells if there was one. */
int tdc_draft_delete(tdc_replica *r, int kind, const char *key, int *found, td_error *err);

void tdc_draft_free(tdc_draft *d);
void tdc_drafts_free(tdc_draft *v, size_t n);

#endif
