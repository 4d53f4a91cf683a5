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

#endif
