/*
 * cmds.h — the subcommands of tiendo (office client).  Each takes the
 * arguments after its own name (argv[0] is the subcommand name) and returns
 * the process exit code: 0 success, 1 failure, 2 bad usage.
 */
#ifndef TDC_CMDS_H
#define TDC_CMDS_H

int tdc_cmd_init(int argc, char **argv);   /* cmd_init.c */
int tdc_cmd_ping(int argc, char **argv);   /* cmd_ping.c */

#endif
