/*
 * datalock.h — one process at a time owns a data directory for writing
 * the log as a server: `serve` holds an exclusive flock(2) on
 * DATADIR/serve.lock (holding its pid, for messages) for its whole life;
 * `restore` takes the same lock, so it never replaces the database under a
 * running server, and a server cannot start in the middle of a restore.
 * Operators' commands that only append through SQLite (plan import, agency)
 * do not need it: SQLite's own locking serialises them with serve.
 *
 * The lock dies with the process (kill -9 included): no stale pid files.
 */
#ifndef TDS_DATALOCK_H
#define TDS_DATALOCK_H

#include "err.h"

#define TDS_DATALOCK_FILE "serve.lock"

/*
 * Take the lock of datadir (created 0700 if missing).  0 and *fd (keep it
 * open; close it to release); TD_EBUSY when another process holds it, with
 * *holder its pid (0 if unreadable) and err naming it; TD_EIO otherwise.
 */
int tds_datalock_take(const char *datadir, int *fd, long *holder, td_error *err);
void tds_datalock_release(int fd);

#endif
