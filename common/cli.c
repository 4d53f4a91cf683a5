/* cli.c — see cli.h. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"

/* Lines of a help are at most this wide. */
#define TD__COLS 80
/* Widest "  --name ARG" before the descriptions start on the next line. */
#define TD__HEAD_MAX 26

/* Set while `PROG --man` runs the commands' --help: td_cli_help writes troff. */
static int td__man_mode;
/* Width of wrapped text: TD__COLS, less in a man page (indented by man). */
static size_t td__width = TD__COLS;
/* Text of a man page wrapped to this width. */
#define TD__MAN_COLS 72

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

/* Columns on screen of UTF-8 text: one per character (Vietnamese letters in NFC are one each). */
static size_t td__cols(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n && s[i]; i++) w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

/* In a synopsis, the space at i is between an option and its value ("--date dd/mm/yyyy"). */
static int td__opt_value(const char *s, size_t lead, size_t i)
{
    size_t w = i;
    while (w > lead && s[w - 1] != ' ') w--;
    while (w < i && (s[w] == '[' || s[w] == '(')) w++;
    return w + 2 < i && s[w] == '-' && s[w + 1] == '-' && s[i - 1] != ']' && s[i - 1] != ')' && s[i + 1] != '[' &&
           s[i + 1] != '(' && s[i + 1] != '-' && s[i + 1] != '|';
}

/*
 * One line of text (no '\n') printed from column col (already written),
 * broken at spaces so that no line passes TD__COLS; the next lines start
 * with hang spaces.  groups: a break inside [...] or (...) only when no
 * other fits (a synopsis).  A word wider than the room is printed whole.
 */
static void td__emit(FILE *f, const char *s, size_t n, size_t col, size_t hang, int groups)
{
    while (n && col + td__cols(s, n) > td__width) {
        size_t lead = 0, cut = 0, any = 0, w;
        int depth = 0;
        while (lead < n && s[lead] == ' ') lead++;
        w = col + lead;
        for (size_t i = lead; i < n; i++) {
            if (s[i] == ' ' && i > lead && s[i - 1] != ' ') {
                if (w > td__width && (cut || any)) break;
                if (!groups || (depth <= 0 && !td__opt_value(s, lead, i))) cut = i;
                any = i;
                if (w > td__width) break;
            }
            if (s[i] == '[' || s[i] == '(') depth++;
            if (s[i] == ']' || s[i] == ')') depth--;
            w += ((unsigned char)s[i] & 0xC0) != 0x80;
        }
        if (!cut) cut = any;
        if (!cut) break;
        fwrite(s, 1, cut, f);
        fputc('\n', f);
        while (cut < n && s[cut] == ' ') cut++;
        s += cut;
        n -= cut;
        fprintf(f, "%*s", (int)hang, "");
        col = hang;
    }
    fwrite(s, 1, n, f);
    fputc('\n', f);
}

/* Where a line's next lines start: under the text after "  name   " (two
 * spaces or more within the first 48 columns), else under its first letter. */
static size_t td__hang(const char *s, size_t n)
{
    size_t i = 0, lead;
    while (i < n && s[i] == ' ') i++;
    lead = i;
    if (i + 1 < n && s[i] == '-' && s[i + 1] == ' ') return lead + 2;   /* "  - item" */
    for (; i + 1 < n && td__cols(s, i) < 48; i++)
        if (s[i] != ' ' && s[i + 1] == ' ' && i + 2 < n && s[i + 2] == ' ') {
            size_t j = i + 1;
            while (j < n && s[j] == ' ') j++;
            return j < n ? td__cols(s, j) : lead;
        }
    return lead;
}

void td_cli_wrap(FILE *f, const char *text)
{
    while (text && *text) {
        const char *nl = strchr(text, '\n');
        size_t n = nl ? (size_t)(nl - text) : strlen(text);
        td__emit(f, text, n, 0, td__hang(text, n), 0);
        text += n + (nl != NULL);
    }
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

static const td_cli_opt td__help_row = {"help", no_argument, 'h', NULL, "in hướng dẫn này"};

/* The rows of a spec in order, each name once (the first), --help last; NULL at the end. */
static const td_cli_opt *td__row(const td_cli_spec *s, size_t k)
{
    size_t seen = 0;
    for (size_t t = 0; t < TD_CLI_TABLES_MAX; t++)
        for (const td_cli_opt *o = s->opts[t]; o && o->name; o++) {
            int dup = !strcmp(o->name, "help");
            for (size_t u = 0; u <= t && !dup; u++)
                for (const td_cli_opt *p = s->opts[u]; p && p->name && p != o && !dup; p++)
                    dup = p->has_arg != TD_CLI_WORD && o->has_arg != TD_CLI_WORD && !strcmp(p->name, o->name);
            if (dup) continue;
            if (seen++ == k) return o;
        }
    return seen == k ? &td__help_row : NULL;
}

int td_cli_longopts(const td_cli_spec *s, struct option *out, size_t cap)
{
    size_t k = 0;
    const td_cli_opt *o;
    for (size_t i = 0; (o = td__row(s, i)); i++) {
        if (o->has_arg == TD_CLI_WORD) continue;
        if (k + 1 >= cap) {
            fprintf(stderr, "%s %s: " TD_MSG_TOO_MANY_ARGS "\n", s->prog, s->cmd);
            return -1;
        }
        out[k++] = (struct option){o->name, o->has_arg, NULL, o->val};
    }
    out[k] = (struct option){NULL, 0, NULL, 0};
    return 0;
}

const td_cli_opt *td_cli_opt_of(const td_cli_spec *s, int val)
{
    const td_cli_opt *o;
    for (size_t i = 0; (o = td__row(s, i)); i++)
        if (o->has_arg != TD_CLI_WORD && o->val == val) return o;
    return NULL;
}

/* o is a row of table t. */
static int td__in_table(const td_cli_opt *t, const td_cli_opt *o)
{
    for (; t->name; t++)
        if (t == o) return 1;
    return 0;
}

/* "--name" in text as a whole option name. */
static int td__names(const char *text, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = text; (p = strstr(p, "--")); p += 2)
        if (!strncmp(p + 2, name, n) && !(p[2 + n] == '-' || (p[2 + n] >= 'a' && p[2 + n] <= 'z'))) return 1;
    return 0;
}

/* The usage of s is whole forms, printed as they are (td_cli_spec). */
static int td__verbatim(const td_cli_spec *s)
{
    size_t n = strlen(s->prog);
    return s->usage && (strchr(s->usage, '\n') || (!strncmp(s->usage, s->prog, n) && s->usage[n] == ' '));
}

/* The usage lines, as text (malloc'd): see td_cli_spec. */
static char *td__usage_text(const td_cli_spec *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    const td_cli_opt *o;
    if (!m) return NULL;
    if (td__verbatim(s)) {
        fputs(s->usage, m);
    } else {
        fprintf(m, "%s %s", s->prog, s->cmd);
        if (s->usage && *s->usage) fprintf(m, " %s", s->usage);
        for (size_t i = 0; (o = td__row(s, i)); i++) {
            int listed = 0;
            for (size_t t = 0; t < TD_CLI_TABLES_MAX && (!s->synopsis_tables || t < s->synopsis_tables); t++)
                listed |= s->opts[t] && td__in_table(s->opts[t], o);
            if (o->has_arg == TD_CLI_WORD || !o->help || o == &td__help_row || !listed) continue;
            if (s->usage && td__names(s->usage, o->name)) continue;
            fprintf(m, " [--%s%s%s]", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        }
    }
    fclose(m);
    return buf;
}

static void td__head(char *head, size_t cap, const td_cli_opt *o)
{
    if (o->has_arg == TD_CLI_WORD) snprintf(head, cap, "%s", o->name);
    else snprintf(head, cap, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
}

/* Text wrapped as in the terminal (td_cli_wrap), as a troff no-fill block. */
static void td__man_block(FILE *f, const char *lead, const char *text)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m) return;
    fputs(lead, m);
    td_cli_wrap(m, text);
    fclose(m);
    fputs(".nf\n", f);
    td__man_text(f, buf, len);
    fputs(".fi\n", f);
    free(buf);
}

/* "Cách dùng: " and the usage text, wrapped. */
static void td__usage_lines(const td_cli_spec *s, const char *usage, FILE *f)
{
    size_t lead = td__cols("Cách dùng: ", 64), hang = lead + 4;
    if (!td__verbatim(s)) hang = lead + td__cols(s->prog, 64) + td__cols(s->cmd, 64) + 2;
    fputs("Cách dùng: ", f);
    for (const char *u = usage; *u;) {
        const char *nl = strchr(u, '\n');
        size_t n = nl ? (size_t)(nl - u) : strlen(u);
        if (u != usage) fprintf(f, "%*s", (int)lead, "");
        td__emit(f, u, n, lead, hang, 1);
        u += n + (nl != NULL);
    }
}

/* The spec as troff, for the man page. */
static void td__help_man(const td_cli_spec *s, const char *usage, FILE *f)
{
    const td_cli_opt *o;
    fputs(".\\\" td_cli_help\n", f);
    {   /* the synopsis as in the terminal */
        char *buf = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&buf, &len);
        if (m) {
            td__usage_lines(s, usage, m);
            fclose(m);
            fputs(".nf\n", f);
            td__man_text(f, buf, len);
            fputs(".fi\n", f);
            free(buf);
        }
    }
    if (s->about) {
        fputs(".PP\n", f);
        td__man_block(f, "", s->about);
    }
    for (size_t i = 0; (o = td__row(s, i)); i++) {
        const char *h;
        if (!o->help) continue;
        if (o->has_arg == TD_CLI_WORD) {
            fputs(".TP\n\\fI", f);
            td__man_text(f, o->name, strlen(o->name));
        } else {
            fputs(".TP\n\\fB", f);
            td__man_text(f, "--", 2);
            td__man_text(f, o->name, strlen(o->name));
            if (o->arg) {
                fputs("\\fR \\fI", f);
                td__man_text(f, o->arg, strlen(o->arg));
            }
        }
        fputs("\\fR\n", f);
        h = strchr(o->help, '\n');   /* the first line filled by troff, the lines after it as they are */
        td__man_text(f, o->help, h ? (size_t)(h - o->help) : strlen(o->help));
        fputs("\n", f);
        if (h) {
            fputs(".nf\n", f);
            td__man_text(f, h + 1, strlen(h + 1));
            fputs("\n.fi\n", f);
        }
    }
    if (s->footer) {
        fputs(".PP\n", f);
        td__man_block(f, "", s->footer);
    }
    fputs(".PP\n", f);
    td__man_block(f, "", s->exit_codes ? s->exit_codes : TD_MSG_EXIT_CODES);
}

void td_cli_help_rows(const td_cli_spec *s, FILE *f)
{
    size_t col = 0, w;
    const td_cli_opt *o;
    char head[128];
    for (size_t i = 0; (o = td__row(s, i)); i++) {
        if (!o->help) continue;
        td__head(head, sizeof head, o);
        w = td__cols(head, sizeof head) + 2;
        if (w <= TD__HEAD_MAX && w > col) col = w;
    }
    col += 2;   /* "  " before the head; w has the two spaces after it */
    for (size_t i = 0; (o = td__row(s, i)); i++) {
        const char *h = o->help;
        size_t at;
        if (!h) continue;
        td__head(head, sizeof head, o);
        w = 2 + td__cols(head, sizeof head);
        fprintf(f, "  %s", head);
        if (w + 2 > col) {
            fputc('\n', f);
            w = 0;
        }
        at = w;
        for (;;) {   /* a '\n' in the help starts a line under the text */
            const char *nl = strchr(h, '\n');
            size_t n = nl ? (size_t)(nl - h) : strlen(h);
            fprintf(f, "%*s", (int)(col - at), "");
            td__emit(f, h, n, col, col + (h == o->help ? 0 : td__hang(h, n)), 0);
            if (!nl) break;
            h = nl + 1;
            at = 0;
        }
    }
}

void td_cli_help(const td_cli_spec *s, FILE *f)
{
    const td_cli_opt *o;
    char *usage = td__usage_text(s);
    if (!usage) {
        fprintf(stderr, "%s %s: " TD_MSG_NOMEM "\n", s->prog, s->cmd);
        return;
    }
    if (td__man_mode) {
        td__width = TD__MAN_COLS;
        td__help_man(s, usage, f);
        td__width = TD__COLS;
        free(usage);
        return;
    }
    td__usage_lines(s, usage, f);
    free(usage);
    if (s->about) {
        fputc('\n', f);
        td_cli_wrap(f, s->about);
    }
    {
        int words = 0;
        for (size_t i = 0; (o = td__row(s, i)); i++) words |= o->has_arg == TD_CLI_WORD;
        fputs(words ? "\nTham số và tùy chọn:\n" : "\nTùy chọn:\n", f);
    }
    td_cli_help_rows(s, f);
    if (s->footer) {
        fputc('\n', f);
        td_cli_wrap(f, s->footer);
    }
    fputc('\n', f);
    td_cli_wrap(f, s->exit_codes ? s->exit_codes : TD_MSG_EXIT_CODES);
}

void td_cli_usage(const td_cli_prog *p, FILE *f)
{
    size_t w = 0;
    for (size_t i = 0; i < p->n_cmds; i++)
        if (strlen(p->cmds[i].name) > w) w = strlen(p->cmds[i].name);
    fprintf(f, "Cách dùng: %s LỆNH [tham số]\n\n", p->name);
    td_cli_wrap(f, p->about);
    fputs("\nLệnh:\n", f);
    for (size_t i = 0; i < p->n_cmds; i++) {   /* a long help goes on under itself */
        fprintf(f, "  %-*s  ", (int)w, p->cmds[i].name);
        td__emit(f, p->cmds[i].help, strlen(p->cmds[i].help), w + 4, w + 4, 0);
    }
    fprintf(f, "  %-*s  %s\n", (int)w, "version", "in phiên bản");
    fprintf(f, "\nMỗi lệnh có --help (ví dụ: %s %s --help).\n", p->name, p->cmds[0].name);
    if (p->footer) td_cli_wrap(f, p->footer);
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
            char *h;
            td__man_mode = 1;   /* the commands' td_cli_help writes troff */
            h = td__help_of(&p->cmds[i], &n);
            td__man_mode = 0;
            printf(".SS %s %s\n", p->name, p->cmds[i].name);
            if (h && !strncmp(h, ".\\\" td_cli_help\n", 16)) {
                fwrite(h, 1, n, stdout);
            } else {   /* a help not made by td_cli_help: as it is */
                printf(".nf\n");
                if (h) td__man_text(stdout, h, n);
                printf(".fi\n");
            }
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
