/*
 * hash.h — SHA-256 and the ChaCha20 keystream through OpenSSL's libcrypto.
 *
 * The server hashes every pushed entry several times outside its signature
 * check: the Merkle leaf and the nodes it completes (merkle.c), the records
 * the fold changes and their LtHash expansion (derive.c, digest v2).
 * libcrypto uses the CPU's SHA extensions and its vector ChaCha20 where
 * the CPU has them: 3-5 times libsodium's portable SHA-256 on a few hundred
 * bytes, twice its ChaCha20 on 2 KiB (BENCHMARKS.md, "loopcost").  The
 * functions are the same, so every hash value is the same as before.
 *
 * Each thread keeps one libcrypto context of each kind for reuse (freed
 * when the thread ends); if libcrypto cannot give one (out of memory), the
 * same function is computed with libsodium, so nothing here fails.
 * Reentrant; a td_sha256_ctx belongs to one thread from init to final.
 */
#ifndef TD_HASH_H
#define TD_HASH_H

#include <stddef.h>

#include <sodium.h>

#define TD_SHA256_LEN 32

/* Bytes a state collects before it hands them to libcrypto: most records
 * the fold hashes fit, and are then hashed in one call. */
#define TD_SHA256_BUF 1024

typedef struct td_sha256_ctx {
    void *ctx;                        /* libcrypto's context, once buf overflowed */
    int sodium;                       /* libcrypto failed: fb holds the state */
    crypto_hash_sha256_state fb;
    size_t n;                         /* bytes in buf */
    unsigned char buf[TD_SHA256_BUF];
} td_sha256_ctx;

void td_sha256_init(td_sha256_ctx *h);
void td_sha256_update(td_sha256_ctx *h, const void *p, size_t n);
/* The digest; the state must be initialised again before reuse. */
void td_sha256_final(td_sha256_ctx *h, unsigned char out[TD_SHA256_LEN]);

/* SHA-256 of p[0..n). */
void td_sha256(unsigned char out[TD_SHA256_LEN], const void *p, size_t n);

/* ChaCha20 (the original one, 64-bit nonce) keystream of key with a zero
 * nonce, from block 0: libsodium's crypto_stream_chacha20(out, n, {0}, key).
 * n < 2^38 (the 32-bit block counter of libcrypto never wraps). */
void td_chacha20_stream(unsigned char *out, size_t n, const unsigned char key[32]);

#endif
