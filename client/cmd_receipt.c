/*
 * cmd_receipt.c — `tiendo receipt (--seq N | --index I)`: a verified receipt
 * that one entry is in the server's log (docs/PROTOCOL.md §6).
 *
 * The session's Welcome checkpoint is verified first, exactly as a sync does
 * (signature by the server key, origin, size, consistency with the
 * replica's last verified checkpoint; a failure raises the same alarm).
 * Then ProofRequest{index, tree_size = that checkpoint's size} -> Proof,
 * and the receipt holds only if:
 *   - the proof is for that index and that size, and its checkpoint is the
 *     one just verified (same size and root, signed by the server key);
 *   - the entry decodes and its author's signature verifies; for --seq it
 *     is this device's entry of that seq (its key, its seq);
 *   - the audit path takes its leaf hash (RFC 6962: H(0x00 || SignedEntry
 *     bytes), leaf index = log index - 1) to the checkpoint's root.
 * Exit codes: 0 verified, 1 any failure (says which check), 2 bad usage.
 */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmds.h"
#include "entry.h"
#include "frame.h"
#include "link.h"
#include "log.h"
#include "merkle.h"
#include "note.h"
#include "sync.h"
#include "msg.h"

static const td_cli_opt tdc__receipt_opts[] = {
    {"seq", required_argument, 'q', "N", "mục số N của thiết bị này (đã được máy chủ nhận)"},
    {"index", required_argument, 'i', "I", "mục số I của nhật ký máy chủ"},
    TDC_OPT_DIR('d'),
    TDC_OPT_SERVER('s'),
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_spec tdc__receipt_spec = {
    .prog = "tiendo",
    .cmd = "receipt",
    .usage = "(--seq N | --index I)",
    .about = "Lấy và kiểm tra biên nhận: bằng chứng (Merkle) rằng một mục nằm trong nhật ký của máy chủ, dưới điểm "
             "kiểm tra có chữ ký của máy chủ, nhất quán với lịch sử đã xác minh.",
    .opts = {tdc__receipt_opts},
    .exit_codes = "Mã thoát: 0 biên nhận hợp lệ, 1 lỗi hoặc kiểm tra không đạt, 2 sai cú pháp.\n",
};
static void tdc__receipt_usage(FILE *f) { td_cli_help(&tdc__receipt_spec, f); }

static int tdc__parse_u64(const char *opt, const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;
    if (!*s || *s == '-') goto bad;
    v = strtoull(s, &end, 10);
    if (*end || v == 0) goto bad;
    *out = v;
    return 0;
bad:
    fprintf(stderr, "tiendo receipt: " TD_MSG_RECEIPT_NOT_POSITIVE "\n", opt, s);
    return 2;
}

/* Print a failed check and return 1. */
static int tdc__fail(const char *what_vi, const char *detail)
{
    detail = td_text_vi(detail);   /* an English detail goes to the log */
    fprintf(stderr, "tiendo receipt: " TD_MSG_RECEIPT_NOT_VERIFIED "\n", what_vi, detail ? " (" : "",
            detail ? detail : "", detail ? ")" : "");
    return 1;
}

/* The log index of this device's entry seq. */
static int tdc__own_entry(tdc_ctx *c, uint64_t seq, uint64_t *index)
{
    tdc_outbox_item *v;
    size_t n;
    td_error e;
    int rc = 1;
    /* The outbox knows the log index of each acked entry. */
    if (tdc_replica_outbox_list(c->rep, -1, 0, &v, &n, &e)) {
        fprintf(stderr, "tiendo receipt: " TD_MSG_RECEIPT_OUTBOX_UNREADABLE "\n", td_error_vi(&e));
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        if (v[i].seq != seq) continue;
        if (v[i].status == TDC_OUT_REFUSED)
            fprintf(stderr, "tiendo receipt: " TD_MSG_RECEIPT_ENTRY_REFUSED "\n", (unsigned long long)seq,
                    v[i].reason);
        else if (v[i].index == 0)
            fprintf(stderr, "tiendo receipt: " TD_MSG_RECEIPT_ENTRY_NOT_RECEIVED "\n",
                    (unsigned long long)seq);
        else {
            *index = v[i].index;
            rc = 0;
        }
        break;
    }
    if (rc && n && v[n - 1].seq < seq)
        fprintf(stderr, "tiendo receipt: " TD_MSG_RECEIPT_NO_SUCH_SEQ "\n", (unsigned long long)seq);
    else if (rc && !n)
        fprintf(stderr, "tiendo receipt: " TD_MSG_RECEIPT_NOTHING_WRITTEN "\n");
    tdc_outbox_items_free(v, n);
    return rc;
}

static int tdc__receipt(tdc_ctx *c, const char *server, uint64_t index, uint64_t own_seq)
{
    tdc_link_opts lo;
    tdc_link *l = NULL;
    tdc_checkpoint_row head_row, cp_row;
    Tiendo__TreeHead head;
    unsigned char server_pk[32], leaf[TD_MERKLE_HASH_LEN], *flat = NULL;
    const Tiendo__Welcome *w;
    Tiendo__Frame f = TIENDO__FRAME__INIT, *reply = NULL;
    Tiendo__ProofRequest pr = TIENDO__PROOF_REQUEST__INIT;
    const Tiendo__Proof *p;
    td_entry en;
    uint8_t *bytes = NULL;
    size_t len = 0;
    uint64_t size = 0;
    int64_t alarm = 0;
    int have, found = 0, rc = 1, decoded = 0;
    td_error e;

    memset(&head_row, 0, sizeof head_row);
    memset(&cp_row, 0, sizeof cp_row);
    tdc_app_link_opts(c, server, &lo);
    if ((have = tdc_sync_hello_head(c->rep, &head_row, &head, &e)) < 0) return tdc__fail(TD_MSG_RECEIPT_REPLICA_ERROR, e.msg);
    if (have) lo.tree_head = &head;
    l = tdc_link_open(&lo, &e);
    tdc_checkpoint_row_free(&head_row);
    if (!l) {
        tdc_link_fail("tiendo receipt", server ? server : c->dev.server, &e);
        return 1;
    }
    if (tdc_link_peer(l, server_pk, NULL, &e)) {
        rc = tdc__fail(TD_MSG_RECEIPT_SERVER_CERT_BAD, e.msg);
        goto out;
    }
    w = tdc_link_welcome(l);
    {
        int bad = w->n_consistency > TD_MERKLE_MAX_PROOF;
        size_t nh = bad ? 0 : w->n_consistency;
        if (nh && !(flat = malloc(nh * TD_MERKLE_HASH_LEN))) goto out;
        for (size_t i = 0; i < nh; i++) {
            if (w->consistency[i].len != TD_MERKLE_HASH_LEN) memset(flat + 32 * i, 0, 32);
            else memcpy(flat + 32 * i, w->consistency[i].data, 32);
        }
        if (tdc_sync_verify_head(c->rep, w->tree_head, flat, nh, server_pk, 0, &size, &alarm, &e)) {
            if (alarm)
                fprintf(stderr,
                        "tiendo receipt: " TD_MSG_RECEIPT_ALARM_INCONSISTENT "\n",
                        (long long)alarm);
            else
                tdc__fail(TD_MSG_RECEIPT_CKPT_UNCHECKED, e.msg);
            goto out;
        }
    }
    if (size == 0) {
        rc = tdc__fail(TD_MSG_RECEIPT_CKPT_NONE, NULL);
        goto out;
    }
    if (index > size) {
        fprintf(stderr, "tiendo receipt: " TD_MSG_RECEIPT_NOT_IN_CHECKPOINT_YET "\n",
                (unsigned long long)index, (unsigned long long)size);
        goto out;
    }
    if (tdc_replica_checkpoint_get(c->rep, size, &cp_row, &found, &e) || !found) {
        rc = tdc__fail(TD_MSG_RECEIPT_REPLICA_ERROR, e.msg);
        goto out;
    }

    pr.index = index;
    pr.tree_size = size;
    f.body_case = TIENDO__FRAME__BODY_PROOF_REQUEST;
    f.proof_request = &pr;
    if (tdc_link_send(l, &f, &e) || tdc_link_recv(l, &reply, 0, &e)) {
        fprintf(stderr, "tiendo receipt: " TD_MSG_RECEIPT_SERVER_NO_REPLY "\n", tdc_link_vi(&e));
        goto out;
    }
    if (reply->body_case != TIENDO__FRAME__BODY_PROOF) {
        rc = tdc__fail(TD_MSG_RECEIPT_WRONG_REPLY, td_frame_name(reply));
        goto out;
    }
    p = reply->proof;
    if (p->index != index || p->tree_size != size) {
        rc = tdc__fail(TD_MSG_RECEIPT_PROOF_OTHER_REQUEST, NULL);
        goto out;
    }
    if (!p->tree_head || p->tree_head->size != size || p->tree_head->checkpoint.len == 0) {
        rc = tdc__fail(TD_MSG_RECEIPT_PROOF_NO_CKPT, NULL);
        goto out;
    }
    /* Same size as the Welcome's: the signature is checked and the root
     * must be the verified one (else an alarm: two roots for one size). */
    if (tdc_sync_verify_head(c->rep, p->tree_head, NULL, 0, server_pk, 0, NULL, &alarm, &e)) {
        rc = tdc__fail(TD_MSG_RECEIPT_PROOF_CKPT_BAD, e.msg);
        goto out;
    }
    if (!p->entry || !p->entry->entry || p->entry->index != index) {
        rc = tdc__fail(TD_MSG_RECEIPT_PROOF_NO_ENTRY, NULL);
        goto out;
    }
    len = tiendo__signed_entry__get_packed_size(p->entry->entry);
    if (!(bytes = malloc(len ? len : 1))) goto out;
    tiendo__signed_entry__pack(p->entry->entry, bytes);
    if (td_entry_decode(bytes, len, &en, &e)) {
        rc = tdc__fail(TD_MSG_RECEIPT_ENTRY_MALFORMED, e.msg);
        goto out;
    }
    decoded = 1;
    if (td_entry_verify(&en, &e)) {
        rc = tdc__fail(TD_MSG_RECEIPT_ENTRY_SIG_BAD, e.msg);
        goto out;
    }
    /* --seq: the entry must be this device's own (its key signed it, and
     * it signs one entry per seq). */
    if (own_seq && (en.e->author.len != 32 || memcmp(en.e->author.data, c->id.pk, 32) || en.e->seq != own_seq)) {
        rc = tdc__fail(TD_MSG_RECEIPT_ENTRY_NOT_OURS, NULL);
        goto out;
    }
    if (p->n_hashes > TD_MERKLE_MAX_PROOF) {
        rc = tdc__fail(TD_MSG_RECEIPT_PATH_TOO_LONG, NULL);
        goto out;
    }
    free(flat);
    flat = malloc(p->n_hashes ? p->n_hashes * TD_MERKLE_HASH_LEN : 1);
    if (!flat) goto out;
    for (size_t i = 0; i < p->n_hashes; i++) {
        if (p->hashes[i].len != TD_MERKLE_HASH_LEN) {
            rc = tdc__fail(TD_MSG_RECEIPT_PATH_HASH_LEN, NULL);
            goto out;
        }
        memcpy(flat + 32 * i, p->hashes[i].data, 32);
    }
    td_merkle_leaf_hash(bytes, len, leaf);
    if (td_merkle_verify_inclusion(leaf, index - 1, size, flat, p->n_hashes, cp_row.root, &e)) {
        rc = tdc__fail(TD_MSG_RECEIPT_NOT_IN_LOG, e.msg);
        goto out;
    }
    {
        char key[17], when[32], root[2 * TD_MERKLE_HASH_LEN + 1], origin[TD_CHECKPOINT_ORIGIN_MAX + 1] = "";
        const char *nl = strchr(cp_row.note, '\n');
        if (nl) snprintf(origin, sizeof origin, "%.*s", (int)(nl - cp_row.note), cp_row.note);
        td_key_short_hex(en.e->author.data, key);
        tdc_fmt_time(en.e->device_time_ms, when, sizeof when);
        sodium_bin2hex(root, sizeof root, cp_row.root, TD_MERKLE_HASH_LEN);
        printf(TD_MSG_RECEIPT_VERIFIED "\n", (unsigned long long)index, origin);
        printf(TD_MSG_RECEIPT_AUTHOR "\n", key, *en.e->agency ? en.e->agency : TD_MSG_AUDIT_WORD_SERVER);
        printf(TD_MSG_RECEIPT_KIND "\n", td_entry_kind_vi(en.e->kind), (unsigned long long)en.e->seq);
        printf(TD_MSG_RECEIPT_SIGNED_AT "\n", when);
        printf(TD_MSG_RECEIPT_IN_CHECKPOINT "\n", (unsigned long long)size, root);
    }
    rc = 0;
out:
    if (decoded) td_entry_free(&en);
    free(bytes);
    free(flat);
    td_frame_free(reply);
    tdc_checkpoint_row_free(&cp_row);
    tdc_link_close(l);
    return rc;
}

int tdc_cmd_receipt(int argc, char **argv)
{
    struct option opts[TD_CLI_OPTS_MAX];
    const char *dir = NULL, *server = NULL;
    uint64_t seq = 0, index = 0;
    int opt, rc;
    tdc_ctx c;

    optind = 1;
    if (td_cli_longopts(&tdc__receipt_spec, opts, TD_CLI_OPTS_MAX)) return 1;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': dir = optarg; break;
        case 's': server = optarg; break;
        case 'q':
            if (tdc__parse_u64("--seq", optarg, &seq)) return 2;
            break;
        case 'i':
            if (tdc__parse_u64("--index", optarg, &index)) return 2;
            break;
        case 'h': tdc__receipt_usage(stdout); return 0;
        default: return td_cli_opt_err("tiendo", "receipt", opt, argv);
        }
    }
    if (optind < argc) {
        td_cli_extra("tiendo", "receipt", argv[optind]);
        return 2;
    }
    if (!seq == !index) {
        fprintf(stderr, "tiendo receipt: " TD_MSG_RECEIPT_SEQ_OR_INDEX "\n");
        return 2;
    }
    if (tdc_ctx_open(&c, dir, "receipt")) return 1;
    if (seq && tdc__own_entry(&c, seq, &index)) {
        tdc_ctx_close(&c);
        return 1;
    }
    rc = tdc__receipt(&c, server, index, seq);
    tdc_ctx_close(&c);
    return rc;
}
