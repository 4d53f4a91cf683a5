/*
 * merkle.c — RFC 6962 Merkle tree over stored complete subtree hashes.
 * See merkle.h for the contract.
 */
#include "merkle.h"

#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

#define HL TD_MERKLE_HASH_LEN

/* Domain separation prefixes, RFC 6962 §2.1: leaves and interior nodes can
 * never hash alike (second-preimage resistance of the tree encoding). */
#define TD_MERKLE_LEAF_PREFIX 0x00
#define TD_MERKLE_NODE_PREFIX 0x01

/* ---- hashing -------------------------------------------------------------- */

void td_merkle_leaf_hash(const void *data, size_t len, unsigned char out[TD_MERKLE_HASH_LEN])
{
    static const unsigned char prefix = TD_MERKLE_LEAF_PREFIX;
    td_sha256_ctx h;
    td_sha256_init(&h);
    td_sha256_update(&h, &prefix, 1);
    if (len)
        td_sha256_update(&h, data, len);
    td_sha256_final(&h, out);
}

void td_merkle_node_hash(const unsigned char l[TD_MERKLE_HASH_LEN], const unsigned char r[TD_MERKLE_HASH_LEN],
                         unsigned char out[TD_MERKLE_HASH_LEN])
{
    unsigned char buf[1 + 2 * HL];   /* copied first: out may alias l or r */
    buf[0] = TD_MERKLE_NODE_PREFIX;
    memcpy(buf + 1, l, HL);
    memcpy(buf + 1 + HL, r, HL);
    td_sha256(out, buf, sizeof buf);
}

void td_merkle_empty_root(unsigned char out[TD_MERKLE_HASH_LEN])
{
    td_sha256(out, NULL, 0);
}

/* ---- bit helpers ------------------------------------------------------------ */

/* Number of significant bits of x (0 for 0). */
static unsigned td__bitlen(uint64_t x)
{
    return x ? 64u - (unsigned)__builtin_clzll(x) : 0u;
}

static unsigned td__popcount(uint64_t x)
{
    return (unsigned)__builtin_popcountll(x);
}

/* Largest power of two strictly below n; n >= 2 (RFC 6962 §2.1 "k"). */
static uint64_t td__split(uint64_t n)
{
    assert(n >= 2);
    return (uint64_t)1 << (td__bitlen(n - 1) - 1);
}

/* ---- store access ------------------------------------------------------------ */

static int td__get(const td_merkle_store *st, unsigned level, uint64_t index, unsigned char out[HL], td_error *err)
{
    assert(level < TD_MERKLE_MAX_LEVELS);
    int rc = st->get(st->arg, level, index, out);
    if (rc == 0)
        return 0;
    if (rc > 0)
        rc = TD_EIO;
    return td_error_set(err, rc, "merkle: cannot read subtree hash (level %u, index %" PRIu64 "): %s | "
                        TD_MSG_MERKLE_STORE_READ, level, index, td_err_str(rc), level, index, td_err_vi(rc));
}

static int td__put(const td_merkle_store *st, unsigned level, uint64_t index, const unsigned char h[HL], td_error *err)
{
    assert(level < TD_MERKLE_MAX_LEVELS);
    int rc = st->put(st->arg, level, index, h);
    if (rc == 0)
        return 0;
    if (rc > 0)
        rc = TD_EIO;
    return td_error_set(err, rc, "merkle: cannot store subtree hash (level %u, index %" PRIu64 "): %s | "
                        TD_MSG_MERKLE_STORE_WRITE, level, index, td_err_str(rc), level, index, td_err_vi(rc));
}

/*
 * MTH(D[lo:hi]) for a range that occurs in the RFC 6962 recursion: lo is a
 * multiple of the smallest power of two >= hi - lo, so the binary
 * decomposition of hi - lo, laid out from lo, is made of complete aligned
 * subtrees.  popcount(hi - lo) gets, combined right to left.
 */
static int td__range_hash(const td_merkle_store *st, uint64_t lo, uint64_t hi, unsigned char out[HL], td_error *err)
{
    assert(lo < hi);
    uint64_t len = hi - lo;
    int have = 0;
    unsigned char piece[HL];
    for (unsigned level = 0; level < TD_MERKLE_MAX_LEVELS; level++) {
        if (!(len >> level & 1))
            continue;
        /* Start of this piece: lo plus the bits of len above `level`
         * (when level is 63 the mask wraps to all-zero: start is lo). */
        uint64_t above = len & ~(((uint64_t)2 << level) - 1);
        uint64_t start = lo + above;
        assert((start & (((uint64_t)1 << level) - 1)) == 0);
        int rc = td__get(st, level, start >> level, have ? piece : out, err);
        if (rc)
            return rc;
        if (have)
            td_merkle_node_hash(piece, out, out);
        have = 1;
    }
    return 0;
}

/* Reverse n hashes in place: proofs are built root-down and returned
 * leaf-up, the order of RFC 6962 §2.1.1/§2.1.2. */
static void td__reverse(unsigned char *h, size_t n)
{
    unsigned char t[HL];
    for (size_t i = 0, j = n ? n - 1 : 0; i < j; i++, j--) {
        memcpy(t, h + i * HL, HL);
        memcpy(h + i * HL, h + j * HL, HL);
        memcpy(h + j * HL, t, HL);
    }
}

/* ---- building ---------------------------------------------------------------- */

int td_merkle_append(const td_merkle_store *st, uint64_t size_before, const unsigned char leaf_hash[TD_MERKLE_HASH_LEN],
                     unsigned char *out_new_root, td_error *err)
{
    if (!st || !st->get || !st->put || !leaf_hash)
        return td_error_set(err, TD_EARG, "merkle: append: NULL argument");
    if (size_before >= TD_MERKLE_MAX_SIZE)
        return td_error_set(err, TD_EARG, "merkle: append: tree is full (%" PRIu64 " leaves) | " TD_MSG_MERKLE_FULL,
                            size_before, TD_MSG_NUM(size_before));

    unsigned char h[HL], left[HL];
    memcpy(h, leaf_hash, HL);
    int rc = td__put(st, 0, size_before, h, err);
    if (rc)
        return rc;
    /* Each trailing one bit of size_before is a complete left sibling that
     * the new leaf's subtree now completes. */
    uint64_t idx = size_before;
    unsigned level = 0;
    while (idx & 1) {
        rc = td__get(st, level, idx - 1, left, err);
        if (rc)
            return rc;
        td_merkle_node_hash(left, h, h);
        idx >>= 1;
        level++;
        rc = td__put(st, level, idx, h, err);
        if (rc)
            return rc;
    }
    if (out_new_root)
        return td_merkle_root(st, size_before + 1, out_new_root, err);
    return 0;
}

int td_merkle_root(const td_merkle_store *st, uint64_t size, unsigned char out[TD_MERKLE_HASH_LEN], td_error *err)
{
    if (!st || !st->get || !out)
        return td_error_set(err, TD_EARG, "merkle: root: NULL argument");
    if (size > TD_MERKLE_MAX_SIZE)
        return td_error_set(err, TD_EARG, "merkle: root: size %" PRIu64 " too large | " TD_MSG_MERKLE_SIZE_TOO_BIG,
                            size, TD_MSG_NUM(size));
    if (size == 0) {
        td_merkle_empty_root(out);   /* RFC 6962 §2.1: MTH({}) = SHA-256() */
        return 0;
    }
    return td__range_hash(st, 0, size, out, err);
}

int td_merkle_inclusion_proof(const td_merkle_store *st, uint64_t index, uint64_t size,
                              unsigned char out[TD_MERKLE_PROOF_BYTES], size_t *n_out, td_error *err)
{
    if (!st || !st->get || !out || !n_out)
        return td_error_set(err, TD_EARG, "merkle: inclusion proof: NULL argument");
    *n_out = 0;
    if (size > TD_MERKLE_MAX_SIZE)
        return td_error_set(err, TD_EARG, "merkle: inclusion proof: size %" PRIu64 " too large | "
                            TD_MSG_MERKLE_SIZE_TOO_BIG,
                            size, TD_MSG_NUM(size));
    if (index >= size)
        return td_error_set(err, TD_EARG, "merkle: inclusion proof: index %" PRIu64 " not in a tree of size %" PRIu64
                            " | " TD_MSG_MERKLE_INDEX_OUT, index, size, TD_MSG_NUM(index), TD_MSG_NUM(size));

    /* RFC 6962 §2.1.1, unrolled from the root down:
     *   PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n])     if m < k
     *                 = PATH(m - k, D[k:n]) : MTH(D[0:k]) if m >= k
     * The first time the path goes left, its sibling D[k:n] may be
     * incomplete (popcount gets); below that every sibling is a complete
     * aligned subtree (one get each): O(log n) in all. */
    uint64_t lo = 0, hi = size;
    size_t n = 0;
    while (hi - lo > 1) {
        uint64_t k = td__split(hi - lo);
        int rc;
        if (n >= TD_MERKLE_MAX_PROOF)   /* defensive: depth <= 63 by the size check */
            return td_error_set(err, TD_EINTERNAL, "merkle: inclusion proof longer than %d | " TD_MSG_MERKLE_PROOF_TOO_LONG,
                                TD_MERKLE_MAX_PROOF, TD_MERKLE_MAX_PROOF);
        if (index < lo + k) {
            rc = td__range_hash(st, lo + k, hi, out + n * HL, err);
            hi = lo + k;
        } else {
            rc = td__range_hash(st, lo, lo + k, out + n * HL, err);
            lo += k;
        }
        if (rc)
            return rc;
        n++;
    }
    td__reverse(out, n);
    *n_out = n;
    return 0;
}

int td_merkle_consistency_proof(const td_merkle_store *st, uint64_t size1, uint64_t size2,
                                unsigned char out[TD_MERKLE_PROOF_BYTES], size_t *n_out, td_error *err)
{
    if (!st || !st->get || !out || !n_out)
        return td_error_set(err, TD_EARG, "merkle: consistency proof: NULL argument");
    *n_out = 0;
    if (size2 > TD_MERKLE_MAX_SIZE)
        return td_error_set(err, TD_EARG, "merkle: consistency proof: size %" PRIu64 " too large | "
                            TD_MSG_MERKLE_SIZE_TOO_BIG,
                            size2, TD_MSG_NUM(size2));
    if (size1 == 0)
        return td_error_set(err, TD_EARG, "merkle: consistency proof: no proof exists from the empty tree | "
                            TD_MSG_MERKLE_FROM_EMPTY);
    if (size1 > size2)
        return td_error_set(err, TD_EARG, "merkle: consistency proof: size1 %" PRIu64 " > size2 %" PRIu64 " | "
                            TD_MSG_MERKLE_SIZES_ORDER, size1, size2, TD_MSG_NUM(size1), TD_MSG_NUM(size2));

    /* RFC 6962 §2.1.2, unrolled from the root down:
     *   SUBPROOF(m, D[m], true)  = {}
     *   SUBPROOF(m, D[m], false) = {MTH(D[m])}
     *   SUBPROOF(m, D[n], b) = SUBPROOF(m, D[0:k], b) : MTH(D[k:n])            if m <= k
     *                        = SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])    if m > k
     * At most two of the hashes are of incomplete subtrees (the first right
     * sibling, and the final MTH(D[m]) node): O(log n) gets. */
    uint64_t lo = 0, hi = size2;
    int b = 1;
    size_t n = 0;
    for (;;) {
        int rc = 0;
        if (n >= TD_MERKLE_MAX_PROOF)   /* defensive: at most depth + 1 <= 64 hashes */
            return td_error_set(err, TD_EINTERNAL, "merkle: consistency proof longer than %d | "
                                TD_MSG_MERKLE_PROOF_TOO_LONG,
                                TD_MERKLE_MAX_PROOF, TD_MERKLE_MAX_PROOF);
        if (size1 == hi) {
            if (!b) {
                rc = td__range_hash(st, lo, hi, out + n * HL, err);
                n++;
            }
            if (rc)
                return rc;
            break;
        }
        uint64_t k = td__split(hi - lo);
        if (size1 <= lo + k) {
            rc = td__range_hash(st, lo + k, hi, out + n * HL, err);
            hi = lo + k;
        } else {
            rc = td__range_hash(st, lo, lo + k, out + n * HL, err);
            lo += k;
            b = 0;
        }
        if (rc)
            return rc;
        n++;
    }
    td__reverse(out, n);
    *n_out = n;
    return 0;
}

/* ---- verification ------------------------------------------------------------ */

/* Length of the inclusion proof for (index, size), index < size: the "inner"
 * part below the level where the paths to index and size-1 meet, plus one
 * hash per left sibling on the right border above it (transparency-dev/merkle
 * proof.decompInclProof). */
static void td__incl_shape(uint64_t index, uint64_t size, unsigned *inner, unsigned *border)
{
    *inner = td__bitlen(index ^ (size - 1));
    *border = *inner >= 64 ? 0 : td__popcount(index >> *inner);
}

int td_merkle_verify_inclusion(const unsigned char leaf_hash[TD_MERKLE_HASH_LEN], uint64_t index, uint64_t size,
                               const unsigned char *proof, size_t n, const unsigned char root[TD_MERKLE_HASH_LEN],
                               td_error *err)
{
    if (!leaf_hash || !root || (n && !proof))
        return td_error_set(err, TD_EARG, "merkle: verify inclusion: NULL argument");
    if (size > TD_MERKLE_MAX_SIZE)
        return td_error_set(err, TD_EARG, "merkle: verify inclusion: size %" PRIu64 " too large | "
                            TD_MSG_MERKLE_SIZE_TOO_BIG,
                            size, TD_MSG_NUM(size));
    /* RFC 9162 §2.1.3.2 step 1 */
    if (index >= size)
        return td_error_set(err, TD_EARG, "merkle: verify inclusion: index %" PRIu64 " not in a tree of size %" PRIu64
                            " | " TD_MSG_MERKLE_INDEX_OUT, index, size, TD_MSG_NUM(index), TD_MSG_NUM(size));
    unsigned inner, border;
    td__incl_shape(index, size, &inner, &border);
    if (n != (size_t)inner + border)
        return td_error_set(err, TD_ECRYPTO,
                            "merkle: inclusion proof has %zu hashes, expected %u for index %" PRIu64 " of %" PRIu64
                            " | " TD_MSG_MERKLE_INCL_COUNT, n, inner + border, index, size, n, inner + border,
                            TD_MSG_NUM(index), TD_MSG_NUM(size));

    /* RFC 9162 §2.1.3.2 steps 2-5 */
    uint64_t fn = index, sn = size - 1;
    unsigned char r[HL];
    memcpy(r, leaf_hash, HL);
    for (size_t i = 0; i < n; i++) {
        const unsigned char *p = proof + i * HL;
        if (sn == 0)
            return td_error_set(err, TD_ECRYPTO, "merkle: inclusion proof too long | " TD_MSG_MERKLE_INCL_LONG);
        if ((fn & 1) || fn == sn) {
            td_merkle_node_hash(p, r, r);
            while (fn != 0 && !(fn & 1)) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            td_merkle_node_hash(r, p, r);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0)
        return td_error_set(err, TD_ECRYPTO, "merkle: inclusion proof too short | " TD_MSG_MERKLE_INCL_SHORT);
    if (memcmp(r, root, HL) != 0)
        return td_error_set(err, TD_ECRYPTO,
                            "merkle: inclusion proof for index %" PRIu64 " does not lead to the root of size %" PRIu64
                            " | " TD_MSG_MERKLE_INCL_ROOT, index, size, TD_MSG_NUM(index), TD_MSG_NUM(size));
    return 0;
}

int td_merkle_verify_consistency(uint64_t size1, const unsigned char root1[TD_MERKLE_HASH_LEN], uint64_t size2,
                                 const unsigned char root2[TD_MERKLE_HASH_LEN], const unsigned char *proof, size_t n,
                                 td_error *err)
{
    if (!root1 || !root2 || (n && !proof))
        return td_error_set(err, TD_EARG, "merkle: verify consistency: NULL argument");
    if (size2 > TD_MERKLE_MAX_SIZE)
        return td_error_set(err, TD_EARG, "merkle: verify consistency: size %" PRIu64 " too large | "
                            TD_MSG_MERKLE_SIZE_TOO_BIG,
                            size2, TD_MSG_NUM(size2));
    if (size1 > size2)
        return td_error_set(err, TD_EARG, "merkle: verify consistency: size1 %" PRIu64 " > size2 %" PRIu64 " | "
                            TD_MSG_MERKLE_SIZES_ORDER, size1, size2, TD_MSG_NUM(size1), TD_MSG_NUM(size2));
    /* RFC 9162 §2.1.4.1 defines proofs for 0 < m; transparency-dev/merkle
     * refuses size1 == 0 even when size2 == 0. */
    if (size1 == 0)
        return td_error_set(err, TD_EARG, "merkle: verify consistency: no proof exists from the empty tree | "
                            TD_MSG_MERKLE_FROM_EMPTY);
    if (size1 == size2) {
        if (n != 0)
            return td_error_set(err, TD_ECRYPTO, "merkle: consistency proof between equal sizes must be empty | "
                                TD_MSG_MERKLE_EQUAL_NOT_EMPTY);
        if (memcmp(root1, root2, HL) != 0)
            return td_error_set(err, TD_ECRYPTO, "merkle: two different roots for tree size %" PRIu64 " | "
                                TD_MSG_MERKLE_TWO_ROOTS, size1, TD_MSG_NUM(size1));
        return 0;
    }
    /* RFC 9162 §2.1.4.2 step 1 */
    if (n == 0)
        return td_error_set(err, TD_ECRYPTO, "merkle: empty consistency proof between sizes %" PRIu64 " and %" PRIu64
                            " | " TD_MSG_MERKLE_CONS_EMPTY, size1, size2, TD_MSG_NUM(size1), TD_MSG_NUM(size2));

    /* Exact length (transparency-dev/merkle proof.RootFromConsistencyProof):
     * the suffix of the inclusion proof of leaf size1-1 in size2 above level
     * ctz(size1), plus a seed hash unless size1 is that very power of two. */
    unsigned inner, border;
    td__incl_shape(size1 - 1, size2, &inner, &border);
    unsigned shift = (unsigned)__builtin_ctzll(size1);
    int pow2 = size1 == ((uint64_t)1 << shift);
    size_t want = (size_t)(inner - shift) + border + (pow2 ? 0 : 1);
    if (n != want)
        return td_error_set(err, TD_ECRYPTO,
                            "merkle: consistency proof has %zu hashes, expected %zu for sizes %" PRIu64 " to %" PRIu64
                            " | " TD_MSG_MERKLE_CONS_COUNT, n, want, size1, size2, n, want, TD_MSG_NUM(size1),
                            TD_MSG_NUM(size2));

    /* RFC 9162 §2.1.4.2 steps 2-7.  Step 2 prepends first_hash when size1 is
     * a power of two; here the seed is root1 and iteration starts at proof[0]. */
    const unsigned char *seed = pow2 ? root1 : proof;
    size_t i = pow2 ? 0 : 1;
    uint64_t fn = size1 - 1, sn = size2 - 1;
    while (fn & 1) {      /* step 4 */
        fn >>= 1;
        sn >>= 1;
    }
    unsigned char fr[HL], sr[HL];
    memcpy(fr, seed, HL);  /* step 5 */
    memcpy(sr, seed, HL);
    for (; i < n; i++) {   /* step 6 */
        const unsigned char *c = proof + i * HL;
        if (sn == 0)
            return td_error_set(err, TD_ECRYPTO, "merkle: consistency proof too long | " TD_MSG_MERKLE_CONS_LONG);
        if ((fn & 1) || fn == sn) {
            td_merkle_node_hash(c, fr, fr);
            td_merkle_node_hash(c, sr, sr);
            while (fn != 0 && !(fn & 1)) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            td_merkle_node_hash(sr, c, sr);
        }
        fn >>= 1;
        sn >>= 1;
    }
    /* step 7 */
    if (sn != 0)
        return td_error_set(err, TD_ECRYPTO, "merkle: consistency proof too short | " TD_MSG_MERKLE_CONS_SHORT);
    if (memcmp(fr, root1, HL) != 0)
        return td_error_set(err, TD_ECRYPTO,
                            "merkle: consistency proof does not reproduce the root of size %" PRIu64
                            " | " TD_MSG_MERKLE_CONS_ROOT, size1, TD_MSG_NUM(size1));
    if (memcmp(sr, root2, HL) != 0)
        return td_error_set(err, TD_ECRYPTO,
                            "merkle: consistency proof does not reproduce the root of size %" PRIu64
                            " | " TD_MSG_MERKLE_CONS_ROOT, size2, TD_MSG_NUM(size2));
    return 0;
}

/* ---- batch proofs: several leaves against one root ------------------------------ */

/* Leaves idx[a..b) lie in [lo, hi) and are strictly increasing: the first
 * index >= mid among them. */
static size_t td__batch_cut(const uint64_t *idx, size_t a, size_t b, uint64_t mid)
{
    while (a < b && idx[a] < mid)
        a++;
    return a;
}

/*
 * The RFC 6962 recursion over D[lo:hi] holding leaves idx[a..b): a subtree
 * with none of them is one proof hash, MTH(D[lo:hi]) (read from st, or only
 * counted when st is NULL); a subtree of one leaf is that leaf.  Left before
 * right, so the hashes come out in the order the verifier consumes them.
 * Depth <= 63 (sizes <= TD_MERKLE_MAX_SIZE), so the recursion is bounded.
 */
static int td__batch_gen(const td_merkle_store *st, uint64_t lo, uint64_t hi, const uint64_t *idx, size_t a, size_t b,
                         unsigned char *out, size_t *n, td_error *err)
{
    if (a == b) {
        if (st) {
            int rc = td__range_hash(st, lo, hi, out + *n * HL, err);
            if (rc)
                return rc;
        }
        (*n)++;
        return 0;
    }
    if (hi - lo == 1)
        return 0;
    uint64_t k = td__split(hi - lo);
    size_t c = td__batch_cut(idx, a, b, lo + k);
    int rc = td__batch_gen(st, lo, lo + k, idx, a, c, out, n, err);
    return rc ? rc : td__batch_gen(st, lo + k, hi, idx, c, b, out, n, err);
}

/* The form both sides check: n >= 1 leaves, strictly increasing, < size. */
static int td__batch_form(const char *what, const uint64_t *idx, size_t n, uint64_t size, td_error *err)
{
    if (size > TD_MERKLE_MAX_SIZE)
        return td_error_set(err, TD_EARG, "merkle: %s: size %" PRIu64 " too large | " TD_MSG_MERKLE_SIZE_TOO_BIG, what,
                            size, TD_MSG_NUM(size));
    if (n == 0)
        return td_error_set(err, TD_EARG, "merkle: %s: no leaves | " TD_MSG_MERKLE_BATCH_NONE, what);
    for (size_t i = 0; i < n; i++) {
        if (idx[i] >= size)
            return td_error_set(err, TD_EARG, "merkle: %s: leaf %" PRIu64 " not in a tree of size %" PRIu64 " | "
                                TD_MSG_MERKLE_INDEX_OUT, what, idx[i], size, TD_MSG_NUM(idx[i]), TD_MSG_NUM(size));
        if (i && idx[i] <= idx[i - 1])
            return td_error_set(err, TD_EARG, "merkle: %s: leaf %" PRIu64 " after %" PRIu64 " (not increasing) | "
                                TD_MSG_MERKLE_BATCH_ORDER, what, idx[i], idx[i - 1], TD_MSG_NUM(idx[i]),
                                TD_MSG_NUM(idx[i - 1]));
    }
    return 0;
}

int td_merkle_batch_proof_len(const uint64_t *idx, size_t n, uint64_t size, size_t *n_out, td_error *err)
{
    if (!idx || !n_out)
        return td_error_set(err, TD_EARG, "merkle: batch proof: NULL argument");
    *n_out = 0;
    int rc = td__batch_form("batch proof", idx, n, size, err);
    return rc ? rc : td__batch_gen(NULL, 0, size, idx, 0, n, NULL, n_out, err);
}

int td_merkle_batch_proof(const td_merkle_store *st, const uint64_t *idx, size_t n, uint64_t size, unsigned char *out,
                          size_t cap, size_t *n_out, td_error *err)
{
    size_t want = 0;
    if (!st || !st->get || !out || !n_out)
        return td_error_set(err, TD_EARG, "merkle: batch proof: NULL argument");
    *n_out = 0;
    int rc = td_merkle_batch_proof_len(idx, n, size, &want, err);
    if (rc)
        return rc;
    if (want > cap)
        return td_error_set(err, TD_EARG, "merkle: batch proof of %zu hashes does not fit in %zu | "
                            TD_MSG_MERKLE_BATCH_ROOM, want, cap, want, cap);
    size_t got = 0;
    if ((rc = td__batch_gen(st, 0, size, idx, 0, n, out, &got, err)))
        return rc;
    *n_out = got;
    return 0;
}

/* MTH(D[lo:hi]) from the leaves idx[a..b) and the proof hashes from *p on;
 * the caller checked the proof's length, so every take is in bounds. */
static void td__batch_root(uint64_t lo, uint64_t hi, const uint64_t *idx, const unsigned char *leaves, size_t a,
                           size_t b, const unsigned char *proof, size_t *p, unsigned char out[HL])
{
    if (a == b) {
        memcpy(out, proof + *p * HL, HL);
        (*p)++;
        return;
    }
    if (hi - lo == 1) {
        memcpy(out, leaves + a * HL, HL);
        return;
    }
    uint64_t k = td__split(hi - lo);
    size_t c = td__batch_cut(idx, a, b, lo + k);
    unsigned char l[HL];
    td__batch_root(lo, lo + k, idx, leaves, a, c, proof, p, l);
    td__batch_root(lo + k, hi, idx, leaves, c, b, proof, p, out);
    td_merkle_node_hash(l, out, out);
}

int td_merkle_verify_batch(const uint64_t *idx, const unsigned char *leaf_hashes, size_t n, uint64_t size,
                           const unsigned char *proof, size_t n_proof, const unsigned char root[TD_MERKLE_HASH_LEN],
                           td_error *err)
{
    size_t want = 0, used = 0;
    unsigned char got[HL];
    if (!idx || !leaf_hashes || (!proof && n_proof) || !root)
        return td_error_set(err, TD_EARG, "merkle: verify batch: NULL argument");
    int rc = td__batch_form("verify batch", idx, n, size, err);
    if (rc)
        return rc;
    td__batch_gen(NULL, 0, size, idx, 0, n, NULL, &want, NULL);
    if (n_proof != want)
        return td_error_set(err, TD_ECRYPTO, "merkle: batch proof has %zu hashes, %zu leaves in a tree of size %" PRIu64
                            " need %zu | " TD_MSG_MERKLE_BATCH_COUNT, n_proof, n, size, want, n_proof, n,
                            TD_MSG_NUM(size), want);
    td__batch_root(0, size, idx, leaf_hashes, 0, n, proof, &used, got);
    if (memcmp(got, root, HL) != 0)
        return td_error_set(err, TD_ECRYPTO, "merkle: batch proof of %zu leaves does not lead to the root | "
                            TD_MSG_MERKLE_BATCH_ROOT, n, n);
    return 0;
}

/* ---- in-memory store ------------------------------------------------------------ */

/* First allocation of a level, in hashes; doubled as it grows. */
#define TD_MERKLE_MEM_MIN_CAP 64

static int td__mem_get(void *arg, unsigned level, uint64_t index, unsigned char out[HL])
{
    const td_merkle_mem *m = arg;
    if (level >= TD_MERKLE_MAX_LEVELS || index >= m->len[level])
        return TD_ENOTFOUND;
    memcpy(out, m->lvl[level] + index * HL, HL);
    return 0;
}

static int td__mem_put(void *arg, unsigned level, uint64_t index, const unsigned char h[HL])
{
    td_merkle_mem *m = arg;
    if (level >= TD_MERKLE_MAX_LEVELS)
        return TD_EARG;
    if (index < m->len[level])   /* a retried append: same value only */
        return memcmp(m->lvl[level] + index * HL, h, HL) == 0 ? 0 : TD_EEXISTS;
    if (index > m->len[level])   /* a gap: the caller's size is wrong */
        return TD_EARG;
    if (m->len[level] == m->cap[level]) {
        uint64_t cap = m->cap[level] ? m->cap[level] * 2 : TD_MERKLE_MEM_MIN_CAP;
        if (cap > SIZE_MAX / HL)
            return TD_ENOMEM;
        unsigned char *p = realloc(m->lvl[level], (size_t)cap * HL);
        if (!p)
            return TD_ENOMEM;
        m->lvl[level] = p;
        m->cap[level] = cap;
    }
    memcpy(m->lvl[level] + index * HL, h, HL);
    m->len[level]++;
    return 0;
}

void td_merkle_mem_init(td_merkle_mem *m)
{
    memset(m, 0, sizeof *m);
}

void td_merkle_mem_free(td_merkle_mem *m)
{
    if (!m)
        return;
    for (unsigned i = 0; i < TD_MERKLE_MAX_LEVELS; i++)
        free(m->lvl[i]);
    td_merkle_mem_init(m);
}

td_merkle_store td_merkle_mem_store(td_merkle_mem *m)
{
    td_merkle_store st = { td__mem_get, td__mem_put, m };
    return st;
}

uint64_t td_merkle_mem_size(const td_merkle_mem *m)
{
    return m->len[0];
}
