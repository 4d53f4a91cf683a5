/*
 * logread.h — reading a server database (server.db) without writing to it:
 * the log, its signed checkpoints and the witnesses' cosignatures.  The one
 * place that knows, for reading, the columns of those tables (created and
 * migrated by server/logstore.c; docs/ARCHITECTURE.md §4).  Two users:
 *   - the server's store (server/logstore.c) reads through it on its own
 *     connection (td_logread_on), inside its transactions;
 *   - the inspector's audit of a copy of server.db (client/audit.c,
 *     `tiendo audit verify --db`) opens the file read-only (td_logread_open).
 * Errors are TD_EDB (TD_EBUSY when SQLite is busy) or TD_ENOMEM with an
 * English message naming the file: operator-side detail, shown as it is.
 */
#ifndef TD_LOGREAD_H
#define TD_LOGREAD_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

typedef struct td_logread td_logread;

/*
 * Open the SQLite file at path read-only: nothing is written, not even a
 * -wal or -shm file when the database has no WAL content (immutable); with
 * a WAL being written, the normal read-only mode sees its commits.
 */
int td_sqlite_open_ro(const char *path, sqlite3 **db, td_error *err);
/*
 * The same for a database another process keeps writing (a replica): opened
 * live read-only first, so a read transaction sees every commit up to its
 * start, WAL included, and the writer's checkpoints wait for it; immutable
 * (td_sqlite_open_ro) only when that fails (a read-only medium).
 */
int td_sqlite_open_ro_live(const char *path, sqlite3 **db, td_error *err);
/*
 * One read transaction on db: every read until td_sqlite_read_end sees the
 * file as it stood at begin, whatever another connection commits meanwhile.
 * path names the file in the error (TD_EDB).  end is a no-op outside one.
 */
int td_sqlite_read_begin(sqlite3 *db, const char *path, td_error *err);
void td_sqlite_read_end(sqlite3 *db);
/* A server database at path, read-only; refused if it has no log table. */
int td_logread_open(const char *path, td_logread **out, td_error *err);
/* Reading over an open connection (not closed by td_logread_close); path names it in errors. */
int td_logread_on(sqlite3 *db, const char *path, td_logread **out, td_error *err);
void td_logread_close(td_logread *r);
/* td_sqlite_read_begin / _end on r's connection (a live server.db: the
 * server's commits meanwhile are not seen). */
int td_logread_begin(td_logread *r, td_error *err);
void td_logread_end(td_logread *r);
/* Does the database have this table (an old server.db may lack checkpoint or cosig)? */
int td_logread_has_table(td_logread *r, const char *name);

/* One row of the log (valid during the callback only). */
typedef struct td_logread_row {
    uint64_t idx;
    const unsigned char *author; /* 32 bytes, or NULL if the column is not 32 bytes */
    uint64_t seq;
    int kind;
    const char *agency;          /* "" for the server */
    uint32_t task;
    const uint8_t *body;         /* serialized SignedEntry ("" if NULL) */
    size_t len;
    int64_t received_ms;
} td_logread_row;
typedef int (*td_logread_cb)(void *arg, const td_logread_row *r);

/* Rows with idx >= since, in index order, at most max_rows (0: all), only
 * kind when kind > 0; a callback's nonzero return stops and is returned. */
int td_logread_scan(td_logread *r, uint64_t since, uint64_t max_rows, int kind, td_logread_cb cb, void *arg,
                    td_error *err);

/* A stored checkpoint. */
typedef struct td_logread_cp {
    uint64_t size;
    unsigned char root[32];
    int has_root;                /* 0 if the root column is not 32 bytes */
    char *note;                  /* the signed note, NUL-terminated (owned by _get/_latest, borrowed in _all) */
    size_t note_len;
    int64_t signed_ms;
} td_logread_cp;
typedef int (*td_logread_cp_cb)(void *arg, const td_logread_cp *c);

/* The largest stored checkpoint, or the one of exactly size (*found = 0: none);
 * free c with td_logread_cp_free. */
int td_logread_checkpoint_latest(td_logread *r, int *found, td_logread_cp *c, td_error *err);
int td_logread_checkpoint_get(td_logread *r, uint64_t size, int *found, td_logread_cp *c, td_error *err);
void td_logread_cp_free(td_logread_cp *c);
/* Every checkpoint by size, ascending. */
int td_logread_checkpoints(td_logread *r, td_logread_cp_cb cb, void *arg, td_error *err);

/* A witness's cosignature line. */
typedef struct td_logread_cosig {
    uint64_t size;
    const char *witness;         /* "<key name> <agency> <key hex>" (rows before witnesses were keyed: the key name) */
    const char *line;            /* "— name base64\n" */
    int64_t received_ms;
    const unsigned char *key;    /* the witness's Ed25519 key (32 bytes); NULL in older rows */
    const char *agency;          /* its certificate's agency; NULL in older rows */
} td_logread_cosig;
typedef int (*td_logread_cosig_cb)(void *arg, const td_logread_cosig *c);

/* The lines on the checkpoint of size, by witness. */
int td_logread_cosigs_at(td_logread *r, uint64_t size, td_logread_cosig_cb cb, void *arg, td_error *err);
/* Every line, by size then witness. */
int td_logread_cosigs_all(td_logread *r, td_logread_cosig_cb cb, void *arg, td_error *err);
/* One row per witness: its largest cosigned size with that line, largest size first. */
int td_logread_witnesses(td_logread *r, td_logread_cosig_cb cb, void *arg, td_error *err);

#endif
