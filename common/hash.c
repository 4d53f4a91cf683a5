/* hash.c — see hash.h. */
#include "hash.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>

/* Fetched once (an implicit fetch per use costs as much as hashing 200
 * bytes); each thread's reusable contexts hang off the two keys. */
static pthread_once_t td__hash_once = PTHREAD_ONCE_INIT;
static EVP_MD *td__sha256_md;
static EVP_CIPHER *td__chacha20_cipher;
static pthread_key_t td__md_key, td__cipher_key;
static int td__keys_ok;

static void td__md_ctx_free(void *p) { EVP_MD_CTX_free(p); }
static void td__cipher_ctx_free(void *p) { EVP_CIPHER_CTX_free(p); }

static void td__hash_setup(void)
{
    td__sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
    td__chacha20_cipher = EVP_CIPHER_fetch(NULL, "ChaCha20", NULL);
    td__keys_ok = pthread_key_create(&td__md_key, td__md_ctx_free) == 0 &&
                  pthread_key_create(&td__cipher_key, td__cipher_ctx_free) == 0;
}

/* This thread's context, taken out of the cache (a nested use makes its
 * own), or a new one; NULL if libcrypto has none to give. */
static EVP_MD_CTX *td__md_take(void)
{
    EVP_MD_CTX *c = NULL;
    pthread_once(&td__hash_once, td__hash_setup);
    if (!td__sha256_md) return NULL;
    if (td__keys_ok && (c = pthread_getspecific(td__md_key))) pthread_setspecific(td__md_key, NULL);
    if (!c) c = EVP_MD_CTX_new();
    if (c && EVP_DigestInit_ex(c, td__sha256_md, NULL) != 1) {
        EVP_MD_CTX_free(c);
        c = NULL;
    }
    return c;
}

static void td__md_give(EVP_MD_CTX *c)
{
    if (td__keys_ok && !pthread_getspecific(td__md_key) && pthread_setspecific(td__md_key, c) == 0) return;
    EVP_MD_CTX_free(c);
}

/* libcrypto is out: the rest goes to libsodium, after what buf holds. */
static void td__to_sodium(td_sha256_ctx *h)
{
    crypto_hash_sha256_init(&h->fb);
    crypto_hash_sha256_update(&h->fb, h->buf, h->n);
    h->n = 0;
    h->sodium = 1;
}

void td_sha256_init(td_sha256_ctx *h)
{
    h->ctx = NULL;
    h->sodium = 0;
    h->n = 0;
}

void td_sha256_update(td_sha256_ctx *h, const void *p, size_t n)
{
    if (h->sodium) {
        crypto_hash_sha256_update(&h->fb, p, n);
        return;
    }
    if (n <= sizeof h->buf - h->n) {
        if (n) memcpy(h->buf + h->n, p, n);
        h->n += n;
        return;
    }
    if (!h->ctx && !(h->ctx = td__md_take())) {
        td__to_sodium(h);
        crypto_hash_sha256_update(&h->fb, p, n);
        return;
    }
    /* SHA-256 updates of an initialised context do not fail */
    EVP_DigestUpdate(h->ctx, h->buf, h->n);
    h->n = 0;
    if (n >= sizeof h->buf) {
        EVP_DigestUpdate(h->ctx, p, n);
    } else {
        memcpy(h->buf, p, n);
        h->n = n;
    }
}

void td_sha256_final(td_sha256_ctx *h, unsigned char out[TD_SHA256_LEN])
{
    unsigned int len = 0;
    if (!h->sodium && !h->ctx && !(h->ctx = td__md_take())) td__to_sodium(h);
    if (h->sodium) {
        crypto_hash_sha256_final(&h->fb, out);
        return;
    }
    EVP_DigestUpdate(h->ctx, h->buf, h->n);
    if (EVP_DigestFinal_ex(h->ctx, out, &len) != 1 || len != TD_SHA256_LEN) {
        /* never seen with SHA-256; the state is gone, so no digest is
         * better than a wrong one that looks right */
        memset(out, 0, TD_SHA256_LEN);
    }
    td__md_give(h->ctx);
    h->ctx = NULL;
}

void td_sha256(unsigned char out[TD_SHA256_LEN], const void *p, size_t n)
{
    EVP_MD_CTX *c = td__md_take();
    unsigned int len = 0;
    if (!c) {
        crypto_hash_sha256(out, p, n);
        return;
    }
    if (EVP_DigestUpdate(c, p, n) != 1 || EVP_DigestFinal_ex(c, out, &len) != 1 || len != TD_SHA256_LEN)
        crypto_hash_sha256(out, p, n);
    td__md_give(c);
}

void td_chacha20_stream(unsigned char *out, size_t n, const unsigned char key[32])
{
    static const unsigned char zero_nonce[crypto_stream_chacha20_NONCEBYTES];
    /* libcrypto's 16 IV bytes are the block counter (low word first) and
     * the nonce: all zero is block 0 with libsodium's zero nonce */
    static const unsigned char iv[16];
    EVP_CIPHER_CTX *c = NULL;
    int ok = 0;
    pthread_once(&td__hash_once, td__hash_setup);
    if (td__chacha20_cipher && n < ((uint64_t)1 << 38)) {
        if (td__keys_ok && (c = pthread_getspecific(td__cipher_key))) pthread_setspecific(td__cipher_key, NULL);
        if (!c && (c = EVP_CIPHER_CTX_new()) && EVP_EncryptInit_ex2(c, td__chacha20_cipher, NULL, NULL, NULL) != 1) {
            EVP_CIPHER_CTX_free(c);
            c = NULL;
        }
    }
    if (c && EVP_EncryptInit_ex2(c, NULL, key, iv, NULL) == 1) {
        /* the keystream is the encryption of zeros */
        static const unsigned char zeros[4096];
        ok = 1;
        for (size_t off = 0; ok && off < n;) {
            int step = n - off > sizeof zeros ? (int)sizeof zeros : (int)(n - off), outl = 0;
            ok = EVP_EncryptUpdate(c, out + off, &outl, zeros, step) == 1 && outl == step;
            off += (size_t)step;
        }
    }
    if (c) {
        if (!td__keys_ok || pthread_getspecific(td__cipher_key) || pthread_setspecific(td__cipher_key, c) != 0)
            EVP_CIPHER_CTX_free(c);
    }
    if (!ok) crypto_stream_chacha20(out, n, zero_nonce, key);
}
