/* fuzz_note.c — C2SP signed notes, checkpoints and key strings on arbitrary
 * bytes: nothing may crash or leak, and whatever parses must format back
 * byte for byte (the strict parsers accept only canonical encodings, so the
 * round trip holds for every accepted input). */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "note.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* golang.org/x/mod/sumdb/note's PeterNeumann key and a cosigner from the
 * same seed, so that corpus notes signed by them reach the verify paths. */
static td_note_verifier known[2];
static int ready;

static void setup(void)
{
    td_note_signer s;
    if (sodium_init() < 0) abort();
    if (td_note_vkey_decode("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", &known[0], NULL)) abort();
    if (td_note_skey_decode("PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz", &s, NULL)) abort();
    if (td_note_verifier_init(&known[1], "witness.example.com/w1", TD_NOTE_TYPE_COSIG_V1, s.pk, NULL)) abort();
    td_note_signer_wipe(&s);
    ready = 1;
}

static void same_or_die(const char *what, const char *a, size_t alen, const uint8_t *b, size_t blen)
{
    if (alen != blen || memcmp(a, b, blen) != 0) {
        fprintf(stderr, "%s round trip differs (%zu vs %zu bytes)\n", what, alen, blen);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *msg = (const char *)data;
    td_note n;
    td_checkpoint c;
    td_note_sig sig;
    td_error err = {0};
    char *out = NULL;
    size_t out_len = 0;
    unsigned char ok[2];
    uint64_t ts;

    if (!ready) setup();

    /* as a signed note */
    if (td_note_parse(msg, size, &n, &err) == 0) {
        if (td_note_format(&n, &out, &out_len, &err) != 0) abort();
        same_or_die("note", out, out_len, data, size);
        free(out);
        (void)td_note_verify(&n, known, 2, ok, &err);
        (void)td_cosig_find(&n, &known[1], &ts, &err);
        for (size_t i = 0; i < n.n_sigs; i++) (void)td_cosig_timestamp(&n.sigs[i], &ts, &err);
        if (td_checkpoint_parse(n.text, n.text_len, &c, &err) == 0) {
            if (td_checkpoint_format(&c, &out, &out_len, &err) != 0) abort();
            same_or_die("checkpoint in note", out, out_len, (const uint8_t *)n.text, n.text_len);
            free(out);
            td_checkpoint_free(&c);
        }
        td_note_free(&n);
    }

    /* as a checkpoint body */
    if (td_checkpoint_parse(msg, size, &c, &err) == 0) {
        if (td_checkpoint_format(&c, &out, &out_len, &err) != 0) abort();
        same_or_die("checkpoint", out, out_len, data, size);
        free(out);
        if (td_cosig_message(msg, size, 1, &out, &out_len, &err) != 0) abort();
        free(out);
        td_checkpoint_free(&c);
    }

    /* as one signature line */
    if (td_note_sig_parse(msg, size, &sig, &err) == 0) {
        if (td_note_sig_format(&sig, &out, &out_len, &err) != 0) abort();
        same_or_die("signature line", out, out_len, data, size);
        free(out);
        td_note_sig_free(&sig);
    }

    /* as key strings (NUL-terminated copies; short inputs only) */
    if (size < 512) {
        char s[512];
        td_note_verifier v;
        td_note_signer sg;
        memcpy(s, data, size);
        s[size] = '\0';
        if (td_note_vkey_decode(s, &v, &err) == 0) {
            char back[TD_NOTE_VKEY_MAX];
            char *p1 = strchr(s, '+');
            /* the key ID may come in either case; it is written in lower case */
            for (char *q = p1 + 1; *q != '+'; q++)
                if (*q >= 'A' && *q <= 'F') *q = (char)(*q - 'A' + 'a');
            td_note_vkey_encode(&v, back);
            if (strcmp(back, s) != 0) { fprintf(stderr, "vkey round trip differs\n"); abort(); }
        }
        if (td_note_skey_decode(s, &sg, &err) == 0) td_note_signer_wipe(&sg);
    }
    return 0;
}
