/*
 * attach.h — files attached to reports (docs/PROTOCOL.md §7): what is
 * accepted, and how a file's type is recognised.
 *
 * A report entry signs each attachment's SHA-256, name, type and size
 * (log.proto Attachment); the bytes travel separately and every holder
 * (replica, server) checks them against the hash before keeping them.
 * The type is recognised from the CONTENT (magic bytes), never from the
 * file name alone: a clerk's "bien-ban.pdf" that is really an .exe is
 * refused here, before anything is signed.
 *
 * Accepted types (the documents a Vietnamese office attaches as evidence):
 *   application/pdf                          "%PDF-"
 *   image/jpeg                               FF D8 FF
 *   image/png                                89 50 4E 47 0D 0A 1A 0A
 *   application/vnd.openxmlformats-officedocument.wordprocessingml.document  (.docx: ZIP with word/)
 *   application/vnd.openxmlformats-officedocument.spreadsheetml.sheet        (.xlsx: ZIP with xl/)
 *   application/vnd.oasis.opendocument.text / .spreadsheet                  (.odt/.ods: ZIP, mimetype member)
 *   application/msword, application/vnd.ms-excel  (OLE2 D0 CF 11 E0 A1 B1 1A E1, by extension .doc/.xls)
 *   text/plain                               valid UTF-8 without NUL (extension .txt)
 * Pure functions; no allocation.
 */
#ifndef TD_ATTACH_H
#define TD_ATTACH_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Largest file: a scanned, signed decision of a few pages is 1-5 MB; a
 * district link at 64 kbit/s needs ~20 minutes for 10 MB, which resumable
 * chunks make bearable.  Anything larger belongs on the agency's website. */
#define TD_ATTACH_MAX_BYTES (10u * 1024 * 1024)
/* Files per report. */
#define TD_ATTACH_PER_REPORT_MAX 8
/* Longest file name kept, in bytes (ext4's limit). */
#define TD_ATTACH_NAME_MAX 255
/* Longest type string. */
#define TD_ATTACH_MIME_MAX 127

/*
 * Recognise the type of p[0..n) (the whole file; name is the file name,
 * used only to tell .doc from .xls and to accept .txt).  Returns the MIME
 * type (static string), or NULL with err saying what the file seems to be
 * and which types are accepted (TD_EARG), or that it is empty or above
 * TD_ATTACH_MAX_BYTES (TD_ETOOBIG).
 */
const char *td_attach_sniff(const uint8_t *p, size_t n, const char *name, td_error *err);

/* 1 if mime is one of the accepted types (exact string). */
int td_attach_type_known(const char *mime);

/* 1 if name is acceptable as an attachment name: non-empty valid UTF-8, at
 * most TD_ATTACH_NAME_MAX bytes, no '/', '\\', control characters, and not
 * "." or "..". */
int td_attach_name_ok(const char *name);

/* Short Vietnamese label of a type ("PDF", "ảnh JPEG", "Word (.docx)"). */
const char *td_attach_type_vi(const char *mime);

/*
 * Streaming form of td_attach_sniff, for a holder that never has the whole
 * file in memory (the server checks an upload chunk by chunk): feed the
 * bytes in order with update, then final gives exactly what td_attach_sniff
 * gives on the concatenation.  This works because every rule needs only
 * the first TD_ATTACH_SNIFF_HEAD bytes (magic numbers; a ZIP's local
 * headers, where ODF's "mimetype" member must be first), the last
 * TD_ATTACH_SNIFF_TAIL bytes (a ZIP's central directory, which lists every
 * member of an OOXML file) and a running UTF-8 check (text/plain).  The
 * struct is ~128 KiB: allocate it, do not put it on a small stack.
 */
#define TD_ATTACH_SNIFF_HEAD (64u * 1024)
#define TD_ATTACH_SNIFF_TAIL (64u * 1024)
typedef struct td_attach_sniffer {
    uint64_t total;                       /* bytes fed */
    uint8_t head[TD_ATTACH_SNIFF_HEAD];
    size_t head_n;
    uint8_t tail[TD_ATTACH_SNIFF_TAIL];   /* the last tail_n bytes fed, in order */
    size_t tail_n;
    int utf8_bad;                         /* a NUL or malformed sequence was seen */
    unsigned utf8_need;                   /* continuation bytes still expected */
    uint8_t utf8_lo, utf8_hi;             /* range of the next continuation byte */
} td_attach_sniffer;
void td_attach_sniffer_init(td_attach_sniffer *s);
void td_attach_sniffer_update(td_attach_sniffer *s, const uint8_t *p, size_t n);
const char *td_attach_sniffer_final(const td_attach_sniffer *s, const char *name, td_error *err);

/* What a refused file seems to be, in Vietnamese, for the clerk ("tệp
 * chương trình Windows (.exe)", "tệp nén ZIP"...); NULL when it is accepted
 * or nothing more specific can be said.  Looks at the first bytes only. */
const char *td_attach_seen_vi(const uint8_t *p, size_t n);

/* The list of accepted types, in Vietnamese, for messages. */
#define TD_ATTACH_ACCEPTED_VI "PDF, ảnh JPEG/PNG, Word (.doc, .docx), Excel (.xls, .xlsx), OpenDocument (.odt, .ods), văn bản .txt"

/* A file name that td_attach_sniff classifies as mime (".doc" for
 * application/msword, ".xls", ".txt", else "file"): what a holder that
 * knows only the type (the server) passes as name. */
const char *td_attach_name_for(const char *mime);

#endif
