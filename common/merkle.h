/*
 * merkle.h — the RFC 6962 Merkle tree of the audit log (docs/LOG.md §8).
 *
 * Hashes (RFC 6962 §2.1, SHA-256):
 *   leaf hash  = SHA-256(0x00 || data)
 *   node hash  = SHA-256(0x01 || left || right)
 *   MTH({})    = SHA-256()            (the empty tree)
 *
 * Storage ("stored subtree hashes", as in Russ Cox, "Transparent Logs for
 * Skeptical Clients", and the Go tlog package): for each level L the store
 * holds the hash of every *complete* subtree of 2^L leaves at position i,
 * i.e. MTH(D[i*2^L : (i+1)*2^L]).  Level 0 holds the leaf hashes.  These
 * hashes never change once written, so the store is append-only (SQLite
 * triggers can refuse UPDATE/DELETE).  A tree of n leaves has fewer than 2n
 * stored hashes, and every older tree size can still be served from it.
 *
 * Costs, in store reads (get) and writes (put), n = tree size:
 *   append                  ctz(~n) gets and 1 + ctz(~n) puts (<= bitlen(n+1) + 1)
 *   root                    popcount(n) gets (<= 64)
 *   inclusion proof         O(log n) gets (at most 2*bitlen(n)+2, tested)
 *   consistency proof       O(log n) gets (at most 3*bitlen(n)+3, tested)
 *   verification            no store at all, O(proof length) hashes
 * Hashes of subtrees that are not complete and aligned (the right edge of a
 * tree whose size is not a power of two) are computed from the complete
 * subtrees inside them.
 *
 * Errors: every int function returns 0 or a negative TD_E* code and, when
 * err is not NULL, fills it with a one-line English message.  A store
 * callback's non-zero return is passed through (a positive one becomes
 * TD_EIO).  Nothing here allocates, except the in-memory store (and the
 * hashing's one reusable context per thread, hash.h).
 * All functions are reentrant; a store is used by one thread at a time.
 */
#ifndef TD_MERKLE_H
#define TD_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* SHA-256 output. */
#define TD_MERKLE_HASH_LEN 32

/* Largest tree size accepted anywhere: 2^63 leaves.  It keeps the tree depth
 * at 63, so that an inclusion proof has at most 63 hashes and a consistency
 * proof at most 64 (RFC 9162 §2.1.3.1/§2.1.4.1 bound them by the depth, +1
 * for the seed of a consistency proof), and no size arithmetic overflows. */
#define TD_MERKLE_MAX_SIZE ((uint64_t)1 << 63)

/* Longest proof, in hashes: proof buffers hold this many (2 KiB). */
#define TD_MERKLE_MAX_PROOF 64

/* Levels a store may be asked for: 0 (leaves) .. 63. */
#define TD_MERKLE_MAX_LEVELS 64

/* Bytes of a proof buffer. */
#define TD_MERKLE_PROOF_BYTES (TD_MERKLE_MAX_PROOF * TD_MERKLE_HASH_LEN)

/* ---- hashing (RFC 6962 §2.1) -------------------------------------------- */

/* SHA-256(0x00 || data).  data may be NULL when len is 0. */
void td_merkle_leaf_hash(const void *data, size_t len, unsigned char out[TD_MERKLE_HASH_LEN]);
/* SHA-256(0x01 || l || r).  out may alias l or r. */
void td_merkle_node_hash(const unsigned char l[TD_MERKLE_HASH_LEN], const unsigned char r[TD_MERKLE_HASH_LEN],
                         unsigned char out[TD_MERKLE_HASH_LEN]);
/* MTH of the empty tree: SHA-256 of no bytes (e3b0c442...). */
void td_merkle_empty_root(unsigned char out[TD_MERKLE_HASH_LEN]);

/* ---- storage ------------------------------------------------------------- */

/*
 * Where the complete subtree hashes live: memory (td_merkle_mem below) for
 * tests and the inspector, SQLite on the server.
 *
 * get: copy the hash of complete subtree (level, index) to out; return 0,
 *      TD_ENOTFOUND if it was never put, or another TD_E* code.
 * put: record it; return 0 or a TD_E* code.  A put of a hash already stored
 *      with the same value must succeed (append is then safe to retry after a
 *      failure part-way); a different value is TD_EEXISTS.
 * The functions below never ask for a level >= TD_MERKLE_MAX_LEVELS.
 */
typedef struct td_merkle_store {
    int (*get)(void *arg, unsigned level, uint64_t index, unsigned char out[TD_MERKLE_HASH_LEN]);
    int (*put)(void *arg, unsigned level, uint64_t index, const unsigned char h[TD_MERKLE_HASH_LEN]);
    void *arg;
} td_merkle_store;

/*
 * Append one leaf to a tree of size_before leaves: put the leaf hash at
 * (0, size_before), then the hash of every complete subtree that the new leaf
 * completes, (L, size_before >> L) for L = 1 .. number of trailing one bits of
 * size_before.  That is 1 + ctz(~size_before) puts and ctz(~size_before) gets.
 *
 * size_before must be the number of leaves already in the store: the store
 * cannot check it cheaply, the caller (the server's log table, in the same
 * transaction) does.  If a put fails part-way, the store holds a prefix of
 * the writes; wrap append in a transaction, or simply call it again.
 * out_new_root (NULL or 32 bytes) receives the root of size_before + 1, at
 * popcount(size_before + 1) - 1 more gets.
 * TD_EARG: size_before + 1 > TD_MERKLE_MAX_SIZE, NULL arguments.
 */
int td_merkle_append(const td_merkle_store *st, uint64_t size_before, const unsigned char leaf_hash[TD_MERKLE_HASH_LEN],
                     unsigned char *out_new_root, td_error *err);

/*
 * Root hash (MTH) of the first `size` leaves: the complete subtrees of size's
 * binary decomposition, combined right to left.  size 0 gives the empty-tree
 * hash without reading the store.  Any size up to the number of leaves stored
 * works (old tree heads can be recomputed).
 * TD_EARG: size > TD_MERKLE_MAX_SIZE; TD_ENOTFOUND (from the store): the store
 * holds fewer than `size` leaves.
 */
int td_merkle_root(const td_merkle_store *st, uint64_t size, unsigned char out[TD_MERKLE_HASH_LEN], td_error *err);

/*
 * Audit path PATH(index, D[size]) of RFC 6962 §2.1.1 (RFC 9162 §2.1.3.1):
 * *n_out hashes of TD_MERKLE_HASH_LEN bytes each, concatenated into out,
 * from the leaf's sibling up to the child of the root.  *n_out is 0 for a
 * tree of one leaf.
 * TD_EARG: index >= size or size > TD_MERKLE_MAX_SIZE.
 */
int td_merkle_inclusion_proof(const td_merkle_store *st, uint64_t index, uint64_t size,
                              unsigned char out[TD_MERKLE_PROOF_BYTES], size_t *n_out, td_error *err);

/*
 * Consistency proof PROOF(size1, D[size2]) = SUBPROOF(size1, D[size2], true)
 * of RFC 6962 §2.1.2 (RFC 9162 §2.1.4.1), laid out like an inclusion proof.
 * size1 == size2 gives an empty proof.
 * TD_EARG: size1 == 0 (no proof exists from the empty tree: a client with no
 * previous tree head has nothing to check), size1 > size2, or
 * size2 > TD_MERKLE_MAX_SIZE.
 */
int td_merkle_consistency_proof(const td_merkle_store *st, uint64_t size1, uint64_t size2,
                                unsigned char out[TD_MERKLE_PROOF_BYTES], size_t *n_out, td_error *err);

/*
 * Batch proof of several leaves of one tree (docs/PROTOCOL.md §9, version 6):
 * for leaves idx[0..n) (0-based, strictly increasing, each < size), the
 * hashes MTH(D[lo:hi]) of every subtree of the RFC 6962 recursion that holds
 * none of the leaves and whose parent holds one, left to right.  With the n
 * leaf hashes they give the root; nothing else is needed.  A run of n
 * consecutive leaves needs at most 2*bitlen(size) hashes; n scattered leaves
 * at most n*bitlen(size).
 * td_merkle_batch_proof_len: the number of hashes, without a store.
 * td_merkle_batch_proof: them, into out (cap hashes of TD_MERKLE_HASH_LEN);
 * popcount gets per hash at worst, one for a complete subtree.
 * TD_EARG: n == 0, leaves not increasing or not below size, size too large,
 * the proof longer than cap.
 */
int td_merkle_batch_proof_len(const uint64_t *idx, size_t n, uint64_t size, size_t *n_out, td_error *err);
int td_merkle_batch_proof(const td_merkle_store *st, const uint64_t *idx, size_t n, uint64_t size, unsigned char *out,
                          size_t cap, size_t *n_out, td_error *err);

/* ---- verification: no store, for clients, witnesses and the inspector ---- */

/*
 * Check that leaf_hash is leaf `index` of the tree (size, root), given the
 * audit path proof (n hashes, concatenated).  RFC 9162 §2.1.3.2, with the
 * proof length checked first against the length the sizes imply (as
 * transparency-dev/merkle does), so truncated or extended proofs fail early.
 * Returns 0 if the proof holds.
 * TD_EARG: index >= size, size > TD_MERKLE_MAX_SIZE, NULL arguments.
 * TD_ECRYPTO: the proof does not hold (wrong length, or the root it implies is
 * not `root`).
 */
int td_merkle_verify_inclusion(const unsigned char leaf_hash[TD_MERKLE_HASH_LEN], uint64_t index, uint64_t size,
                               const unsigned char *proof, size_t n, const unsigned char root[TD_MERKLE_HASH_LEN],
                               td_error *err);

/*
 * Check that the tree (size2, root2) extends the tree (size1, root1), given a
 * consistency proof (n hashes, concatenated).  RFC 9162 §2.1.4.2, with the
 * size rules of transparency-dev/merkle:
 *   size1 == 0            TD_EARG (no proof exists from the empty tree)
 *   size1 >  size2        TD_EARG
 *   size1 == size2        holds iff the proof is empty and root1 == root2
 *   size1 <  size2        the proof must be non-empty and of the exact length
 *                         the sizes imply, and reproduce both roots.
 * Returns 0 if the proof holds; TD_ECRYPTO if it does not; TD_EARG also for
 * size2 > TD_MERKLE_MAX_SIZE and NULL arguments.
 */
int td_merkle_verify_consistency(uint64_t size1, const unsigned char root1[TD_MERKLE_HASH_LEN], uint64_t size2,
                                 const unsigned char root2[TD_MERKLE_HASH_LEN], const unsigned char *proof, size_t n,
                                 td_error *err);

/*
 * Check that leaf_hashes (n hashes, concatenated) are leaves idx[0..n) of the
 * tree (size, root), given a batch proof (n_proof hashes, concatenated), as
 * made by td_merkle_batch_proof.  The proof length is checked first against
 * the length the leaves and size imply.  Returns 0 if the proof holds.
 * TD_EARG: n == 0, leaves not strictly increasing or not below size, size
 * too large, NULL arguments.  TD_ECRYPTO: the proof does not hold.
 */
int td_merkle_verify_batch(const uint64_t *idx, const unsigned char *leaf_hashes, size_t n, uint64_t size,
                           const unsigned char *proof, size_t n_proof, const unsigned char root[TD_MERKLE_HASH_LEN],
                           td_error *err);

/* ---- the in-memory store --------------------------------------------------- */

/*
 * Complete subtree hashes in malloc'd arrays, one per level: ~64 bytes per
 * leaf.  For tests and for the inspector, which recomputes the whole tree
 * from a log.  Fields are private.  Its put accepts only the next index of a
 * level (TD_EARG for a gap) or a re-put of the same value (TD_EEXISTS if it
 * differs); TD_ENOMEM when growing fails.
 */
typedef struct td_merkle_mem {
    unsigned char *lvl[TD_MERKLE_MAX_LEVELS];
    uint64_t len[TD_MERKLE_MAX_LEVELS];
    uint64_t cap[TD_MERKLE_MAX_LEVELS];
} td_merkle_mem;

/* An empty store.  Cannot fail. */
void td_merkle_mem_init(td_merkle_mem *m);
/* Free the arrays; m is then empty again (init state).  NULL is fine. */
void td_merkle_mem_free(td_merkle_mem *m);
/* The store interface over m; m must outlive every use of the result. */
td_merkle_store td_merkle_mem_store(td_merkle_mem *m);
/* Number of leaves stored (level 0 length). */
uint64_t td_merkle_mem_size(const td_merkle_mem *m);

#endif
