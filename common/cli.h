/*
 * cli.h — the command line of the three programs (tiendo, tiendo-server,
 * tiendo-pki), one style for all: each program is a table of commands
 * {name, function, one-line help}; the table gives the program's --help,
 * the dispatch, and its man page (the hidden `--man TEMPLATE` output, which
 * the build writes to man/<program>.<section>), so help and man page
 * cannot drift.  Each command's own options are a table too (td_cli_opt,
 * td_cli_spec): its getopt_long table, its --help and its part of the man
 * page are made from it.  Option errors of getopt_long are Vietnamese
 * (opterr = 0, optstring starting with ':').
 */
#ifndef TD_CLI_H
#define TD_CLI_H

#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

typedef struct td_cli_cmd {
    const char *name;
    int (*fn)(int argc, char **argv); /* argv[0] is the command name; returns the exit code */
    const char *help;                 /* one line, Vietnamese */
} td_cli_cmd;

typedef struct td_cli_prog {
    const char *name;    /* "tiendo" */
    const char *section; /* man section: "1", "8" */
    const char *about;   /* what the program is, one or more lines (help and man page) */
    const char *footer;  /* after the command list in --help (may be NULL) */
    const td_cli_cmd *cmds;
    size_t n_cmds;
} td_cli_prog;

/*
 * The program's main: no command or an unknown one -> usage on stderr, 2;
 * --help/-h/help -> usage on stdout, 0; version/--version; `--man TEMPLATE`
 * -> the man page (TEMPLATE with its line "@COMMANDS@" replaced by each
 * command's one-line help and --help text); otherwise the command.
 */
int td_cli_main(const td_cli_prog *p, int argc, char **argv);
/* The usage text of the program (the command table). */
void td_cli_usage(const td_cli_prog *p, FILE *f);

/*
 * A wrong command line: "PROG CMD: <fmt...>" and "Xem: PROG CMD --help" on
 * stderr (texts from common/msg.h).  Returns 2 (bad usage).  cmd may be ""
 * for the program itself.
 */
int td_cli_usage_err(const char *prog, const char *cmd, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int td_cli_vusage_err(const char *prog, const char *cmd, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* A word left over after the options: td_cli_usage_err with TD_MSG_EXTRA_ARG. */
int td_cli_extra(const char *prog, const char *cmd, const char *word);

/*
 * A getopt_long error ('?' unknown option, ':' missing value) as
 * "PROG CMD: tùy chọn không hợp lệ: --hlep" + "Xem: PROG CMD --help" on
 * stderr.  argv is what was given to getopt_long.  Returns 2 (bad usage).
 */
int td_cli_opt_err(const char *prog, const char *cmd, int c, char *const *argv);

/*
 * A command made of subcommands (tiendo-server plan import|show|export):
 * argv[0] is the command, argv[1] the subcommand.  None -> usage on stderr,
 * 2; --help/-h/help -> usage on stdout, 0; an unknown one -> "PROG CMD: lệnh
 * con không tồn tại: "X"" and the usage on stderr, 2; else the subcommand's
 * function with argv[0] its name.
 */
typedef struct td_cli_sub {
    const char *name;
    int (*fn)(int argc, char **argv);
} td_cli_sub;
int td_cli_sub_main(const char *prog, const char *cmd, const td_cli_sub *subs, size_t n, void (*usage)(FILE *),
                    int argc, char **argv);

/*
 * One command's options, one row each: the getopt_long table and the
 * option list of its --help (and man page) are both made from it, so the
 * two cannot drift.  A table ends with a row whose name is NULL.
 */
/* has_arg of a row that is a word of the command (a task number, a file),
 * not an option: listed in the help as "  SỐ", not given to getopt_long. */
#define TD_CLI_WORD (-1)
typedef struct td_cli_opt {
    const char *name; /* long name without "--", or the word (TD_CLI_WORD) */
    int has_arg;      /* no_argument, required_argument, TD_CLI_WORD */
    int val;          /* what getopt_long returns for it */
    const char *arg;  /* the value's placeholder, Vietnamese ("THƯ_MỤC"); NULL without a value */
    const char *help; /* Vietnamese; wrapped to 80 columns by td_cli_help; a '\n' starts a line
                       * under the text.  NULL hides the row from the help (tests/integration/
                       * cli_text.sh then fails: what a command accepts, its help lists) */
} td_cli_opt;

/* Tables of one command: its own first, then shared ones (the server's
 * config flags, the monthly report's options). */
#define TD_CLI_TABLES_MAX 6
/* Rows of a getopt_long table made by td_cli_longopts, with --help and the end row. */
#define TD_CLI_OPTS_MAX 64

/*
 * A command's --help: "Cách dùng: PROG CMD <usage>", the about paragraphs,
 * "Tùy chọn:" with each row of the tables (a name given by two tables is
 * listed and taken once, from the first), --help, the footer, the exit codes.
 *  - usage: the words and the options that the command needs; the other
 *    options of its tables (of the first synopsis_tables ones, if not 0) are
 *    added as "[--x ARG]".  Or whole forms, one a line, each starting with
 *    "PROG ", printed as they are.
 *  - about, footer: lines longer than 80 columns are wrapped, the next line
 *    indented like the line (or, for "  name   text", under the text).
 */
typedef struct td_cli_spec {
    const char *prog;  /* "tiendo" */
    const char *cmd;   /* "status", "plan" */
    const char *usage;
    const char *about;
    const td_cli_opt *opts[TD_CLI_TABLES_MAX];
    const char *footer;     /* may be NULL */
    const char *exit_codes; /* NULL: TD_MSG_EXIT_CODES */
    size_t synopsis_tables; /* 0: every table */
} td_cli_spec;

/*
 * The getopt_long table of a spec: its rows (not the words), first name
 * wins, and {"help", no_argument, 'h'}.  out has cap rows (TD_CLI_OPTS_MAX);
 * returns 0, or -1 if they do not fit (a programming error, said on stderr).
 */
int td_cli_longopts(const td_cli_spec *s, struct option *out, size_t cap);
/*
 * Print the help of a spec on f.  While the program writes its man page
 * (`PROG --man TEMPLATE`), the same spec is written as troff instead: the
 * usage and texts as they are, each option as a tagged paragraph.
 */
void td_cli_help(const td_cli_spec *s, FILE *f);
/* Only the rows of the option list, "  --name ARG   help" (aligned, wrapped). */
void td_cli_help_rows(const td_cli_spec *s, FILE *f);
/* Print text wrapped at 80 columns, as td_cli_help does with about and footer. */
void td_cli_wrap(FILE *f, const char *text);
/* The td_cli_opt row of the spec that getopt_long returned val for, or NULL. */
const td_cli_opt *td_cli_opt_of(const td_cli_spec *s, int val);

/*
 * One option table out of several (each ended by a zero row), for a command
 * whose options come from shared tables (the server's config flags, the
 * monthly report's options) and its own.  Where two tables give the same
 * name, getopt_long takes the first.  out has cap rows; returns 0, or -1 if
 * they do not fit (a programming error).
 */
int td_cli_opts_join(struct option *out, size_t cap, const struct option *const *tables, size_t n);

#endif
