/*
 * cmds.h — the subcommands of tiendo-server.  Each takes the arguments
 * after its own name (argv[0] is the subcommand name) and returns the
 * process exit code: 0 success, 1 failure of the operation, 2 bad usage.
 */
#ifndef TDS_CMDS_H
#define TDS_CMDS_H

int tds_cmd_serve(int argc, char **argv);   /* serve.c */
int tds_cmd_plan(int argc, char **argv);    /* cmd_plan.c */
int tds_cmd_agency(int argc, char **argv);  /* cmd_agency.c */
int tds_cmd_state(int argc, char **argv);   /* cmd_state.c */
int tds_cmd_checkpoint(int argc, char **argv); /* cmd_checkpoint.c */
int tds_cmd_report(int argc, char **argv);  /* cmd_report.c */
int tds_cmd_backup(int argc, char **argv);  /* cmd_backup.c */
int tds_cmd_restore(int argc, char **argv); /* cmd_backup.c */
int tds_cmd_upgrade_digest(int argc, char **argv); /* cmd_upgrade.c */

/* Shared by the commands that open the log (cmd_state.c). */
#include "config.h"
#include "ledger.h"

/*
 * Open the ledger the config names (data dir, CA, and the server key when
 * write is set).  Prints a Vietnamese message and returns 1 on failure.
 */
int tds_cmd_open_ledger(const tds_config *cfg, int write, tds_ledger **out);
/*
 * After the options: tds_config_finish, then tds_cmd_open_ledger.  0, or
 * the exit code (a message printed, cfg freed).
 */
int tds_cmd_ready(tds_config *cfg, int write, tds_ledger **out);
/*
 * An export's bytes to the file out (NULL: stdout).  0, or 1 with a
 * Vietnamese message naming the file.
 */
int tds_cmd_write_out(const char *out, const char *buf, size_t n);

#endif
