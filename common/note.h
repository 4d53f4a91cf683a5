/*
 * note.h — signed notes, checkpoints and cosignatures in the public C2SP
 * formats (docs/LOG.md §9, §10), so that tools outside tiendo can read and check the
 * server's tree heads and the inspectorate's witness cosignatures.
 *
 *   c2sp.org/signed-note       text, a blank line, "— <name> <base64>" lines
 *   c2sp.org/tlog-checkpoint   origin / tree size / root hash [/ extensions]
 *   c2sp.org/tlog-cosignature  v1 Ed25519 (signature type 0x04) cosignatures
 *
 * The key strings are those of golang.org/x/mod/sumdb/note, which the C2SP
 * ecosystem uses ("vkeys"):
 *   verifier key  <name>+<8 hex key ID>+<base64(type || 32-byte public key)>
 *   signer key    PRIVATE+KEY+<name>+<8 hex key ID>+<base64(type || seed)>
 *
 * Only Ed25519 is supported: type 0x01 (plain note signatures, used by the
 * log for its checkpoints) and type 0x04 (timestamped cosignatures, used by
 * witnesses).  Signatures of any other type are parsed, kept and re-emitted
 * but never verified (signed-note §Signatures: unknown keys are ignored).
 *
 * Ownership: td_note and td_checkpoint own their heap members; free them with
 * td_note_free / td_checkpoint_free (safe on a zeroed or already freed
 * struct).  On failure a function leaves its output zeroed (nothing to free).
 * Strings returned through char ** are malloc'd, NUL-terminated (the NUL is
 * not counted in *out_len) and freed by the caller.
 *
 * Errors: 0 or a negative TD_E* code (err.h), with a one-line message in err:
 * TD_EPARSE malformed input, TD_ETOOBIG over a limit below, TD_EARG bad
 * argument from the caller, TD_ESIG a signature from a known key that does
 * not verify, TD_ENOTFOUND no signature from the required key(s),
 * TD_ENOMEM, TD_ECRYPTO libsodium failure.
 *
 * Base64 is RFC 4648 §4 with padding, decoded strictly by libsodium: trailing
 * bits must be zero and nothing but the alphabet and padding may appear, so
 * every accepted encoding is the canonical one and re-formats identically.
 * (Go's decoder also accepts non-zero trailing bits; no conforming signer
 * emits them.)
 */
#ifndef TD_NOTE_H
#define TD_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct td_identity;

/* --- limits, each with its reason --------------------------------------- */

/* Signature type bytes (signed-note §Signature types). */
#define TD_NOTE_TYPE_ED25519   0x01  /* Ed25519 over the note text */
#define TD_NOTE_TYPE_COSIG_V1  0x04  /* tlog-cosignature v1, timestamped Ed25519 */

/* The key ID: first 4 bytes of SHA-256(name || "\n" || type || public key). */
#define TD_NOTE_KEYID_LEN 4
#define TD_NOTE_PK_LEN    32   /* Ed25519 public key (RFC 8032) */
#define TD_NOTE_SEED_LEN  32   /* Ed25519 private seed */
#define TD_NOTE_ED25519_SIG_LEN 64
/* tlog-cosignature §Format: timestamped_signature = u64 timestamp || sig. */
#define TD_COSIG_TIMESTAMP_LEN 8
#define TD_COSIG_SIG_LEN (TD_COSIG_TIMESTAMP_LEN + TD_NOTE_ED25519_SIG_LEN)
/* tlog-cosignature §Format: the timestamp MUST NOT exceed 2^63 - 1. */
#define TD_COSIG_TIME_MAX ((uint64_t)INT64_MAX)

/*
 * Key names: 255 bytes, the longest name the ML-DSA cosigned_message of
 * tlog-cosignature can carry (opaque cosigner_name<1..2^8-1>), so a name we
 * accept is valid in every C2SP format.  The same bound holds for origins.
 */
#define TD_NOTE_NAME_MAX 255
#define TD_CHECKPOINT_ORIGIN_MAX 255

/*
 * At most 100 signatures, the limit of golang.org/x/mod/sumdb/note; the spec
 * requires at least 16 (signed-note §Format).  A checkpoint carries the log's
 * signature and a handful of witnesses'.
 */
#define TD_NOTE_SIGS_MAX 100
/*
 * Decoded signature bytes (key ID included): post-quantum signatures "can be
 * up to nearly 5kB" (signed-note §Format); we keep, not verify, such lines.
 */
#define TD_NOTE_SIG_BYTES_MAX 5120
/*
 * Note text: a checkpoint is three lines of under 350 bytes; 64 KiB leaves
 * room for extension lines and bounds what a peer can make us copy and hash.
 */
#define TD_NOTE_TEXT_MAX (64u * 1024u)
/* A whole signed note: the text plus 100 signature lines of the largest size. */
#define TD_NOTE_MAX (1024u * 1024u)

/* "<name>+<8 hex>+<base64 of 33 bytes = 44 chars>" and NUL. */
#define TD_NOTE_VKEY_MAX (TD_NOTE_NAME_MAX + 1 + 8 + 1 + 44 + 1)
/* "PRIVATE+KEY+" and the same. */
#define TD_NOTE_SKEY_MAX (12 + TD_NOTE_VKEY_MAX)
/* "— " (4 bytes) name " " base64(4+8+64 = 76 bytes = 104 chars) "\n" NUL. */
#define TD_COSIG_LINE_MAX (4 + TD_NOTE_NAME_MAX + 1 + 104 + 1 + 1)

/* --- keys ---------------------------------------------------------------- */

/* A public key a verifier trusts: name, type and key ID together identify it. */
typedef struct td_note_verifier {
    char name[TD_NOTE_NAME_MAX + 1];
    uint8_t type;                       /* TD_NOTE_TYPE_ED25519 or _COSIG_V1 */
    uint32_t key_id;                    /* computed, never taken on trust */
    unsigned char pk[TD_NOTE_PK_LEN];
} td_note_verifier;

/* A private key that signs notes (type 0x01) or cosigns checkpoints (0x04). */
typedef struct td_note_signer {
    char name[TD_NOTE_NAME_MAX + 1];
    uint8_t type;
    uint32_t key_id;
    unsigned char pk[TD_NOTE_PK_LEN];
    unsigned char sk[64];               /* libsodium secret key: seed || pk */
} td_note_signer;

/*
 * 1 if name[0..len) is a valid key name (signed-note §Format): 1 to
 * TD_NOTE_NAME_MAX bytes of UTF-8, no Unicode space (Go's unicode.IsSpace),
 * no '+', and no ASCII control character (a note could not carry it).
 */
int td_note_name_valid(const char *name, size_t len);

/* SHA-256(name || "\n" || type || pk)[:4] as a big-endian uint32. */
uint32_t td_note_key_id(const char *name, uint8_t type, const unsigned char pk[TD_NOTE_PK_LEN]);

/* Fill v for a name and Ed25519 public key; TD_EARG on a bad name or type. */
int td_note_verifier_init(td_note_verifier *v, const char *name, uint8_t type,
                          const unsigned char pk[TD_NOTE_PK_LEN], td_error *err);

/*
 * Fill s from a libsodium secret key (seed || pk, as td_identity.sk); the
 * public key is re-derived from the seed and must match sk's second half
 * (TD_EARG otherwise).  Wipe s with td_note_signer_wipe when done.
 */
int td_note_signer_init(td_note_signer *s, const char *name, uint8_t type,
                        const unsigned char sk[64], td_error *err);
/* The same from a loaded device identity (its Ed25519 key). */
int td_note_signer_from_identity(td_note_signer *s, const char *name, uint8_t type,
                                 const struct td_identity *id, td_error *err);
/* Zero s, secret key included. */
void td_note_signer_wipe(td_note_signer *s);
/* The verifier of a signer's key. */
void td_note_signer_verifier(const td_note_signer *s, td_note_verifier *v);

/* Encode v as "<name>+<hex key ID>+<base64(type || pk)>". */
void td_note_vkey_encode(const td_note_verifier *v, char out[TD_NOTE_VKEY_MAX]);
/*
 * Decode a verifier key string.  Types 0x01 and 0x04 with a 32-byte key are
 * accepted; the key ID (8 hex digits, either case) must equal the one
 * computed from name, type and key.  TD_EPARSE otherwise.
 */
int td_note_vkey_decode(const char *vkey, td_note_verifier *v, td_error *err);
/* Encode s as "PRIVATE+KEY+<name>+<hex key ID>+<base64(type || seed)>". */
void td_note_skey_encode(const td_note_signer *s, char out[TD_NOTE_SKEY_MAX]);
/* Decode a signer key string; the key ID must match the derived public key. */
int td_note_skey_decode(const char *skey, td_note_signer *s, td_error *err);

/* --- signed notes (c2sp.org/signed-note) --------------------------------- */

/* One signature line: "— <name> <base64(key ID || sig)>". */
typedef struct td_note_sig {
    char *name;               /* owned, NUL-terminated, valid per td_note_name_valid */
    uint32_t key_id;
    unsigned char *sig;       /* owned: the bytes after the key ID */
    size_t sig_len;           /* >= 1 */
} td_note_sig;

typedef struct td_note {
    char *text;               /* owned, NUL-terminated; ends in '\n' */
    size_t text_len;
    td_note_sig *sigs;        /* owned; in the order of the input, duplicates kept */
    size_t n_sigs;
} td_note;

/*
 * Check note text: 1..TD_NOTE_TEXT_MAX bytes of UTF-8 without ASCII control
 * characters other than '\n', ending in '\n'.  Empty lines are allowed.
 */
int td_note_text_check(const char *text, size_t len, td_error *err);

/*
 * Parse a signed note, verifying nothing.  The text ends at the last empty
 * line; it is followed by 1..TD_NOTE_SIGS_MAX signature lines, each ending
 * in '\n' (signed-note §Format).  Repeated identical lines are kept, so that
 * td_note_format gives back msg byte for byte.
 */
int td_note_parse(const char *msg, size_t len, td_note *n, td_error *err);

/* Parse one signature line (with its final '\n') into s; free with td_note_sig_free. */
int td_note_sig_parse(const char *line, size_t len, td_note_sig *s, td_error *err);
void td_note_sig_free(td_note_sig *s);
/* Format s as a signature line with its final '\n' (malloc'd). */
int td_note_sig_format(const td_note_sig *s, char **out, size_t *out_len, td_error *err);

/* Text, blank line, signature lines in order.  n must have >= 1 signature. */
int td_note_format(const td_note *n, char **out, size_t *out_len, td_error *err);
void td_note_free(td_note *n);

/* Start an unsigned note with a copy of text (checked by td_note_text_check). */
int td_note_init(td_note *n, const char *text, size_t len, td_error *err);

/*
 * Sign n's text with s and append the signature line, first removing any
 * signature by the same name and key ID (as golang.org/x/mod/sumdb/note
 * Sign does).  For a type 0x04 signer the text must be a checkpoint and
 * timestamp (<= TD_COSIG_TIME_MAX) is the cosignature's time; type 0x01
 * ignores it.
 */
int td_note_add_sig(td_note *n, const td_note_signer *s, uint64_t timestamp, td_error *err);

/* td_note_init + td_note_add_sig(s, 0) + td_note_format: a note signed by s. */
int td_note_sign(const char *text, size_t len, const td_note_signer *s,
                 char **out, size_t *out_len, td_error *err);

/*
 * Verify n against the known keys (signed-note §Signatures): a signature
 * whose name and key ID both match a known key is verified; others are
 * ignored.  Every matching signature must verify, repeats included
 * (TD_ESIG otherwise: a known key's bad signature rejects the whole note),
 * and at least one must exist (TD_ENOTFOUND).  Two known keys with the same
 * name and key ID are TD_EARG.  If verified is not NULL it has n_known
 * entries, set to 1 for each known key with a valid signature, else 0, so
 * that a caller can require particular keys (the log's, k witnesses').
 * Type 0x04 keys verify cosignatures (td_cosig_verify).
 */
int td_note_verify(const td_note *n, const td_note_verifier *known, size_t n_known,
                   unsigned char *verified, td_error *err);

/* --- checkpoints (c2sp.org/tlog-checkpoint) ------------------------------ */

#define TD_CHECKPOINT_HASH_LEN 32   /* RFC 6962 SHA-256 root */

typedef struct td_checkpoint {
    char origin[TD_CHECKPOINT_ORIGIN_MAX + 1];  /* non-empty */
    uint64_t size;                              /* leaves in the tree */
    unsigned char root[TD_CHECKPOINT_HASH_LEN];
    char *ext;        /* owned or NULL: extension lines, each non-empty and ending '\n' */
    size_t ext_len;
} td_checkpoint;

/*
 * Parse a checkpoint body (the note text, not the signed note): valid note
 * text (td_note_text_check), then the origin line (non-empty, at most
 * TD_CHECKPOINT_ORIGIN_MAX bytes), the tree size in decimal without leading
 * zeros ("0" for an empty tree) that fits in 64 bits, the root hash as
 * canonical padded base64 of exactly 32 bytes, then extension lines, each
 * non-empty (tlog-checkpoint §Note text).
 */
int td_checkpoint_parse(const char *body, size_t len, td_checkpoint *c, td_error *err);
/* The body of c; TD_EARG if c would not parse back identically. */
int td_checkpoint_format(const td_checkpoint *c, char **out, size_t *out_len, td_error *err);
void td_checkpoint_free(td_checkpoint *c);

/* A checkpoint signed by the log's type 0x01 key, as a signed note. */
int td_checkpoint_sign(const td_checkpoint *c, const td_note_signer *log_key,
                       char **out, size_t *out_len, td_error *err);

/*
 * Open a signed checkpoint: parse the note, require a valid signature by
 * log_key (td_note_verify rules; TD_ENOTFOUND if there is none), parse the
 * body, and if origin is not NULL require it to equal the origin line
 * (TD_EAUTH otherwise).  n (may be NULL) receives the parsed note with all
 * its signatures, for cosignatures to be checked next.
 */
int td_checkpoint_open(const char *msg, size_t len, const td_note_verifier *log_key,
                       const char *origin, td_checkpoint *c, td_note *n, td_error *err);

/* --- cosignatures (c2sp.org/tlog-cosignature, v1 Ed25519) --------------- */

/*
 * The message a v1 cosigner signs (§Ed25519 signed message):
 * "cosignature/v1\ntime <timestamp>\n" followed by the whole checkpoint body.
 * body must parse as a checkpoint; timestamp <= TD_COSIG_TIME_MAX.
 */
int td_cosig_message(const char *body, size_t len, uint64_t timestamp,
                     char **out, size_t *out_len, td_error *err);

/*
 * The signature line of witness w (type 0x04) over a checkpoint body at
 * timestamp: "— <name> <base64(key ID || u64 BE timestamp || Ed25519 sig)>\n",
 * NUL-terminated in line.
 */
int td_cosig_line(const td_note_signer *w, const char *body, size_t len, uint64_t timestamp,
                  char line[TD_COSIG_LINE_MAX], td_error *err);

/*
 * Verify one cosignature s by witness w (type 0x04) over a checkpoint body:
 * name and key ID must match w (TD_ENOTFOUND otherwise), the signature must
 * be 8 + 64 bytes with a timestamp <= TD_COSIG_TIME_MAX, and Ed25519 must
 * verify (TD_ESIG).  *timestamp (may be NULL) receives its time.
 */
int td_cosig_verify(const td_note_verifier *w, const char *body, size_t len,
                    const td_note_sig *s, uint64_t *timestamp, td_error *err);

/*
 * Find w's cosignature in n and verify it; every signature line matching w
 * must verify.  *timestamp receives the latest time among them.
 */
int td_cosig_find(const td_note *n, const td_note_verifier *w, uint64_t *timestamp, td_error *err);

/*
 * The timestamp of a v1 cosignature without verifying it (for display);
 * TD_EPARSE if s is not 8 + 64 bytes after the key ID.
 */
int td_cosig_timestamp(const td_note_sig *s, uint64_t *timestamp, td_error *err);

#endif
