/*
 * cmds.c — the subcommands of tiendo-pki: parse options, call ca.c, and tell
 * the CA officer in Vietnamese what happened.  Errors go to stderr as
 *   tiendo-pki: <what failed>: <why, Vietnamese> (<English detail>)
 * Exit codes: 0 done, 1 refused or failed, 2 bad usage (unknown option,
 * missing option or argument, a number that is not one).
 */
#include "clock.h"
#include "pki.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <openssl/bn.h>
#include <openssl/x509v3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agency.h"
#include "cli.h"
#include "clock.h"
#include "deadline.h"
#include "msg.h"
#include "plan_csv.h"
#include "x509util.h"
#include "oserr.h"

/* How many --dns / --ip a server certificate may carry: a few names for one host. */
#define TDP_SAN_MAX 16
/* "dd/mm/yyyy" plus NUL, with room to spare for a five-digit year. */
#define TDP_DATE_MAX 16
/* Column widths of `list`, in characters (not bytes: the headings have diacritics). */
#define TDP_COL_SERIAL 32
#define TDP_COL_AGENCY 18
#define TDP_COL_DEVICE 18
#define TDP_COL_ROLE 10
#define TDP_COL_STATUS 15

/* ---- helpers ----------------------------------------------------------- */

static int tdp__fail(const char *action, const char *vi, const td_error *e)
{
    /* the reason in Vietnamese: vi, then e's own text when it is Vietnamese */
    const char *why = td_error_vi(e);
    if (!vi) fprintf(stderr, "tiendo-pki: %s: %s\n", action, why);
    else if (why != td_err_vi(e->code)) fprintf(stderr, "tiendo-pki: %s: %s (%s)\n", action, vi, why);
    else fprintf(stderr, "tiendo-pki: %s: %s\n", action, vi);
    return 1;
}

/* Option rows (common/cli.h) that several commands share. */
#define TDP__STR(x) TDP__STR2(x)
#define TDP__STR2(x) #x
#define TDP__ROW_DIR {"dir", required_argument, 'd', "THƯ_MỤC_CA", "thư mục của CA (tạo bằng tiendo-pki init)"}
#define TDP__ROW_DAYS(def) {"days", required_argument, 'D', "N", "thời hạn, số ngày (mặc định " TDP__STR(def) ")"}
#define TDP__ROW_BACKDATE                                                                                           \
    {"backdate-days", required_argument, 'B', "N", "(kiểm thử) lùi ngày bắt đầu hiệu lực N ngày về trước"}
#define TDP__ROW_REGISTRY                                                                                           \
    {"registry", required_argument, 'G', "TỆP",                                                                     \
     "danh mục cơ quan do máy chủ xuất (tiendo-server agency export --out TỆP); mặc định THƯ_MỤC_CA/registry.csv "  \
     "nếu có, nếu không: danh mục dựng sẵn"}
#define TDP__ROW_ROLE                                                                                               \
    {"role", required_argument, 'r', "VAI_TRÒ", "office (đơn vị báo cáo), central (Sở KH&CN) hoặc inspector (thanh tra)"}
#define TDP__ROW_AGENCY                                                                                             \
    {"agency", required_argument, 'a', "MÃ",                                                                        \
     "mã cơ quan, ví dụ so-khcn, ubnd-chi-linh; phải có trong danh mục cơ quan và chưa ngừng hoạt động"}
#define TDP__ROW_END {NULL, 0, 0, NULL, NULL}

static int tdp__usage_err(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int tdp__usage_err(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    td_cli_vusage_err("tiendo-pki", cmd, fmt, ap);
    va_end(ap);
    return 2;
}

/* getopt_long's '?' and ':' results as a Vietnamese usage error. */
static int tdp__bad_option(const char *cmd, int c, char **argv) { return td_cli_opt_err("tiendo-pki", cmd, c, argv); }

static int tdp__parse_days(const char *cmd, const char *opt, const char *s, int *out)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 0 || v > TDP_DAYS_MAX)
        return tdp__usage_err(cmd, TD_MSG_PKI_DAYS_RANGE, opt, TDP_DAYS_MAX, s);
    *out = (int)v;
    return 0;
}

/* --days 0 only makes sense with --backdate-days (a testing aid). */
static int tdp__check_validity(const char *cmd, tdp_validity v)
{
    if (v.days == 0 && v.backdate_days == 0) return tdp__usage_err(cmd, TD_MSG_PKI_DAYS_POSITIVE);
    return 0;
}

static void tdp__date(int64_t t, char out[TDP_DATE_MAX])
{
    td_clock_fmt_date(t * 1000, out, TDP_DATE_MAX);
}

static void tdp__cert_date(const ASN1_TIME *t, char out[TDP_DATE_MAX])
{
    int64_t u = 0;
    if (td_x509_time_unix(t, &u, NULL)) {
        snprintf(out, TDP_DATE_MAX, "?");
        return;
    }
    tdp__date(u, out);
}

/* Open the CA; need_current: also refuse an expired CA.  Prints and returns 1 on failure. */
static int tdp__open_ca(tdp_ca *ca, const char *dir, const char *action, int need_current)
{
    td_error e;
    td_error_clear(&e);
    if (tdp_ca_open(ca, dir, &e)) {
        char vi[TDP_MSG_MAX];
        snprintf(vi, sizeof vi, TD_MSG_PKI_CA_OPEN_FAILED, dir);
        return tdp__fail(action, vi, &e);
    }
    if (need_current && tdp_ca_check_current(ca, &e)) {
        char vi[TDP_MSG_MAX], d[TDP_DATE_MAX];
        tdp__cert_date(X509_get0_notAfter(ca->cert), d);
        if (X509_cmp_time(X509_get0_notAfter(ca->cert), &(time_t){(time_t)(td_clock_now_ms() / 1000)}) <= 0)
            snprintf(vi, sizeof vi, TD_MSG_PKI_CA_EXPIRED, d);
        else
            snprintf(vi, sizeof vi, TD_MSG_PKI_CA_NOT_YET_VALID);
        tdp_ca_close(ca);
        return tdp__fail(action, vi, &e);
    }
    return 0;
}

/* Role from the command line; prints and returns 1 if unknown. */
static int tdp__role(const char *action, const char *s, td_role *out)
{
    *out = td_role_parse(s);
    if (*out == TD_ROLE_NONE) {
        td_error e;
        td_error_set(&e, TD_EARG, "unknown role \"%s\"", s);
        return tdp__fail(action, TD_MSG_PKI_ROLE_BAD, &e);
    }
    return 0;
}

static int tdp__agency(const char *action, const char *s)
{
    if (!td_slug_valid(s)) {
        td_error e;
        td_error_set(&e, TD_EARG, "agency \"%s\" is not a slug", s);
        return tdp__fail(action,
                         TD_MSG_PKI_AGENCY_BAD,
                         &e);
    }
    return 0;
}

/* Where the registry the server exported may be: --registry, else the CA
 * directory's registry.csv. */
#define TDP_REGISTRY_FILE "registry.csv"

/* The agency must be one the registry knows and that has not ended: the
 * server's export (--registry FILE or DIR/registry.csv), else the built-in
 * registry of the plan.  A typo is refused with the nearest slug; an ended
 * agency with its successor; 0 or 1 (message printed). */
static int tdp__agency_known(const char *action, const char *dir, const char *registry, const char *slug)
{
    char path[PATH_MAX], *buf = NULL, d[16];
    const char *src = registry;
    td_agency *rows = NULL;
    size_t nrows = 0, n = 0;
    td_error e;
    const td_agency *hit = NULL;
    const char *near = NULL;
    td_registry reg;
    int rc = 1, today = td_clock_today();

    td_error_clear(&e);
    td_registry_init_empty(&reg);
    if (!src && dir && (size_t)snprintf(path, sizeof path, "%s/" TDP_REGISTRY_FILE, dir) < sizeof path &&
        access(path, R_OK) == 0)
        src = path;
    if (src) {
        FILE *f = fopen(src, "rb");
        if (!f) {
            td_error_set(&e, TD_EIO, TD_MSG_FILE_READ, src, td_errno_vi_log(errno, src));
            return tdp__fail(action, TD_MSG_PKI_AGENCIES_UNREADABLE, &e);
        }
        if ((buf = malloc((size_t)TD_CSV_MAX + 1))) n = fread(buf, 1, (size_t)TD_CSV_MAX + 1, f);
        fclose(f);
        if (!buf || n > TD_CSV_MAX || td_csv_import_agencies(buf, n, src, &rows, &nrows, &e)) {
            free(buf);
            if (!e.code) td_error_set(&e, TD_ETOOBIG, "%s: unreadable or too large", src);
            return tdp__fail(action, TD_MSG_PKI_AGENCIES_CORRUPT, &e);
        }
        free(buf);
        for (size_t i = 0; i < nrows; i++) {
            if (!strcmp(rows[i].slug, slug)) hit = &rows[i];
            else if (td_agency_slug_near(rows[i].slug, slug)) near = rows[i].slug;
        }
    } else {
        if (td_registry_init_builtin(&reg, &e)) return tdp__fail(action, NULL, &e);
        hit = td_registry_agency(&reg, slug);
        for (size_t i = 0; !hit && i < reg.n_agencies; i++)
            if (td_agency_slug_near(reg.agencies[i].slug, slug)) near = reg.agencies[i].slug;
    }
    if (!hit) {
        fprintf(stderr, "tiendo-pki: " TD_MSG_PKI_AGENCY_UNKNOWN "\n", action, slug,
                src ? " " : TD_MSG_PKI_REGISTRY_BUILTIN, src ? src : "");
        if (near) fprintf(stderr, TD_MSG_PKI_DID_YOU_MEAN "\n", near);
        if (!src)
            fprintf(stderr, TD_MSG_PKI_AGENCY_NEW_HINT TDP_REGISTRY_FILE TD_MSG_PKI_AGENCY_REGISTRY_HINT "\n",
                    dir ? dir : TD_MSG_PKI_ARG_CA_DIR);
        else
            fprintf(stderr, TD_MSG_PKI_AGENCY_REEXPORT_HINT "\n");
        goto out;
    }
    if (hit->valid_to && hit->valid_to <= today) {
        td_date_vi(hit->valid_to, d, sizeof d);
        fprintf(stderr, "tiendo-pki: " TD_MSG_PKI_AGENCY_ENDED "\n", action, slug, hit->name, d);
        fprintf(stderr, TD_MSG_PKI_AGENCY_SUCCESSOR_HINT "\n", src ? src : TD_MSG_PKI_WORD_REGISTRY);
        goto out;
    }
    rc = 0;
out:
    td_csv_agencies_free(rows, nrows);
    td_registry_free(&reg);
    return rc;
}

static int tdp__device(const char *action, const char *s)
{
    if (!td_device_name_valid(s)) {
        td_error e;
        td_error_set(&e, TD_EARG, "device name \"%s\" is not valid", s);
        return tdp__fail(action, TD_MSG_PKI_DEVICE_BAD, &e);
    }
    return 0;
}

/* Number of characters of a UTF-8 string (bytes that do not continue a sequence). */
static size_t tdp__utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80) n++;
    return n;
}

/* Print s left-aligned in a column of width characters, then a space. */
static void tdp__col(const char *s, size_t width)
{
    size_t n = tdp__utf8_len(s);
    fputs(s, stdout);
    while (n++ < width) putchar(' ');
    putchar(' ');
}

static void tdp__serial_of(X509 *cert, char out[TDP_SERIAL_HEX_MAX + 1])
{
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
    char *h = bn ? BN_bn2hex(bn) : NULL;
    snprintf(out, TDP_SERIAL_HEX_MAX + 1, "%s", h ? h : "?");
    OPENSSL_free(h);
    BN_free(bn);
}

/* Issue a device certificate for pub (recorded in the CA's index by
 * tdp_ca_issue); a failure is told under `action`.  Returns 0 or 1. */
static int tdp__issue_device(tdp_ca *ca, const char *action, EVP_PKEY *pub, const char *agency, const char *device,
                             td_role role, tdp_validity v, X509 **cert)
{
    tdp_issue req;
    td_error e;
    memset(&req, 0, sizeof req);
    req.kind = TDP_KIND_CLIENT;
    req.pub = pub;
    req.agency = agency;
    req.name = device;
    req.role = role;
    req.v = v;
    td_error_clear(&e);
    if (tdp_ca_issue(ca, &req, cert, &e)) return tdp__fail(action, NULL, &e);
    return 0;
}

/* A device certificate just issued, written to out_path, its serial and
 * its key's short id (key_id, 17 bytes) for the officer's printout; a file
 * that cannot be written is told with the serial, as the index has it. */
static int tdp__write_device(const char *action, X509 *cert, const char *out_path,
                             char serial[TDP_SERIAL_HEX_MAX + 1], char key_id[17])
{
    unsigned char pk[32];
    td_error e;
    td_error_clear(&e);
    tdp__serial_of(cert, serial);
    if (td_cert_ed25519_pk(cert, pk, &e) == TD_OK) td_key_short_hex(pk, key_id);
    if (td_x509_write_cert(out_path, cert, 0, &e)) {
        char vi[TDP_MSG_MAX];
        snprintf(vi, sizeof vi, TD_MSG_PKI_CERT_FILE_WRITE, serial);
        return tdp__fail(action, vi, &e);
    }
    return 0;
}

/* What a command's options gave.  Each option row's val says which field it
 * fills, the same letter in every command; a command's table says which of
 * them it takes, the other fields stay NULL (v: the default it was given). */
typedef struct tdp__args {
    const char *dir, *name, *device, *agency, *role, *registry, *out, *out_key, *out_cert, *cert, *csr, *serial,
        *reason, *server;
    const char *dns[TDP_SAN_MAX], *ips[TDP_SAN_MAX];
    size_t ndns, nips;
    tdp_validity v;
    int revoke_old;
    int optind; /* the first word after the options */
} tdp__args;

/* Parse argv by spec into a (v: the command's default validity).  Returns
 * -1 to go on, else the exit code: 0 after --help, 2 for bad usage (said on
 * stderr), 1 for a programming error.  A word after the options is refused
 * unless the table lists one (TD_CLI_WORD): then the command takes it. */
static int tdp__parse(const td_cli_spec *spec, tdp_validity v, int argc, char **argv, tdp__args *a)
{
    struct option opts[TD_CLI_OPTS_MAX];
    const char *cmd = spec->cmd;
    int c, words = 0;

    memset(a, 0, sizeof *a);
    a->v = v;
    optind = 0;
    opterr = 0;
    if (td_cli_longopts(spec, opts, TD_CLI_OPTS_MAX)) return 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': a->dir = optarg; break;
        case 'n': a->name = optarg; break;
        case 'e': a->device = optarg; break;
        case 'a': a->agency = optarg; break;
        case 'r': a->role = optarg; break;
        case 'G': a->registry = optarg; break;
        case 'o': a->out = optarg; break;
        case 'k': a->out_key = optarg; break;
        case 'C': a->out_cert = optarg; break;
        case 'c': a->cert = optarg; break;
        case 'Q': a->csr = optarg; break;
        case 'S': a->serial = optarg; break;
        case 'W': a->reason = optarg; break;
        case 's': a->server = optarg; break;
        case 'R': a->revoke_old = 1; break;
        case 'N':
            if (a->ndns == TDP_SAN_MAX) return tdp__usage_err(cmd, TD_MSG_PKI_TOO_MANY_DNS, TDP_SAN_MAX);
            a->dns[a->ndns++] = optarg;
            break;
        case 'I':
            if (a->nips == TDP_SAN_MAX) return tdp__usage_err(cmd, TD_MSG_PKI_TOO_MANY_IP, TDP_SAN_MAX);
            a->ips[a->nips++] = optarg;
            break;
        case 'D': if (tdp__parse_days(cmd, "--days", optarg, &a->v.days)) return 2; break;
        case 'B': if (tdp__parse_days(cmd, "--backdate-days", optarg, &a->v.backdate_days)) return 2; break;
        case 'h': td_cli_help(spec, stdout); return 0;
        default: return tdp__bad_option(cmd, c, argv);
        }
    }
    a->optind = optind;
    for (size_t t = 0; t < TD_CLI_TABLES_MAX && spec->opts[t]; t++)
        for (const td_cli_opt *o = spec->opts[t]; o->name; o++) words += o->has_arg == TD_CLI_WORD;
    if (!words && optind < argc) return tdp__usage_err(cmd, TD_MSG_EXTRA_ARG, argv[optind]);
    return -1;
}

/* ---- init ---------------------------------------------------------------- */

static const td_cli_opt tdp__init_opts[] = {
    TDP__ROW_DIR,
    {"name", required_argument, 'n', "TÊN", "tên CA (mặc định \"" TDP_CA_NAME_DEFAULT "\")"},
    TDP__ROW_DAYS(TDP_CA_DAYS_DEFAULT),
    TDP__ROW_BACKDATE,
    TDP__ROW_END};
static const td_cli_spec tdp__init_spec = {
    .prog = "tiendo-pki",
    .cmd = "init",
    .usage = "--dir THƯ_MỤC_CA",
    .about = "Tạo CA cấp tỉnh (khóa Ed25519, chứng thư tự ký) trong THƯ_MỤC_CA (quyền 0700):\n"
             "  ca.key    khóa bí mật của CA (quyền 0600) — giữ kín, sao lưu ngoại tuyến\n"
             "  ca.crt    chứng thư CA, gửi cho máy chủ và các đơn vị\n"
             "  index.db  sổ các chứng thư đã cấp\n"
             "  crl.pem   danh sách thu hồi (CRL) đầu tiên\n"
             "Không ghi đè: nếu thư mục đã có CA thì từ chối.",
    .opts = {tdp__init_opts},
};

int tdp_cmd_init(int argc, char **argv)
{
    const char *action = TD_MSG_PKI_ACTION_INIT;
    const char *name;
    tdp__args a;
    td_error e;
    tdp_ca ca;
    char d[TDP_DATE_MAX];
    int rc;

    if ((rc = tdp__parse(&tdp__init_spec, (tdp_validity){TDP_CA_DAYS_DEFAULT, 0}, argc, argv, &a)) >= 0) return rc;
    name = a.name ? a.name : TDP_CA_NAME_DEFAULT;
    if (!a.dir) return tdp__usage_err("init", TD_MSG_PKI_DIR_MISSING);
    if (tdp__check_validity("init", a.v)) return 2;
    if (name[0] == '\0' || tdp__utf8_len(name) > TDP_CA_NAME_MAX) {
        td_error_set(&e, TD_EARG, "CA name must be 1..%d characters", TDP_CA_NAME_MAX);
        return tdp__fail(action, TD_MSG_PKI_CA_NAME_BAD, &e);
    }
    td_error_clear(&e);
    if (tdp_ca_create(a.dir, name, a.v, &e))
        return tdp__fail(action, e.code == TD_EEXISTS ? TD_MSG_PKI_CA_EXISTS : NULL, &e);
    if (tdp__open_ca(&ca, a.dir, action, 0)) return 1;
    tdp__cert_date(X509_get0_notAfter(ca.cert), d);
    printf(TD_MSG_PKI_INIT_DONE "\n",
           name, a.dir, ca.cert_path, d, ca.key_path, ca.db_path, ca.crl_path);
    tdp_ca_close(&ca);
    return 0;
}

/* ---- issue-server --------------------------------------------------------- */

static const td_cli_opt tdp__issue_server_opts[] = {
    TDP__ROW_DIR,
    {"name", required_argument, 'n', "TÊN", "tên máy chủ (CN), gồm chữ không dấu, số và . _ -"},
    {"dns", required_argument, 'N', "TÊN_MIỀN", "tên miền trong subjectAltName (lặp lại được, tối đa " TDP__STR(TDP_SAN_MAX) ")"},
    {"ip", required_argument, 'I', "ĐỊA_CHỈ", "địa chỉ IP trong subjectAltName (lặp lại được, tối đa " TDP__STR(TDP_SAN_MAX) ")"},
    {"out-key", required_argument, 'k', "TỆP", "nơi ghi khóa của máy chủ (quyền 0600, không ghi đè tệp có sẵn)"},
    {"out-cert", required_argument, 'C', "TỆP", "nơi ghi chứng thư của máy chủ (PEM)"},
    TDP__ROW_DAYS(TDP_SERVER_DAYS_DEFAULT),
    TDP__ROW_BACKDATE,
    TDP__ROW_END};
static const td_cli_spec tdp__issue_server_spec = {
    .prog = "tiendo-pki",
    .cmd = "issue-server",
    .usage = "--dir THƯ_MỤC_CA --name TÊN [--dns TÊN_MIỀN]... [--ip ĐỊA_CHỈ]... --out-key TỆP --out-cert TỆP",
    .about = "Tạo khóa và chứng thư cho máy chủ tiendo (serverAuth). Không có --dns/--ip thì dùng localhost và 127.0.0.1. "
             "Tệp khóa được tạo với quyền 0600 và không ghi đè tệp có sẵn.",
    .opts = {tdp__issue_server_opts},
};

int tdp_cmd_issue_server(int argc, char **argv)
{
    static const char *const default_dns[] = {"localhost"};
    static const char *const default_ip[] = {"127.0.0.1"};
    const char *action = TD_MSG_PKI_ISSUE_SERVER_FAILED;
    tdp__args a;
    tdp_issue req;
    tdp_ca ca;
    EVP_PKEY *key = NULL;
    X509 *cert = NULL;
    td_error e;
    char d[TDP_DATE_MAX], serial[TDP_SERIAL_HEX_MAX + 1];
    int rc;

    if ((rc = tdp__parse(&tdp__issue_server_spec, (tdp_validity){TDP_SERVER_DAYS_DEFAULT, 0}, argc, argv, &a)) >= 0)
        return rc;
    rc = 1;
    if (!a.dir || !a.name || !a.out_key || !a.out_cert)
        return tdp__usage_err("issue-server", TD_MSG_PKI_ISSUE_SERVER_NEEDS);
    if (tdp__check_validity("issue-server", a.v)) return 2;
    if (tdp__device(action, a.name)) return 1;
    if (tdp__open_ca(&ca, a.dir, action, 1)) return 1;

    memset(&req, 0, sizeof req);
    req.kind = TDP_KIND_SERVER;
    req.name = a.name;
    req.dns = a.ndns || a.nips ? a.dns : default_dns;
    req.ndns = a.ndns || a.nips ? a.ndns : 1;
    req.ips = a.ndns || a.nips ? a.ips : default_ip;
    req.nips = a.ndns || a.nips ? a.nips : 1;
    req.v = a.v;
    td_error_clear(&e);
    if (td_x509_keygen(&key, &e)) {
        tdp__fail(action, NULL, &e);
        goto out;
    }
    req.pub = key;
    /* The key first, never over an existing file: if it cannot be written
     * no certificate is issued for it. */
    if (td_x509_write_key(a.out_key, key, &e)) {
        tdp__fail(action, e.code == TD_EEXISTS ? TD_MSG_PKI_KEY_EXISTS : TD_MSG_PKI_KEY_WRITE, &e);
        goto out;
    }
    if (tdp_ca_issue(&ca, &req, &cert, &e) || td_x509_write_cert(a.out_cert, cert, 0, &e)) {
        unlink(a.out_key);
        tdp__fail(action, e.code == TD_EARG ? TD_MSG_PKI_HOST_BAD : NULL, &e);
        goto out;
    }
    tdp__cert_date(X509_get0_notAfter(cert), d);
    tdp__serial_of(cert, serial);
    printf(TD_MSG_PKI_ISSUE_SERVER_DONE "\n",
           a.name, serial, d, a.out_key, a.out_cert);
    rc = 0;
out:
    X509_free(cert);
    EVP_PKEY_free(key);
    tdp_ca_close(&ca);
    return rc;
}

/* ---- sign ----------------------------------------------------------------- */

static const td_cli_opt tdp__sign_opts[] = {
    {"TỆP_CSR", TD_CLI_WORD, 0, NULL, "yêu cầu cấp chứng thư do tiendo init tạo ở đơn vị"},
    TDP__ROW_DIR,
    TDP__ROW_AGENCY,
    TDP__ROW_ROLE,
    {"out", required_argument, 'o', "TỆP", "nơi ghi chứng thư (PEM)"},
    TDP__ROW_REGISTRY,
    TDP__ROW_DAYS(TDP_DEVICE_DAYS_DEFAULT),
    TDP__ROW_BACKDATE,
    TDP__ROW_END};
static const td_cli_spec tdp__sign_spec = {
    .prog = "tiendo-pki",
    .cmd = "sign",
    .usage = "--dir THƯ_MỤC_CA --agency MÃ --role VAI_TRÒ TỆP_CSR --out TỆP",
    .about = "Ký yêu cầu cấp chứng thư (CSR) do lệnh \"tiendo init\" tạo ở đơn vị. CA quyết định cơ quan (O) và vai trò "
             "(OU); tên thiết bị (CN) lấy từ CSR. CSR phải có chữ ký hợp lệ và khóa Ed25519.",
    .opts = {tdp__sign_opts},
};

/* The CN of a request, as UTF-8 in out; 0 if absent or too long. */
static int tdp__csr_cn(X509_REQ *req, char *out, size_t outsz)
{
    X509_NAME *name = X509_REQ_get_subject_name(req);
    int idx = name ? X509_NAME_get_index_by_NID(name, NID_commonName, -1) : -1;
    unsigned char *utf8 = NULL;
    int len;

    if (idx < 0 || X509_NAME_get_index_by_NID(name, NID_commonName, idx) >= 0) return 0;
    len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx)));
    if (len < 0) return 0;
    if ((size_t)len >= outsz || memchr(utf8, '\0', (size_t)len)) {
        OPENSSL_free(utf8);
        return 0;
    }
    memcpy(out, utf8, (size_t)len);
    out[len] = '\0';
    OPENSSL_free(utf8);
    return 1;
}

int tdp_cmd_sign(int argc, char **argv)
{
    const char *action = TD_MSG_PKI_ACTION_SIGN;
    const char *csr_path;
    tdp__args a;
    char cn[TD_DEVICE_MAX + 2], d[TDP_DATE_MAX], serial[TDP_SERIAL_HEX_MAX + 1], key_id[17] = "?";
    X509_REQ *csr = NULL;
    X509 *cert = NULL;
    td_role role;
    tdp_ca ca;
    td_error e;
    int rc;

    if ((rc = tdp__parse(&tdp__sign_spec, (tdp_validity){TDP_DEVICE_DAYS_DEFAULT, 0}, argc, argv, &a)) >= 0) return rc;
    rc = 1;
    if (argc - a.optind != 1) return tdp__usage_err("sign", TD_MSG_PKI_ONE_CSR);
    csr_path = argv[a.optind];
    if (!a.dir || !a.agency || !a.role || !a.out)
        return tdp__usage_err("sign", TD_MSG_PKI_SIGN_NEEDS);
    if (tdp__check_validity("sign", a.v)) return 2;
    if (tdp__role(action, a.role, &role) || tdp__agency(action, a.agency) ||
        tdp__agency_known(action, a.dir, a.registry, a.agency))
        return 1;
    td_error_clear(&e);
    if (td_x509_read_csr(csr_path, &csr, &e)) {
        char vi[TDP_MSG_MAX];
        snprintf(vi, sizeof vi, "%s", e.code == TD_EIO ? TD_MSG_PKI_CSR_FILE_UNREADABLE : TD_MSG_PKI_CSR_FILE_CORRUPT);
        return tdp__fail(action, vi, &e);
    }
    if (td_x509_csr_check(csr, csr_path, &e)) {
        X509_REQ_free(csr);
        return tdp__fail(action,
                         e.code == TD_ESIG ? TD_MSG_PKI_CSR_SIG_BAD
                                           : TD_MSG_PKI_CSR_KEY_NOT_ED25519,
                         &e);
    }
    if (!tdp__csr_cn(csr, cn, sizeof cn) || !td_device_name_valid(cn)) {
        X509_REQ_free(csr);
        td_error_set(&e, TD_EARG, "CSR subject CN is missing, repeated or not a device name: %s", csr_path);
        return tdp__fail(action, TD_MSG_PKI_CSR_DEVICE_BAD, &e);
    }
    if (tdp__open_ca(&ca, a.dir, action, 1)) {
        X509_REQ_free(csr);
        return 1;
    }
    if (tdp__issue_device(&ca, action, X509_REQ_get0_pubkey(csr), a.agency, cn, role, a.v, &cert) ||
        tdp__write_device(action, cert, a.out, serial, key_id))
        goto out;
    tdp__cert_date(X509_get0_notAfter(cert), d);
    printf(TD_MSG_PKI_SIGN_DONE "\n",
           cn, a.agency, td_role_name(role), td_role_vi(role), serial, key_id, d, a.out, ca.cert_path);
    rc = 0;
out:
    X509_free(cert);
    X509_REQ_free(csr);
    tdp_ca_close(&ca);
    return rc;
}

/* ---- bundle --------------------------------------------------------------- */

static const td_cli_opt tdp__bundle_opts[] = {
    TDP__ROW_DIR,
    TDP__ROW_AGENCY,
    {"device", required_argument, 'e', "TÊN", "tên thiết bị, ví dụ may-01 (chữ không dấu, số và . _ -)"},
    TDP__ROW_ROLE,
    {"server", required_argument, 's', "MÁY:CỔNG", "địa chỉ máy chủ tiendo, ví dụ tiendo.haiduong.gov.vn:7443"},
    {"out", required_argument, 'o', "TỆP", "nơi ghi gói đăng ký (quyền 0600)"},
    TDP__ROW_REGISTRY,
    TDP__ROW_DAYS(TDP_DEVICE_DAYS_DEFAULT),
    TDP__ROW_BACKDATE,
    TDP__ROW_END};
static const td_cli_spec tdp__bundle_spec = {
    .prog = "tiendo-pki",
    .cmd = "bundle",
    .usage = "--dir THƯ_MỤC_CA --agency MÃ --device TÊN --role VAI_TRÒ --server MÁY:CỔNG --out TỆP",
    .about = "Cho đơn vị không gửi CSR được: CA tạo khóa và chứng thư, ghi một tệp gói đăng ký (quyền 0600) gồm chứng thư CA, "
             "khóa bí mật, chứng thư thiết bị và địa chỉ máy chủ. Đơn vị nhập bằng \"tiendo init --dir THƯ_MỤC --bundle "
             "TỆP\". Tệp chứa khóa bí mật: chuyển qua kênh an toàn và xóa sau khi đơn vị đã nhập.",
    .opts = {tdp__bundle_opts},
};

int tdp_cmd_bundle(int argc, char **argv)
{
    const char *action = TD_MSG_PKI_ACTION_BUNDLE;
    tdp__args a;
    char d[TDP_DATE_MAX], serial[TDP_SERIAL_HEX_MAX + 1];
    td_bundle b;
    td_role role;
    tdp_ca ca;
    td_error e;
    int rc;

    if ((rc = tdp__parse(&tdp__bundle_spec, (tdp_validity){TDP_DEVICE_DAYS_DEFAULT, 0}, argc, argv, &a)) >= 0)
        return rc;
    rc = 1;
    if (!a.dir || !a.agency || !a.device || !a.role || !a.server || !a.out)
        return tdp__usage_err("bundle", TD_MSG_PKI_BUNDLE_NEEDS);
    if (tdp__check_validity("bundle", a.v)) return 2;
    if (tdp__role(action, a.role, &role) || tdp__agency(action, a.agency) || tdp__device(action, a.device) ||
        tdp__agency_known(action, a.dir, a.registry, a.agency))
        return 1;
    if (!td_x509_hostport_valid(a.server)) {
        td_error_set(&e, TD_EARG, "server \"%s\" is not host:port", a.server);
        return tdp__fail(action, TD_MSG_PKI_SERVER_ADDR_BAD, &e);
    }
    /* Refuse before issuing, so that no certificate is recorded for a bundle never written. */
    if (access(a.out, F_OK) == 0) {
        td_error_set(&e, TD_EEXISTS, "%s: already exists, not overwritten", a.out);
        return tdp__fail(action, TD_MSG_PKI_BUNDLE_EXISTS, &e);
    }
    if (tdp__open_ca(&ca, a.dir, action, 1)) return 1;
    memset(&b, 0, sizeof b);
    td_error_clear(&e);
    if (td_x509_keygen(&b.key, &e)) {
        tdp__fail(action, NULL, &e);
        goto out;
    }
    if (tdp__issue_device(&ca, action, b.key, a.agency, a.device, role, a.v, &b.cert)) goto out;
    b.ca = X509_dup(ca.cert);
    snprintf(b.server, sizeof b.server, "%s", a.server);
    tdp__serial_of(b.cert, serial);
    if (!b.ca || td_bundle_write(a.out, &b, &e)) {
        char vi[TDP_MSG_MAX];
        if (!b.ca) td_error_set(&e, TD_ENOMEM, "out of memory");
        snprintf(vi, sizeof vi, TD_MSG_PKI_BUNDLE_WRITE, serial);
        tdp__fail(action, vi, &e);
        goto out;
    }
    tdp__cert_date(X509_get0_notAfter(b.cert), d);
    printf(TD_MSG_PKI_BUNDLE_DONE "\n",
           a.device, a.agency, td_role_name(role), td_role_vi(role), serial, d, a.server, a.out);
    rc = 0;
out:
    td_bundle_free(&b);
    tdp_ca_close(&ca);
    return rc;
}

/* ---- revoke --------------------------------------------------------------- */

static const td_cli_opt tdp__revoke_opts[] = {
    TDP__ROW_DIR,
    {"serial", required_argument, 'S', "SỐ_SÊ_RI", "số sê-ri dạng hex, như \"tiendo-pki list\" in ra"},
    {"reason", required_argument, 'W', "LÝ_DO",
     "keyCompromise (lộ khóa), superseded (đã cấp chứng thư mới), affiliationChanged (đổi cơ quan), "
     "cessationOfOperation (ngừng hoạt động), privilegeWithdrawn (rút quyền), cACompromise, unspecified"},
    TDP__ROW_END};
static const td_cli_spec tdp__revoke_spec = {
    .prog = "tiendo-pki",
    .cmd = "revoke",
    .usage = "--dir THƯ_MỤC_CA --serial SỐ_SÊ_RI",
    .about = "Thu hồi một chứng thư. Sau đó chạy \"tiendo-pki crl\" để phát hành CRL mới cho máy chủ.",
    .opts = {tdp__revoke_opts},
};

int tdp_cmd_revoke(int argc, char **argv)
{
    const char *action = TD_MSG_PKI_ACTION_REVOKE;
    char serial[TDP_SERIAL_HEX_MAX + 1];
    int reason = -1, rc;
    tdp__args a;
    tdp_ca ca;
    td_error e;

    if ((rc = tdp__parse(&tdp__revoke_spec, (tdp_validity){0, 0}, argc, argv, &a)) >= 0) return rc;
    if (!a.dir || !a.serial) return tdp__usage_err("revoke", TD_MSG_PKI_REVOKE_NEEDS);
    td_error_clear(&e);
    if (tdp_serial_normalise(a.serial, serial, &e))
        return tdp__fail(action, TD_MSG_PKI_SERIAL_NOT_HEX, &e);
    if (a.reason && (reason = tdp_reason_parse(a.reason)) < -1) {
        td_error_set(&e, TD_EARG, "unknown revocation reason \"%s\"", a.reason);
        return tdp__fail(action, TD_MSG_PKI_REVOKE_REASON_BAD, &e);
    }
    /* An expired CA may still record a revocation: the record outlives the CA. */
    if (tdp__open_ca(&ca, a.dir, action, 0)) return 1;
    rc = tdp_index_revoke(ca.db, serial, td_clock_now_ms() / 1000, reason, &e);
    if (rc) {
        tdp__fail(action,
                  rc == TD_ENOTFOUND ? TD_MSG_PKI_SERIAL_UNKNOWN
                  : rc == TD_EEXISTS ? TD_MSG_PKI_ALREADY_REVOKED
                                     : NULL,
                  &e);
    } else {
        printf(TD_MSG_PKI_REVOKE_DONE "\n",
               serial, reason > 0 ? TD_MSG_PKI_WORD_REASON : "", reason > 0 ? tdp_reason_name(reason) : "", a.dir);
    }
    tdp_ca_close(&ca);
    return rc ? 1 : 0;
}

/* ---- crl ------------------------------------------------------------------ */

static const td_cli_opt tdp__crl_opts[] = {
    TDP__ROW_DIR,
    {"days", required_argument, 'D', "N", "thời hạn của CRL, số ngày (mặc định " TDP__STR(TDP_CRL_DAYS_DEFAULT) ")"},
    {"out", required_argument, 'o', "TỆP", "nơi ghi CRL (PEM; mặc định THƯ_MỤC_CA/crl.pem)"},
    TDP__ROW_BACKDATE,
    TDP__ROW_END};
static const td_cli_spec tdp__crl_spec = {
    .prog = "tiendo-pki",
    .cmd = "crl",
    .usage = "--dir THƯ_MỤC_CA",
    .about = "Phát hành danh sách thu hồi (CRL) do CA ký, gồm mọi chứng thư đã thu hồi và ngày thu hồi, có số thứ tự CRL tăng "
             "dần. Mặc định ghi THƯ_MỤC_CA/crl.pem. Máy chủ từ chối CRL đã quá hạn: phát hành lại trước khi hết hạn.",
    .opts = {tdp__crl_opts},
};

int tdp_cmd_crl(int argc, char **argv)
{
    const char *action = TD_MSG_PKI_ACTION_CRL;
    const char *out_path;
    tdp__args a;
    X509_CRL *crl = NULL;
    ASN1_INTEGER *num;
    tdp_ca ca;
    td_error e;
    char d[TDP_DATE_MAX];
    int rc;
    long number = -1;
    int n_revoked;

    if ((rc = tdp__parse(&tdp__crl_spec, (tdp_validity){TDP_CRL_DAYS_DEFAULT, 0}, argc, argv, &a)) >= 0) return rc;
    rc = 1;
    out_path = a.out;
    if (!a.dir) return tdp__usage_err("crl", TD_MSG_PKI_DIR_MISSING);
    if (tdp__check_validity("crl", a.v)) return 2;
    if (tdp__open_ca(&ca, a.dir, action, 1)) return 1;
    if (!out_path) out_path = ca.crl_path;
    td_error_clear(&e);
    if (tdp_ca_make_crl(&ca, a.v, &crl, &e) || td_x509_write_crl(out_path, crl, &e)) {
        tdp__fail(action, NULL, &e);
        goto out;
    }
    num = X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL, NULL);
    if (num) number = ASN1_INTEGER_get(num);
    ASN1_INTEGER_free(num);
    tdp__cert_date(X509_CRL_get0_nextUpdate(crl), d);
    /* an empty CRL has no list: OpenSSL counts a NULL stack as -1 */
    n_revoked = X509_CRL_get_REVOKED(crl) ? sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)) : 0;
    printf(TD_MSG_PKI_CRL_DONE "\n", number, n_revoked, d, out_path);
    rc = 0;
out:
    X509_CRL_free(crl);
    tdp_ca_close(&ca);
    return rc;
}

/* ---- list ----------------------------------------------------------------- */

static const td_cli_opt tdp__list_opts[] = {
    TDP__ROW_DIR,
    TDP__ROW_END};
static const td_cli_spec tdp__list_spec = {
    .prog = "tiendo-pki",
    .cmd = "list",
    .usage = "--dir THƯ_MỤC_CA",
    .about = "In bảng các chứng thư đã cấp: số sê-ri, cơ quan, thiết bị, vai trò, trạng thái (còn hiệu lực / đã thu hồi / hết "
             "hạn) và ngày hết hạn.",
    .opts = {tdp__list_opts},
};

int tdp_cmd_list(int argc, char **argv)
{
    static const char *const status_vi[] = {
        [TDP_STATUS_VALID] = "còn hiệu lực", [TDP_STATUS_REVOKED] = "đã thu hồi", [TDP_STATUS_EXPIRED] = "hết hạn"};
    const char *action = TD_MSG_PKI_LIST_FAILED;
    tdp_entry *list = NULL;
    size_t n = 0, count[TDP_STATUS_COUNT] = {0};
    int64_t now = td_clock_now_ms() / 1000;
    tdp__args a;
    tdp_ca ca;
    td_error e;
    int rc;

    if ((rc = tdp__parse(&tdp__list_spec, (tdp_validity){0, 0}, argc, argv, &a)) >= 0) return rc;
    if (!a.dir) return tdp__usage_err("list", TD_MSG_PKI_DIR_MISSING);
    if (tdp__open_ca(&ca, a.dir, action, 0)) return 1;
    td_error_clear(&e);
    if (tdp_index_list(ca.db, &list, &n, &e)) {
        tdp_ca_close(&ca);
        return tdp__fail(action, NULL, &e);
    }
    if (n == 0) {
        printf(TD_MSG_PKI_LIST_EMPTY "\n");
    } else {
        tdp__col(TD_MSG_PKI_COL_SERIAL, TDP_COL_SERIAL);
        tdp__col(TD_MSG_PKI_COL_AGENCY, TDP_COL_AGENCY);
        tdp__col(TD_MSG_PKI_COL_DEVICE, TDP_COL_DEVICE);
        tdp__col(TD_MSG_PKI_COL_ROLE, TDP_COL_ROLE);
        tdp__col(TD_MSG_PKI_COL_STATUS, TDP_COL_STATUS);
        printf(TD_MSG_PKI_LIST_EXPIRED "\n");
        for (size_t i = 0; i < n; i++) {
            tdp_status s = tdp_entry_status(&list[i], now);
            char d[TDP_DATE_MAX];
            tdp__date(list[i].not_after, d);
            count[s]++;
            tdp__col(list[i].serial, TDP_COL_SERIAL);
            tdp__col(list[i].agency[0] ? list[i].agency : "-", TDP_COL_AGENCY);
            tdp__col(list[i].device, TDP_COL_DEVICE);
            tdp__col(strcmp(list[i].role, "server") ? list[i].role : TD_MSG_PKI_WORD_SERVER, TDP_COL_ROLE);
            tdp__col(status_vi[s], TDP_COL_STATUS);
            printf("%s\n", d);
        }
        printf(TD_MSG_PKI_LIST_TOTAL "\n", n,
               count[TDP_STATUS_VALID], count[TDP_STATUS_REVOKED], count[TDP_STATUS_EXPIRED]);
    }
    free(list);
    tdp_ca_close(&ca);
    return 0;
}

/* ---- renew (docs/PROTOCOL.md §8) -------------------------------------------- */

static const td_cli_opt tdp__renew_opts[] = {
    TDP__ROW_DIR,
    {"cert", required_argument, 'c', "TỆP", "chứng thư hiện tại của thiết bị (tệp device.crt của đơn vị)"},
    {"csr", required_argument, 'Q', "TỆP", "yêu cầu cấp chứng thư cho khóa mới"},
    {"out", required_argument, 'o', "TỆP", "nơi ghi chứng thư mới (PEM); gửi cho đơn vị: tiendo renew --import TỆP"},
    TDP__ROW_DAYS(TDP_DEVICE_DAYS_DEFAULT),
    {"revoke-old", no_argument, 'R', NULL,
     "thu hồi chứng thư cũ (lý do superseded) từ bây giờ; sau đó chạy tiendo-pki crl và chép CRL cho máy chủ. Bản "
     "ghi đã ký bằng khóa cũ trước lúc thu hồi vẫn hợp lệ."},
    TDP__ROW_BACKDATE,
    TDP__ROW_END};
static const td_cli_spec tdp__renew_spec = {
    .prog = "tiendo-pki",
    .cmd = "renew",
    .usage = "--dir THƯ_MỤC_CA --cert TỆP --out TỆP",
    .about = "Cấp lại chứng thư cho một thiết bị: cùng cơ quan (O), thiết bị (CN) và vai trò (OU) như chứng thư cũ --cert (có "
             "thể đã hết hạn), thời hạn mới. Với --csr: cho khóa mới trong CSR (\"tiendo renew --csr-out\" ở đơn vị); "
             "không có --csr: cho chính khóa cũ. Chứng thư cũ phải do CA này cấp, có trong sổ (index.db) và chưa bị thu "
             "hồi. Sổ được cập nhật.",
    .opts = {tdp__renew_opts},
    .exit_codes = "Mã thoát: 0 đã cấp, 1 từ chối hoặc lỗi, 2 sai cú pháp lệnh.\n",
};

int tdp_cmd_renew(int argc, char **argv)
{
    const char *action = TD_MSG_PKI_ACTION_RENEW;
    tdp__args a;
    char old_serial[TDP_SERIAL_HEX_MAX + 1], serial[TDP_SERIAL_HEX_MAX + 1], d[TDP_DATE_MAX], key_id[17] = "?";
    X509 *old = NULL, *cert = NULL;
    X509_REQ *csr = NULL;
    td_subject sub;
    tdp_ca ca;
    td_error e;
    int rc, ca_open = 0;

    if ((rc = tdp__parse(&tdp__renew_spec, (tdp_validity){TDP_DEVICE_DAYS_DEFAULT, 0}, argc, argv, &a)) >= 0)
        return rc;
    rc = 1;
    if (!a.dir || !a.cert || !a.out) return tdp__usage_err("renew", TD_MSG_PKI_RENEW_NEEDS);
    if (tdp__check_validity("renew", a.v)) return 2;
    td_error_clear(&e);
    if (td_x509_read_cert(a.cert, &old, &e)) return tdp__fail(action, TD_MSG_PKI_OLD_CERT_UNREADABLE, &e);
    if (td_subject_from_cert(old, &sub, &e)) {
        tdp__fail(action, TD_MSG_PKI_OLD_CERT_NOT_DEVICE, &e);
        goto out;
    }
    if (a.csr) {
        if (td_x509_read_csr(a.csr, &csr, &e)) {
            tdp__fail(action, TD_MSG_PKI_CSR_UNREADABLE, &e);
            goto out;
        }
        if (td_x509_csr_check(csr, a.csr, &e)) {
            tdp__fail(action, TD_MSG_PKI_CSR_BAD, &e);
            goto out;
        }
    }
    if (tdp__open_ca(&ca, a.dir, action, 1)) goto out;
    ca_open = 1;
    switch (tdp_ca_renewable(&ca, old, old_serial, &e)) {
    case 0: break;
    case TD_ECERT:
        tdp__fail(action, TD_MSG_PKI_OLD_CERT_OTHER_CA, &e);
        goto out;
    case TD_EREVOKED:
        tdp__fail(action, TD_MSG_PKI_OLD_CERT_REVOKED, &e);
        goto out;
    case TD_ENOTFOUND:
        tdp__fail(action, TD_MSG_PKI_OLD_CERT_NOT_IN_INDEX, &e);
        goto out;
    default:
        tdp__fail(action, TD_MSG_PKI_INDEX_UNREADABLE, &e);
        goto out;
    }
    if (tdp__issue_device(&ca, action, csr ? X509_REQ_get0_pubkey(csr) : X509_get0_pubkey(old), sub.agency,
                          sub.device, sub.role, a.v, &cert) ||
        tdp__write_device(action, cert, a.out, serial, key_id))
        goto out;
    if (a.revoke_old && tdp_ca_supersede(&ca, old_serial, &e)) {
        tdp__fail(TD_MSG_PKI_OLD_REVOKE_FAILED, NULL, &e);
        goto out;
    }
    tdp__cert_date(X509_get0_notAfter(cert), d);
    printf(TD_MSG_PKI_RENEW_DONE "\n",
           sub.device, sub.agency, td_role_name(sub.role), td_role_vi(sub.role), old_serial,
           a.revoke_old ? TD_MSG_PKI_RENEW_OLD_REVOKED : "", serial, key_id,
           csr ? TD_MSG_PKI_WORD_NEW_KEY : TD_MSG_PKI_WORD_KEY_KEPT, d, a.out, a.out);
    rc = 0;
out:
    X509_free(cert);
    X509_free(old);
    X509_REQ_free(csr);
    if (ca_open) tdp_ca_close(&ca);
    return rc;
}
