/*
 * refusal.h — why an entry was refused, for the person who wrote it: a
 * reason code and its Vietnamese rendering with what to do, in one place.
 *
 * Refusal reasons are English one-liners kept in the log's derived state
 * (derive.h: "author <hex> seq <n>: ...", part of the state digest) and in
 * the device's outbox (the server's Ack.reason at push, ledger.h).  They
 * stay English for operators and inspectors; td_refusal_classify maps one to
 * a code by its fixed wording, td_refusal_vi renders the code in Vietnamese
 * with the step the clerk should take.  The Vietnamese never carries the
 * English: a reason of unknown wording is TD_RF_OTHER, named by what it is
 * about where its wording says so, and the English stays in the audit's
 * technical column (tiendo audit history --csv).
 */
#ifndef TD_REFUSAL_H
#define TD_REFUSAL_H

#include <stddef.h>

/* A refused outbox entry the client signed again with a new seq: its reason
 * becomes this prefix, the new seq, ": " and the server's reason. */
#define TD_REFUSAL_RESIGNED_PREFIX "re-signed as seq "

typedef enum td_refusal_code {
    TD_RF_OTHER = 0,
    TD_RF_NOT_MONITOR,        /* indicator the agency does not monitor */
    TD_RF_NOT_ON_TASK,        /* report on a task the agency is neither lead nor partner of */
    TD_RF_UNKNOWN_TASK,       /* report/condition on a task not in the plan */
    TD_RF_UNKNOWN_INDICATOR,
    TD_RF_SUPERSEDED_REVIEW,  /* review of a report that a newer version replaced */
    TD_RF_NO_REPORT,          /* review of a report not in the state */
    TD_RF_REVOKED,            /* signed after the certificate's revocation */
    TD_RF_CERT_VALIDITY,      /* signed outside the certificate's validity */
    TD_RF_SEQ,                /* seq not after the author's last (replay, reorder) */
    TD_RF_EQUIVOCATION,       /* server holds another entry with this seq */
    TD_RF_GAP,                /* sequence gap at push */
    TD_RF_RESIGNED,           /* refused for its seq alone and signed again (client/replica.h) */
    TD_RF_AUTHOR_KEY,         /* author key is not the device's */
    TD_RF_NOT_CENTRAL,        /* review/condition/plan by a non-central device */
    TD_RF_INSPECTOR,          /* written by an inspector device */
    TD_RF_NO_CONDITIONAL,     /* condition on a task without a conditional deadline */
    TD_RF_BAD_SIGNATURE,
    TD_RF_FORM,               /* malformed entry (period, percent, evidence bounds ...) */
    TD_RF_CLOCK_AHEAD,        /* signed by a PC clock beyond the server's + TD_HLC_MAX_SKEW_MS, refused at push */
} td_refusal_code;

/* The code of an English refusal reason (with or without the fold's
 * "author <hex> seq <n>: " prefix). */
td_refusal_code td_refusal_classify(const char *reason);

/* "Vietnamese reason. Cần làm: step." for reason into buf (always
 * NUL-terminated); snprintf result. */
int td_refusal_vi(const char *reason, char *buf, size_t n);

#endif
