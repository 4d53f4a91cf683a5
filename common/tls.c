/* tls.c — see tls.h. */
#include "clock.h"
#include "msg.h"
#include "tls.h"

#include "oserr.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

/* ALPN wire form: one length byte then the name. */
static int td__alpn_wire(const char *alpn, unsigned char *out, size_t outsz, size_t *outlen)
{
    size_t n = strlen(alpn);
    if (n == 0 || n > 255 || n + 1 > outsz) return -1;
    out[0] = (unsigned char)n;
    memcpy(out + 1, alpn, n);
    *outlen = n + 1;
    return 0;
}

typedef struct td__alpn_cfg {
    unsigned char wire[256];
    size_t len;
} td__alpn_cfg;

static int td__alpn_idx = -1;

static void td__alpn_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
    free(ptr);
}

/* Server: select our protocol or refuse the handshake (RFC 7301 §3.2:
 * no_application_protocol alert). */
static int td__alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                           const unsigned char *in, unsigned int inlen, void *arg)
{
    td__alpn_cfg *cfg = arg;
    unsigned char *sel = NULL;
    if (SSL_select_next_proto(&sel, outlen, cfg->wire, (unsigned int)cfg->len, in, inlen) !=
        OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    *out = sel;
    return SSL_TLSEXT_ERR_OK;
}

static SSL_CTX *td__ctx_common(const td_tls_ctx_opts *o, int is_server, td_error *err)
{
    SSL_CTX *ctx;
    X509_STORE *store;

    if (!o->ca_file || !o->cert_file || !o->key_file) {
        td_error_set(err, TD_EARG, "TLS needs a CA file, a certificate and a key | " TD_MSG_TLS_FILES);
        return NULL;
    }
    ERR_clear_error();
    ctx = SSL_CTX_new(is_server ? TLS_server_method() : TLS_client_method());
    if (!ctx) {
        td_error_set_ssl(err, TD_ETLS, "SSL_CTX_new");
        return NULL;
    }
    /* TLS 1.3 only (docs/PROTOCOL.md §1). */
    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
    SSL_CTX_set_num_tickets(ctx, 0);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);

    if (SSL_CTX_use_certificate_chain_file(ctx, o->cert_file) != 1) {
        td_error_set_ssl_file(err, TD_ECERT, o->cert_file, "chứng thư số");
        goto fail;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, o->key_file, SSL_FILETYPE_PEM) != 1) {
        td_error_set_ssl_file(err, TD_ECERT, o->key_file, "khóa bí mật");
        goto fail;
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        td_error_set(err, TD_ECERT, "%.100s does not match %.100s | khóa bí mật %.100s không khớp với chứng thư "
                     "số %.100s", o->key_file, o->cert_file, o->key_file, o->cert_file);
        goto fail;
    }
    if (SSL_CTX_load_verify_locations(ctx, o->ca_file, NULL) != 1) {
        td_error_set_ssl_file(err, TD_ECERT, o->ca_file, "chứng thư CA");
        goto fail;
    }
    store = SSL_CTX_get_cert_store(ctx);
    if (o->crl_file) {
        X509_LOOKUP *lookup = X509_STORE_add_lookup(store, X509_LOOKUP_file());
        if (!lookup || X509_load_crl_file(lookup, o->crl_file, X509_FILETYPE_PEM) < 1) {
            td_error_set_ssl_file(err, TD_ECERT, o->crl_file, "danh sách thu hồi (CRL)");
            goto fail;
        }
        X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
    }
    /* Only the provincial CA is trusted: no system roots, no partial chains. */
    SSL_CTX_set_verify_depth(ctx, 4);

    {
        td__alpn_cfg *cfg = calloc(1, sizeof *cfg);
        if (!cfg || td__alpn_wire(o->alpn ? o->alpn : TD_ALPN, cfg->wire, sizeof cfg->wire, &cfg->len)) {
            free(cfg);
            td_error_set(err, TD_EARG, "bad ALPN name | " TD_MSG_TLS_ALPN_BAD);
            goto fail;
        }
        if (td__alpn_idx < 0)
            td__alpn_idx = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, td__alpn_free);
        SSL_CTX_set_ex_data(ctx, td__alpn_idx, cfg);
        if (is_server) {
            SSL_CTX_set_alpn_select_cb(ctx, td__alpn_select, cfg);
        } else if (SSL_CTX_set_alpn_protos(ctx, cfg->wire, (unsigned int)cfg->len) != 0) {
            td_error_set_ssl(err, TD_ETLS, "SSL_CTX_set_alpn_protos");
            goto fail;
        }
    }
    SSL_CTX_set_verify(ctx,
                       is_server ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT : SSL_VERIFY_PEER,
                       NULL);
    return ctx;
fail:
    SSL_CTX_free(ctx);
    return NULL;
}

SSL_CTX *td_tls_ctx_server(const td_tls_ctx_opts *o, td_error *err)
{
    return td__ctx_common(o, 1, err);
}

SSL_CTX *td_tls_ctx_client(const td_tls_ctx_opts *o, td_error *err)
{
    return td__ctx_common(o, 0, err);
}

int td_tls_init(td_tls *t, SSL_CTX *ctx, int is_server, const char *server_name, td_error *err)
{
    memset(t, 0, sizeof *t);
    t->is_server = is_server;
    ERR_clear_error();
    t->ssl = SSL_new(ctx);
    if (!t->ssl) return td_error_set_ssl(err, TD_ETLS, "SSL_new");
    /* Certificate validity is judged on the project's clock (clock.h). */
    X509_VERIFY_PARAM_set_time(SSL_get0_param(t->ssl), (time_t)(td_clock_now_ms() / 1000));
    t->rbio = BIO_new(BIO_s_mem());
    t->wbio = BIO_new(BIO_s_mem());
    if (!t->rbio || !t->wbio) {
        BIO_free(t->rbio);
        BIO_free(t->wbio);
        SSL_free(t->ssl);
        t->ssl = NULL;
        return td_error_set(err, TD_ENOMEM, "BIO_new | " TD_MSG_NOMEM);
    }
    /* An empty memory BIO reports "retry" rather than EOF. */
    BIO_set_mem_eof_return(t->rbio, -1);
    BIO_set_mem_eof_return(t->wbio, -1);
    SSL_set_bio(t->ssl, t->rbio, t->wbio);
    if (is_server) {
        SSL_set_accept_state(t->ssl);
    } else {
        SSL_set_connect_state(t->ssl);
        if (server_name) {
            /* Check the server certificate's name (SAN DNS or IP). */
            int is_ip = strspn(server_name, "0123456789.") == strlen(server_name) ||
                        strchr(server_name, ':') != NULL;
            if (!is_ip) SSL_set_tlsext_host_name(t->ssl, server_name);
            if (SSL_set1_host(t->ssl, server_name) != 1) {
                td_tls_free(t);
                return td_error_set_ssl(err, TD_ETLS, "SSL_set1_host");
            }
        }
    }
    t->state = TD_TLS_HANDSHAKING;
    return TD_OK;
}

void td_tls_free(td_tls *t)
{
    if (t->ssl) SSL_free(t->ssl);   /* frees both BIOs */
    free(t->pending);
    memset(t, 0, sizeof *t);
}

/* Turn a failed SSL_* call into our error vocabulary. */
static int td__tls_fail(td_tls *t, int ret, const char *what, td_error *err)
{
    int e = SSL_get_error(t->ssl, ret);
    long vr = SSL_get_verify_result(t->ssl);
    unsigned long ossl = ERR_peek_error();
    const char *when = !strcmp(what, "handshake") ? TD_MSG_TLS_WHEN_HANDSHAKE
                     : !strcmp(what, "read") ? TD_MSG_TLS_WHEN_READ : TD_MSG_TLS_WHEN_WRITE;
    char buf[256];

    t->state = TD_TLS_FAILED;
    if (vr != X509_V_OK && (t->is_server || ERR_GET_REASON(ossl) == SSL_R_CERTIFICATE_VERIFY_FAILED)) {
        int code = vr == X509_V_ERR_CERT_REVOKED ? TD_EREVOKED
                 : vr == X509_V_ERR_CERT_HAS_EXPIRED ? TD_EEXPIRED
                 : TD_ECERT;
        ERR_clear_error();
        return td_error_set(err, code, "%s: %s certificate refused: %s | chứng thư số của %s: %s", what,
                            t->is_server ? "client" : "server", X509_verify_cert_error_string(vr),
                            t->is_server ? "thiết bị" : "máy chủ", td_x509_vi(vr));
    }
    if (e == SSL_ERROR_SSL && ossl) {
        ERR_error_string_n(ossl, buf, sizeof buf);
        ERR_clear_error();
        if (ERR_GET_REASON(ossl) == SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE)
            return td_error_set(err, TD_ECERT, "%s: client sent no certificate (%s) | " TD_MSG_TLS_NO_CLIENT_CERT, what,
                                buf);
        return td_error_set(err, TD_ETLS, "%s: %s | " TD_MSG_TLS_FAILED, what, buf, when);
    }
    ERR_clear_error();
    if (e == SSL_ERROR_SYSCALL)
        return td_error_set(err, TD_ETLS, "%s: unexpected end of TLS stream | " TD_MSG_TLS_CUT, what, when);
    return td_error_set(err, TD_ETLS, "%s: TLS error %d | " TD_MSG_TLS_FAILED_CODE, what, e, when, e);
}

static int td__tls_flush_pending(td_tls *t, td_error *err)
{
    if (t->pending_len) {
        uint8_t *p = t->pending;
        size_t n = t->pending_len;
        int rc;
        t->pending = NULL;
        t->pending_len = 0;
        rc = td_tls_write(t, p, n, err);
        free(p);
        return rc;
    }
    return TD_OK;
}

int td_tls_start(td_tls *t, td_error *err)
{
    int opened = 0;
    return td_tls_feed(t, NULL, 0, &opened, NULL, NULL, err);
}

int td_tls_feed(td_tls *t, const uint8_t *data, size_t len, int *opened, td_tls_plain_cb cb,
                void *arg, td_error *err)
{
    uint8_t buf[16384];
    int ret;

    *opened = 0;
    if (t->state == TD_TLS_FAILED) return td_error_set(err, TD_ETLS, "TLS session already failed | "
                                                       TD_MSG_TLS_ALREADY_FAILED);
    if (len > 0 && BIO_write(t->rbio, data, (int)len) != (int)len)
        return td_error_set(err, TD_ENOMEM, "BIO_write | " TD_MSG_NOMEM);

    if (t->state == TD_TLS_HANDSHAKING) {
        ERR_clear_error();
        ret = SSL_do_handshake(t->ssl);
        if (ret != 1) {
            int e = SSL_get_error(t->ssl, ret);
            if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return TD_OK;
            return td__tls_fail(t, ret, "handshake", err);
        }
        t->state = TD_TLS_OPEN;
        *opened = 1;
        /* Return before delivering records that came with the last flight:
         * the caller must learn of the open (and check the peer) before any
         * data.  It calls again with len = 0 to deliver them. */
        return td__tls_flush_pending(t, err);
    }
    if (t->state != TD_TLS_OPEN) return TD_OK;
    /* Deliver every complete record: one TCP read may carry several. */
    for (;;) {
        ERR_clear_error();
        ret = SSL_read(t->ssl, buf, sizeof buf);
        if (ret > 0) {
            if (cb) {
                int rc = cb(arg, buf, (size_t)ret);
                if (rc) return rc;
            }
            continue;
        }
        {
            int e = SSL_get_error(t->ssl, ret);
            if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return TD_OK;
            if (e == SSL_ERROR_ZERO_RETURN) {
                t->state = TD_TLS_PEER_CLOSED;
                return td_error_set(err, TD_ECLOSED, "peer closed the TLS session (close_notify) | "
                                    TD_MSG_TLS_PEER_CLOSED);
            }
            return td__tls_fail(t, ret, "read", err);
        }
    }
}

int td_tls_write(td_tls *t, const void *data, size_t len, td_error *err)
{
    const uint8_t *p = data;
    if (t->state == TD_TLS_FAILED || t->state == TD_TLS_PEER_CLOSED || t->sent_close)
        return td_error_set(err, TD_ECLOSED, "write on a closed TLS session | " TD_MSG_TLS_WRITE_CLOSED);
    if (t->state == TD_TLS_HANDSHAKING) {
        uint8_t *np = realloc(t->pending, t->pending_len + len);
        if (!np) return td_error_set(err, TD_ENOMEM, "queueing %zu bytes | " TD_MSG_NOMEM, len);
        memcpy(np + t->pending_len, data, len);
        t->pending = np;
        t->pending_len += len;
        return TD_OK;
    }
    while (len > 0) {
        int chunk = len > (1u << 30) ? (1 << 30) : (int)len;
        int ret;
        ERR_clear_error();
        ret = SSL_write(t->ssl, p, chunk);
        if (ret <= 0) return td__tls_fail(t, ret, "write", err);
        p += ret;
        len -= (size_t)ret;
    }
    return TD_OK;
}

void td_tls_shutdown(td_tls *t)
{
    if (t->sent_close || !t->ssl) return;
    t->sent_close = 1;
    if (t->state == TD_TLS_OPEN || t->state == TD_TLS_PEER_CLOSED) {
        ERR_clear_error();
        (void)SSL_shutdown(t->ssl);   /* queues close_notify in the write BIO */
        ERR_clear_error();
    }
}

size_t td_tls_out_pending(const td_tls *t)
{
    return t->wbio ? BIO_ctrl_pending(t->wbio) : 0;
}

size_t td_tls_take_out(td_tls *t, uint8_t **buf)
{
    size_t n = td_tls_out_pending(t);
    *buf = NULL;
    if (n == 0) return 0;
    *buf = malloc(n);
    if (!*buf) return 0;
    if (BIO_read(t->wbio, *buf, (int)n) != (int)n) {
        free(*buf);
        *buf = NULL;
        return 0;
    }
    return n;
}

X509 *td_tls_peer_cert(const td_tls *t)
{
    if (!t->ssl || t->state == TD_TLS_HANDSHAKING) return NULL;
    if (SSL_get_verify_result(t->ssl) != X509_V_OK) return NULL;
    return SSL_get0_peer_certificate(t->ssl);
}

void td_tls_alpn(const td_tls *t, char *out, size_t outsz)
{
    const unsigned char *p = NULL;
    unsigned int n = 0;
    out[0] = '\0';
    if (!t->ssl) return;
    SSL_get0_alpn_selected(t->ssl, &p, &n);
    if (p && n < outsz) {
        memcpy(out, p, n);
        out[n] = '\0';
    }
}

const char *td_tls_alert_vi(const char *m)
{
    static const struct { const char *needle, *vi; } map[] = {
        {"certificate revoked", "chứng thư số của thiết bị đã bị thu hồi"},
        {"certificate expired", TD_MSG_CERT_EXPIRED},
        {"certificate required", "máy chủ yêu cầu chứng thư số của thiết bị"},
        {"unknown ca", "chứng thư số không do CA của tỉnh cấp"},
        {"bad certificate", "chứng thư số không hợp lệ"},
        {"unsupported certificate", "loại chứng thư số không được hỗ trợ"},
        {"no application protocol", "giao thức ứng dụng (ALPN) không khớp"},
        {"protocol version", "phiên bản TLS không được chấp nhận (chỉ dùng TLS 1.3)"},
        {"unsupported protocol", "phiên bản TLS không được chấp nhận (chỉ dùng TLS 1.3)"},
        {"handshake failure", "bắt tay TLS thất bại"},
        {"certificate verify failed", "không xác minh được chứng thư số của máy chủ"},
    };
    if (!m) return NULL;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strstr(m, map[i].needle)) return map[i].vi;
    return NULL;
}
