/* renew.c — see renew.h. */
#include "clock.h"
#include "renew.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "log.h"
#include "pki.h"
#include "x509util.h"

struct tds_renewer {
    tds_renew_opts o;
    char *dir, *crl;
};

int tds_renew_roles_parse(const char *s, unsigned *mask)
{
    char buf[128], *save = NULL, *w;
    *mask = 0;
    snprintf(buf, sizeof buf, "%s", s);
    for (w = strtok_r(buf, ", ", &save); w; w = strtok_r(NULL, ", ", &save)) {
        td_role r = td_role_parse(w);
        if (r == TD_ROLE_NONE) return -1;
        *mask |= 1u << r;
    }
    return 0;
}

int tds_renewer_open(const tds_renew_opts *o, tds_renewer **out, td_error *err)
{
    tds_renewer *r;
    tdp_ca ca;
    int rc;
    *out = NULL;
    /* open once now, so that a wrong directory fails at start, not at the
     * first renewal months later */
    if ((rc = tdp_ca_open(&ca, o->ca_dir, err))) return rc;
    tdp_ca_close(&ca);
    if (!(r = calloc(1, sizeof *r)) || !(r->dir = strdup(o->ca_dir)) ||
        (o->crl_path && !(r->crl = strdup(o->crl_path)))) {
        if (r) free(r->dir);
        free(r);
        return td_error_set(err, TD_ENOMEM, "out of memory");
    }
    r->o = *o;
    r->o.ca_dir = r->dir;
    r->o.crl_path = r->crl;
    *out = r;
    return 0;
}

void tds_renewer_close(tds_renewer *r)
{
    if (!r) return;
    free(r->dir);
    free(r->crl);
    free(r);
}

/* Is cert listed in the CRL file?  (Unreadable CRL: the TLS layer already
 * refuses to start without it; here it counts as not listed.) */
static int tds__in_crl(const char *path, X509 *cert)
{
    X509_REVOKED *rev = NULL;
    X509_CRL *crl;
    FILE *f = fopen(path, "r");
    int in;
    if (!f) return 0;
    crl = PEM_read_X509_CRL(f, NULL, NULL, NULL);
    fclose(f);
    in = crl && X509_CRL_get0_by_cert(crl, &rev, cert) == 1;
    X509_CRL_free(crl);
    return in;
}

#define TDS__REFUSE(en, vi, ...)                                  \
    do {                                                          \
        snprintf(reason, 256, en, __VA_ARGS__);                   \
        snprintf(reason_vi, 256, "%s", vi);                       \
        goto out;                                                 \
    } while (0)

int tds_renewer_issue(tds_renewer *r, const tds_peer *peer, const uint8_t *csr, size_t len, X509 **cert,
                      char reason[256], char reason_vi[256], td_error *err)
{
    const unsigned char *p = csr, *cp = peer->cert_der;
    char old_serial[TDP_SERIAL_HEX_MAX + 1];
    X509_REQ *req = NULL;
    X509 *old = NULL;
    tdp_ca ca;
    tdp_issue is;
    td_error e2 = {0};
    int64_t not_after = 0;
    int rc = 0, ca_open = 0;

    *cert = NULL;
    reason[0] = reason_vi[0] = '\0';
    if (!(r->o.roles & (1u << peer->subj.role)))
        TDS__REFUSE("online renewal is not allowed for role %s on this server", 
                    "Máy chủ không cấp lại chứng thư trực tuyến cho vai trò này; hãy dùng "
                    "\"tiendo renew --csr-out TỆP\" và gửi tệp cho cán bộ quản lý CA.",
                    td_role_name(peer->subj.role));
    if (len == 0 || len > TDS_RENEW_CSR_MAX || !(req = d2i_X509_REQ(NULL, &p, (long)len)) || p != csr + len)
        TDS__REFUSE("the request is not one DER PKCS#10 CSR of at most %d bytes%s", 
                    "Yêu cầu cấp chứng thư (CSR) gửi lên bị hỏng.", TDS_RENEW_CSR_MAX, "");
    if (td_x509_csr_check(req, "renewal request", &e2))
        TDS__REFUSE("%.200s", "Yêu cầu cấp chứng thư không hợp lệ (chữ ký hoặc loại khóa).", e2.msg);
    if (!cp || !(old = d2i_X509(NULL, &cp, (long)peer->cert_der_len)) ||
        td_x509_time_unix(X509_get0_notAfter(old), &not_after, &e2))
        TDS__REFUSE("%s", "Không đọc được chứng thư hiện tại của thiết bị.", "the session's certificate is unreadable");
    if (not_after - td_clock_now_ms() / 1000 > (int64_t)r->o.window_days * 86400)
        TDS__REFUSE("the current certificate is valid for more than %d days: renew later", 
                    "Chứng thư hiện tại còn hạn dài; chỉ cấp lại khi còn dưới số ngày máy chủ quy định.",
                    r->o.window_days);
    if (r->o.crl_path && tds__in_crl(r->o.crl_path, old))
        TDS__REFUSE("%s", "Chứng thư hiện tại của thiết bị đã bị thu hồi; không cấp lại được. Thiết bị phải đăng "
                    "ký lại với cán bộ quản lý CA.", "the session's certificate is revoked in the CRL");
    if ((rc = tdp_ca_open(&ca, r->dir, err))) goto out;
    ca_open = 1;
    if ((rc = tdp_ca_check_current(&ca, err))) goto out;
    /* the same check as tiendo-pki renew: this CA's, in its index, not
     * revoked there and not renewed already (superseded) */
    switch (tdp_ca_renewable(&ca, old, old_serial, &e2)) {
    case 0: break;
    case TD_EREVOKED:
        TDS__REFUSE("%.200s", "Chứng thư hiện tại đã bị thu hồi hoặc đã được cấp lại một lần; không cấp lại nữa. "
                    "Nếu chưa nhận được chứng thư mới, hãy liên hệ cán bộ quản lý CA.", e2.msg);
    case TD_ENOTFOUND:
    case TD_ECERT:
        TDS__REFUSE("%.200s", "Chứng thư hiện tại không có trong sổ của CA cấp lại; hãy liên hệ cán bộ quản lý CA.",
                    e2.msg);
    default:
        rc = td_error_set(err, e2.code ? e2.code : TD_EINTERNAL, "%s", e2.msg);
        goto out;
    }
    memset(&is, 0, sizeof is);
    is.kind = TDP_KIND_CLIENT;
    is.pub = X509_REQ_get0_pubkey(req);
    is.agency = peer->subj.agency;
    is.name = peer->subj.device;
    is.role = peer->subj.role;
    is.v.days = r->o.days;
    if ((rc = tdp_ca_issue(&ca, &is, cert, err))) goto out;
    /* at most one renewal per certificate: the new one supersedes it */
    if ((rc = tdp_ca_supersede(&ca, old_serial, err))) {
        td_log_error("renewal of %s/%s: a certificate was issued but the old serial %s could not be marked "
                     "superseded; not delivered", peer->subj.agency, peer->subj.device, old_serial);
        X509_free(*cert);
        *cert = NULL;
        goto out;
    }
    td_log_info("renewal: issued a certificate for %s/%s (%s), %d days", peer->subj.agency, peer->subj.device,
                td_role_name(peer->subj.role), r->o.days);
out:
    if (ca_open) tdp_ca_close(&ca);
    X509_REQ_free(req);
    X509_free(old);
    ERR_clear_error();
    return rc;
}

int tds_renewer_index_revoked(tds_renewer *r, X509 *x, char *why, size_t wn)
{
    tdp_ca ca;
    td_error e2 = {0};
    char serial[TDP_SERIAL_HEX_MAX + 1];
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    char *h = bn ? BN_bn2hex(bn) : NULL;
    tdp_entry *list = NULL;
    size_t n = 0;
    int out = 0;
    snprintf(serial, sizeof serial, "%s", h ? h : "?");
    OPENSSL_free(h);
    BN_free(bn);
    if (tdp_ca_open(&ca, r->dir, &e2)) {
        td_log_warn("earlier certificate %s: the CA index is not readable: %s", serial, e2.msg);
        return 0;
    }
    if (tdp_index_list(ca.db, &list, &n, &e2)) td_log_warn("earlier certificate %s: the CA index: %s", serial, e2.msg);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(list[i].serial, serial) && list[i].revoked_at && list[i].reason != 4) {
            snprintf(why, wn, "earlier certificate serial %s is revoked in the CA index (%s)", serial,
                     tdp_reason_name(list[i].reason));
            out = 1;
        }
    free(list);
    tdp_ca_close(&ca);
    return out;
}
