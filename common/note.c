/*
 * note.c — C2SP signed-note, tlog-checkpoint and tlog-cosignature (v1
 * Ed25519).  See note.h for the contract; comments here cite the spec
 * sections that forced each rule.
 */
#include "note.h"
#include "grow.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "identity.h"

/* signed-note §Format: em dash U+2014 in UTF-8, then a space. */
static const char td__sig_prefix[] = "\xE2\x80\x94 ";
#define TD__SIG_PREFIX_LEN 4

/* tlog-cosignature §Ed25519 signed message: the header line. */
static const char td__cosig_header[] = "cosignature/v1\n";

static const char td__priv_prefix[] = "PRIVATE+KEY+";
#define TD__PRIV_PREFIX_LEN 12

/* Base64 (RFC 4648 §4, padded) of the largest signature we keep. */
#define TD__SIG_B64_MAX sodium_base64_ENCODED_LEN(TD_NOTE_SIG_BYTES_MAX, sodium_base64_VARIANT_ORIGINAL)

/* --- UTF-8 ------------------------------------------------------------------ */

/*
 * Decode one code point at s[0..n) strictly (no overlong form, no surrogate,
 * nothing above U+10FFFF), as Go's utf8.DecodeRune accepts.  Returns its
 * length, or 0 for an invalid sequence.
 */
static size_t td__utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    uint32_t c;
    size_t len, i;

    if (s[0] < 0x80) { *cp = s[0]; return 1; }
    if (s[0] >= 0xC2 && s[0] <= 0xDF) { len = 2; c = s[0] & 0x1F; }
    else if (s[0] >= 0xE0 && s[0] <= 0xEF) { len = 3; c = s[0] & 0x0F; }
    else if (s[0] >= 0xF0 && s[0] <= 0xF4) { len = 4; c = s[0] & 0x07; }
    else return 0;
    if (n < len) return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000)) return 0;  /* overlong */
    if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    *cp = c;
    return len;
}

/* Go's unicode.IsSpace: the White_Space property, which key names exclude. */
static int td__is_space(uint32_t c)
{
    switch (c) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
    case 0x202F: case 0x205F: case 0x3000:
        return 1;
    default:
        return c >= 0x2000 && c <= 0x200A;
    }
}

/*
 * signed-note §Format: notes MUST be valid UTF-8 without ASCII control
 * characters other than newline.  Returns the offset of the first bad byte,
 * or len if all is well.
 */
static size_t td__note_bytes_bad(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, k;
    uint32_t cp;

    while (i < len) {
        if (p[i] < 0x80) {
            if (p[i] < 0x20 && p[i] != '\n') return i;
            i++;
            continue;
        }
        k = td__utf8_decode(p + i, len - i, &cp);
        if (k == 0) return i;
        i += k;
    }
    return len;
}

int td_note_name_valid(const char *name, size_t len)
{
    const unsigned char *p = (const unsigned char *)name;
    size_t i = 0, k;
    uint32_t cp;

    if (!name || len == 0 || len > TD_NOTE_NAME_MAX) return 0;
    while (i < len) {
        k = td__utf8_decode(p + i, len - i, &cp);
        if (k == 0 || cp < 0x20 || cp == '+' || td__is_space(cp)) return 0;
        i += k;
    }
    return 1;
}

/* --- small helpers ----------------------------------------------------------- */

static uint32_t td__be32(const unsigned char *b)
{
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

static void td__put_be32(unsigned char *b, uint32_t v)
{
    b[0] = (unsigned char)(v >> 24); b[1] = (unsigned char)(v >> 16);
    b[2] = (unsigned char)(v >> 8);  b[3] = (unsigned char)v;
}

static uint64_t td__be64(const unsigned char *b)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | b[i];
    return v;
}

static void td__put_be64(unsigned char *b, uint64_t v)
{
    for (int i = 7; i >= 0; i--) { b[i] = (unsigned char)v; v >>= 8; }
}

/*
 * Strict RFC 4648 §4 decoding of s[0..len) into out (capacity cap): padding
 * required, zero trailing bits, nothing else.  Returns the decoded length or
 * -1.  An empty input is refused: every base64 field here is non-empty.
 */
static long td__b64_decode(const char *s, size_t len, unsigned char *out, size_t cap)
{
    size_t bin_len = 0;

    if (len == 0 || len % 4 != 0) return -1;
    /*
     * libsodium 1.0.18 (Debian 12) decodes bytes >= 0x80 as if they were
     * alphabet characters, so a mangled line would decode and re-encode
     * differently (found by fuzz_note).  Only the RFC 4648 §4 alphabet and
     * '=' get through; libsodium then checks the padding and trailing bits.
     */
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/' || c == '='))
            return -1;
    }
    if (sodium_base642bin(out, cap, s, len, NULL, &bin_len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0) return -1;
    return (long)bin_len;
}

/* --- keys --------------------------------------------------------------------- */

uint32_t td_note_key_id(const char *name, uint8_t type, const unsigned char pk[TD_NOTE_PK_LEN])
{
    crypto_hash_sha256_state st;
    unsigned char h[crypto_hash_sha256_BYTES];
    const unsigned char nl = '\n';

    /* signed-note §Signatures: SHA-256(key name || 0x0A || type || public key)[:4] */
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)name, strlen(name));
    crypto_hash_sha256_update(&st, &nl, 1);
    crypto_hash_sha256_update(&st, &type, 1);
    crypto_hash_sha256_update(&st, pk, TD_NOTE_PK_LEN);
    crypto_hash_sha256_final(&st, h);
    return td__be32(h);
}

static int td__type_ok(uint8_t type)
{
    return type == TD_NOTE_TYPE_ED25519 || type == TD_NOTE_TYPE_COSIG_V1;
}

int td_note_verifier_init(td_note_verifier *v, const char *name, uint8_t type,
                          const unsigned char pk[TD_NOTE_PK_LEN], td_error *err)
{
    memset(v, 0, sizeof *v);
    if (!name || !td_note_name_valid(name, strlen(name)))
        return td_error_set(err, TD_EARG, "note key: invalid key name | " TD_MSG_KEY_NAME_BAD);
    if (!td__type_ok(type))
        return td_error_set(err, TD_EARG, "note key %s: unsupported signature type 0x%02x | " TD_MSG_KEY_TYPE, name, type,
                            name, type);
    memcpy(v->name, name, strlen(name) + 1);
    v->type = type;
    memcpy(v->pk, pk, TD_NOTE_PK_LEN);
    v->key_id = td_note_key_id(name, type, pk);
    return 0;
}

int td_note_signer_init(td_note_signer *s, const char *name, uint8_t type,
                        const unsigned char sk[64], td_error *err)
{
    unsigned char pk[TD_NOTE_PK_LEN], full[64];

    memset(s, 0, sizeof *s);
    if (!name || !td_note_name_valid(name, strlen(name)))
        return td_error_set(err, TD_EARG, "note signer: invalid key name | " TD_MSG_KEY_NAME_BAD);
    if (!td__type_ok(type))
        return td_error_set(err, TD_EARG, "note signer %s: unsupported signature type 0x%02x | " TD_MSG_KEY_TYPE, name,
                            type, name, type);
    /* The first half of a libsodium secret key is the seed; derive again. */
    if (crypto_sign_seed_keypair(pk, full, sk) != 0)
        return td_error_set(err, TD_ECRYPTO, "note signer %s: cannot derive the key pair | " TD_MSG_KEY_DERIVE, name, name);
    if (sodium_memcmp(pk, sk + 32, TD_NOTE_PK_LEN) != 0) {
        sodium_memzero(full, sizeof full);
        return td_error_set(err, TD_EARG, "note signer %s: secret key does not match its public half | "
                            TD_MSG_KEY_PAIR_MISMATCH,
                            name, name);
    }
    memcpy(s->name, name, strlen(name) + 1);
    s->type = type;
    memcpy(s->pk, pk, sizeof pk);
    memcpy(s->sk, full, sizeof full);
    sodium_memzero(full, sizeof full);
    s->key_id = td_note_key_id(name, type, pk);
    return 0;
}

int td_note_signer_from_identity(td_note_signer *s, const char *name, uint8_t type,
                                 const struct td_identity *id, td_error *err)
{
    if (!id) {
        memset(s, 0, sizeof *s);
        return td_error_set(err, TD_EARG, "note signer: no identity");
    }
    return td_note_signer_init(s, name, type, id->sk, err);
}

void td_note_signer_wipe(td_note_signer *s)
{
    sodium_memzero(s, sizeof *s);
}

void td_note_signer_verifier(const td_note_signer *s, td_note_verifier *v)
{
    memset(v, 0, sizeof *v);
    memcpy(v->name, s->name, sizeof v->name);
    v->type = s->type;
    v->key_id = s->key_id;
    memcpy(v->pk, s->pk, TD_NOTE_PK_LEN);
}

/* A key line, C2SP signed-note style: "<prefix><name>+<key id, 8 hex>+<base64 of
 * the type byte and the key>" in out (cap bytes); the buffers are wiped, as
 * the key may be a secret one. */
static void td__key_encode(const char *prefix, const char *name, uint32_t key_id, uint8_t type,
                           const unsigned char *key, size_t len, char *out, size_t cap)
{
    unsigned char raw[1 + TD_NOTE_SEED_LEN > 1 + TD_NOTE_PK_LEN ? 1 + TD_NOTE_SEED_LEN : 1 + TD_NOTE_PK_LEN];
    char b64[sodium_base64_ENCODED_LEN(sizeof raw, sodium_base64_VARIANT_ORIGINAL)];

    raw[0] = type;
    memcpy(raw + 1, key, len);
    sodium_bin2base64(b64, sizeof b64, raw, 1 + len, sodium_base64_VARIANT_ORIGINAL);
    snprintf(out, cap, "%s%s+%08" PRIx32 "+%s", prefix, name, key_id, b64);
    sodium_memzero(raw, sizeof raw);
    sodium_memzero(b64, sizeof b64);
}

void td_note_vkey_encode(const td_note_verifier *v, char out[TD_NOTE_VKEY_MAX])
{
    td__key_encode("", v->name, v->key_id, v->type, v->pk, TD_NOTE_PK_LEN, out, TD_NOTE_VKEY_MAX);
}

void td_note_skey_encode(const td_note_signer *s, char out[TD_NOTE_SKEY_MAX])
{
    td__key_encode("PRIVATE+KEY+", s->name, s->key_id, s->type, s->sk, TD_NOTE_SEED_LEN, out, TD_NOTE_SKEY_MAX);
}

/* 8 hex digits, either case (Go: len == 8 and strconv.ParseUint(s, 16, 32)). */
static int td__hex32(const char *s, size_t len, uint32_t *out)
{
    uint32_t v = 0;

    if (len != 8) return -1;
    for (size_t i = 0; i < 8; i++) {
        char c = s[i];
        int d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else return -1;
        v = (v << 4) | (uint32_t)d;
    }
    *out = v;
    return 0;
}

/*
 * Split "<name>+<hex>+<base64>" (the tail of both key strings) and decode:
 * type byte and 32 key bytes into raw.  what names the kind of key.
 */
static int td__key_split(const char *s, const char *what, const char *what_vi, char name[TD_NOTE_NAME_MAX + 1],
                         uint32_t *id, unsigned char raw[1 + 32], td_error *err)
{
    const char *p1 = strchr(s, '+'), *p2;
    unsigned char buf[64];
    long n;

    if (!p1) return td_error_set(err, TD_EPARSE, "%s: missing '+' after the name | " TD_MSG_KEY_NO_PLUS_NAME, what,
                                  what_vi);
    p2 = strchr(p1 + 1, '+');
    if (!p2) return td_error_set(err, TD_EPARSE, "%s: missing '+' after the key ID | " TD_MSG_KEY_NO_PLUS_ID, what,
                                  what_vi);
    if (!td_note_name_valid(s, (size_t)(p1 - s)))
        return td_error_set(err, TD_EPARSE, "%s: invalid key name | " TD_MSG_KEY_NAME_BAD_IN, what, what_vi);
    if (td__hex32(p1 + 1, (size_t)(p2 - p1 - 1), id) != 0)
        return td_error_set(err, TD_EPARSE, "%s: key ID is not 8 hex digits | " TD_MSG_KEY_ID_NOT_HEX, what, what_vi);
    n = td__b64_decode(p2 + 1, strlen(p2 + 1), buf, sizeof buf);
    if (n < 0) return td_error_set(err, TD_EPARSE, "%s: key is not valid base64 | " TD_MSG_KEY_NOT_BASE64, what,
                                     what_vi);
    if (n < 1 || !td__type_ok(buf[0])) {
        sodium_memzero(buf, sizeof buf);
        return td_error_set(err, TD_EPARSE, "%s: unknown signature type 0x%02x | " TD_MSG_KEY_TYPE_IN, what,
                            n >= 1 ? buf[0] : 0, what_vi, n >= 1 ? buf[0] : 0);
    }
    if (n != 1 + 32) {
        sodium_memzero(buf, sizeof buf);
        return td_error_set(err, TD_EPARSE, "%s: Ed25519 key of %ld bytes, expected 32 | " TD_MSG_KEY_LEN, what, n - 1,
                            what_vi, n - 1);
    }
    memcpy(name, s, (size_t)(p1 - s));
    name[p1 - s] = '\0';
    memcpy(raw, buf, 1 + 32);
    sodium_memzero(buf, sizeof buf);
    return 0;
}

int td_note_vkey_decode(const char *vkey, td_note_verifier *v, td_error *err)
{
    char name[TD_NOTE_NAME_MAX + 1];
    unsigned char raw[1 + 32];
    uint32_t id;
    int rc;

    memset(v, 0, sizeof *v);
    if (!vkey) return td_error_set(err, TD_EARG, "verifier key: NULL");
    if ((rc = td__key_split(vkey, "verifier key", TD_MSG_KEY_PUBLIC, name, &id, raw, err)) != 0) return rc;
    if ((rc = td_note_verifier_init(v, name, raw[0], raw + 1, err)) != 0) return rc;
    if (v->key_id != id) {
        memset(v, 0, sizeof *v);
        return td_error_set(err, TD_EPARSE, "verifier key %s: key ID %08" PRIx32 " does not match the key (%08" PRIx32 ") | "
                            TD_MSG_KEY_ID_MISMATCH, name, id, td_note_key_id(name, raw[0], raw + 1),
                            TD_MSG_KEY_PUBLIC, name, id);
    }
    return 0;
}

int td_note_skey_decode(const char *skey, td_note_signer *s, td_error *err)
{
    char name[TD_NOTE_NAME_MAX + 1];
    unsigned char raw[1 + 32], pk[32], sk[64];
    uint32_t id;
    int rc;

    memset(s, 0, sizeof *s);
    if (!skey) return td_error_set(err, TD_EARG, "signer key: NULL");
    if (strncmp(skey, td__priv_prefix, TD__PRIV_PREFIX_LEN) != 0)
        return td_error_set(err, TD_EPARSE, "signer key: does not start with PRIVATE+KEY+ | " TD_MSG_KEY_PRIVATE_PREFIX);
    if ((rc = td__key_split(skey + TD__PRIV_PREFIX_LEN, "signer key", TD_MSG_KEY_PRIVATE, name, &id, raw, err)) != 0) return rc;
    if (crypto_sign_seed_keypair(pk, sk, raw + 1) != 0) {
        sodium_memzero(raw, sizeof raw);
        return td_error_set(err, TD_ECRYPTO, "signer key %s: cannot derive the key pair | " TD_MSG_KEY_DERIVE, name, name);
    }
    sodium_memzero(raw + 1, 32);
    rc = td_note_signer_init(s, name, raw[0], sk, err);
    sodium_memzero(sk, sizeof sk);
    if (rc != 0) return rc;
    /* The key ID hashes the public key, so it is checked after derivation. */
    if (s->key_id != id) {
        td_note_signer_wipe(s);
        return td_error_set(err, TD_EPARSE, "signer key %s: key ID %08" PRIx32 " does not match the key | "
                            TD_MSG_KEY_ID_MISMATCH,
                            name, id, TD_MSG_KEY_PRIVATE, name, id);
    }
    return 0;
}

/* --- signature lines ------------------------------------------------------------ */

void td_note_sig_free(td_note_sig *s)
{
    if (!s) return;
    free(s->name);
    free(s->sig);
    memset(s, 0, sizeof *s);
}

/* Parse line[0..len) without its '\n' (signed-note §Signatures). */
static int td__sig_parse(const char *line, size_t len, td_note_sig *s, td_error *err)
{
    const char *name, *sp, *b64;
    size_t name_len, b64_len;
    unsigned char *raw;
    long n;

    memset(s, 0, sizeof *s);
    if (len < TD__SIG_PREFIX_LEN || memcmp(line, td__sig_prefix, TD__SIG_PREFIX_LEN) != 0)
        return td_error_set(err, TD_EPARSE, "signature line does not start with an em dash and a space | "
                            TD_MSG_SIG_NO_DASH);
    name = line + TD__SIG_PREFIX_LEN;
    sp = memchr(name, ' ', len - TD__SIG_PREFIX_LEN);
    if (!sp) return td_error_set(err, TD_EPARSE, "signature line has no space after the key name | " TD_MSG_SIG_NO_SPACE);
    name_len = (size_t)(sp - name);
    if (!td_note_name_valid(name, name_len))
        return td_error_set(err, TD_EPARSE, "signature line has an invalid key name | " TD_MSG_SIG_NAME_BAD);
    b64 = sp + 1;
    b64_len = len - (size_t)(b64 - line);
    if (b64_len >= TD__SIG_B64_MAX) {   /* the bound counts a NUL */
        char lim[TD_MSG_NUM_MAX];
        return td_error_set(err, TD_ETOOBIG, "signature by %.*s is over %u bytes | " TD_MSG_SIG_TOO_BIG,
                            (int)name_len, name, TD_NOTE_SIG_BYTES_MAX, (int)name_len, name,
                            td_msg_num(lim, TD_NOTE_SIG_BYTES_MAX));
    }
    raw = malloc(b64_len / 4 * 3 + 1);
    if (!raw) return td_error_set(err, TD_ENOMEM, "signature line: out of memory | " TD_MSG_NOMEM);
    n = td__b64_decode(b64, b64_len, raw, b64_len / 4 * 3 + 1);
    /* Key ID and at least one signature byte (golang.org/x/mod/sumdb/note). */
    if (n < TD_NOTE_KEYID_LEN + 1) {
        free(raw);
        return td_error_set(err, TD_EPARSE, "signature by %.*s is not base64 of a key ID and a signature | "
                            TD_MSG_SIG_NOT_BASE64, (int)name_len, name, (int)name_len, name);
    }
    s->name = malloc(name_len + 1);
    s->sig = malloc((size_t)n - TD_NOTE_KEYID_LEN);
    if (!s->name || !s->sig) {
        free(raw);
        td_note_sig_free(s);
        return td_error_set(err, TD_ENOMEM, "signature line: out of memory | " TD_MSG_NOMEM);
    }
    memcpy(s->name, name, name_len);
    s->name[name_len] = '\0';
    s->key_id = td__be32(raw);
    s->sig_len = (size_t)n - TD_NOTE_KEYID_LEN;
    memcpy(s->sig, raw + TD_NOTE_KEYID_LEN, s->sig_len);
    free(raw);
    return 0;
}

int td_note_sig_parse(const char *line, size_t len, td_note_sig *s, td_error *err)
{
    memset(s, 0, sizeof *s);
    if (!line) return td_error_set(err, TD_EARG, "signature line: NULL");
    if (len == 0 || line[len - 1] != '\n')
        return td_error_set(err, TD_EPARSE, "signature line does not end in a newline | " TD_MSG_SIG_NO_NEWLINE);
    if (td__note_bytes_bad(line, len - 1) != len - 1 || memchr(line, '\n', len - 1))
        return td_error_set(err, TD_EPARSE, "signature line has a control character or bad UTF-8 | " TD_MSG_SIG_BAD_CHAR);
    return td__sig_parse(line, len - 1, s, err);
}

/* Append s's line (with '\n') to buf at *pos; buf has room (see td__sig_line_len). */
static size_t td__sig_line_len(const td_note_sig *s)
{
    return TD__SIG_PREFIX_LEN + strlen(s->name) + 1 +
           (sodium_base64_ENCODED_LEN(TD_NOTE_KEYID_LEN + s->sig_len, sodium_base64_VARIANT_ORIGINAL) - 1) + 1;
}

static int td__sig_write(const td_note_sig *s, char *buf, size_t *pos, td_error *err)
{
    size_t nl = strlen(s->name), raw_len = TD_NOTE_KEYID_LEN + s->sig_len;
    size_t b64_cap = sodium_base64_ENCODED_LEN(raw_len, sodium_base64_VARIANT_ORIGINAL);
    unsigned char *raw = malloc(raw_len);

    if (!raw) return td_error_set(err, TD_ENOMEM, "signature line: out of memory | " TD_MSG_NOMEM);
    td__put_be32(raw, s->key_id);
    memcpy(raw + TD_NOTE_KEYID_LEN, s->sig, s->sig_len);
    memcpy(buf + *pos, td__sig_prefix, TD__SIG_PREFIX_LEN);
    *pos += TD__SIG_PREFIX_LEN;
    memcpy(buf + *pos, s->name, nl);
    *pos += nl;
    buf[(*pos)++] = ' ';
    sodium_bin2base64(buf + *pos, b64_cap, raw, raw_len, sodium_base64_VARIANT_ORIGINAL);
    *pos += b64_cap - 1;
    buf[(*pos)++] = '\n';
    buf[*pos] = '\0';
    free(raw);
    return 0;
}

static int td__sig_ok(const td_note_sig *s, td_error *err)
{
    if (!s->name || !td_note_name_valid(s->name, strlen(s->name)))
        return td_error_set(err, TD_EARG, "signature: invalid key name | " TD_MSG_SIG_NAME_BAD);
    if (!s->sig || s->sig_len == 0 || s->sig_len + TD_NOTE_KEYID_LEN > TD_NOTE_SIG_BYTES_MAX)
        return td_error_set(err, TD_EARG, "signature by %s: length %zu out of range | " TD_MSG_SIG_LEN, s->name,
                            s->sig_len, s->name, s->sig_len);
    return 0;
}

int td_note_sig_format(const td_note_sig *s, char **out, size_t *out_len, td_error *err)
{
    size_t pos = 0;
    char *buf;
    int rc;

    *out = NULL;
    *out_len = 0;
    if ((rc = td__sig_ok(s, err)) != 0) return rc;
    buf = malloc(td__sig_line_len(s) + 1);
    if (!buf) return td_error_set(err, TD_ENOMEM, "signature line: out of memory | " TD_MSG_NOMEM);
    if ((rc = td__sig_write(s, buf, &pos, err)) != 0) { free(buf); return rc; }
    *out = buf;
    *out_len = pos;
    return 0;
}

/* --- notes ------------------------------------------------------------------------ */

int td_note_text_check(const char *text, size_t len, td_error *err)
{
    char n1[TD_MSG_NUM_MAX], n2[TD_MSG_NUM_MAX];
    size_t bad;

    if (!text || len == 0) return td_error_set(err, TD_EPARSE, "note text is empty | " TD_MSG_NOTE_TEXT_EMPTY);
    if (len > TD_NOTE_TEXT_MAX)
        return td_error_set(err, TD_ETOOBIG, "note text of %zu bytes is over %u | " TD_MSG_NOTE_TEXT_TOO_BIG, len,
                            TD_NOTE_TEXT_MAX, td_msg_num(n1, len), td_msg_num(n2, TD_NOTE_TEXT_MAX));
    bad = td__note_bytes_bad(text, len);
    if (bad != len)
        return td_error_set(err, TD_EPARSE, "note text: bad UTF-8 or control character at byte %zu | "
                            TD_MSG_NOTE_TEXT_BAD_CHAR, bad, bad);
    if (text[len - 1] != '\n')
        return td_error_set(err, TD_EPARSE, "note text does not end in a newline | " TD_MSG_NOTE_TEXT_NO_NEWLINE);
    return 0;
}

void td_note_free(td_note *n)
{
    if (!n) return;
    for (size_t i = 0; i < n->n_sigs; i++) td_note_sig_free(&n->sigs[i]);
    free(n->sigs);
    free(n->text);
    memset(n, 0, sizeof *n);
}

int td_note_init(td_note *n, const char *text, size_t len, td_error *err)
{
    int rc;

    memset(n, 0, sizeof *n);
    if ((rc = td_note_text_check(text, len, err)) != 0) return rc;
    n->text = malloc(len + 1);
    if (!n->text) return td_error_set(err, TD_ENOMEM, "note: out of memory | " TD_MSG_NOMEM);
    memcpy(n->text, text, len);
    n->text[len] = '\0';
    n->text_len = len;
    return 0;
}

int td_note_parse(const char *msg, size_t len, td_note *n, td_error *err)
{
    size_t bad, split, pos, count = 0;
    char n1[TD_MSG_NUM_MAX], n2[TD_MSG_NUM_MAX];
    const char *sigs;
    int rc;

    memset(n, 0, sizeof *n);
    if (!msg) return td_error_set(err, TD_EARG, "note: NULL");
    if (len > TD_NOTE_MAX)
        return td_error_set(err, TD_ETOOBIG, "note of %zu bytes is over %u | " TD_MSG_NOTE_TOO_BIG, len, TD_NOTE_MAX,
                            td_msg_num(n1, len), td_msg_num(n2, TD_NOTE_MAX));
    bad = td__note_bytes_bad(msg, len);
    if (bad != len)
        return td_error_set(err, TD_EPARSE, "note: bad UTF-8 or control character at byte %zu | " TD_MSG_NOTE_BAD_CHAR,
                            bad, bad);
    /* The text ends at the last empty line (signed-note §Format). */
    for (split = len; split >= 2; split--)
        if (msg[split - 2] == '\n' && msg[split - 1] == '\n') break;
    if (split < 2) return td_error_set(err, TD_EPARSE, "note: no blank line before the signatures | " TD_MSG_NOTE_NO_BLANK);
    split -= 2;                                  /* msg[split] is the text's last '\n' */
    sigs = msg + split + 2;
    if (sigs == msg + len) return td_error_set(err, TD_EPARSE, "note: no signature lines | " TD_MSG_NOTE_NO_SIGS);
    if (msg[len - 1] != '\n') return td_error_set(err, TD_EPARSE, "note: last signature line has no newline | "
                                                  TD_MSG_NOTE_LAST_NO_NEWLINE);
    if ((rc = td_note_init(n, msg, split + 1, err)) != 0) return rc;
    for (pos = split + 2; pos < len; pos++)
        if (msg[pos] == '\n') count++;
    if (count > TD_NOTE_SIGS_MAX) {
        td_note_free(n);
        return td_error_set(err, TD_ETOOBIG, "note has %zu signatures, over %u | " TD_MSG_NOTE_TOO_MANY_SIGS, count,
                            TD_NOTE_SIGS_MAX, count, TD_NOTE_SIGS_MAX);
    }
    n->sigs = calloc(count, sizeof *n->sigs);
    if (!n->sigs) { td_note_free(n); return td_error_set(err, TD_ENOMEM, "note: out of memory | " TD_MSG_NOMEM); }
    pos = split + 2;
    while (pos < len) {
        const char *nl = memchr(msg + pos, '\n', len - pos);   /* found: msg ends in '\n' */
        size_t line_len = (size_t)(nl - (msg + pos));
        if ((rc = td__sig_parse(msg + pos, line_len, &n->sigs[n->n_sigs], err)) != 0) {
            size_t idx = n->n_sigs + 1;
            td_note_free(n);
            td_error_prefix(err, rc, "note: signature %zu: | " TD_MSG_NOTE_SIG_AT, idx, idx);
            return rc;
        }
        n->n_sigs++;
        pos += line_len + 1;
    }
    return 0;
}

int td_note_format(const td_note *n, char **out, size_t *out_len, td_error *err)
{
    size_t cap, pos;
    char *buf;
    int rc;

    *out = NULL;
    *out_len = 0;
    if (!n->text || td_note_text_check(n->text, n->text_len, NULL) != 0)
        return td_error_set(err, TD_EARG, "note format: invalid text | " TD_MSG_NOTE_FORMAT_TEXT);
    if (n->n_sigs == 0) return td_error_set(err, TD_EARG, "note format: no signatures | " TD_MSG_NOTE_FORMAT_NO_SIGS);
    if (n->n_sigs > TD_NOTE_SIGS_MAX)
        return td_error_set(err, TD_ETOOBIG, "note format: %zu signatures, over %u | " TD_MSG_NOTE_FORMAT_TOO_MANY,
                            n->n_sigs, TD_NOTE_SIGS_MAX, n->n_sigs, TD_NOTE_SIGS_MAX);
    cap = n->text_len + 1 + 1;
    for (size_t i = 0; i < n->n_sigs; i++) {
        if ((rc = td__sig_ok(&n->sigs[i], err)) != 0) return rc;
        cap += td__sig_line_len(&n->sigs[i]);
    }
    buf = malloc(cap);
    if (!buf) return td_error_set(err, TD_ENOMEM, "note format: out of memory | " TD_MSG_NOMEM);
    memcpy(buf, n->text, n->text_len);
    pos = n->text_len;
    buf[pos++] = '\n';
    for (size_t i = 0; i < n->n_sigs; i++)
        if ((rc = td__sig_write(&n->sigs[i], buf, &pos, err)) != 0) { free(buf); return rc; }
    buf[pos] = '\0';
    *out = buf;
    *out_len = pos;
    return 0;
}

/* Fill s with a signature by signer over text; cosignatures at timestamp. */
static int td__make_sig(const td_note_signer *signer, const char *text, size_t len,
                        uint64_t timestamp, td_note_sig *s, td_error *err)
{
    size_t nl = strlen(signer->name);
    char *msg = NULL;
    size_t msg_len = 0;
    int rc;

    memset(s, 0, sizeof *s);
    if (signer->type == TD_NOTE_TYPE_COSIG_V1) {
        if ((rc = td_cosig_message(text, len, timestamp, &msg, &msg_len, err)) != 0) return rc;
        s->sig_len = TD_COSIG_SIG_LEN;
    } else if (signer->type == TD_NOTE_TYPE_ED25519) {
        s->sig_len = TD_NOTE_ED25519_SIG_LEN;
    } else {
        return td_error_set(err, TD_EARG, "note sign: unsupported signature type 0x%02x | " TD_MSG_NOTE_SIGN_TYPE,
                            signer->type, signer->type);
    }
    s->name = malloc(nl + 1);
    s->sig = malloc(s->sig_len);
    if (!s->name || !s->sig) {
        free(msg);
        td_note_sig_free(s);
        return td_error_set(err, TD_ENOMEM, "note sign: out of memory | " TD_MSG_NOMEM);
    }
    memcpy(s->name, signer->name, nl + 1);
    s->key_id = signer->key_id;
    if (signer->type == TD_NOTE_TYPE_COSIG_V1) {
        /* tlog-cosignature §Format: u64 big-endian timestamp, then the signature. */
        td__put_be64(s->sig, timestamp);
        rc = crypto_sign_detached(s->sig + TD_COSIG_TIMESTAMP_LEN, NULL,
                                  (const unsigned char *)msg, msg_len, signer->sk);
    } else {
        rc = crypto_sign_detached(s->sig, NULL, (const unsigned char *)text, len, signer->sk);
    }
    free(msg);
    if (rc != 0) {
        td_note_sig_free(s);
        return td_error_set(err, TD_ECRYPTO, "note sign: Ed25519 signing by %s failed | " TD_MSG_NOTE_SIGN_FAILED,
                            signer->name, signer->name);
    }
    return 0;
}

int td_note_add_sig(td_note *n, const td_note_signer *s, uint64_t timestamp, td_error *err)
{
    td_note_sig sig;
    size_t i, j;
    int rc;

    if (!n->text) return td_error_set(err, TD_EARG, "note sign: no text | " TD_MSG_NOTE_SIGN_NO_TEXT);
    /* A new signature by the same key replaces the old (sumdb/note Sign). */
    for (i = j = 0; i < n->n_sigs; i++)
        if (!(n->sigs[i].key_id == s->key_id && strcmp(n->sigs[i].name, s->name) == 0)) j++;
    if (j >= TD_NOTE_SIGS_MAX)
        return td_error_set(err, TD_ETOOBIG, "note sign: already %u signatures | " TD_MSG_NOTE_SIGN_FULL,
                            TD_NOTE_SIGS_MAX, TD_NOTE_SIGS_MAX);
    if (TD_GROW_ONE(n->sigs, n->n_sigs))
        return td_error_set(err, TD_ENOMEM, "note sign: out of memory | " TD_MSG_NOMEM);
    if ((rc = td__make_sig(s, n->text, n->text_len, timestamp, &sig, err)) != 0) return rc;
    for (i = j = 0; i < n->n_sigs; i++) {
        if (n->sigs[i].key_id == s->key_id && strcmp(n->sigs[i].name, s->name) == 0)
            td_note_sig_free(&n->sigs[i]);
        else
            n->sigs[j++] = n->sigs[i];
    }
    n->n_sigs = j;
    n->sigs[n->n_sigs++] = sig;
    return 0;
}

int td_note_sign(const char *text, size_t len, const td_note_signer *s,
                 char **out, size_t *out_len, td_error *err)
{
    td_note n;
    int rc;

    *out = NULL;
    *out_len = 0;
    if ((rc = td_note_init(&n, text, len, err)) != 0) return rc;
    if ((rc = td_note_add_sig(&n, s, 0, err)) == 0)
        rc = td_note_format(&n, out, out_len, err);
    td_note_free(&n);
    return rc;
}

/* Verify one signature by a known key over text.  0, or TD_ESIG with a message. */
static int td__verify_one(const td_note_verifier *v, const char *text, size_t len,
                          const td_note_sig *s, uint64_t *ts, td_error *err)
{
    if (v->type == TD_NOTE_TYPE_COSIG_V1) return td_cosig_verify(v, text, len, s, ts, err);
    if (v->type != TD_NOTE_TYPE_ED25519)
        return td_error_set(err, TD_EARG, "note verify: unsupported signature type 0x%02x | " TD_MSG_NOTE_VERIFY_TYPE,
                            v->type, v->type);
    if (s->sig_len != TD_NOTE_ED25519_SIG_LEN ||
        crypto_sign_verify_detached(s->sig, (const unsigned char *)text, len, v->pk) != 0)
        return td_error_set(err, TD_ESIG, "note: invalid signature for key %s+%08" PRIx32 " | " TD_MSG_SIG_INVALID,
                            v->name, v->key_id, v->name, v->key_id);
    return 0;
}

int td_note_verify(const td_note *n, const td_note_verifier *known, size_t n_known,
                   unsigned char *verified, td_error *err)
{
    size_t good = 0;
    int rc;

    if (verified) memset(verified, 0, n_known);
    if (!n->text) return td_error_set(err, TD_EARG, "note verify: no text | " TD_MSG_NOTE_VERIFY_NO_TEXT);
    for (size_t i = 0; i < n_known; i++)
        for (size_t j = i + 1; j < n_known; j++)
            if (known[i].key_id == known[j].key_id && strcmp(known[i].name, known[j].name) == 0)
                return td_error_set(err, TD_EARG, "note verify: ambiguous key %s+%08" PRIx32 " | " TD_MSG_NOTE_KEY_TWICE,
                                    known[i].name, known[i].key_id, known[i].name, known[i].key_id);
    for (size_t s = 0; s < n->n_sigs; s++) {
        const td_note_sig *sig = &n->sigs[s];
        for (size_t k = 0; k < n_known; k++) {
            /* signed-note §Signatures: both name and key ID must match. */
            if (known[k].key_id != sig->key_id || strcmp(known[k].name, sig->name) != 0) continue;
            if ((rc = td__verify_one(&known[k], n->text, n->text_len, sig, NULL, err)) != 0) {
                if (verified) memset(verified, 0, n_known);
                return rc;
            }
            if (verified) verified[k] = 1;
            good++;
        }
    }
    if (good == 0) return td_error_set(err, TD_ENOTFOUND, "note has no signature by a known key | "
                                       TD_MSG_NOTE_NO_KNOWN_SIG);
    return 0;
}

/* --- checkpoints ------------------------------------------------------------------- */

void td_checkpoint_free(td_checkpoint *c)
{
    if (!c) return;
    free(c->ext);
    memset(c, 0, sizeof *c);
}

/* tlog-checkpoint §Note text 2: decimal, no leading zeros, fits uint64. */
static int td__parse_size(const char *s, size_t len, uint64_t *out)
{
    uint64_t v = 0;

    if (len == 0 || len > 20 || (s[0] == '0' && len > 1)) return -1;
    for (size_t i = 0; i < len; i++) {
        unsigned d;
        if (s[i] < '0' || s[i] > '9') return -1;
        d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10) return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

int td_checkpoint_parse(const char *body, size_t len, td_checkpoint *c, td_error *err)
{
    const char *line[3], *end, *p;
    size_t line_len[3];
    unsigned char root[TD_CHECKPOINT_HASH_LEN + 3];
    long n;
    int rc;

    memset(c, 0, sizeof *c);
    if ((rc = td_note_text_check(body, len, err)) != 0) return td_error_prefix(err, rc, "checkpoint: | " TD_MSG_CKPT_AT);
    end = body + len;
    p = body;
    for (int i = 0; i < 3; i++) {
        const char *nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
        if (!nl) return td_error_set(err, TD_EPARSE, "checkpoint: only %d of the 3 required lines | " TD_MSG_CKPT_LINES,
                                     i, i);
        line[i] = p;
        line_len[i] = (size_t)(nl - p);
        p = nl + 1;
    }
    if (line_len[0] == 0) return td_error_set(err, TD_EPARSE, "checkpoint: empty origin line | " TD_MSG_CKPT_ORIGIN_EMPTY);
    if (line_len[0] > TD_CHECKPOINT_ORIGIN_MAX)
        return td_error_set(err, TD_ETOOBIG, "checkpoint: origin of %zu bytes is over %u | " TD_MSG_CKPT_ORIGIN_TOO_BIG,
                            line_len[0], TD_CHECKPOINT_ORIGIN_MAX, line_len[0], TD_CHECKPOINT_ORIGIN_MAX);
    if (td__parse_size(line[1], line_len[1], &c->size) != 0)
        return td_error_set(err, TD_EPARSE, "checkpoint %.*s: tree size \"%.*s\" is not a decimal without leading zeros | "
                            TD_MSG_CKPT_SIZE_BAD, (int)line_len[0], line[0], (int)(line_len[1] > 40 ? 40 : line_len[1]),
                            line[1], (int)line_len[0], line[0], (int)(line_len[1] > 40 ? 40 : line_len[1]), line[1]);
    n = td__b64_decode(line[2], line_len[2], root, sizeof root);
    if (n != TD_CHECKPOINT_HASH_LEN) {
        c->size = 0;
        return td_error_set(err, TD_EPARSE, "checkpoint %.*s: root hash is not base64 of 32 bytes | " TD_MSG_CKPT_ROOT_BAD,
                            (int)line_len[0], line[0], (int)line_len[0], line[0]);
    }
    /* tlog-checkpoint §Note text 4: extension lines, if any, MUST be non-empty. */
    for (const char *q = p; q < end; q++)
        if (*q == '\n' && (q == p || q[-1] == '\n')) {
            c->size = 0;
            return td_error_set(err, TD_EPARSE, "checkpoint %.*s: empty extension line | " TD_MSG_CKPT_EXT_EMPTY,
                                (int)line_len[0], line[0], (int)line_len[0], line[0]);
        }
    if (p < end) {
        c->ext_len = (size_t)(end - p);
        c->ext = malloc(c->ext_len + 1);
        if (!c->ext) { memset(c, 0, sizeof *c); return td_error_set(err, TD_ENOMEM, "checkpoint: out of memory | "
                                                                    TD_MSG_NOMEM); }
        memcpy(c->ext, p, c->ext_len);
        c->ext[c->ext_len] = '\0';
    }
    memcpy(c->origin, line[0], line_len[0]);
    c->origin[line_len[0]] = '\0';
    memcpy(c->root, root, TD_CHECKPOINT_HASH_LEN);
    return 0;
}

int td_checkpoint_format(const td_checkpoint *c, char **out, size_t *out_len, td_error *err)
{
    char b64[sodium_base64_ENCODED_LEN(TD_CHECKPOINT_HASH_LEN, sodium_base64_VARIANT_ORIGINAL)];
    size_t olen = strnlen(c->origin, sizeof c->origin), cap, pos;
    td_checkpoint back;
    char *buf;
    int k;

    *out = NULL;
    *out_len = 0;
    if (olen == 0 || olen > TD_CHECKPOINT_ORIGIN_MAX || memchr(c->origin, '\n', olen))
        return td_error_set(err, TD_EARG, "checkpoint format: bad origin | " TD_MSG_CKPT_FORMAT_ORIGIN);
    if ((c->ext_len > 0) != (c->ext != NULL))
        return td_error_set(err, TD_EARG, "checkpoint format: ext and ext_len disagree | " TD_MSG_CKPT_FORMAT_EXT);
    sodium_bin2base64(b64, sizeof b64, c->root, TD_CHECKPOINT_HASH_LEN, sodium_base64_VARIANT_ORIGINAL);
    cap = olen + 1 + 20 + 1 + sizeof b64 + c->ext_len + 1;
    buf = malloc(cap);
    if (!buf) return td_error_set(err, TD_ENOMEM, "checkpoint format: out of memory | " TD_MSG_NOMEM);
    k = snprintf(buf, cap, "%s\n%" PRIu64 "\n%s\n", c->origin, c->size, b64);
    pos = (size_t)k;
    if (c->ext_len) memcpy(buf + pos, c->ext, c->ext_len);
    pos += c->ext_len;
    buf[pos] = '\0';
    /* The origin and extension lines are the caller's: make sure they read back. */
    if (td_checkpoint_parse(buf, pos, &back, err) != 0) {
        free(buf);
        return td_error_set(err, TD_EARG, "checkpoint format: result would not parse back | " TD_MSG_CKPT_FORMAT_REREAD);
    }
    td_checkpoint_free(&back);
    *out = buf;
    *out_len = pos;
    return 0;
}

int td_checkpoint_sign(const td_checkpoint *c, const td_note_signer *log_key,
                       char **out, size_t *out_len, td_error *err)
{
    char *body;
    size_t len;
    int rc;

    *out = NULL;
    *out_len = 0;
    if (log_key->type != TD_NOTE_TYPE_ED25519)
        return td_error_set(err, TD_EARG, "checkpoint sign: log key %s is not type 0x01 | " TD_MSG_CKPT_SIGN_TYPE,
                            log_key->name, log_key->name);
    if ((rc = td_checkpoint_format(c, &body, &len, err)) != 0) return rc;
    rc = td_note_sign(body, len, log_key, out, out_len, err);
    free(body);
    return rc;
}

int td_checkpoint_open(const char *msg, size_t len, const td_note_verifier *log_key,
                       const char *origin, td_checkpoint *c, td_note *n, td_error *err)
{
    td_note note;
    int rc;

    memset(c, 0, sizeof *c);
    if (n) memset(n, 0, sizeof *n);
    if ((rc = td_note_parse(msg, len, &note, err)) != 0) return rc;
    if ((rc = td_note_verify(&note, log_key, 1, NULL, err)) != 0) goto fail;
    if ((rc = td_checkpoint_parse(note.text, note.text_len, c, err)) != 0) goto fail;
    if (origin && strcmp(origin, c->origin) != 0) {
        rc = td_error_set(err, TD_EAUTH, "checkpoint: origin \"%s\", expected \"%s\" | " TD_MSG_CKPT_ORIGIN_OTHER,
                          c->origin, origin, c->origin, origin);
        td_checkpoint_free(c);
        goto fail;
    }
    if (n) *n = note;
    else td_note_free(&note);
    return 0;
fail:
    td_note_free(&note);
    return rc;
}

/* --- cosignatures ------------------------------------------------------------------ */

int td_cosig_message(const char *body, size_t len, uint64_t timestamp,
                     char **out, size_t *out_len, td_error *err)
{
    td_checkpoint c;
    char head[64];
    char *buf;
    int k, rc;

    *out = NULL;
    *out_len = 0;
    if (timestamp > TD_COSIG_TIME_MAX)
        return td_error_set(err, TD_EARG, "cosignature: timestamp %" PRIu64 " over 2^63-1 | " TD_MSG_COSIG_TIME_BAD,
                            timestamp, timestamp);
    if ((rc = td_checkpoint_parse(body, len, &c, err)) != 0) return rc;
    td_checkpoint_free(&c);
    /* §Ed25519 signed message: header line, "time <decimal, no leading zeros>", body. */
    k = snprintf(head, sizeof head, "%stime %" PRIu64 "\n", td__cosig_header, timestamp);
    buf = malloc((size_t)k + len + 1);
    if (!buf) return td_error_set(err, TD_ENOMEM, "cosignature: out of memory | " TD_MSG_NOMEM);
    memcpy(buf, head, (size_t)k);
    memcpy(buf + k, body, len);
    buf[(size_t)k + len] = '\0';
    *out = buf;
    *out_len = (size_t)k + len;
    return 0;
}

int td_cosig_line(const td_note_signer *w, const char *body, size_t len, uint64_t timestamp,
                  char line[TD_COSIG_LINE_MAX], td_error *err)
{
    td_note_sig s;
    size_t pos = 0;
    int rc;

    line[0] = '\0';
    if (w->type != TD_NOTE_TYPE_COSIG_V1)
        return td_error_set(err, TD_EARG, "cosignature: witness key %s is not type 0x04 | " TD_MSG_COSIG_KEY_TYPE,
                            w->name, w->name);
    if ((rc = td__make_sig(w, body, len, timestamp, &s, err)) != 0) return rc;
    assert(td__sig_line_len(&s) < TD_COSIG_LINE_MAX);
    rc = td__sig_write(&s, line, &pos, err);
    td_note_sig_free(&s);
    return rc;
}

int td_cosig_timestamp(const td_note_sig *s, uint64_t *timestamp, td_error *err)
{
    if (s->sig_len != TD_COSIG_SIG_LEN)
        return td_error_set(err, TD_EPARSE, "cosignature by %s: %zu bytes, expected %d | " TD_MSG_COSIG_LEN,
                            s->name ? s->name : "?", s->sig_len, TD_COSIG_SIG_LEN, s->name ? s->name : "?", s->sig_len,
                            TD_COSIG_SIG_LEN);
    *timestamp = td__be64(s->sig);
    return 0;
}

int td_cosig_verify(const td_note_verifier *w, const char *body, size_t len,
                    const td_note_sig *s, uint64_t *timestamp, td_error *err)
{
    uint64_t ts;
    char *msg;
    size_t msg_len;
    int rc;

    if (w->type != TD_NOTE_TYPE_COSIG_V1)
        return td_error_set(err, TD_EARG, "cosignature: witness key %s is not type 0x04 | " TD_MSG_COSIG_KEY_TYPE,
                            w->name, w->name);
    if (!s->name || s->key_id != w->key_id || strcmp(s->name, w->name) != 0)
        return td_error_set(err, TD_ENOTFOUND, "cosignature is not by %s+%08" PRIx32 " | " TD_MSG_COSIG_OTHER_KEY,
                            w->name, w->key_id, w->name, w->key_id);
    if (s->sig_len != TD_COSIG_SIG_LEN)
        return td_error_set(err, TD_ESIG, "cosignature by %s: %zu bytes, expected %d | " TD_MSG_COSIG_LEN, w->name,
                            s->sig_len, TD_COSIG_SIG_LEN, w->name, s->sig_len, TD_COSIG_SIG_LEN);
    ts = td__be64(s->sig);
    if (ts > TD_COSIG_TIME_MAX)
        return td_error_set(err, TD_ESIG, "cosignature by %s: timestamp over 2^63-1 | " TD_MSG_COSIG_TIME_OVER, w->name,
                            w->name);
    if ((rc = td_cosig_message(body, len, ts, &msg, &msg_len, err)) != 0) {
        if (rc == TD_EPARSE || rc == TD_ETOOBIG)
            rc = td_error_set(err, TD_ESIG, "cosignature by %s: the cosigned text is not a checkpoint | "
                              TD_MSG_COSIG_NOT_CKPT, w->name, w->name);
        return rc;
    }
    rc = crypto_sign_verify_detached(s->sig + TD_COSIG_TIMESTAMP_LEN, (const unsigned char *)msg, msg_len, w->pk);
    free(msg);
    if (rc != 0)
        return td_error_set(err, TD_ESIG, "cosignature: invalid signature for key %s+%08" PRIx32 " | "
                            TD_MSG_COSIG_INVALID, w->name, w->key_id, w->name, w->key_id);
    if (timestamp) *timestamp = ts;
    return 0;
}

int td_cosig_find(const td_note *n, const td_note_verifier *w, uint64_t *timestamp, td_error *err)
{
    uint64_t ts, best = 0;
    size_t found = 0;
    int rc;

    if (w->type != TD_NOTE_TYPE_COSIG_V1)
        return td_error_set(err, TD_EARG, "cosignature: witness key %s is not type 0x04 | " TD_MSG_COSIG_KEY_TYPE,
                            w->name, w->name);
    for (size_t i = 0; i < n->n_sigs; i++) {
        const td_note_sig *s = &n->sigs[i];
        if (s->key_id != w->key_id || strcmp(s->name, w->name) != 0) continue;
        if ((rc = td_cosig_verify(w, n->text, n->text_len, s, &ts, err)) != 0) return rc;
        if (found++ == 0 || ts > best) best = ts;
    }
    if (!found) return td_error_set(err, TD_ENOTFOUND, "no cosignature by %s+%08" PRIx32 " | " TD_MSG_COSIG_NONE,
                                      w->name, w->key_id, w->name, w->key_id);
    if (timestamp) *timestamp = best;
    return 0;
}
