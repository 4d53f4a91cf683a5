/* identity.c — see identity.h. */
#include "identity.h"
#include "oserr.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

td_role td_role_parse(const char *s)
{
    if (!s) return TD_ROLE_NONE;
    if (!strcmp(s, "office")) return TD_ROLE_OFFICE;
    if (!strcmp(s, "central")) return TD_ROLE_CENTRAL;
    if (!strcmp(s, "inspector")) return TD_ROLE_INSPECTOR;
    return TD_ROLE_NONE;
}

const char *td_role_name(td_role r)
{
    switch (r) {
    case TD_ROLE_OFFICE: return "office";
    case TD_ROLE_CENTRAL: return "central";
    case TD_ROLE_INSPECTOR: return "inspector";
    default: return "none";
    }
}

const char *td_role_vi(td_role r)
{
    switch (r) {
    case TD_ROLE_OFFICE: return "đơn vị báo cáo";
    case TD_ROLE_CENTRAL: return "trung tâm, Sở KH&CN";
    case TD_ROLE_INSPECTOR: return "thanh tra";
    default: return "không xác định";
    }
}

int td_slug_valid(const char *s)
{
    size_t n;
    if (!s) return 0;
    n = strlen(s);
    if (n == 0 || n > TD_AGENCY_MAX || s[0] == '-' || s[n - 1] == '-') return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return 0;
        if (c == '-' && s[i + 1] == '-') return 0;
    }
    return 1;
}

int td_device_name_valid(const char *s)
{
    size_t n;
    if (!s) return 0;
    n = strlen(s);
    if (n == 0 || n > TD_DEVICE_MAX) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return 0;
    }
    return 1;
}

/* Exactly one entry of nid in name, copied to out; else an error naming the field. */
static int td__subject_field(X509_NAME *name, int nid, const char *label, char *out,
                             size_t outsz, td_error *err)
{
    int idx = X509_NAME_get_index_by_NID(name, nid, -1);
    X509_NAME_ENTRY *ne;
    ASN1_STRING *data;
    unsigned char *utf8 = NULL;
    int len;

    if (idx < 0) return td_error_set(err, TD_ECERT, "chứng thư thiếu trường %s của chủ thể", label);
    if (X509_NAME_get_index_by_NID(name, nid, idx) >= 0)
        return td_error_set(err, TD_ECERT, "chứng thư có nhiều hơn một trường %s của chủ thể", label);
    ne = X509_NAME_get_entry(name, idx);
    data = X509_NAME_ENTRY_get_data(ne);
    len = ASN1_STRING_to_UTF8(&utf8, data);
    if (len < 0) return td_error_set(err, TD_ECERT, "trường %s của chủ thể chứng thư không phải văn bản", label);
    if ((size_t)len >= outsz || memchr(utf8, '\0', (size_t)len)) {
        OPENSSL_free(utf8);
        return td_error_set(err, TD_ECERT, "trường %s của chủ thể chứng thư quá dài", label);
    }
    memcpy(out, utf8, (size_t)len);
    out[len] = '\0';
    OPENSSL_free(utf8);
    return TD_OK;
}

int td_subject_from_cert(X509 *cert, td_subject *out, td_error *err)
{
    X509_NAME *name = X509_get_subject_name(cert);
    char role[32];
    int rc;

    memset(out, 0, sizeof *out);
    if (!name) return td_error_set(err, TD_ECERT, "chứng thư không có chủ thể");
    if ((rc = td__subject_field(name, NID_organizationName, "O (agency)", out->agency,
                                sizeof out->agency, err)))
        return rc;
    if ((rc = td__subject_field(name, NID_commonName, "CN (device)", out->device,
                                sizeof out->device, err)))
        return rc;
    if ((rc = td__subject_field(name, NID_organizationalUnitName, "OU (role)", role,
                                sizeof role, err)))
        return rc;
    if (!td_slug_valid(out->agency))
        return td_error_set(err, TD_ECERT, "mã cơ quan O=\"%s\" trong chứng thư không hợp lệ", out->agency);
    if (!td_device_name_valid(out->device))
        return td_error_set(err, TD_ECERT, "tên thiết bị CN=\"%s\" trong chứng thư không hợp lệ",
                            out->device);
    out->role = td_role_parse(role);
    if (out->role == TD_ROLE_NONE)
        return td_error_set(err, TD_ECERT, "vai trò OU=\"%s\" trong chứng thư không phải office, central hay inspector",
                            role);
    return TD_OK;
}

int td_cert_ed25519_pk(X509 *cert, unsigned char pk[32], td_error *err)
{
    EVP_PKEY *pub = X509_get0_pubkey(cert);
    size_t len = 32;
    if (!pub || EVP_PKEY_get_id(pub) != EVP_PKEY_ED25519)
        return td_error_set(err, TD_ECERT, "khóa của chứng thư không phải Ed25519");
    if (EVP_PKEY_get_raw_public_key(pub, pk, &len) != 1 || len != 32)
        return td_error_set_ssl(err, TD_ECERT, "reading certificate public key");
    return TD_OK;
}

int td_key_ed25519_seed(EVP_PKEY *key, unsigned char seed[32], td_error *err)
{
    size_t len = 32;
    if (!key || EVP_PKEY_get_id(key) != EVP_PKEY_ED25519)
        return td_error_set(err, TD_ECRYPTO, "khóa bí mật không phải Ed25519");
    if (EVP_PKEY_get_raw_private_key(key, seed, &len) != 1 || len != 32)
        return td_error_set_ssl(err, TD_ECRYPTO, "reading Ed25519 seed");
    return TD_OK;
}

void td_identity_free(td_identity *id)
{
    if (!id) return;
    EVP_PKEY_free(id->key);
    X509_free(id->cert);
    sodium_memzero(id->sk, sizeof id->sk);
    memset(id, 0, sizeof *id);
}

int td_identity_load(td_identity *id, const char *key_path, const char *cert_path, td_error *err)
{
    FILE *f;
    struct stat st;
    unsigned char seed[32], pk[32];
    int rc;

    memset(id, 0, sizeof *id);
    if (sodium_init() < 0) return td_error_set(err, TD_ECRYPTO, "không khởi tạo được thư viện mật mã");
    f = fopen(key_path, "r");
    if (!f) return td_error_set(err, TD_EIO, TD_MSG_FILE_READ, key_path, td_errno_vi_log(errno, key_path));
    if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077)) {
        fclose(f);
        return td_error_set(err, TD_EAUTH,
                            "%s: khóa bí mật để người dùng khác đọc được (quyền %03o); hãy chạy chmod 600",
                            key_path, (unsigned)(st.st_mode & 0777));
    }
    id->key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    if (!id->key) {
        rc = td_error_set_ssl_file(err, TD_EPARSE, key_path, "khóa bí mật");
        goto fail;
    }
    if ((rc = td_key_ed25519_seed(id->key, seed, err))) goto fail;
    crypto_sign_seed_keypair(id->pk, id->sk, seed);
    sodium_memzero(seed, sizeof seed);

    if (cert_path) {
        f = fopen(cert_path, "r");
        if (!f) {
            rc = td_error_set(err, TD_EIO, TD_MSG_FILE_READ, cert_path, td_errno_vi_log(errno, cert_path));
            goto fail;
        }
        id->cert = PEM_read_X509(f, NULL, NULL, NULL);
        fclose(f);
        if (!id->cert) {
            rc = td_error_set_ssl_file(err, TD_EPARSE, cert_path, "chứng thư số");
            goto fail;
        }
        if ((rc = td_cert_ed25519_pk(id->cert, pk, err))) goto fail;
        if (memcmp(pk, id->pk, 32) != 0) {
            rc = td_error_set(err, TD_ECERT, "%s: chứng thư không khớp với khóa bí mật %s",
                              cert_path, key_path);
            goto fail;
        }
        if ((rc = td_subject_from_cert(id->cert, &id->subject, err))) goto fail;
    }
    return TD_OK;
fail:
    td_identity_free(id);
    return rc;
}

void td_key_short_hex(const unsigned char pk[32], char out[17])
{
    sodium_bin2hex(out, 17, pk, 8);
}
