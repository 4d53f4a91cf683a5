/*
 * cmd_renew.c — `tiendo renew`: a new certificate for this device (docs/PROTOCOL.md §8).
 *
 * The device makes a NEW key (DEVDIR/renew.key, 0600, kept until a
 * certificate for it is installed, so that a renewal interrupted at any
 * point is simply run again with the same key) and a request for it, then:
 *   - online (default): sends the request over the mutual-TLS session of
 *     the current, still valid certificate (RenewRequest); a server
 *     configured to renew signs it with the same agency, device and role and
 *     records the new certificate in the log (ENTRY_CERT);
 *   - --csr-out FILE: writes the request for the CA officer (tiendo-pki
 *     renew); the answer is installed with --import CERT.  This is the only
 *     way for a device whose certificate has already expired.
 * Installing checks that the certificate chains to the device's CA, carries
 * the same agency, device and role as the current one, and the key of
 * renew.key (or, for a re-issue of the same key, the current key).  The old
 * key and certificate are kept as device.key.old-STAMP / device.crt.old-STAMP
 * (STAMP-NN when STAMP is taken: never overwritten).
 *
 * The outbox is untouched: its entries were signed with the old key while
 * its certificate was valid, they stay valid, and the server accepts them
 * over the new certificate's session (an earlier key of the same device);
 * the new key continues the device's numbering (seq), which the server
 * accepts for a renewed device.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "clock.h"
#include "certwarn.h"
#include "cli.h"
#include "cmds.h"
#include "device.h"
#include "frame.h"
#include "link.h"
#include "log.h"
#include "msg.h"
#include "x509util.h"
#include "oserr.h"

#define TDC_RENEW_KEY "renew.key"

static const td_cli_opt tdc__renew_opts[] = {
    {"csr-out", required_argument, 'c', "TỆP",
     "ghi yêu cầu cấp chứng thư (CSR) vào TỆP để gửi cán bộ quản lý CA (cán bộ chạy: tiendo-pki renew --cert "
     "device.crt --csr TỆP ...); dùng cách này khi chứng thư đã hết hạn"},
    {"import", required_argument, 'i', "TỆP", "cài chứng thư cán bộ CA trả về"},
    {"server", required_argument, 's', "MÁY:CỔNG", "máy chủ khác với tệp cấu hình"},
    TDC_OPT_DIR('d'),
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_spec tdc__renew_spec = {
    .prog = "tiendo",
    .cmd = "renew",
    .usage = "tiendo renew [--dir THƯ_MỤC] [--server MÁY:CỔNG]\n"
             "tiendo renew [--dir THƯ_MỤC] --csr-out TỆP\n"
             "tiendo renew [--dir THƯ_MỤC] --import TỆP",
    .about = "Cấp lại chứng thư số cho thiết bị với một khóa mới (tạo ngay trên thiết bị).\n"
             "Không có --csr-out, --import: gửi yêu cầu qua kết nối bảo mật tới máy chủ; nếu máy chủ được phép cấp "
             "lại trực tuyến, chứng thư mới được cài ngay và ghi vào nhật ký.",
    .opts = {tdc__renew_opts},
    .footer = "Hộp thư đi được giữ nguyên: các bản ghi đã ký bằng khóa cũ khi chứng thư còn hạn vẫn hợp lệ và được "
              "gửi ở lần đồng bộ sau. Khóa và chứng thư cũ được giữ lại với đuôi .old-NGÀYGIỜ.\n"
              "Cảnh báo hết hạn: khóa renew-warn-days trong tệp config của thiết bị (mặc định 30 ngày).\n",
    .exit_codes = "Mã thoát: 0 thành công, 1 lỗi hoặc bị từ chối, 2 sai cú pháp lệnh.\n",
};
static void tdc__renew_usage(FILE *f) { td_cli_help(&tdc__renew_spec, f); }

static void tdc__date(const ASN1_TIME *t, char out[16])
{
    int64_t s;
    if (td_x509_time_unix(t, &s, NULL)) {
        snprintf(out, 16, "?");
        return;
    }
    td_clock_fmt_date(s * 1000, out, 16);
}

/* The pending key: DEVDIR/renew.key, made now if it does not exist. */
static int tdc__pending_key(const tdc_device *dev, EVP_PKEY **key, int *made, td_error *err)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/%s", dev->dir, TDC_RENEW_KEY);
    *made = 0;
    if (access(path, F_OK) == 0) return td_x509_read_key(path, key, err);
    if (td_x509_keygen(key, err)) return err->code;
    if (td_x509_write_key(path, *key, err)) {
        EVP_PKEY_free(*key);
        *key = NULL;
        return err->code;
    }
    *made = 1;
    return 0;
}

/*
 * Check cert against the device (CA, same subject, key = renew.key or the
 * current key) and install it, keeping the old files.  Prints; 0 or 1.
 */
static int tdc__install(const tdc_device *dev, X509 *cert)
{
    td_identity cur;
    EVP_PKEY *newkey = NULL;
    X509 *ca = NULL;
    td_subject sub;
    td_error e;
    char renew_path[PATH_MAX + 32], stamp[32], old_key[PATH_MAX + 64], old_crt[PATH_MAX + 64], d[16];
    int same_key = 0, rc = 1;
    int64_t now = td_clock_now_ms();

    td_error_clear(&e);
    memset(&cur, 0, sizeof cur);
    snprintf(renew_path, sizeof renew_path, "%s/%s", dev->dir, TDC_RENEW_KEY);
    if (td_identity_load(&cur, dev->key_path, dev->cert_path, &e)) {
        fprintf(stderr, "tiendo renew: " TD_MSG_RENEW_IDENTITY_UNREADABLE "\n", td_error_vi(&e));
        return 1;
    }
    if (td_x509_read_cert(dev->ca_path, &ca, &e)) {
        fprintf(stderr, "tiendo renew: " TD_MSG_AUDIT_CA_UNREADABLE "\n", dev->ca_path, td_error_vi(&e));
        goto out;
    }
    if (td_x509_verify(cert, ca, X509_PURPOSE_SSL_CLIENT, 1, &e)) {
        fprintf(stderr, "tiendo renew: " TD_MSG_RENEW_NEW_CERT_BAD "\n",
                e.code == TD_EEXPIRED ? TD_MSG_RENEW_WORD_NOT_VALID_NOW : TD_MSG_RENEW_WORD_NOT_FROM_CA, td_error_vi(&e));
        goto out;
    }
    if (td_subject_from_cert(cert, &sub, &e) || strcmp(sub.agency, cur.subject.agency) ||
        strcmp(sub.device, cur.subject.device) || sub.role != cur.subject.role) {
        fprintf(stderr, "tiendo renew: " TD_MSG_RENEW_SUBJECT_DIFFERS "\n", cur.subject.agency, cur.subject.device, td_role_name(cur.subject.role));
        goto out;
    }
    if (td_x509_cert_matches_key(cert, cur.key, NULL) == 0) {
        same_key = 1;
    } else if (access(renew_path, F_OK) != 0 || td_x509_read_key(renew_path, &newkey, &e) ||
               td_x509_cert_matches_key(cert, newkey, &e)) {
        fprintf(stderr, "tiendo renew: " TD_MSG_RENEW_KEY_MISMATCH "\n", renew_path);
        goto out;
    }
    {
        int64_t s = (now + TD_CLOCK_VN_OFFSET_MS) / 1000 % 86400;
        snprintf(stamp, sizeof stamp, "%08d-%02d%02d%02d", td_clock_date_of(now), (int)(s / 3600),
                 (int)(s / 60 % 60), (int)(s % 60));
    }
    /* Never overwrite a kept certificate or key: a second renewal in the
     * same second (a CA officer answering at once) would lose the earlier
     * certificate, and with it the entries its key signed that are still in
     * the outbox (Push.earlier_certs).  STAMP-NN sorts after STAMP and before
     * the next second's STAMP, so the names stay in renewal order. */
    for (int k = 0;; k++) {
        char sfx[16] = "";
        if (k) snprintf(sfx, sizeof sfx, "-%02d", k);
        if ((size_t)snprintf(old_key, sizeof old_key, "%s.old-%s%s", dev->key_path, stamp, sfx) >= sizeof old_key ||
            (size_t)snprintf(old_crt, sizeof old_crt, "%s.old-%s%s", dev->cert_path, stamp, sfx) >= sizeof old_crt) {
            fprintf(stderr, "tiendo renew: " TD_MSG_RENEW_DIR_TOO_LONG "\n", dev->dir);
            goto out;
        }
        if (access(old_key, F_OK) != 0 && access(old_crt, F_OK) != 0) break;
        if (k == 99) {
            fprintf(stderr, "tiendo renew: " TD_MSG_RENEW_TOO_MANY_OLD "\n", stamp,
                    dev->dir);
            goto out;
        }
    }
    /* keep the old certificate (and key), then put the new ones in place;
     * a crash in between leaves renew.key and the old files: run again */
    if (rename(dev->cert_path, old_crt) != 0) {
        fprintf(stderr, "tiendo renew: " TD_MSG_RENEW_KEEP_FAILED "\n", dev->cert_path, td_errno_vi_log(errno, dev->cert_path));
        goto out;
    }
    if (!same_key && (rename(dev->key_path, old_key) != 0 || rename(renew_path, dev->key_path) != 0)) {
        fprintf(stderr, "tiendo renew: " TD_MSG_RENEW_KEY_SWAP_FAILED "\n", td_errno_vi_log(errno, dev->key_path), old_key);
        goto out;
    }
    if (td_x509_write_cert(dev->cert_path, cert, 0, &e)) {
        fprintf(stderr, "tiendo renew: " TD_MSG_FILE_WRITE "\n", dev->cert_path, td_error_vi(&e));
        goto out;
    }
    tdc__date(X509_get0_notAfter(cert), d);
    printf(TD_MSG_RENEW_INSTALLED "\n", sub.device, sub.agency, d);
    if (same_key)
        printf(TD_MSG_RENEW_KEY_KEPT "\n", old_crt);
    else
        printf(TD_MSG_RENEW_KEY_REPLACED "\n", old_key, old_crt);
    printf(TD_MSG_RENEW_OUTBOX_KEPT "\n", dev->dir);
    rc = 0;
out:
    EVP_PKEY_free(newkey);
    X509_free(ca);
    td_identity_free(&cur);
    return rc;
}

static int tdc__csr_out(const tdc_device *dev, const char *out)
{
    td_identity cur;
    EVP_PKEY *key = NULL;
    X509_REQ *req = NULL;
    td_error e;
    int made = 0, rc = 1;
    unsigned char pk[32];
    size_t pl = sizeof pk;
    char id[17];

    td_error_clear(&e);
    if (td_identity_load(&cur, dev->key_path, dev->cert_path, &e)) {
        fprintf(stderr, "tiendo renew: " TD_MSG_RENEW_IDENTITY_UNREADABLE "\n", td_error_vi(&e));
        return 1;
    }
    if (tdc__pending_key(dev, &key, &made, &e) ||
        td_x509_make_csr(key, cur.subject.agency, cur.subject.device, cur.subject.role, &req, &e) ||
        td_x509_write_csr(out, req, 0, &e)) {
        fprintf(stderr, "tiendo renew: " TD_MSG_RENEW_REQUEST_FAILED "\n", td_error_vi(&e));
        goto out;
    }
    EVP_PKEY_get_raw_public_key(key, pk, &pl);
    td_key_short_hex(pk, id);
    printf(TD_MSG_RENEW_CSR_WRITTEN "\n", made ? TD_MSG_RENEW_WORD_CREATED : TD_MSG_RENEW_WORD_REUSED,
           dev->dir, TDC_RENEW_KEY, id, out);
    printf(TD_MSG_RENEW_SEND_TO_CA "\n",
           out, dev->cert_path, out, dev->dir);
    rc = 0;
out:
    X509_REQ_free(req);
    EVP_PKEY_free(key);
    td_identity_free(&cur);
    return rc;
}

static int tdc__online(const tdc_device *dev, const char *server)
{
    td_identity cur;
    EVP_PKEY *key = NULL;
    X509_REQ *req = NULL;
    X509 *cert = NULL;
    tdc_link *l = NULL;
    tdc_link_opts lo;
    Tiendo__Frame f = TIENDO__FRAME__INIT, *reply = NULL;
    Tiendo__RenewRequest rq = TIENDO__RENEW_REQUEST__INIT;
    unsigned char *der = NULL;
    td_error e;
    int made = 0, rc = 1, n;

    td_error_clear(&e);
    if (td_identity_load(&cur, dev->key_path, dev->cert_path, &e)) {
        fprintf(stderr, "tiendo renew: " TD_MSG_RENEW_IDENTITY_UNREADABLE "\n", td_error_vi(&e));
        return 1;
    }
    if (tdc_cert_check(dev, cur.cert, (long long)(td_clock_now_ms() / 1000), 0, stderr, "renew")) {
        fprintf(stderr, "tiendo renew: " TD_MSG_RENEW_EXPIRED_OFFLINE "\n");
        goto out;
    }
    if (tdc__pending_key(dev, &key, &made, &e) ||
        td_x509_make_csr(key, cur.subject.agency, cur.subject.device, cur.subject.role, &req, &e)) {
        fprintf(stderr, "tiendo renew: " TD_MSG_RENEW_KEYGEN_FAILED "\n", td_error_vi(&e));
        goto out;
    }
    if ((n = i2d_X509_REQ(req, &der)) <= 0) {
        fprintf(stderr, "tiendo renew: " TD_MSG_RENEW_ENCODE_FAILED "\n");
        goto out;
    }
    memset(&lo, 0, sizeof lo);
    lo.dev = dev;
    lo.server = server;
    lo.cursor = 1;
    if (!(l = tdc_link_open(&lo, &e))) {
        tdc_link_fail("tiendo renew", server ? server : dev->server, &e);
        fprintf(stderr, TD_MSG_RENEW_OFFLINE_HINT "\n", dev->dir);
        goto out;
    }
    rq.csr.data = der;
    rq.csr.len = (size_t)n;
    f.body_case = TIENDO__FRAME__BODY_RENEW_REQUEST;
    f.renew_request = &rq;
    if (tdc_link_send(l, &f, &e) || tdc_link_recv(l, &reply, TDC_CALL_TIMEOUT_MS, &e)) {
        fprintf(stderr, "tiendo renew: " TD_MSG_RENEW_SERVER_NO_REPLY "\n", tdc_link_vi(&e));
        goto out;
    }
    if (reply->body_case != TIENDO__FRAME__BODY_RENEW_RESPONSE) {
        fprintf(stderr, "tiendo renew: " TD_MSG_RENEW_SERVER_BAD_FRAME "\n",
                (int)reply->body_case);
        goto out;
    }
    if (!reply->renew_response->issued) {
        td_log_warn("renew refused: %s", reply->renew_response->reason ? reply->renew_response->reason : "");
        fprintf(stderr, "tiendo renew: " TD_MSG_RENEW_SERVER_REFUSED "\n",
                reply->renew_response->reason_vi && *reply->renew_response->reason_vi
                    ? reply->renew_response->reason_vi : TD_MSG_RENEW_WORD_NO_REASON,
                dev->dir);
        goto out;
    }
    {
        const unsigned char *p = reply->renew_response->cert.data;
        cert = d2i_X509(NULL, &p, (long)reply->renew_response->cert.len);
    }
    if (!cert) {
        fprintf(stderr, "tiendo renew: " TD_MSG_RENEW_SERVER_CERT_CORRUPT "\n");
        goto out;
    }
    tdc_link_close(l);
    l = NULL;
    if (tdc__install(dev, cert) == 0) {
        printf(TD_MSG_RENEW_SERVER_LOGGED "\n",
               (unsigned long long)reply->renew_response->cert_index);
        rc = 0;
    }
out:
    if (reply) td_frame_free(reply);
    if (l) tdc_link_close(l);
    OPENSSL_free(der);
    X509_free(cert);
    X509_REQ_free(req);
    EVP_PKEY_free(key);
    td_identity_free(&cur);
    return rc;
}

int tdc_cmd_renew(int argc, char **argv)
{
    struct option opts[TD_CLI_OPTS_MAX];
    const char *dir = NULL, *server = NULL, *csr_out = NULL, *import = NULL;
    tdc_device dev;
    td_error e;
    int opt;

    optind = 1;
    if (td_cli_longopts(&tdc__renew_spec, opts, TD_CLI_OPTS_MAX)) return 1;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': dir = optarg; break;
        case 's': server = optarg; break;
        case 'c': csr_out = optarg; break;
        case 'i': import = optarg; break;
        case 'h': tdc__renew_usage(stdout); return 0;
        default: return td_cli_opt_err("tiendo", "renew", opt, argv);
        }
    }
    if (optind < argc || (csr_out && import)) {
        fprintf(stderr, "tiendo renew: %s\nXem: tiendo renew --help\n",
                optind < argc ? TD_MSG_RENEW_EXTRA_ARG : TD_MSG_RENEW_CSR_OUT_OR_IMPORT);
        return 2;
    }
    td_error_clear(&e);
    if (tdc_device_load(&dev, dir, &e)) {
        fprintf(stderr, "tiendo renew: " TD_MSG_RENEW_NOT_ENROLLED "\n", td_error_vi(&e));
        return 1;
    }
    tdc_tz_default();
    if (csr_out) return tdc__csr_out(&dev, csr_out);
    if (import) {
        X509 *cert = NULL;
        int rc;
        if (td_x509_read_cert(import, &cert, &e)) {
            fprintf(stderr, "tiendo renew: " TD_MSG_RENEW_CERT_UNREADABLE "\n", import, td_error_vi(&e));
            return 1;
        }
        rc = tdc__install(&dev, cert);
        X509_free(cert);
        return rc;
    }
    return tdc__online(&dev, server);
}
