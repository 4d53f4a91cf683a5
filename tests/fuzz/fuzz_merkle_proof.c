/* fuzz_merkle_proof.c — the Merkle proof verifiers (common/merkle.c) on
 * arbitrary sizes, proofs and roots: they never crash, and against the true
 * tree head of a small known tree they accept only the genuine proof.
 *
 * Input: mode, leaf count, salt (building a tree of 1..64 distinct leaves in
 * a memory store), then by mode:
 *   0  raw inclusion:   index u64, size u64, flags, n, n hashes, leaf, root
 *   1  genuine inclusion proof of (index, size) in the known tree, mutated
 *   2  raw consistency: size1 u64, size2 u64, flags, n, n hashes, root1, root2
 *   3  genuine consistency proof of (size1, size2), mutated
 *   4  genuine batch proof (td_merkle_batch_proof) of a leaf set (mask u64)
 *      in a tree of size, mutated (proof, size, one index, one leaf hash)
 *   5  raw batch: size u64, flags, count, count indexes u64, n, n hashes,
 *      root; leaves the known ones where the index is in the tree
 * Missing bytes read as zero.
 *
 * Properties checked whenever the sizes fall inside the known tree
 * (aborting if broken):
 *   genuine leaf, proof and root(s)  =>  accepted;
 * and when a verifier accepts:
 *   inclusion:   root is the true root of `size`  =>  leaf is the true leaf
 *                at `index` and the proof is the genuine one;
 *                leaf and proof genuine           =>  root is the true root.
 *   consistency: root2 is the true root of size2  =>  root1 is the true root
 *                of size1 and the proof is the genuine one;
 *                root1 and proof genuine          =>  root2 is the true root.
 *   batch:       root is the true root of `size`  =>  every leaf is the true
 *                leaf at its index and the proof is the genuine one.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merkle.h"

#define HL TD_MERKLE_HASH_LEN
/* Small enough to rebuild per input, big enough for 7 levels. */
#define FZ_MAX_LEAVES 64
/* Room for proofs longer than any valid one. */
#define FZ_MAX_N (TD_MERKLE_MAX_PROOF + 4)
/* Mutations applied to a genuine proof. */
#define FZ_MAX_MUT 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct rd {
    const uint8_t *p;
    size_t n;
} rd;

static uint8_t rd_u8(rd *r)
{
    if (!r->n)
        return 0;
    r->n--;
    return *r->p++;
}

static uint64_t rd_u64(rd *r)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | rd_u8(r);
    return v;
}

static void rd_hash(rd *r, unsigned char out[HL])
{
    for (int i = 0; i < HL; i++)
        out[i] = rd_u8(r);
}

typedef struct tree {
    td_merkle_mem mem;
    td_merkle_store st;
    unsigned nl;
    unsigned char lh[FZ_MAX_LEAVES][HL];
    unsigned char roots[FZ_MAX_LEAVES + 1][HL];
} tree;

static void die(const char *what)
{
    fprintf(stderr, "fuzz_merkle_proof: %s\n", what);
    abort();
}

static void build(tree *t, unsigned nl, uint8_t salt)
{
    td_merkle_mem_init(&t->mem);
    t->st = td_merkle_mem_store(&t->mem);
    t->nl = nl;
    td_merkle_empty_root(t->roots[0]);
    for (unsigned i = 0; i < nl; i++) {
        unsigned char d[2] = { salt, (unsigned char)i };   /* distinct leaves */
        td_merkle_leaf_hash(d, sizeof d, t->lh[i]);
        if (td_merkle_append(&t->st, i, t->lh[i], t->roots[i + 1], NULL))
            die("append failed");
    }
}

static int same_proof(const unsigned char *a, size_t an, const unsigned char *b, size_t bn)
{
    return an == bn && (an == 0 || memcmp(a, b, an * HL) == 0);
}

static void check_inclusion(tree *t, const unsigned char leaf[HL], uint64_t idx, uint64_t size,
                            const unsigned char *proof, size_t n, const unsigned char root[HL])
{
    int rc = td_merkle_verify_inclusion(leaf, idx, size, proof, n, root, NULL);
    if (rc != 0 && rc != TD_EARG && rc != TD_ECRYPTO)
        die("inclusion: unexpected error code");
    if (size > t->nl)
        return;
    if (rc != 0) {
        unsigned char g[TD_MERKLE_PROOF_BYTES];
        size_t gn;
        if (idx < size && td_merkle_inclusion_proof(&t->st, idx, size, g, &gn, NULL) == 0 &&
            memcmp(leaf, t->lh[idx], HL) == 0 && same_proof(proof, n, g, gn) && memcmp(root, t->roots[size], HL) == 0)
            die("inclusion rejected the genuine proof");
        return;
    }
    if (idx >= size)
        die("inclusion accepted an index outside the tree");
    unsigned char g[TD_MERKLE_PROOF_BYTES];
    size_t gn;
    if (td_merkle_inclusion_proof(&t->st, idx, size, g, &gn, NULL))
        die("inclusion proof failed");
    if (memcmp(root, t->roots[size], HL) == 0) {
        if (memcmp(leaf, t->lh[idx], HL) != 0)
            die("inclusion accepted a wrong leaf against the true root");
        if (!same_proof(proof, n, g, gn))
            die("inclusion accepted a forged proof against the true root");
    }
    if (memcmp(leaf, t->lh[idx], HL) == 0 && same_proof(proof, n, g, gn) && memcmp(root, t->roots[size], HL) != 0)
        die("inclusion accepted the genuine proof for a wrong root");
}

static void check_consistency(tree *t, uint64_t s1, const unsigned char r1[HL], uint64_t s2,
                              const unsigned char r2[HL], const unsigned char *proof, size_t n)
{
    int rc = td_merkle_verify_consistency(s1, r1, s2, r2, proof, n, NULL);
    if (rc != 0 && rc != TD_EARG && rc != TD_ECRYPTO)
        die("consistency: unexpected error code");
    if (s2 > t->nl)
        return;
    if (rc != 0) {
        unsigned char g[TD_MERKLE_PROOF_BYTES];
        size_t gn;
        if (s1 >= 1 && s1 <= s2 && td_merkle_consistency_proof(&t->st, s1, s2, g, &gn, NULL) == 0 &&
            same_proof(proof, n, g, gn) && memcmp(r1, t->roots[s1], HL) == 0 && memcmp(r2, t->roots[s2], HL) == 0)
            die("consistency rejected the genuine proof");
        return;
    }
    if (s1 == 0 || s1 > s2)
        die("consistency accepted impossible sizes");
    unsigned char g[TD_MERKLE_PROOF_BYTES];
    size_t gn;
    if (td_merkle_consistency_proof(&t->st, s1, s2, g, &gn, NULL))
        die("consistency proof failed");
    if (memcmp(r2, t->roots[s2], HL) == 0) {
        if (memcmp(r1, t->roots[s1], HL) != 0)
            die("consistency accepted a wrong old root against the true new root");
        if (!same_proof(proof, n, g, gn))
            die("consistency accepted a forged proof against the true roots");
    }
    if (memcmp(r1, t->roots[s1], HL) == 0 && same_proof(proof, n, g, gn) && memcmp(r2, t->roots[s2], HL) != 0)
        die("consistency accepted the genuine proof for a wrong new root");
}

/* Leaves of a batch (at most this many in an input). */
#define FZ_MAX_BATCH FZ_MAX_LEAVES

static void check_batch(tree *t, const uint64_t *idx, const unsigned char *leaves, size_t nb, uint64_t size,
                        const unsigned char *proof, size_t n, const unsigned char root[HL])
{
    static unsigned char g[FZ_MAX_LEAVES * TD_MERKLE_MAX_PROOF * HL];
    size_t gn = 0;
    int rc = td_merkle_verify_batch(idx, leaves, nb, size, proof, n, root, NULL);
    if (rc != 0 && rc != TD_EARG && rc != TD_ECRYPTO)
        die("batch: unexpected error code");
    if (size > t->nl)
        return;
    int genuine_proof = td_merkle_batch_proof(&t->st, idx, nb, size, g, sizeof g / HL, &gn, NULL) == 0 &&
                        same_proof(proof, n, g, gn);
    int genuine_leaves = 1;
    for (size_t i = 0; i < nb && genuine_leaves; i++)
        genuine_leaves = idx[i] < size && memcmp(leaves + i * HL, t->lh[idx[i]], HL) == 0;
    int true_root = memcmp(root, t->roots[size], HL) == 0;
    if (rc != 0) {
        if (genuine_proof && genuine_leaves && true_root)
            die("batch rejected the genuine proof");
        return;
    }
    if (nb == 0)
        die("batch accepted no leaves");
    for (size_t i = 0; i < nb; i++)
        if (idx[i] >= size || (i && idx[i] <= idx[i - 1]))
            die("batch accepted leaves out of order or outside the tree");
    if (true_root && !genuine_leaves)
        die("batch accepted a wrong leaf against the true root");
    if (true_root && !genuine_proof)
        die("batch accepted a forged proof against the true root");
    if (genuine_leaves && genuine_proof && !true_root)
        die("batch accepted the genuine proof for a wrong root");
}

/* Mutate a proof (and the two numbers it is for) as the input says: bit
 * flips, truncation, hashes added at either end or swapped in, and small
 * changes of index/size. */
static void mutate(rd *r, tree *t, unsigned char *proof, size_t *n, uint64_t *a, uint64_t *b)
{
    unsigned nm = rd_u8(r) % (FZ_MAX_MUT + 1);
    for (unsigned k = 0; k < nm; k++) {
        uint8_t op = rd_u8(r), arg = rd_u8(r), arg2 = rd_u8(r);
        unsigned char h[HL];
        switch (op % 8) {
        case 0:   /* flip one bit */
            if (*n)
                proof[(arg % *n) * HL + arg2 % HL] ^= (unsigned char)(1u << (op >> 5));
            break;
        case 1:   /* truncate */
            if (*n)
                (*n)--;
            break;
        case 2:   /* append: a known hash (leaf or root) or input bytes */
        case 3:   /* prepend */
            if (*n >= FZ_MAX_N)
                break;
            if (arg & 1)
                rd_hash(r, h);
            else if (arg & 2)
                memcpy(h, t->roots[arg2 % (t->nl + 1)], HL);
            else
                memcpy(h, t->lh[arg2 % t->nl], HL);
            if (op % 8 == 2) {
                memcpy(proof + *n * HL, h, HL);
            } else {
                memmove(proof + HL, proof, *n * HL);
                memcpy(proof, h, HL);
            }
            (*n)++;
            break;
        case 4:   /* swap two elements */
            if (*n) {
                size_t i = arg % *n, j = arg2 % *n;
                memcpy(h, proof + i * HL, HL);
                memcpy(proof + i * HL, proof + j * HL, HL);
                memcpy(proof + j * HL, h, HL);
            }
            break;
        case 5:   /* replace an element by a known node */
            if (*n)
                memcpy(proof + (arg % *n) * HL, t->roots[arg2 % (t->nl + 1)], HL);
            break;
        case 6:
            *a += (uint64_t)(int64_t)(int8_t)arg;
            break;
        case 7:
            *b += (uint64_t)(int64_t)(int8_t)arg;
            break;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static tree t;   /* 6 KiB of hashes: static, rebuilt per input */
    rd r = { data, size };
    uint8_t mode = rd_u8(&r);
    unsigned nl = 1 + rd_u8(&r) % FZ_MAX_LEAVES;
    build(&t, nl, rd_u8(&r));

    static unsigned char proof[FZ_MAX_LEAVES * TD_MERKLE_MAX_PROOF * HL + FZ_MAX_N * HL];
    size_t n;
    unsigned char h1[HL], h2[HL];
    switch (mode % 6) {
    case 0: {
        uint64_t idx = rd_u64(&r), sz = rd_u64(&r);
        uint8_t flags = rd_u8(&r);
        if (flags & 1) {   /* steer into the known tree */
            sz = 1 + sz % nl;
            idx %= sz + 1;
        }
        n = rd_u8(&r) % (FZ_MAX_N + 1);
        for (size_t i = 0; i < n; i++)
            rd_hash(&r, proof + i * HL);
        rd_hash(&r, h1);
        rd_hash(&r, h2);
        if ((flags & 2) && idx < nl)
            memcpy(h1, t.lh[idx], HL);
        if ((flags & 4) && sz <= nl)
            memcpy(h2, t.roots[sz], HL);
        check_inclusion(&t, h1, idx, sz, proof, n, h2);
        break;
    }
    case 1: {
        uint64_t sz = 1 + rd_u8(&r) % nl, idx = rd_u8(&r) % sz;
        if (td_merkle_inclusion_proof(&t.st, idx, sz, proof, &n, NULL))
            die("inclusion proof failed");
        uint64_t leaf_idx = idx;
        mutate(&r, &t, proof, &n, &idx, &sz);
        memcpy(h1, t.lh[leaf_idx], HL);
        uint8_t which = rd_u8(&r);
        if (which & 1)
            memcpy(h1, t.lh[rd_u8(&r) % nl], HL);   /* another leaf */
        if (sz <= nl)
            memcpy(h2, t.roots[sz], HL);
        else
            rd_hash(&r, h2);
        if (which & 2)
            h2[rd_u8(&r) % HL] ^= 1;                  /* a wrong root */
        check_inclusion(&t, h1, idx, sz, proof, n, h2);
        break;
    }
    case 2: {
        uint64_t s1 = rd_u64(&r), s2 = rd_u64(&r);
        uint8_t flags = rd_u8(&r);
        if (flags & 1) {
            s2 = 1 + s2 % nl;
            s1 %= s2 + 1;
        }
        n = rd_u8(&r) % (FZ_MAX_N + 1);
        for (size_t i = 0; i < n; i++)
            rd_hash(&r, proof + i * HL);
        rd_hash(&r, h1);
        rd_hash(&r, h2);
        if ((flags & 2) && s1 <= nl)
            memcpy(h1, t.roots[s1], HL);
        if ((flags & 4) && s2 <= nl)
            memcpy(h2, t.roots[s2], HL);
        check_consistency(&t, s1, h1, s2, h2, proof, n);
        break;
    }
    case 3: {
        uint64_t s2 = 1 + rd_u8(&r) % nl, s1 = 1 + rd_u8(&r) % s2;
        if (td_merkle_consistency_proof(&t.st, s1, s2, proof, &n, NULL))
            die("consistency proof failed");
        mutate(&r, &t, proof, &n, &s1, &s2);
        if (s1 <= nl)
            memcpy(h1, t.roots[s1], HL);
        else
            rd_hash(&r, h1);
        if (s2 <= nl)
            memcpy(h2, t.roots[s2], HL);
        else
            rd_hash(&r, h2);
        uint8_t which = rd_u8(&r);
        if (which & 1)
            h1[rd_u8(&r) % HL] ^= 1;
        if (which & 2)
            h2[rd_u8(&r) % HL] ^= 1;
        check_consistency(&t, s1, h1, s2, h2, proof, n);
        break;
    }
    case 4: {
        static uint64_t idx[FZ_MAX_BATCH];
        static unsigned char lv[FZ_MAX_BATCH * HL];
        uint64_t sz = 1 + rd_u8(&r) % nl, mask = rd_u64(&r), shift, tsz;
        size_t nb = 0;
        for (uint64_t i = 0; i < sz; i++)
            if (mask >> (i % 64) & 1)
                idx[nb++] = i;
        if (!nb)
            idx[nb++] = sz - 1;
        if (td_merkle_batch_proof(&t.st, idx, nb, sz, proof, sizeof proof / HL - FZ_MAX_N, &n, NULL))
            die("batch proof failed");
        for (size_t i = 0; i < nb; i++)
            memcpy(lv + i * HL, t.lh[idx[i]], HL);
        shift = 0;
        tsz = sz;
        mutate(&r, &t, proof, &n, &tsz, &shift);
        if (shift) {   /* one index moved; its leaf the known one there if any */
            size_t k = rd_u8(&r) % nb;
            idx[k] += shift;
            if (idx[k] < nl)
                memcpy(lv + k * HL, t.lh[idx[k]], HL);
        }
        uint8_t which = rd_u8(&r);
        if (which & 1)
            lv[(rd_u8(&r) % nb) * HL + rd_u8(&r) % HL] ^= 1;
        if (tsz <= nl)
            memcpy(h1, t.roots[tsz], HL);
        else
            rd_hash(&r, h1);
        if (which & 2)
            h1[rd_u8(&r) % HL] ^= 1;
        check_batch(&t, idx, lv, (which & 4) && nb > 1 ? nb - 1 : nb, tsz, proof, n, h1);
        break;
    }
    case 5: {
        static uint64_t idx[FZ_MAX_BATCH];
        static unsigned char lv[FZ_MAX_BATCH * HL];
        uint64_t sz = rd_u64(&r);
        uint8_t flags = rd_u8(&r);
        size_t nb = rd_u8(&r) % (FZ_MAX_BATCH + 1);
        if (flags & 1)
            sz = 1 + sz % nl;
        for (size_t i = 0; i < nb; i++) {
            idx[i] = rd_u64(&r);
            if ((flags & 2) && sz < UINT64_MAX)
                idx[i] %= sz + 1;
            if (idx[i] < nl)
                memcpy(lv + i * HL, t.lh[idx[i]], HL);
            else
                rd_hash(&r, lv + i * HL);
        }
        n = rd_u8(&r) % (FZ_MAX_N + 1);
        for (size_t i = 0; i < n; i++)
            rd_hash(&r, proof + i * HL);
        rd_hash(&r, h1);
        if ((flags & 4) && sz <= nl)
            memcpy(h1, t.roots[sz], HL);
        check_batch(&t, idx, lv, nb, sz, proof, n, h1);
        break;
    }
    }
    td_merkle_mem_free(&t.mem);
    return 0;
}
