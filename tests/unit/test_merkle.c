/*
 * test_merkle.c — the RFC 6962 Merkle tree (common/merkle.c).
 *
 * Known-answer vectors come from transparency-dev/merkle (Go):
 *   testonly/constants.go   leaf inputs, NodeHashes (every complete subtree
 *                           of the 8-leaf tree) and RootHashes (sizes 0..8);
 *   proof/verify_test.go    inclusion and consistency proofs, the corrupted
 *                           probes (corruptInclusionProof /
 *                           corruptConsistencyProof) and the static probes;
 *   cmd/proofgen/main.go    the newer generator of testdata/: same vectors,
 *                           and size1 == 0 is always an error.
 * Probes that use hashes of the wrong length there (empty "garbage",
 * "WrongLeaf") use a 32-byte wrong value here: our API takes fixed-size hashes.
 *
 * Then properties over random trees: store-built roots equal a naive
 * recursive MTH; proofs equal a naive recursive PATH/SUBPROOF; every proof
 * verifies, and a wrong root does not; append and proofs stay within their
 * O(log n) budget of store reads and writes.
 */
#include <inttypes.h>
#include <stdint.h>

#include "merkle.h"
#include "tt.h"

#define HL TD_MERKLE_HASH_LEN

/* ---- helpers ------------------------------------------------------------------ */

static size_t unhex(const char *s, unsigned char *out)
{
    size_t n = strlen(s) / 2;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(s + 2 * i, "%2x", &v);
        out[i] = (unsigned char)v;
    }
    return n;
}

static void h32(const char *s, unsigned char out[HL])
{
    TT_EQ_INT(strlen(s), 2 * HL);
    unhex(s, out);
}

/* A store wrapper that counts reads and writes and can fail on cue. */
typedef struct counting {
    td_merkle_store inner;
    uint64_t gets, puts;
    int64_t fail_get_at, fail_put_at;   /* 1-based call number to fail, or 0 */
} counting;

static int cnt_get(void *arg, unsigned level, uint64_t index, unsigned char out[HL])
{
    counting *c = arg;
    c->gets++;
    if (c->fail_get_at && (int64_t)c->gets == c->fail_get_at)
        return TD_EIO;
    return c->inner.get(c->inner.arg, level, index, out);
}

static int cnt_put(void *arg, unsigned level, uint64_t index, const unsigned char h[HL])
{
    counting *c = arg;
    c->puts++;
    if (c->fail_put_at && (int64_t)c->puts == c->fail_put_at)
        return TD_EDB;
    return c->inner.put(c->inner.arg, level, index, h);
}

static td_merkle_store counting_store(counting *c, td_merkle_mem *m)
{
    memset(c, 0, sizeof *c);
    c->inner = td_merkle_mem_store(m);
    td_merkle_store st = { cnt_get, cnt_put, c };
    return st;
}

/* Naive RFC 6962 §2.1 MTH over leaf hashes lh[lo:hi]. */
static void naive_mth(const unsigned char (*lh)[HL], uint64_t lo, uint64_t hi, unsigned char out[HL])
{
    if (hi == lo) {
        td_merkle_empty_root(out);
        return;
    }
    if (hi - lo == 1) {
        memcpy(out, lh[lo], HL);
        return;
    }
    uint64_t k = 1;
    while (k * 2 < hi - lo)
        k *= 2;
    unsigned char l[HL], r[HL];
    naive_mth(lh, lo, lo + k, l);
    naive_mth(lh, lo + k, hi, r);
    td_merkle_node_hash(l, r, out);
}

/* Naive recursive PATH (RFC 6962 §2.1.1), appended to out at *n. */
static void naive_path(const unsigned char (*lh)[HL], uint64_t m, uint64_t lo, uint64_t hi, unsigned char *out,
                       size_t *n)
{
    if (hi - lo <= 1)
        return;
    uint64_t k = 1;
    while (k * 2 < hi - lo)
        k *= 2;
    if (m < k) {
        naive_path(lh, m, lo, lo + k, out, n);
        naive_mth(lh, lo + k, hi, out + (*n)++ * HL);
    } else {
        naive_path(lh, m - k, lo + k, hi, out, n);
        naive_mth(lh, lo, lo + k, out + (*n)++ * HL);
    }
}

/* Naive recursive SUBPROOF (RFC 6962 §2.1.2). */
static void naive_subproof(const unsigned char (*lh)[HL], uint64_t m, uint64_t lo, uint64_t hi, int b,
                           unsigned char *out, size_t *n)
{
    if (m == hi - lo) {
        if (!b)
            naive_mth(lh, lo, hi, out + (*n)++ * HL);
        return;
    }
    uint64_t k = 1;
    while (k * 2 < hi - lo)
        k *= 2;
    if (m <= k) {
        naive_subproof(lh, m, lo, lo + k, b, out, n);
        naive_mth(lh, lo + k, hi, out + (*n)++ * HL);
    } else {
        naive_subproof(lh, m - k, lo + k, hi, 0, out, n);
        naive_mth(lh, lo, lo + k, out + (*n)++ * HL);
    }
}

static unsigned bitlen(uint64_t x)
{
    return x ? 64u - (unsigned)__builtin_clzll(x) : 0u;
}

/* Deterministic test randomness (splitmix64). */
static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* ---- transparency-dev/merkle vectors --------------------------------------------- */

/* testonly/constants.go LeafInputs() */
static const char *const LEAVES[8] = {
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f",
};

/* testonly/constants.go RootHashes(), by size 0..8 */
static const char *const ROOTS[9] = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

/* testonly/constants.go NodeHashes(): [level][index] of the 8-leaf tree */
static const char *const NODES[4][8] = {
    {
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    },
    {
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    },
    {
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    },
    {
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    },
};

/* proof/verify_test.go: sha256SomeHash, sha256EmptyTreeHash */
static const char SOME_HASH[] = "abacaba000000000000000000000000000000000000000000060061e00123456";
static const char EMPTY_TREE_HASH[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

typedef struct vec {
    uint64_t a, b;          /* inclusion: leaf (1-based), size; consistency: size1, size2 */
    size_t n;
    const char *proof[3];
} vec;

/* proof/verify_test.go inclusionProofs (the {0, 0, nil} entry there is
 * skipped by the Go test as an invalid path; proofgen drops it). */
static const vec INCL[] = {
    { 1, 1, 0, { NULL } },
    { 1, 8, 3, { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                 "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                 "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
    { 6, 8, 3, { "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                 "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                 "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
    { 3, 3, 1, { "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125" } },
    { 2, 5, 3, { "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                 "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                 "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" } },
};

/* proof/verify_test.go consistencyProofs */
static const vec CONS[] = {
    { 1, 1, 0, { NULL } },
    { 1, 8, 3, { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                 "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                 "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
    { 6, 8, 3, { "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                 "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                 "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
    { 2, 5, 2, { "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                 "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" } },
    { 6, 7, 3, { "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                 "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                 "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
};

#define NVEC(a) (sizeof(a) / sizeof((a)[0]))

/* The 8-leaf tree of LeafInputs() in a memory store. */
static void build_vector_tree(td_merkle_mem *m, unsigned char lh[8][HL])
{
    td_merkle_mem_init(m);
    td_merkle_store st = td_merkle_mem_store(m);
    for (unsigned i = 0; i < 8; i++) {
        unsigned char data[16];
        size_t len = unhex(LEAVES[i], data);
        td_merkle_leaf_hash(data, len, lh[i]);
        TT_EQ_INT(td_merkle_append(&st, i, lh[i], NULL, NULL), 0);
    }
}

static void test_vector_hashes(void)
{
    td_merkle_mem m;
    unsigned char lh[8][HL], want[HL], got[HL];
    build_vector_tree(&m, lh);
    td_merkle_store st = td_merkle_mem_store(&m);
    TT_EQ_INT(td_merkle_mem_size(&m), 8);

    /* Every complete subtree, as stored. */
    for (unsigned level = 0; level < 4; level++)
        for (unsigned i = 0; i < (8u >> level); i++) {
            h32(NODES[level][i], want);
            TT_EQ_INT(st.get(st.arg, level, i, got), 0);
            TT_CHECK(memcmp(got, want, HL) == 0);
        }
    TT_EQ_INT(st.get(st.arg, 3, 1, got), TD_ENOTFOUND);
    TT_EQ_INT(st.get(st.arg, 0, 8, got), TD_ENOTFOUND);

    /* Every root, sizes 0..8, from the store and from append's out root. */
    for (unsigned size = 0; size <= 8; size++) {
        h32(ROOTS[size], want);
        TT_EQ_INT(td_merkle_root(&st, size, got, NULL), 0);
        TT_CHECK(memcmp(got, want, HL) == 0);
    }
    td_merkle_mem m2;
    td_merkle_mem_init(&m2);
    td_merkle_store st2 = td_merkle_mem_store(&m2);
    for (unsigned i = 0; i < 8; i++) {
        h32(ROOTS[i + 1], want);
        TT_EQ_INT(td_merkle_append(&st2, i, lh[i], got, NULL), 0);
        TT_CHECK(memcmp(got, want, HL) == 0);
    }
    td_merkle_empty_root(got);
    h32(EMPTY_TREE_HASH, want);
    TT_CHECK(memcmp(got, want, HL) == 0);
    td_merkle_mem_free(&m2);
    td_merkle_mem_free(&m);
}

/* The probes of proof/verify_test.go corruptInclusionProof: all must fail. */
static void inclusion_probes(const unsigned char leaf[HL], uint64_t idx, uint64_t size, const unsigned char *proof,
                             size_t n, const unsigned char root[HL])
{
    unsigned char some[HL], empty[HL], zero[HL] = {0}, wrong_leaf[HL];
    unsigned char buf[(TD_MERKLE_MAX_PROOF + 2) * HL];
    h32(SOME_HASH, some);
    h32(EMPTY_TREE_HASH, empty);
    td_merkle_leaf_hash("WrongLeaf", 9, wrong_leaf);

    TT_CHECK(td_merkle_verify_inclusion(leaf, idx - 1, size, proof, n, root, NULL) != 0);
    TT_CHECK(td_merkle_verify_inclusion(leaf, idx + 1, size, proof, n, root, NULL) != 0);
    TT_CHECK(td_merkle_verify_inclusion(leaf, idx ^ 2, size, proof, n, root, NULL) != 0);
    TT_CHECK(td_merkle_verify_inclusion(leaf, idx, size * 2, proof, n, root, NULL) != 0);
    TT_CHECK(td_merkle_verify_inclusion(leaf, idx, size / 2, proof, n, root, NULL) != 0);
    TT_CHECK(td_merkle_verify_inclusion(wrong_leaf, idx, size, proof, n, root, NULL) != 0);
    TT_CHECK(td_merkle_verify_inclusion(leaf, idx, size, proof, n, empty, NULL) != 0);
    TT_CHECK(td_merkle_verify_inclusion(leaf, idx, size, proof, n, some, NULL) != 0);
    /* trailing garbage / trailing root */
    memcpy(buf, proof, n * HL);
    memcpy(buf + n * HL, zero, HL);
    TT_CHECK(td_merkle_verify_inclusion(leaf, idx, size, buf, n + 1, root, NULL) != 0);
    memcpy(buf + n * HL, root, HL);
    TT_CHECK(td_merkle_verify_inclusion(leaf, idx, size, buf, n + 1, root, NULL) != 0);
    /* preceding garbage / preceding root */
    memcpy(buf, zero, HL);
    memcpy(buf + HL, proof, n * HL);
    TT_CHECK(td_merkle_verify_inclusion(leaf, idx, size, buf, n + 1, root, NULL) != 0);
    memcpy(buf, root, HL);
    TT_CHECK(td_merkle_verify_inclusion(leaf, idx, size, buf, n + 1, root, NULL) != 0);
    /* one bit flipped in each element (bit 3 of byte 0, as in Go) */
    for (size_t i = 0; i < n; i++) {
        memcpy(buf, proof, n * HL);
        buf[i * HL] ^= 8;
        TT_CHECK(td_merkle_verify_inclusion(leaf, idx, size, buf, n, root, NULL) != 0);
    }
    if (n > 0)   /* removed component */
        TT_CHECK(td_merkle_verify_inclusion(leaf, idx, size, proof, n - 1, root, NULL) != 0);
    if (n > 1) { /* inserted component: proof[0], SomeHash, proof[1:]... */
        memcpy(buf, proof, HL);
        memcpy(buf + HL, some, HL);
        memcpy(buf + 2 * HL, proof + HL, (n - 1) * HL);
        TT_CHECK(td_merkle_verify_inclusion(leaf, idx, size, buf, n + 1, root, NULL) != 0);
    }
}

static void test_vector_inclusion(void)
{
    td_merkle_mem m;
    unsigned char lh[8][HL], root[HL], proof[3 * HL], got[TD_MERKLE_PROOF_BYTES];
    build_vector_tree(&m, lh);
    td_merkle_store st = td_merkle_mem_store(&m);
    for (size_t v = 0; v < NVEC(INCL); v++) {
        uint64_t idx = INCL[v].a - 1, size = INCL[v].b;
        size_t n = INCL[v].n, gn = 99;
        for (size_t i = 0; i < n; i++)
            h32(INCL[v].proof[i], proof + i * HL);
        h32(ROOTS[size], root);
        td_error err = {0};
        TT_EQ_INT(td_merkle_verify_inclusion(lh[idx], idx, size, proof, n, root, &err), 0);
        if (err.code)
            fprintf(stderr, "vector %zu: %s\n", v, err.msg);
        /* The store produces exactly the published proof. */
        TT_EQ_INT(td_merkle_inclusion_proof(&st, idx, size, got, &gn, NULL), 0);
        TT_EQ_INT(gn, n);
        TT_CHECK(memcmp(got, proof, n * HL) == 0);
        inclusion_probes(lh[idx], idx, size, proof, n, root);
    }
    td_merkle_mem_free(&m);

    /* TestVerifyInclusionSingleEntry: root and leaf of a 1-entry tree agree. */
    unsigned char hash[HL], zero[HL] = {0}, some[HL], empty[HL];
    td_merkle_leaf_hash("data", 4, hash);
    TT_EQ_INT(td_merkle_verify_inclusion(hash, 0, 1, NULL, 0, hash, NULL), 0);
    TT_CHECK(td_merkle_verify_inclusion(zero, 0, 1, NULL, 0, hash, NULL) != 0);
    TT_CHECK(td_merkle_verify_inclusion(hash, 0, 1, NULL, 0, zero, NULL) != 0);

    /* TestVerifyInclusion static probes: index/size pairs with no proof. */
    h32(SOME_HASH, some);
    h32(EMPTY_TREE_HASH, empty);
    static const uint64_t probes[4][2] = { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 2, 1 } };
    for (int i = 0; i < 4; i++) {
        uint64_t idx = probes[i][0], size = probes[i][1];
        TT_CHECK(td_merkle_verify_inclusion(some, idx, size, NULL, 0, zero, NULL) != 0);
        TT_CHECK(td_merkle_verify_inclusion(zero, idx, size, NULL, 0, empty, NULL) != 0);
        TT_CHECK(td_merkle_verify_inclusion(some, idx, size, NULL, 0, empty, NULL) != 0);
    }
    TT_EQ_INT(td_merkle_verify_inclusion(some, 0, 0, NULL, 0, empty, NULL), TD_EARG);
    TT_EQ_INT(td_merkle_verify_inclusion(some, 2, 1, NULL, 0, empty, NULL), TD_EARG);
}

/* The probes of proof/verify_test.go corruptConsistencyProof: all must fail. */
static void consistency_probes(uint64_t s1, uint64_t s2, const unsigned char r1[HL], const unsigned char r2[HL],
                               const unsigned char *proof, size_t n)
{
    unsigned char wrong[HL], zero[HL] = {0};
    unsigned char buf[(TD_MERKLE_MAX_PROOF + 2) * HL];
    memset(wrong, 0, HL);
    memcpy(wrong, "WrongRoot", 9);

    TT_CHECK(td_merkle_verify_consistency(s1 - 1, r1, s2, r2, proof, n, NULL) != 0);
    TT_CHECK(td_merkle_verify_consistency(s1 + 1, r1, s2, r2, proof, n, NULL) != 0);
    TT_CHECK(td_merkle_verify_consistency(s1 ^ 2, r1, s2, r2, proof, n, NULL) != 0);
    TT_CHECK(td_merkle_verify_consistency(s1, r1, s2 * 2, r2, proof, n, NULL) != 0);
    TT_CHECK(td_merkle_verify_consistency(s1, r1, s2 / 2, r2, proof, n, NULL) != 0);
    TT_CHECK(td_merkle_verify_consistency(s1, wrong, s2, r2, proof, n, NULL) != 0);
    TT_CHECK(td_merkle_verify_consistency(s1, r1, s2, wrong, proof, n, NULL) != 0);
    TT_CHECK(td_merkle_verify_consistency(s1, r2, s2, r1, proof, n, NULL) != 0);
    TT_CHECK(td_merkle_verify_consistency(s1, r1, s2, r2, proof, 0, NULL) != 0);
    /* trailing garbage / root1 / root2 */
    const unsigned char *extra[3] = { zero, r1, r2 };
    for (int e = 0; e < 3; e++) {
        memcpy(buf, proof, n * HL);
        memcpy(buf + n * HL, extra[e], HL);
        TT_CHECK(td_merkle_verify_consistency(s1, r1, s2, r2, buf, n + 1, NULL) != 0);
    }
    /* preceding garbage / root1 / root2 / proof[0] */
    const unsigned char *pre[4] = { zero, r1, r2, proof };
    for (int e = 0; e < 4; e++) {
        memcpy(buf, pre[e], HL);
        memcpy(buf + HL, proof, n * HL);
        TT_CHECK(td_merkle_verify_consistency(s1, r1, s2, r2, buf, n + 1, NULL) != 0);
    }
    /* truncated proof */
    TT_CHECK(td_merkle_verify_consistency(s1, r1, s2, r2, proof, n - 1, NULL) != 0);
    /* one bit flipped in each element (bit 4 of byte 0, as in Go) */
    for (size_t i = 0; i < n; i++) {
        memcpy(buf, proof, n * HL);
        buf[i * HL] ^= 16;
        TT_CHECK(td_merkle_verify_consistency(s1, r1, s2, r2, buf, n, NULL) != 0);
    }
}

static void test_vector_consistency(void)
{
    td_merkle_mem m;
    unsigned char lh[8][HL], r1[HL], r2[HL], proof[3 * HL], got[TD_MERKLE_PROOF_BYTES];
    build_vector_tree(&m, lh);
    td_merkle_store st = td_merkle_mem_store(&m);
    for (size_t v = 0; v < NVEC(CONS); v++) {
        uint64_t s1 = CONS[v].a, s2 = CONS[v].b;
        size_t n = CONS[v].n, gn = 99;
        for (size_t i = 0; i < n; i++)
            h32(CONS[v].proof[i], proof + i * HL);
        h32(ROOTS[s1], r1);
        h32(ROOTS[s2], r2);
        td_error err = {0};
        TT_EQ_INT(td_merkle_verify_consistency(s1, r1, s2, r2, proof, n, &err), 0);
        if (err.code)
            fprintf(stderr, "vector %zu: %s\n", v, err.msg);
        TT_EQ_INT(td_merkle_consistency_proof(&st, s1, s2, got, &gn, NULL), 0);
        TT_EQ_INT(gn, n);
        TT_CHECK(memcmp(got, proof, n * HL) == 0);
        if (n > 0)   /* as in Go: only non-trivial proofs are corrupted */
            consistency_probes(s1, s2, r1, r2, proof, n);
    }
    td_merkle_mem_free(&m);

    /* cmd/proofgen staticConsistencyProbes (the newest rules: size1 == 0 is
     * always an error).  "don't care" roots padded to 32 bytes. */
    unsigned char dc1[HL] = "don't care 1", dc2[HL] = "don't care 2", empty[HL];
    h32(EMPTY_TREE_HASH, empty);
    const unsigned char *p2 = empty;   /* proof2 = {sha256EmptyTreeHash} */
    struct { uint64_t s1, s2; const unsigned char *r1, *r2; const unsigned char *proof; size_t n; int ok; } sp[] = {
        { 0, 0, dc1, dc2, NULL, 0, 0 },       /* sizes equal (zero), roots not */
        { 1, 1, dc1, dc2, NULL, 0, 0 },       /* sizes equal (one), roots not */
        { 0, 0, dc1, dc1, NULL, 0, 0 },       /* sizes equal (zero), proof empty */
        { 0, 1, dc1, dc2, NULL, 0, 0 },       /* size1 zero, size2 not */
        { 1, 1, dc2, dc2, NULL, 0, 1 },       /* always consistent */
        { 1, 0, dc1, dc2, NULL, 0, 0 },       /* time travel */
        { 2, 1, dc1, dc2, NULL, 0, 0 },
        { 1, 2, dc1, dc2, NULL, 0, 0 },       /* empty proof */
        { 0, 0, empty, dc2, NULL, 0, 0 },     /* roots differ */
        { 1, 1, empty, dc2, NULL, 0, 0 },
        { 0, 0, empty, empty, p2, 1, 0 },     /* sizes match, proof not empty */
        { 1, 1, empty, empty, p2, 1, 0 },
        { 0, 1, empty, dc2, NULL, 0, 0 },     /* from the empty tree */
        { 0, 1, empty, empty, p2, 1, 0 },
    };
    for (size_t i = 0; i < NVEC(sp); i++) {
        int rc = td_merkle_verify_consistency(sp[i].s1, sp[i].r1, sp[i].s2, sp[i].r2, sp[i].proof, sp[i].n, NULL);
        if (sp[i].ok)
            TT_EQ_INT(rc, 0);
        else
            TT_CHECK(rc != 0);
    }
}

/* ---- properties over random trees ------------------------------------------------- */

/* Budgets of store reads, from merkle.h: root popcount(n); inclusion
 * 2*log2(n)+2; consistency 3*log2(n)+3. */
static uint64_t max_incl_gets, max_cons_gets;

static void test_store_matches_naive(void)
{
    enum { N = 400 };
    static unsigned char lh[N][HL];
    td_merkle_mem m;
    td_merkle_mem_init(&m);
    counting c;
    td_merkle_store st = counting_store(&c, &m);
    int bad_root = 0, bad_puts = 0, bad_gets = 0;
    for (uint64_t i = 0; i < N; i++) {
        unsigned char data[8], root[HL], want[HL];
        memcpy(data, &i, 8);
        td_merkle_leaf_hash(data, sizeof data, lh[i]);
        c.gets = c.puts = 0;
        TT_EQ_INT(td_merkle_append(&st, i, lh[i], NULL, NULL), 0);
        /* puts: the leaf plus one per trailing one bit of i; gets: one each. */
        unsigned ones = (unsigned)__builtin_ctzll(~i);
        bad_puts += c.puts != 1 + ones || c.puts > bitlen(i + 1) + 1;
        bad_gets += c.gets != ones;
        c.gets = 0;
        TT_EQ_INT(td_merkle_root(&st, i + 1, root, NULL), 0);
        bad_gets += c.gets != (uint64_t)__builtin_popcountll(i + 1);
        naive_mth((const unsigned char (*)[HL])lh, 0, i + 1, want);
        bad_root += memcmp(root, want, HL) != 0;
    }
    TT_EQ_INT(bad_root, 0);
    TT_EQ_INT(bad_puts, 0);
    TT_EQ_INT(bad_gets, 0);

    /* Proofs equal the naive recursive PATH / SUBPROOF, all pairs up to 70. */
    enum { P = 70 };
    int bad_incl = 0, bad_cons = 0;
    for (uint64_t size = 1; size <= P; size++) {
        for (uint64_t idx = 0; idx < size; idx++) {
            unsigned char got[TD_MERKLE_PROOF_BYTES], want[TD_MERKLE_PROOF_BYTES];
            size_t gn = 0, wn = 0;
            TT_EQ_INT(td_merkle_inclusion_proof(&st, idx, size, got, &gn, NULL), 0);
            naive_path((const unsigned char (*)[HL])lh, idx, 0, size, want, &wn);
            bad_incl += gn != wn || memcmp(got, want, gn * HL) != 0;
        }
        for (uint64_t s1 = 1; s1 <= size; s1++) {
            unsigned char got[TD_MERKLE_PROOF_BYTES], want[TD_MERKLE_PROOF_BYTES];
            size_t gn = 0, wn = 0;
            TT_EQ_INT(td_merkle_consistency_proof(&st, s1, size, got, &gn, NULL), 0);
            naive_subproof((const unsigned char (*)[HL])lh, s1, 0, size, 1, want, &wn);
            bad_cons += gn != wn || memcmp(got, want, gn * HL) != 0;
        }
    }
    TT_EQ_INT(bad_incl, 0);
    TT_EQ_INT(bad_cons, 0);
    td_merkle_mem_free(&m);
}

static void property_run(uint64_t seed, unsigned nleaves)
{
    td_merkle_mem m;
    td_merkle_mem_init(&m);
    counting c;
    td_merkle_store st = counting_store(&c, &m);
    unsigned char (*roots)[HL] = calloc(nleaves + 1, HL);
    unsigned char (*lh)[HL] = calloc(nleaves, HL);
    int bad_incl = 0, bad_cons = 0, accepted_wrong = 0, over_budget = 0;
    td_merkle_empty_root(roots[0]);
    for (unsigned i = 0; i < nleaves; i++) {
        /* leaves of random length and content */
        unsigned char data[64];
        size_t len = rnd(&seed) % sizeof data;
        for (size_t j = 0; j < len; j++)
            data[j] = (unsigned char)rnd(&seed);
        td_merkle_leaf_hash(data, len, lh[i]);
        TT_EQ_INT(td_merkle_append(&st, i, lh[i], roots[i + 1], NULL), 0);
        uint64_t size = i + 1;
        uint64_t budget_i = 2 * (uint64_t)bitlen(size) + 2, budget_c = 3 * (uint64_t)bitlen(size) + 3;

        /* every leaf's inclusion proof at this size */
        for (uint64_t idx = 0; idx < size; idx++) {
            unsigned char proof[TD_MERKLE_PROOF_BYTES], wrong[HL];
            size_t n = 0;
            c.gets = 0;
            TT_EQ_INT(td_merkle_inclusion_proof(&st, idx, size, proof, &n, NULL), 0);
            if (c.gets > max_incl_gets)
                max_incl_gets = c.gets;
            over_budget += c.gets > budget_i;
            bad_incl += td_merkle_verify_inclusion(lh[idx], idx, size, proof, n, roots[size], NULL) != 0;
            memcpy(wrong, roots[size], HL);
            wrong[rnd(&seed) % HL] ^= (unsigned char)(1u << (rnd(&seed) % 8));
            accepted_wrong += td_merkle_verify_inclusion(lh[idx], idx, size, proof, n, wrong, NULL) == 0;
        }
        /* every older size's consistency proof to this size */
        for (uint64_t s1 = 1; s1 <= size; s1++) {
            unsigned char proof[TD_MERKLE_PROOF_BYTES], wrong[HL];
            size_t n = 0;
            c.gets = 0;
            TT_EQ_INT(td_merkle_consistency_proof(&st, s1, size, proof, &n, NULL), 0);
            if (c.gets > max_cons_gets)
                max_cons_gets = c.gets;
            over_budget += c.gets > budget_c;
            bad_cons += td_merkle_verify_consistency(s1, roots[s1], size, roots[size], proof, n, NULL) != 0;
            memcpy(wrong, roots[size], HL);
            wrong[rnd(&seed) % HL] ^= (unsigned char)(1u << (rnd(&seed) % 8));
            accepted_wrong += td_merkle_verify_consistency(s1, roots[s1], size, wrong, proof, n, NULL) == 0;
            memcpy(wrong, roots[s1], HL);
            wrong[rnd(&seed) % HL] ^= (unsigned char)(1u << (rnd(&seed) % 8));
            accepted_wrong += td_merkle_verify_consistency(s1, wrong, size, roots[size], proof, n, NULL) == 0;
        }
    }
    TT_EQ_INT(bad_incl, 0);
    TT_EQ_INT(bad_cons, 0);
    TT_EQ_INT(accepted_wrong, 0);
    TT_EQ_INT(over_budget, 0);
    /* historical roots are still computable from the grown store */
    for (unsigned s = 0; s <= nleaves; s++) {
        unsigned char r[HL];
        TT_EQ_INT(td_merkle_root(&st, s, r, NULL), 0);
        TT_CHECK(memcmp(r, roots[s], HL) == 0);
    }
    free(roots);
    free(lh);
    td_merkle_mem_free(&m);
}

static void test_property_random(void)
{
    static const uint64_t seeds[] = { 1, 42, 0xdeadbeef, 20240601, 7777777 };
    for (size_t i = 0; i < NVEC(seeds); i++) {
        uint64_t s = seeds[i];
        property_run(seeds[i], i == 0 ? 300 : 100 + (unsigned)(rnd(&s) % 200));
    }
    fprintf(stderr, "max store reads: inclusion %" PRIu64 ", consistency %" PRIu64 " (n <= 300)\n", max_incl_gets,
            max_cons_gets);
}

/* ---- batch proofs (several leaves, one root) --------------------------------------- */

/* Every probe a batch proof must fail: each hash flipped, a leaf flipped, an
 * index moved, a leaf left out (a short range), a hash short or extra, the
 * wrong size or root.  Returns the number of probes wrongly accepted. */
static int batch_probes(const uint64_t *idx, const unsigned char *leaves, size_t n, uint64_t size,
                        const unsigned char (*lh)[HL], const unsigned char *proof, size_t np,
                        const unsigned char root[HL], const unsigned char wrong_size_root[HL])
{
    int accepted = 0;
    unsigned char *p = malloc((np + 1) * HL), *lv = malloc(n * HL);
    uint64_t *ix = malloc(n * sizeof *ix);
    memcpy(p, proof, np * HL);
    memcpy(lv, leaves, n * HL);
    memcpy(ix, idx, n * sizeof *ix);
    for (size_t k = 0; k < np; k++) {
        p[k * HL + k % HL] ^= 0x40;
        accepted += td_merkle_verify_batch(idx, leaves, n, size, p, np, root, NULL) == 0;
        p[k * HL + k % HL] ^= 0x40;
    }
    for (size_t k = 0; k < n; k++) {
        lv[k * HL + 7] ^= 1;
        accepted += td_merkle_verify_batch(idx, lv, n, size, proof, np, root, NULL) == 0;
        lv[k * HL + 7] ^= 1;
        /* the same leaf hash claimed at a neighbouring free index */
        for (int d = -1; d <= 1; d += 2) {
            uint64_t to = idx[k] + (uint64_t)(int64_t)d;
            if (to >= size || (k > 0 && to <= idx[k - 1]) || (k + 1 < n && to >= idx[k + 1]))
                continue;
            ix[k] = to;
            accepted += td_merkle_verify_batch(ix, leaves, n, size, proof, np, root, NULL) == 0;
            ix[k] = idx[k];
            /* and with the true leaf hash of that index: the proof is for idx */
            memcpy(lv + k * HL, lh[to], HL);
            ix[k] = to;
            accepted += td_merkle_verify_batch(ix, lv, n, size, proof, np, root, NULL) == 0;
            ix[k] = idx[k];
            memcpy(lv + k * HL, leaves + k * HL, HL);
        }
    }
    if (n > 1) {   /* a short range: the last leaf, then the first, left out */
        accepted += td_merkle_verify_batch(idx, leaves, n - 1, size, proof, np, root, NULL) == 0;
        accepted += td_merkle_verify_batch(idx + 1, leaves + HL, n - 1, size, proof, np, root, NULL) == 0;
    }
    if (np) {
        accepted += td_merkle_verify_batch(idx, leaves, n, size, proof, np - 1, root, NULL) == 0;
        accepted += td_merkle_verify_batch(idx, leaves, n, size, proof + HL, np - 1, root, NULL) == 0;
    }
    memcpy(p + np * HL, root, HL);
    accepted += td_merkle_verify_batch(idx, leaves, n, size, p, np + 1, root, NULL) == 0;
    if (idx[n - 1] + 1 < size)
        accepted += td_merkle_verify_batch(idx, leaves, n, size - 1, proof, np, wrong_size_root, NULL) == 0;
    memcpy(p, root, HL);
    p[3] ^= 2;
    accepted += td_merkle_verify_batch(idx, leaves, n, size, proof, np, p, NULL) == 0;
    free(p);
    free(lv);
    free(ix);
    return accepted;
}

static void test_batch_proof(void)
{
    uint64_t seed = 6962;
    td_merkle_mem m;
    td_merkle_mem_init(&m);
    td_merkle_store st = td_merkle_mem_store(&m);
    enum { NL = 300 };
    unsigned char (*lh)[HL] = calloc(NL, HL), (*roots)[HL] = calloc(NL + 1, HL);
    uint64_t *idx = calloc(NL, sizeof *idx);
    unsigned char *leaves = calloc(NL, HL), *proof = calloc((size_t)NL * TD_MERKLE_MAX_PROOF, HL);
    int bad = 0, accepted_wrong = 0, too_long = 0;
    td_merkle_empty_root(roots[0]);
    for (unsigned i = 0; i < NL; i++) {
        unsigned char d[4] = { 'b', (unsigned char)i, (unsigned char)(i >> 8), 7 };
        td_merkle_leaf_hash(d, sizeof d, lh[i]);
        TT_EQ_INT(td_merkle_append(&st, i, lh[i], roots[i + 1], NULL), 0);
    }
    for (unsigned round = 0; round < 400; round++) {
        uint64_t size = 1 + rnd(&seed) % NL;
        size_t n = 0, np = 0, want = 0;
        int contiguous = round % 2 == 0;
        if (contiguous) {   /* a pull batch: a run of consecutive leaves */
            uint64_t a = rnd(&seed) % size, len = 1 + rnd(&seed) % (size - a);
            for (uint64_t i = a; i < a + len; i++)
                idx[n++] = i;
        } else {            /* an office's filtered batch: scattered leaves */
            unsigned keep = 1 + (unsigned)(rnd(&seed) % 4);
            for (uint64_t i = 0; i < size; i++)
                if (rnd(&seed) % 5 < keep)
                    idx[n++] = i;
            if (!n)
                idx[n++] = size - 1;
        }
        for (size_t k = 0; k < n; k++)
            memcpy(leaves + k * HL, lh[idx[k]], HL);
        TT_EQ_INT(td_merkle_batch_proof_len(idx, n, size, &want, NULL), 0);
        TT_EQ_INT(td_merkle_batch_proof(&st, idx, n, size, proof, (size_t)NL * TD_MERKLE_MAX_PROOF, &np, NULL), 0);
        TT_EQ_INT(np, want);
        if (contiguous && np > 2 * (size_t)bitlen(size))
            too_long++;
        if (n == 1) {   /* one leaf: the same hashes as its audit path */
            unsigned char path[TD_MERKLE_PROOF_BYTES];
            size_t pn = 0;
            TT_EQ_INT(td_merkle_inclusion_proof(&st, idx[0], size, path, &pn, NULL), 0);
            TT_EQ_INT(pn, np);
        }
        bad += td_merkle_verify_batch(idx, leaves, n, size, proof, np, roots[size], NULL) != 0;
        accepted_wrong += batch_probes(idx, leaves, n, size, (const unsigned char (*)[HL])lh, proof, np, roots[size],
                                       roots[size - 1]);
    }
    TT_EQ_INT(bad, 0);
    TT_EQ_INT(accepted_wrong, 0);
    TT_EQ_INT(too_long, 0);

    /* a run of 500 in a large tree: about two paths, not 500 */
    {
        size_t np = 0;
        uint64_t big = 100003;
        uint64_t *run = calloc(500, sizeof *run);
        for (unsigned i = 0; i < 500; i++)
            run[i] = 70001 + i;
        TT_EQ_INT(td_merkle_batch_proof_len(run, 500, big, &np, NULL), 0);
        TT_CHECK(np >= 1 && np <= 2 * (size_t)bitlen(big));
        free(run);
    }

    /* the form: no leaves, not increasing, beyond the tree, no room */
    {
        size_t np = 0;
        uint64_t two[2] = { 3, 3 }, far[1] = { 10 };
        TT_EQ_INT(td_merkle_batch_proof(&st, idx, 0, 10, proof, 64, &np, NULL), TD_EARG);
        TT_EQ_INT(td_merkle_batch_proof(&st, two, 2, 10, proof, 64, &np, NULL), TD_EARG);
        TT_EQ_INT(td_merkle_batch_proof(&st, far, 1, 10, proof, 64, &np, NULL), TD_EARG);
        TT_EQ_INT(td_merkle_batch_proof(&st, far, 1, 11, proof, 1, &np, NULL), TD_EARG);
        TT_EQ_INT(td_merkle_verify_batch(two, leaves, 2, 10, proof, 0, roots[10], NULL), TD_EARG);
        TT_EQ_INT(td_merkle_verify_batch(far, leaves, 1, 10, proof, 0, roots[10], NULL), TD_EARG);
        TT_EQ_INT(td_merkle_verify_batch(far, leaves, 0, 11, proof, 0, roots[11], NULL), TD_EARG);
    }
    free(lh);
    free(roots);
    free(idx);
    free(leaves);
    free(proof);
    td_merkle_mem_free(&m);
}

/* ---- huge trees, without storing them --------------------------------------------- */

/* A virtual tree whose every leaf is the same: the complete subtree hash at
 * level L is the same for every index, so a store of 64 hashes serves trees
 * up to 2^63 leaves.  It checks the size arithmetic at the limits. */
static unsigned char uniform[TD_MERKLE_MAX_LEVELS][HL];

static int uniform_get(void *arg, unsigned level, uint64_t index, unsigned char out[HL])
{
    uint64_t *gets = arg;
    (*gets)++;
    if (level >= TD_MERKLE_MAX_LEVELS)
        return TD_EARG;
    (void)index;
    memcpy(out, uniform[level], HL);
    return 0;
}

static void test_huge_sizes(void)
{
    td_merkle_leaf_hash("x", 1, uniform[0]);
    for (unsigned l = 1; l < TD_MERKLE_MAX_LEVELS; l++)
        td_merkle_node_hash(uniform[l - 1], uniform[l - 1], uniform[l]);
    uint64_t gets = 0;
    td_merkle_store st = { uniform_get, NULL, &gets };
    const uint64_t max = TD_MERKLE_MAX_SIZE;
    const uint64_t sizes[] = { max, max - 1, max / 2 + 12345, (max / 2) - 1, 0x5555555555555555ull, 3, 1 };
    int bad = 0;
    for (size_t a = 0; a < NVEC(sizes); a++) {
        uint64_t size = sizes[a];
        unsigned char root[HL], proof[TD_MERKLE_PROOF_BYTES];
        size_t n;
        TT_EQ_INT(td_merkle_root(&st, size, root, NULL), 0);
        const uint64_t idxs[] = { 0, size / 3, size - 2, size - 1 };
        for (size_t b = 0; b < NVEC(idxs); b++) {
            uint64_t idx = idxs[b] < size ? idxs[b] : 0;
            gets = 0;
            TT_EQ_INT(td_merkle_inclusion_proof(&st, idx, size, proof, &n, NULL), 0);
            bad += gets > 2 * (uint64_t)bitlen(size) + 2;
            bad += n > TD_MERKLE_MAX_PROOF;
            bad += td_merkle_verify_inclusion(uniform[0], idx, size, proof, n, root, NULL) != 0;
        }
        for (size_t b = 0; b < NVEC(sizes); b++) {
            uint64_t s1 = sizes[b];
            if (s1 > size)
                continue;
            unsigned char r1[HL];
            TT_EQ_INT(td_merkle_root(&st, s1, r1, NULL), 0);
            gets = 0;
            TT_EQ_INT(td_merkle_consistency_proof(&st, s1, size, proof, &n, NULL), 0);
            bad += gets > 3 * (uint64_t)bitlen(size) + 3;
            bad += n > TD_MERKLE_MAX_PROOF;
            bad += td_merkle_verify_consistency(s1, r1, size, root, proof, n, NULL) != 0;
        }
    }
    TT_EQ_INT(bad, 0);
    /* the longest proofs fit */
    unsigned char proof[TD_MERKLE_PROOF_BYTES];
    size_t n;
    TT_EQ_INT(td_merkle_consistency_proof(&st, 3, max, proof, &n, NULL), 0);
    TT_EQ_INT(n, 64);
    TT_EQ_INT(td_merkle_inclusion_proof(&st, 0, max, proof, &n, NULL), 0);
    TT_EQ_INT(n, 63);
    /* beyond the limit */
    unsigned char r[HL];
    TT_EQ_INT(td_merkle_root(&st, max + 1, r, NULL), TD_EARG);
    TT_EQ_INT(td_merkle_inclusion_proof(&st, 0, max + 1, proof, &n, NULL), TD_EARG);
    TT_EQ_INT(td_merkle_consistency_proof(&st, 1, UINT64_MAX, proof, &n, NULL), TD_EARG);
    TT_EQ_INT(td_merkle_verify_inclusion(r, 0, UINT64_MAX, proof, 64, r, NULL), TD_EARG);
    TT_EQ_INT(td_merkle_verify_consistency(1, r, UINT64_MAX, r, proof, 64, NULL), TD_EARG);
    TT_EQ_INT(td_merkle_verify_inclusion(r, 5, 9, proof, SIZE_MAX, r, NULL), TD_ECRYPTO);
}

/* ---- errors --------------------------------------------------------------------- */

static void test_errors(void)
{
    td_merkle_mem m;
    td_merkle_mem_init(&m);
    counting c;
    td_merkle_store st = counting_store(&c, &m);
    unsigned char h[HL], root[HL], proof[TD_MERKLE_PROOF_BYTES];
    size_t n = 7;
    td_error err = {0};
    for (uint64_t i = 0; i < 20; i++) {
        td_merkle_leaf_hash(&i, sizeof i, h);
        TT_EQ_INT(td_merkle_append(&st, i, h, NULL, NULL), 0);
    }

    /* sizes that admit no proof */
    TT_EQ_INT(td_merkle_inclusion_proof(&st, 20, 20, proof, &n, &err), TD_EARG);
    TT_EQ_INT(n, 0);
    TT_CHECK(strstr(err.msg, "index 20") != NULL);
    TT_EQ_INT(td_merkle_inclusion_proof(&st, 0, 0, proof, &n, NULL), TD_EARG);
    TT_EQ_INT(td_merkle_consistency_proof(&st, 0, 5, proof, &n, NULL), TD_EARG);
    TT_EQ_INT(td_merkle_consistency_proof(&st, 0, 0, proof, &n, NULL), TD_EARG);
    TT_EQ_INT(td_merkle_consistency_proof(&st, 6, 5, proof, &n, NULL), TD_EARG);
    TT_EQ_INT(td_merkle_consistency_proof(&st, 5, 5, proof, &n, NULL), 0);
    TT_EQ_INT(n, 0);

    /* beyond what is stored: the store's TD_ENOTFOUND comes through */
    TT_EQ_INT(td_merkle_root(&st, 21, root, &err), TD_ENOTFOUND);
    TT_CHECK(strstr(err.msg, "level 0, index 20") != NULL);
    TT_EQ_INT(td_merkle_inclusion_proof(&st, 3, 22, proof, &n, NULL), TD_ENOTFOUND);
    TT_EQ_INT(td_merkle_consistency_proof(&st, 3, 22, proof, &n, NULL), TD_ENOTFOUND);

    /* the memory store refuses gaps and changed hashes, accepts a re-put */
    td_merkle_leaf_hash("y", 1, h);
    TT_EQ_INT(td_merkle_append(&st, 25, h, NULL, NULL), TD_EARG);
    TT_EQ_INT(td_merkle_append(&st, 19, h, NULL, &err), TD_EEXISTS);
    TT_CHECK(strstr(err.msg, "level 0, index 19") != NULL);
    {
        uint64_t i = 19;
        unsigned char same[HL];
        td_merkle_leaf_hash(&i, sizeof i, same);
        TT_EQ_INT(td_merkle_append(&st, 19, same, NULL, NULL), 0);   /* retried append */
    }
    TT_EQ_INT(td_merkle_mem_size(&m), 20);

    /* a failing read or write at every position is reported, never ignored */
    int missed = 0;
    for (int k = 1; k <= 8; k++) {
        c.gets = c.puts = 0;
        c.fail_get_at = k;
        missed += td_merkle_root(&st, 15, root, NULL) != TD_EIO && k <= 4;
        c.gets = 0;
        missed += td_merkle_inclusion_proof(&st, 2, 19, proof, &n, NULL) != TD_EIO && k <= 4;
        c.gets = 0;
        missed += td_merkle_consistency_proof(&st, 3, 19, proof, &n, NULL) != TD_EIO && k <= 4;
    }
    c.fail_get_at = 0;
    TT_EQ_INT(missed, 0);
    /* a failed write during append: retrying completes the same tree */
    td_merkle_leaf_hash("z", 1, h);
    c.puts = 0;
    c.fail_put_at = 3;   /* leaf 20 writes 0/20; leaf 21 writes 0/21, then 1/10 fails */
    int failed = 0;
    for (uint64_t i = 20; i < 24; i++) {
        int rc = td_merkle_append(&st, i, h, NULL, &err);
        if (rc == TD_EDB) {
            failed++;
            TT_EQ_INT(i, 21);
            TT_CHECK(strstr(err.msg, "cannot store subtree hash (level 1, index 10)") != NULL);
            c.fail_put_at = 0;
            TT_EQ_INT(td_merkle_append(&st, i, h, NULL, NULL), 0);
        } else {
            TT_EQ_INT(rc, 0);
        }
    }
    TT_EQ_INT(failed, 1);
    {
        unsigned char lh[24][HL], want[HL];
        for (uint64_t i = 0; i < 20; i++)
            td_merkle_leaf_hash(&i, sizeof i, lh[i]);
        for (int i = 20; i < 24; i++)
            memcpy(lh[i], h, HL);
        naive_mth((const unsigned char (*)[HL])lh, 0, 24, want);
        TT_EQ_INT(td_merkle_root(&st, 24, root, NULL), 0);
        TT_CHECK(memcmp(root, want, HL) == 0);
    }

    /* NULL arguments */
    TT_EQ_INT(td_merkle_append(NULL, 0, h, NULL, NULL), TD_EARG);
    TT_EQ_INT(td_merkle_root(&st, 1, NULL, NULL), TD_EARG);
    TT_EQ_INT(td_merkle_verify_inclusion(h, 0, 2, NULL, 1, h, NULL), TD_EARG);
    TT_EQ_INT(td_merkle_verify_consistency(1, h, 2, NULL, proof, 1, NULL), TD_EARG);

    /* verification failures say why */
    TT_EQ_INT(td_merkle_verify_inclusion(h, 0, 8, proof, 2, h, &err), TD_ECRYPTO);
    TT_CHECK(strstr(err.msg, "expected 3") != NULL);
    td_merkle_mem_free(&m);
    td_merkle_mem_free(&m);   /* idempotent */
}

int main(void)
{
    TT_RUN(test_vector_hashes);
    TT_RUN(test_vector_inclusion);
    TT_RUN(test_vector_consistency);
    TT_RUN(test_store_matches_naive);
    TT_RUN(test_property_random);
    TT_RUN(test_batch_proof);
    TT_RUN(test_huge_sizes);
    TT_RUN(test_errors);
    return tt_report();
}
