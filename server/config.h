/*
 * config.h — the server's settings, shared by `serve` and the commands that
 * open the log (`plan`, `agency`, `state`): the same flags and the same
 * config-file keys everywhere (--config FILE; keys = flag names without the
 * dashes).  Flags override the file; the file is read first whatever the
 * order on the command line.
 *
 * Use: tds_config_init; tds_config_getopt in a loop (getopt_long over the
 * command's own option table joined with the config flags, which it keeps;
 * the command's own options come back to it); then tds_config_finish, which
 * reads the config file, applies the flags over it and fills the defaults.  Messages for
 * people are Vietnamese on stderr, prefixed with the program name given to
 * init.  Owned strings are freed by tds_config_free.
 */
#ifndef TDS_CONFIG_H
#define TDS_CONFIG_H

#include <getopt.h>
#include <stdint.h>

#include "cli.h"

/* Defaults; each can be changed by flag or config file. */
#define TDS_DEFAULT_LISTEN "127.0.0.1:7443"
/* A TLS 1.3 handshake is two round trips; 10 s covers a bad rural link. */
#define TDS_DEFAULT_HANDSHAKE_MS 10000
/* Offices ping every 60 s during long syncs; 5 min of silence is dead. */
#define TDS_DEFAULT_IDLE_MS 300000
/* Each session costs ~100 KiB (TLS buffers, framer); 1000 fit easily. */
#define TDS_DEFAULT_MAX_CONNS 1000
/* Issue 9, a client flooding pushes: entries per second per device, and
 * the burst it may send at once.  An office back after weeks offline sends
 * a few thousand; tdbench pushes 12,500 per device as fast as it can.  So
 * the burst is generous and the rate still lets a backlog through at four
 * full batches a second. */
#define TDS_DEFAULT_PUSH_RATE 2000
#define TDS_DEFAULT_PUSH_BURST 100000
/* Issue 9, a peer that never reads: see TD_CONN_STALL_MS (conn.h). */
#define TDS_DEFAULT_STALL_MS 60000
/* Where the log lives when neither --data nor $TIENDO_DATA says. */
#define TDS_DEFAULT_DATA "/var/lib/tiendo"
/* Flags given on one command line (each is a key and a value). */
#define TDS_CONFIG_FLAGS_MAX 32
/* Rows of a command's getopt_long table: its own options, the config flags, --help. */
#define TDS_CONFIG_OPTS_MAX 64
/* getopt_long codes of the config flags (kept by tds_config_getopt, never returned). */
#define TDS_OPT_CONFIG 0x3000
/* tds_config_getopt: a wrong option, already said on stderr (exit 2). */
#define TDS_OPT_BAD (-2)

typedef struct tds_config {
    char listen[300];
    char *ca, *cert, *key, *crl, *data, *port_file;
    char *origin;                     /* checkpoint origin (NULL: the ledger's default) */
    /* online certificate renewal (renew.h; docs/PROTOCOL.md §8): off without renew_ca_dir */
    char *renew_ca_dir;
    int renew_days, renew_window;     /* days */
    unsigned renew_roles;             /* bit (1 << td_role) per role */
    uint64_t handshake_ms, idle_ms, stall_ms;
    uint32_t max_frame;
    uint32_t push_rate, push_burst;   /* per device; rate 0 = no limit */
    int max_conns;
    /* status policy (common/status.h): reports due on this day of the month;
     * the "Sắp đến hạn" window in days.  Used by `report`. */
    int report_day, due_soon_days;
    /* private: flags seen, applied over the file by finish */
    const char *prog;
    const char *file;
    struct { const char *key, *val; } flags[TDS_CONFIG_FLAGS_MAX];
    int nflags;
    struct option opts[TDS_CONFIG_OPTS_MAX];   /* the command's table joined with the config flags */
    int opts_ready;
} tds_config;

/* prog: "tiendo-server serve" etc., for messages. */
void tds_config_init(tds_config *cfg, const char *prog);
void tds_config_free(tds_config *cfg);

/*
 * getopt_long over argv (argv[0] is the command) with the table own (ended by
 * a zero row; may be NULL), the config flags (--config FILE, --ca FILE ...;
 * serve_keys: also the listener's: --listen, --port-file, --max-conns ...)
 * and --help/-h.  Config flags are kept in cfg and skipped.  Returns the
 * next own option's code (optarg set), 'h' for help, -1 at the end (the
 * words that are not options are then argv[optind..argc-1]), or TDS_OPT_BAD
 * after a Vietnamese message naming the wrong option (unknown, missing its
 * value, too many flags).  An own option of the same name as a config flag
 * wins.
 */
int tds_config_getopt(tds_config *cfg, int argc, char **argv, const struct option *own, int serve_keys);
/*
 * The same over a command's spec (common/cli.h), whose tables are its own
 * rows then tds_config_opts (and, for serve, tds_config_serve_opts): the
 * command's --help and getopt table come from that one spec.
 */
int tds_config_getopt_spec(tds_config *cfg, int argc, char **argv, const td_cli_spec *spec);
/* The config flags as option rows: every command's, and serve's only. */
extern const td_cli_opt tds_config_opts[];
extern const td_cli_opt tds_config_serve_opts[];
/* "PROG CMD: tham số thừa "X"" + "Xem: PROG CMD --help" on stderr; returns 2. */
int tds_config_extra(const tds_config *cfg, const char *word);

/* Read the config file (if any), apply the flags, fill defaults (data:
 * $TIENDO_DATA, else TDS_DEFAULT_DATA).  0, or the exit code with a message
 * printed: 1 if the config file is wrong, 2 if a flag is. */
int tds_config_finish(tds_config *cfg);

/* Usage lines of the flags (tds_config_opts, serve_keys: and
 * tds_config_serve_opts), for a --help text not made by td_cli_help. */
const char *tds_config_usage_text(int serve_keys);
#define tds_config_usage_common tds_config_usage_text(0)

#endif
