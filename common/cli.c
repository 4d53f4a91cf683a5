/* cli.c — see cli.h. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"

int td_cli_vusage_err(const char *prog, const char *cmd, const char *fmt, va_list ap)
{
    char where[160];
    snprintf(where, sizeof where, "%s%s%s", prog, cmd && *cmd ? " " : "", cmd ? cmd : "");
    fprintf(stderr, "%s: ", where);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n" TD_MSG_SEE_HELP "\n", where);
    return 2;
}

int td_cli_usage_err(const char *prog, const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    td_cli_vusage_err(prog, cmd, fmt, ap);
    va_end(ap);
    return 2;
}

int td_cli_extra(const char *prog, const char *cmd, const char *word)
{
    return td_cli_usage_err(prog, cmd, TD_MSG_EXTRA_ARG, word);
}

int td_cli_opt_err(const char *prog, const char *cmd, int c, char *const *argv)
{
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    char shortopt[3] = {'-', (char)optopt, 0};
    /* "-x" inside a cluster or a short option: name it by optopt */
    if (optopt && optopt < 128 && (arg[0] != '-' || arg[1] != '-')) arg = shortopt;
    return td_cli_usage_err(prog, cmd, c == ':' ? TD_MSG_OPT_NEEDS_VALUE : TD_MSG_OPT_BAD, arg);
}

int td_cli_sub_main(const char *prog, const char *cmd, const td_cli_sub *subs, size_t n, void (*usage)(FILE *),
                    int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        if (!strcmp(argv[1], subs[i].name)) return subs[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "%s %s: " TD_MSG_NO_SUBCMD "\n\n", prog, cmd, argv[1]);
    usage(stderr);
    return 2;
}

int td_cli_opts_join(struct option *out, size_t cap, const struct option *const *tables, size_t n)
{
    size_t k = 0;
    for (size_t t = 0; t < n; t++)
        for (const struct option *o = tables[t]; o && o->name; o++) {
            if (k + 1 >= cap) return -1;
            out[k++] = *o;
        }
    if (k >= cap) return -1;
    memset(&out[k], 0, sizeof out[k]);
    return 0;
}

void td_cli_usage(const td_cli_prog *p, FILE *f)
{
    size_t w = 0;
    for (size_t i = 0; i < p->n_cmds; i++)
        if (strlen(p->cmds[i].name) > w) w = strlen(p->cmds[i].name);
    fprintf(f, "Cách dùng: %s LỆNH [tham số]\n\n%s\n\nLệnh:\n", p->name, p->about);
    for (size_t i = 0; i < p->n_cmds; i++)
        fprintf(f, "  %-*s  %s\n", (int)w, p->cmds[i].name, p->cmds[i].help);
    fprintf(f, "  %-*s  %s\n", (int)w, "version", "in phiên bản");
    fprintf(f, "\nMỗi lệnh có --help (ví dụ: %s %s --help).\n", p->name, p->cmds[0].name);
    if (p->footer) fprintf(f, "%s", p->footer);
}

/* Troff: backslashes doubled, '-' as \-, a line starting with '.' or '\'' guarded. */
static void td__man_text(FILE *out, const char *s, size_t n)
{
    int bol = 1;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (bol && (ch == '.' || ch == '\'')) fputs("\\&", out);
        bol = ch == '\n';
        if (ch == '\\') fputs("\\e", out);
        else if (ch == '-') fputs("\\-", out);
        else fputc(ch, out);
    }
}

/* A command's --help text, run in this process with stdout on a temporary file. */
static char *td__help_of(const td_cli_cmd *c, size_t *n)
{
    char *argv[3] = {(char *)c->name, "--help", NULL};
    FILE *tmp = tmpfile();
    int saved;
    char *buf = NULL;
    long len;
    if (!tmp) return NULL;
    fflush(stdout);
    saved = dup(STDOUT_FILENO);
    if (saved < 0 || dup2(fileno(tmp), STDOUT_FILENO) < 0) {
        fclose(tmp);
        return NULL;
    }
    optind = 1;
    (void)c->fn(2, argv);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    len = lseek(fileno(tmp), 0, SEEK_END);   /* the duplicated descriptor shares the offset */
    if (len >= 0 && (buf = malloc((size_t)len + 1))) {
        rewind(tmp);
        *n = fread(buf, 1, (size_t)len, tmp);
        buf[*n] = 0;
    }
    fclose(tmp);
    return buf;
}

static int td__man(const td_cli_prog *p, const char *template_path)
{
    FILE *t = fopen(template_path, "r");
    char line[4096];
    if (!t) {
        fprintf(stderr, "%s --man: " TD_MSG_FILE_OPEN "\n", p->name, template_path);
        return 1;
    }
    const char *base = strrchr(template_path, '/');
    printf(".\\\" Sinh tự động từ bảng lệnh của %s (%s --man); đừng sửa trực tiếp: sửa man/%s\n", p->name, p->name,
           base ? base + 1 : template_path);
    while (fgets(line, sizeof line, t)) {
        if (strcmp(line, "@COMMANDS@\n")) {
            fputs(line, stdout);
            continue;
        }
        printf(".SH LỆNH\n");
        for (size_t i = 0; i < p->n_cmds; i++) {
            printf(".TP\n.B %s\n", p->cmds[i].name);
            td__man_text(stdout, p->cmds[i].help, strlen(p->cmds[i].help));
            printf("\n");
        }
        printf(".TP\n.B version\nin phiên bản\n");
        printf(".SH CHI TIẾT CÁC LỆNH\n");
        for (size_t i = 0; i < p->n_cmds; i++) {
            size_t n = 0;
            char *h = td__help_of(&p->cmds[i], &n);
            printf(".SS %s %s\n.nf\n", p->name, p->cmds[i].name);
            if (h) td__man_text(stdout, h, n);
            printf(".fi\n");
            free(h);
        }
    }
    fclose(t);
    return fflush(stdout) ? 1 : 0;
}

int td_cli_main(const td_cli_prog *p, int argc, char **argv)
{
    opterr = 0;   /* getopt's own messages are English: td_cli_opt_err says it in Vietnamese */
    if (argc < 2) {
        td_cli_usage(p, stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        td_cli_usage(p, stdout);
        return 0;
    }
    if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
        printf("%s %s\n", p->name, TD_VERSION);
        return 0;
    }
    if (!strcmp(argv[1], "--man")) {
        if (argc != 3) {
            fprintf(stderr, "%s --man: cần đúng một tệp mẫu\n", p->name);
            return 2;
        }
        return td__man(p, argv[2]);
    }
    for (size_t i = 0; i < p->n_cmds; i++)
        if (!strcmp(argv[1], p->cmds[i].name)) return p->cmds[i].fn(argc - 1, argv + 1);
    if (argv[1][0] == '-')
        fprintf(stderr, "%s: " TD_MSG_OPT_BAD TD_MSG_OPT_BEFORE_CMD "\n\n", p->name, argv[1]);
    else
        fprintf(stderr, "%s: " TD_MSG_NO_CMD "\n\n", p->name, argv[1]);
    td_cli_usage(p, stderr);
    return 2;
}
