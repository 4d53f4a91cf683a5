/*
 * cmd_init.c — `tiendo init`: enrol this device with the provincial CA
 * (docs/ARCHITECTURE.md §5).  Three forms, all into one device directory (mode 0700):
 *
 *   1. --agency SLUG --device NAME
 *        make device.key (Ed25519, 0600, never overwritten) and device.csr
 *        for the CA officer to sign (`tiendo-pki sign`);
 *   2. --cert CERTFILE --ca CAFILE --server HOST:PORT
 *        install the signed certificate: it must carry device.key's public
 *        key and chain to CAFILE; writes device.crt, ca.crt and config;
 *   3. --bundle FILE [--server HOST:PORT]
 *        import a one-file bundle from `tiendo-pki bundle` (key made by the
 *        CA) into the same layout.
 *
 * Device directory (--dir, else $TIENDO_HOME, else ~/.tiendo; device.h):
 *   device.key  Ed25519 private key, PEM PKCS#8, mode 0600
 *   device.csr  the request (form 1 only), 0644
 *   device.crt  this device's certificate, 0644
 *   ca.crt      the provincial CA certificate, 0644
 *   config      `key = value` (conf.h): server, agency, device, role
 *
 * config is written last: its presence means "enrolled".  Exit codes: 0
 * done, 1 refused or failed, 2 bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "cmds.h"
#include "conf.h"
#include "device.h"
#include "identity.h"
#include "x509util.h"
#include "oserr.h"
#include "msg.h"

/* The request is ours alone; the other names come from device.h. */
#define TDC_FILE_CSR "device.csr"
/* "dd/mm/yyyy" and NUL, with room to spare. */
#define TDC_DATE_MAX 16

/* The device directory's paths (device.h) plus the request's. */
typedef struct tdc_paths {
    tdc_device dev;
    char csr[sizeof ((tdc_device *)0)->key_path];
} tdc_paths;

static int tdc__fail(const char *action, const char *vi, const td_error *e)
{
    /* the reason in Vietnamese: vi, then e's own text when it is Vietnamese */
    const char *why = td_error_vi(e);
    if (!vi) fprintf(stderr, "tiendo: %s: %s\n", action, why);
    else if (why != td_err_vi(e->code)) fprintf(stderr, "tiendo: %s: %s (%s)\n", action, vi, why);
    else fprintf(stderr, "tiendo: %s: %s\n", action, vi);
    return 1;
}

static int tdc__usage_err(const char *msg, const char *arg) { return tdc_usage_err("init", msg, arg); }

static const td_cli_opt tdc__init_opts[] = {
    {"agency", required_argument, 'a', "MÃ", "bước 1: mã cơ quan, ví dụ so-khcn, ubnd-chi-linh (chữ thường không dấu, số, '-')"},
    {"device", required_argument, 'n', "TÊN", "bước 1: tên thiết bị, ví dụ may-01 (chữ không dấu, số và . _ -)"},
    {"cert", required_argument, 'c', "TỆP", "bước 2: chứng thư của thiết bị, do Sở KH&CN ký"},
    {"ca", required_argument, 'C', "TỆP", "bước 2: chứng thư CA của tỉnh"},
    {"server", required_argument, 's', "MÁY:CỔNG", "bước 2 (hoặc với --bundle): địa chỉ máy chủ"},
    {"bundle", required_argument, 'b', "TỆP", "gói đăng ký một tệp do Sở KH&CN tạo"},
    {"accept-expired", no_argument, 'X', NULL, "(kiểm thử) cài cả chứng thư đã hết hạn"},
    TDC_OPT_DIR('d'),
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_spec tdc__init_spec = {
    .prog = "tiendo",
    .cmd = "init",
    .usage = "tiendo init [--dir THƯ_MỤC] --agency MÃ --device TÊN\n"
             "tiendo init [--dir THƯ_MỤC] --cert TỆP --ca TỆP --server MÁY:CỔNG\n"
             "tiendo init [--dir THƯ_MỤC] --bundle TỆP [--server MÁY:CỔNG]",
    .about = "Bước 1 (--agency, --device): tạo khóa bí mật của thiết bị (device.key, quyền 0600) và yêu cầu cấp chứng "
             "thư (device.csr). Gửi device.csr cho Sở KH&CN để ký. Không ghi đè khóa có sẵn.\n"
             "Bước 2 (--cert, --ca, --server): cài chứng thư Sở KH&CN đã ký. Chứng thư phải khớp với khóa của thiết "
             "bị và do CA trong tệp --ca cấp.\n"
             "Gói đăng ký (--bundle): nhập gói một tệp do Sở KH&CN tạo (khi không làm được hai bước trên). Sau khi "
             "nhập, hãy xóa tệp gói: nó chứa khóa bí mật.",
    .opts = {tdc__init_opts},
    .footer = "Thư mục thiết bị (quyền 0700): device.key, device.csr, device.crt, ca.crt, config.\n",
    .exit_codes = "Mã thoát: 0 thành công, 1 bị từ chối hoặc lỗi, 2 sai cú pháp.\n",
};
static void tdc__help(FILE *f) { td_cli_help(&tdc__init_spec, f); }

/* dir NULL: $TIENDO_HOME, else ~/.tiendo (tdc_device_paths). */
static int tdc__paths(const char *dir, tdc_paths *p, td_error *err)
{
    tdc_device_paths(&p->dev, dir);
    if (strlen(p->dev.dir) + 1 >= sizeof p->dev.dir ||
        (size_t)snprintf(p->csr, sizeof p->csr, "%s/%s", p->dev.dir, TDC_FILE_CSR) >= sizeof p->csr)
        return td_error_set(err, TD_ETOOBIG, "%s: directory path too long", p->dev.dir);
    return TD_OK;
}

/* Create dir 0700, or tighten an existing one to 0700: it holds the key. */
static int tdc__mkdir(const char *dir, td_error *err)
{
    struct stat st;
    if (mkdir(dir, 0700) == 0) return TD_OK;
    if (errno != EEXIST) return td_error_set(err, TD_EIO, TD_MSG_DIR_CREATE, dir, td_errno_vi_log(errno, dir));
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return td_error_set(err, TD_EIO, TD_MSG_DIR_CREATE, dir, td_errno_vi(ENOTDIR));
    if ((st.st_mode & 077) && chmod(dir, 0700) != 0)
        return td_error_set(err, TD_EIO, TD_MSG_FILE_MODE, "0700", dir, td_errno_vi_log(errno, dir));
    return TD_OK;
}

static void tdc__date(const ASN1_TIME *t, char out[TDC_DATE_MAX])
{
    int64_t u;
    if (td_x509_time_unix(t, &u, NULL)) {
        snprintf(out, TDC_DATE_MAX, "?");
        return;
    }
    td_clock_fmt_date(u * 1000, out, TDC_DATE_MAX);
}

/* "a1b2c3d4e5f60718": the first bytes of the public key, to compare by phone with the CA officer. */
static void tdc__key_id(EVP_PKEY *key, char out[17])
{
    unsigned char pk[32];
    size_t len = sizeof pk;
    if (EVP_PKEY_get_raw_public_key(key, pk, &len) == 1 && len == sizeof pk)
        td_key_short_hex(pk, out);
    else
        snprintf(out, 17, "?");
}

/*
 * The checks shared by forms 2 and 3: cert carries key, chains to ca for
 * client authentication (dates checked unless check_time is 0), and has a
 * tiendo subject.  Prints and returns 1 on failure.
 */
static int tdc__check_cert(const char *action, X509 *cert, EVP_PKEY *key, X509 *ca, int check_time,
                           td_subject *sub)
{
    td_error e;
    td_error_clear(&e);
    if (td_x509_cert_matches_key(cert, key, &e))
        return tdc__fail(action, TD_MSG_INIT_CERT_KEY_MISMATCH, &e);
    if (td_x509_verify(cert, ca, X509_PURPOSE_SSL_CLIENT, check_time, &e))
        return tdc__fail(action,
                         e.code == TD_EEXPIRED ? TD_MSG_INIT_CERT_EXPIRED
                                               : TD_MSG_INIT_CERT_NOT_FROM_CA,
                         &e);
    if (td_subject_from_cert(cert, sub, &e))
        return tdc__fail(action, TD_MSG_INIT_CERT_SUBJECT_BAD, &e);
    return 0;
}

/* Write device.crt, ca.crt and, last, config. */
static int tdc__install(const char *action, const tdc_paths *p, X509 *cert, X509 *ca, const char *server,
                        const td_subject *sub)
{
    const char *keys[] = {"server", "agency", "device", "role"};
    const char *values[] = {server, sub->agency, sub->device, td_role_name(sub->role)};
    td_error e;
    td_error_clear(&e);
    if (td_x509_write_cert(p->dev.cert_path, cert, 0, &e) || td_x509_write_cert(p->dev.ca_path, ca, 0, &e) ||
        td_conf_write(p->dev.config_path, keys, values, sizeof keys / sizeof keys[0], 0644, &e))
        return tdc__fail(action, TD_MSG_INIT_DIR_WRITE, &e);
    return 0;
}

static void tdc__done(const char *dir, const td_subject *sub, X509 *cert, const char *server)
{
    char d[TDC_DATE_MAX];
    tdc__date(X509_get0_notAfter(cert), d);
    printf(TD_MSG_INIT_ENROLLED "\n",
           dir, sub->agency, sub->device, td_role_vi(sub->role), d, server);
}

/* Form 1: key and CSR. */
static int tdc__make_csr(const char *dir, const char *agency, const char *device)
{
    const char *action = TD_MSG_INIT_ACTION_KEYGEN;
    EVP_PKEY *key = NULL;
    X509_REQ *req = NULL;
    tdc_paths p;
    td_error e;
    char id[17];
    int rc = 1;

    td_error_clear(&e);
    if (!td_slug_valid(agency)) {
        td_error_set(&e, TD_EARG, "agency \"%s\" is not a slug", agency);
        return tdc__fail(action, TD_MSG_INIT_AGENCY_BAD, &e);
    }
    if (!td_device_name_valid(device)) {
        td_error_set(&e, TD_EARG, "device name \"%s\" is not valid", device);
        return tdc__fail(action, TD_MSG_INIT_DEVICE_BAD, &e);
    }
    if (tdc__paths(dir, &p, &e) || tdc__mkdir(p.dev.dir, &e)) return tdc__fail(action, NULL, &e);
    if (access(p.dev.key_path, F_OK) == 0) {
        td_error_set(&e, TD_EEXISTS, "%s: already exists, not overwritten", p.dev.key_path);
        return tdc__fail(action, TD_MSG_INIT_KEY_EXISTS, &e);
    }
    if (td_x509_keygen(&key, &e) ||
        td_x509_make_csr(key, agency, device, TD_ROLE_OFFICE, &req, &e)) {
        tdc__fail(action, NULL, &e);
        goto out;
    }
    if (td_x509_write_key(p.dev.key_path, key, &e)) {
        tdc__fail(action, e.code == TD_EEXISTS ? TD_MSG_INIT_KEY_EXISTS : NULL, &e);
        goto out;
    }
    if (td_x509_write_csr(p.csr, req, 0, &e)) {
        tdc__fail(TD_MSG_INIT_CSR_WRITE, NULL, &e);
        goto out;
    }
    tdc__key_id(key, id);
    printf(TD_MSG_INIT_KEY_CREATED "\n",
           p.dev.key_path, p.csr, agency, device, id, p.csr, p.dev.dir);
    rc = 0;
out:
    X509_REQ_free(req);
    EVP_PKEY_free(key);
    return rc;
}

/* Form 2: install a signed certificate for the existing key. */
static int tdc__install_cert(const char *dir, const char *cert_path, const char *ca_path, const char *server,
                             int check_time)
{
    const char *action = TD_MSG_INIT_ACTION_INSTALL;
    EVP_PKEY *key = NULL;
    X509 *cert = NULL, *ca = NULL;
    td_subject sub;
    tdc_paths p;
    td_error e;
    int rc = 1;

    td_error_clear(&e);
    if (!td_x509_hostport_valid(server)) {
        td_error_set(&e, TD_EARG, "server \"%s\" is not host:port | " TD_MSG_INIT_SERVER_ADDR_BAD, server, server);
        return tdc__fail(action, NULL, &e);
    }
    if (tdc__paths(dir, &p, &e)) return tdc__fail(action, NULL, &e);
    if (td_x509_read_key(p.dev.key_path, &key, &e)) {
        tdc__fail(action,
                  e.code == TD_EIO ? TD_MSG_INIT_NO_KEY
                                   : TD_MSG_INIT_KEY_UNUSABLE,
                  &e);
        goto out;
    }
    if (td_x509_read_cert(cert_path, &cert, &e)) {
        tdc__fail(action, e.code == TD_EIO ? TD_MSG_INIT_CERT_UNREADABLE : TD_MSG_INIT_CERT_CORRUPT, &e);
        goto out;
    }
    if (td_x509_read_cert(ca_path, &ca, &e)) {
        tdc__fail(action, e.code == TD_EIO ? TD_MSG_INIT_CA_UNREADABLE : TD_MSG_INIT_CA_CORRUPT, &e);
        goto out;
    }
    if (tdc__check_cert(action, cert, key, ca, check_time, &sub) ||
        tdc__install(action, &p, cert, ca, server, &sub))
        goto out;
    tdc__done(p.dev.dir, &sub, cert, server);
    rc = 0;
out:
    X509_free(ca);
    X509_free(cert);
    EVP_PKEY_free(key);
    return rc;
}

/* Form 3: import a bundle. */
static int tdc__import_bundle(const char *dir, const char *bundle_path, const char *server, int check_time)
{
    const char *action = TD_MSG_INIT_ACTION_BUNDLE;
    td_bundle b;
    td_subject sub;
    tdc_paths p;
    td_error e;
    int rc = 1;

    td_error_clear(&e);
    if (server && !td_x509_hostport_valid(server)) {
        td_error_set(&e, TD_EARG, "server \"%s\" is not host:port | " TD_MSG_INIT_SERVER_ADDR_BAD, server, server);
        return tdc__fail(action, NULL, &e);
    }
    if (tdc__paths(dir, &p, &e)) return tdc__fail(action, NULL, &e);
    if (td_bundle_read(bundle_path, &b, &e))
        return tdc__fail(action, e.code == TD_EIO ? TD_MSG_INIT_BUNDLE_UNREADABLE : TD_MSG_INIT_BUNDLE_BAD, &e);
    if (!server) server = b.server;
    if (tdc__check_cert(action, b.cert, b.key, b.ca, check_time, &sub)) goto out;
    if (tdc__mkdir(p.dev.dir, &e)) {
        tdc__fail(action, NULL, &e);
        goto out;
    }
    if (td_x509_write_key(p.dev.key_path, b.key, &e)) {
        tdc__fail(action, e.code == TD_EEXISTS ? TD_MSG_INIT_KEY_EXISTS : NULL, &e);
        goto out;
    }
    if (tdc__install(action, &p, b.cert, b.ca, server, &sub)) {
        unlink(p.dev.key_path);   /* so that a second attempt is not refused for the key */
        goto out;
    }
    tdc__done(p.dev.dir, &sub, b.cert, server);
    printf(TD_MSG_INIT_DELETE_BUNDLE "\n", bundle_path, p.dev.key_path);
    rc = 0;
out:
    td_bundle_free(&b);
    return rc;
}

int tdc_cmd_init(int argc, char **argv)
{
    struct option opts[TD_CLI_OPTS_MAX];
    const char *dir = NULL, *agency = NULL, *device = NULL, *cert = NULL, *ca = NULL, *server = NULL,
               *bundle = NULL;
    int c, check_time = 1;

    optind = 0;
    opterr = 0;
    if (td_cli_longopts(&tdc__init_spec, opts, TD_CLI_OPTS_MAX)) return 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': dir = optarg; break;
        case 'a': agency = optarg; break;
        case 'n': device = optarg; break;
        case 'c': cert = optarg; break;
        case 'C': ca = optarg; break;
        case 's': server = optarg; break;
        case 'b': bundle = optarg; break;
        case 'X': check_time = 0; break;
        case 'h': tdc__help(stdout); return 0;
        default: return td_cli_opt_err("tiendo", "init", c, argv);
        }
    }
    if (optind < argc) return td_cli_extra("tiendo", "init", argv[optind]);
    if (bundle) {
        if (agency || device || cert || ca)
            return tdc__usage_err(TD_MSG_INIT_BUNDLE_ALONE, NULL);
        return tdc__import_bundle(dir, bundle, server, check_time);
    }
    if (cert || ca) {
        if (!cert || !ca || !server) return tdc__usage_err(TD_MSG_INIT_CERT_NEEDS_ALL, NULL);
        if (agency || device) return tdc__usage_err(TD_MSG_INIT_CERT_NOT_WITH_KEYGEN, NULL);
        return tdc__install_cert(dir, cert, ca, server, check_time);
    }
    if (agency || device) {
        if (!agency || !device) return tdc__usage_err(TD_MSG_INIT_KEYGEN_NEEDS_BOTH, NULL);
        if (server) return tdc__usage_err(TD_MSG_INIT_SERVER_WHERE, NULL);
        return tdc__make_csr(dir, agency, device);
    }
    return tdc__usage_err(TD_MSG_INIT_FORM_MISSING, NULL);
}
