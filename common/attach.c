/* attach.c — see attach.h.  Types are recognised from the content; the
 * name only separates .doc from .xls (same OLE2 container) and admits .txt
 * (plain text has no magic number). */
#include "attach.h"

#include <string.h>
#include <strings.h>

#include "utf8.h"

#define M_PDF "application/pdf"
#define M_JPEG "image/jpeg"
#define M_PNG "image/png"
#define M_DOCX "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define M_XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define M_ODT "application/vnd.oasis.opendocument.text"
#define M_ODS "application/vnd.oasis.opendocument.spreadsheet"
#define M_DOC "application/msword"
#define M_XLS "application/vnd.ms-excel"
#define M_TXT "text/plain"

static const struct {
    const char *mime, *vi, *ext;
} td__types[] = {
    {M_PDF, "PDF", "file"},
    {M_JPEG, "ảnh JPEG", "file"},
    {M_PNG, "ảnh PNG", "file"},
    {M_DOCX, "Word (.docx)", "file"},
    {M_XLSX, "Excel (.xlsx)", "file"},
    {M_ODT, "OpenDocument văn bản (.odt)", "file"},
    {M_ODS, "OpenDocument bảng tính (.ods)", "file"},
    {M_DOC, "Word (.doc)", "file.doc"},
    {M_XLS, "Excel (.xls)", "file.xls"},
    {M_TXT, "văn bản (.txt)", "file.txt"},
};
#define TD__NTYPES (sizeof td__types / sizeof td__types[0])

static const uint8_t td__png[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
static const uint8_t td__ole2[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};

#define TD__ACCEPTED_VI "chỉ nhận: " TD_ATTACH_ACCEPTED_VI
#define TD__ACCEPTED_EN "accepted: PDF, JPEG, PNG, Word (.doc, .docx), Excel (.xls, .xlsx), ODF (.odt, .ods), UTF-8 .txt"

int td_attach_type_known(const char *mime)
{
    if (!mime) return 0;
    for (size_t i = 0; i < TD__NTYPES; i++)
        if (!strcmp(mime, td__types[i].mime)) return 1;
    return 0;
}

const char *td_attach_type_vi(const char *mime)
{
    if (mime)
        for (size_t i = 0; i < TD__NTYPES; i++)
            if (!strcmp(mime, td__types[i].mime)) return td__types[i].vi;
    return "loại không rõ";
}

const char *td_attach_name_for(const char *mime)
{
    if (mime)
        for (size_t i = 0; i < TD__NTYPES; i++)
            if (!strcmp(mime, td__types[i].mime)) return td__types[i].ext;
    return "file";
}

int td_attach_name_ok(const char *name)
{
    size_t n;
    if (!name || !*name) return 0;
    n = strlen(name);
    if (n > TD_ATTACH_NAME_MAX) return 0;
    if (!strcmp(name, ".") || !strcmp(name, "..")) return 0;
    if (!td_utf8_valid(name, n, NULL)) return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x20 || c == 0x7F || c == '/' || c == '\\') return 0;
    }
    return 1;
}

/* 1 if name ends with ext (".doc"), ignoring case. */
static int td__ext_is(const char *name, const char *ext)
{
    size_t n = name ? strlen(name) : 0, e = strlen(ext);
    return n > e && strcasecmp(name + n - e, ext) == 0;
}

static unsigned td__le16(const uint8_t *p) { return (unsigned)p[0] | (unsigned)p[1] << 8; }
static uint32_t td__le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- streaming ------------------------------------------------------------ */

void td_attach_sniffer_init(td_attach_sniffer *s)
{
    s->total = 0;
    s->head_n = 0;
    s->tail_n = 0;
    s->utf8_bad = 0;
    s->utf8_need = 0;
    s->utf8_lo = s->utf8_hi = 0;
}

/* The UTF-8 rules of td_utf8_valid (RFC 3629 table 3-7), one byte at a time
 * so that a sequence may straddle two chunks. */
static void td__utf8_feed(td_attach_sniffer *s, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n && !s->utf8_bad; i++) {
        uint8_t b = p[i];
        if (s->utf8_need) {
            if (b < s->utf8_lo || b > s->utf8_hi) {
                s->utf8_bad = 1;
                break;
            }
            s->utf8_lo = 0x80;
            s->utf8_hi = 0xBF;
            s->utf8_need--;
            continue;
        }
        if (b == 0) s->utf8_bad = 1;
        else if (b < 0x80) continue;
        else if (b >= 0xC2 && b <= 0xDF) s->utf8_need = 1, s->utf8_lo = 0x80, s->utf8_hi = 0xBF;
        else if (b == 0xE0) s->utf8_need = 2, s->utf8_lo = 0xA0, s->utf8_hi = 0xBF;
        else if (b == 0xED) s->utf8_need = 2, s->utf8_lo = 0x80, s->utf8_hi = 0x9F;   /* no surrogates */
        else if (b >= 0xE1 && b <= 0xEF) s->utf8_need = 2, s->utf8_lo = 0x80, s->utf8_hi = 0xBF;
        else if (b == 0xF0) s->utf8_need = 3, s->utf8_lo = 0x90, s->utf8_hi = 0xBF;
        else if (b >= 0xF1 && b <= 0xF3) s->utf8_need = 3, s->utf8_lo = 0x80, s->utf8_hi = 0xBF;
        else if (b == 0xF4) s->utf8_need = 3, s->utf8_lo = 0x80, s->utf8_hi = 0x8F;   /* <= U+10FFFF */
        else s->utf8_bad = 1;
    }
}

void td_attach_sniffer_update(td_attach_sniffer *s, const uint8_t *p, size_t n)
{
    if (!n) return;
    s->total += n;
    if (s->head_n < TD_ATTACH_SNIFF_HEAD) {
        size_t take = TD_ATTACH_SNIFF_HEAD - s->head_n;
        if (take > n) take = n;
        memcpy(s->head + s->head_n, p, take);
        s->head_n += take;
    }
    if (n >= TD_ATTACH_SNIFF_TAIL) {
        memcpy(s->tail, p + n - TD_ATTACH_SNIFF_TAIL, TD_ATTACH_SNIFF_TAIL);
        s->tail_n = TD_ATTACH_SNIFF_TAIL;
    } else {
        size_t keep = s->tail_n + n > TD_ATTACH_SNIFF_TAIL ? TD_ATTACH_SNIFF_TAIL - n : s->tail_n;
        memmove(s->tail, s->tail + s->tail_n - keep, keep);
        memcpy(s->tail + keep, p, n);
        s->tail_n = keep + n;
    }
    td__utf8_feed(s, p, n);
}

/* ODF: the first member is "mimetype", stored, holding the type (ODF 1.2
 * part 3 §3.3).  Returns the type or NULL. */
static const char *td__odf(const uint8_t *h, size_t n)
{
    size_t namelen, extra, off;
    uint32_t csize;
    if (n < 30 + 8) return NULL;
    namelen = td__le16(h + 26);
    extra = td__le16(h + 28);
    if (namelen != 8 || memcmp(h + 30, "mimetype", 8) != 0 || td__le16(h + 8) != 0) return NULL;
    csize = td__le32(h + 18);
    off = 30 + namelen + extra;
    if (off > n || csize > n - off) return NULL;
    if (csize == strlen(M_ODT) && !memcmp(h + off, M_ODT, csize)) return M_ODT;
    if (csize == strlen(M_ODS) && !memcmp(h + off, M_ODS, csize)) return M_ODS;
    return NULL;
}

typedef struct td__zipnames {
    int content_types, word, xl;
} td__zipnames;

static void td__zip_name(td__zipnames *z, const uint8_t *name, size_t len)
{
    if (len == 19 && !memcmp(name, "[Content_Types].xml", 19)) z->content_types = 1;
    if (len > 5 && !memcmp(name, "word/", 5)) z->word = 1;
    if (len > 3 && !memcmp(name, "xl/", 3)) z->xl = 1;
}

/* Member names from local headers ("PK\3\4", name at +30) in the head and
 * from central directory records ("PK\1\2", name at +46) in the tail.
 * Searching for the signatures rather than walking sizes copes with data
 * descriptors (sizes 0 in the local header); a stray signature inside
 * compressed data yields a junk name, which matches nothing. */
static void td__zip_scan(td__zipnames *z, const uint8_t *p, size_t n, int central)
{
    size_t hdr = central ? 46 : 30, lenoff = central ? 28 : 26;
    for (size_t i = 0; i + hdr <= n; i++) {
        size_t len;
        if (p[i] != 'P' || p[i + 1] != 'K' || p[i + 2] != (central ? 1 : 3) || p[i + 3] != (central ? 2 : 4)) continue;
        len = td__le16(p + i + lenoff);
        if (len > n - i - hdr) continue;
        td__zip_name(z, p + i + hdr, len);
    }
}

/* The rules, over the head, the tail, the size and the UTF-8 verdict: the
 * one decision both forms share. */
static const char *td__decide(const uint8_t *h, size_t n, const uint8_t *t, size_t tn, uint64_t total, int text_ok,
                              const char *name, td_error *err)
{
    const char *shown = name && *name ? name : "tệp đính kèm";

    if (total == 0) {
        td_error_set(err, TD_ETOOBIG, "%.60s: the file is empty | tệp \"%s\" rỗng (0 byte)", shown, shown);
        return NULL;
    }
    if (total > TD_ATTACH_MAX_BYTES) {
        char got[TD_MSG_NUM_MAX], lim[TD_MSG_NUM_MAX];
        td_error_set(err, TD_ETOOBIG,
                     "%.60s: %llu bytes exceeds TD_ATTACH_MAX_BYTES (%u) | tệp \"%s\" dài %s byte, quá giới hạn %s "
                     "byte của một tệp đính kèm",
                     shown, (unsigned long long)total, TD_ATTACH_MAX_BYTES, shown, td_msg_num(got, total),
                     td_msg_num(lim, TD_ATTACH_MAX_BYTES));
        return NULL;
    }
    if (n >= 5 && !memcmp(h, "%PDF-", 5)) return M_PDF;
    if (n >= 3 && h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF) return M_JPEG;
    if (n >= 8 && !memcmp(h, td__png, 8)) return M_PNG;
    if (n >= 8 && !memcmp(h, td__ole2, 8)) {
        if (td__ext_is(name, ".doc")) return M_DOC;
        if (td__ext_is(name, ".xls")) return M_XLS;
        td_error_set(err, TD_EARG,
                     "%.60s: an old Office (OLE2) document whose name ends neither in .doc nor .xls | tệp \"%s\" là "
                     "tệp Office đời cũ nhưng tên không có đuôi .doc hoặc .xls (PowerPoint, Outlook... không được "
                     "nhận); " TD__ACCEPTED_VI,
                     shown, shown);
        return NULL;
    }
    if (n >= 4 && !memcmp(h, "PK\3\4", 4)) {
        td__zipnames z = {0, 0, 0};
        const char *odf = td__odf(h, n);
        if (odf) return odf;
        td__zip_scan(&z, h, n, 0);
        td__zip_scan(&z, t, tn, 1);
        if (z.content_types && z.word && !z.xl) return M_DOCX;
        if (z.content_types && z.xl && !z.word) return M_XLSX;
        td_error_set(err, TD_EARG,
                     "%.60s: a ZIP archive that is not a Word, Excel or OpenDocument file; " TD__ACCEPTED_EN
                     " | tệp \"%s\" là tệp nén ZIP, không phải Word, Excel hay OpenDocument; " TD__ACCEPTED_VI,
                     shown, shown);
        return NULL;
    }
    if (n >= 2 && h[0] == 'M' && h[1] == 'Z') {
        td_error_set(err, TD_EARG,
                     "%.60s: a Windows program (MZ header), not a document; " TD__ACCEPTED_EN
                     " | tệp \"%s\" là chương trình Windows, không phải văn bản; " TD__ACCEPTED_VI,
                     shown, shown);
        return NULL;
    }
    if (n >= 4 && !memcmp(h, "\177ELF", 4)) {
        td_error_set(err, TD_EARG,
                     "%.60s: a Linux program (ELF), not a document; " TD__ACCEPTED_EN
                     " | tệp \"%s\" là chương trình Linux, không phải văn bản; " TD__ACCEPTED_VI,
                     shown, shown);
        return NULL;
    }
    if (td__ext_is(name, ".txt")) {
        if (text_ok) return M_TXT;
        td_error_set(err, TD_EARG,
                     "%.60s: named .txt but not UTF-8 text (a NUL byte or an invalid sequence) | tệp \"%s\" có "
                     "đuôi .txt nhưng không phải văn bản UTF-8; hãy lưu lại bằng mã UTF-8",
                     shown, shown);
        return NULL;
    }
    td_error_set(err, TD_EARG,
                 "%.60s: type not recognised from its content; " TD__ACCEPTED_EN
                 " | không nhận ra loại của tệp \"%s\" từ nội dung; " TD__ACCEPTED_VI,
                 shown, shown);
    return NULL;
}

const char *td_attach_sniffer_final(const td_attach_sniffer *s, const char *name, td_error *err)
{
    return td__decide(s->head, s->head_n, s->tail, s->tail_n, s->total, !s->utf8_bad && s->utf8_need == 0, name,
                      err);
}

const char *td_attach_sniff(const uint8_t *p, size_t n, const char *name, td_error *err)
{
    size_t hn = n < TD_ATTACH_SNIFF_HEAD ? n : TD_ATTACH_SNIFF_HEAD;
    size_t tn = n < TD_ATTACH_SNIFF_TAIL ? n : TD_ATTACH_SNIFF_TAIL;
    /* the size alone decides above the limit: do not scan 100 MB for nothing */
    int text_ok = n <= TD_ATTACH_MAX_BYTES && n > 0 && td_utf8_valid((const char *)p, n, NULL);
    return td__decide(p, hn, p ? p + n - tn : p, tn, n, text_ok, name, err);
}

const char *td_attach_seen_vi(const uint8_t *p, size_t n)
{
    if (!p || n == 0) return "tệp rỗng";
    if (n >= 2 && p[0] == 'M' && p[1] == 'Z') return "tệp chương trình Windows (.exe, .dll)";
    if (n >= 4 && !memcmp(p, "\177ELF", 4)) return "tệp chương trình Linux";
    if (n >= 4 && !memcmp(p, "PK\3\4", 4)) return "tệp nén ZIP (không phải Word, Excel hay OpenDocument)";
    if (n >= 8 && !memcmp(p, td__ole2, 8))
        return "tệp Office đời cũ nhưng tên không có đuôi .doc hoặc .xls (PowerPoint, Outlook... không được nhận)";
    if (n >= 4 && !memcmp(p, "Rar!", 4)) return "tệp nén RAR";
    if (n >= 6 && !memcmp(p, "7z\xBC\xAF\x27\x1C", 6)) return "tệp nén 7z";
    if (n >= 3 && !memcmp(p, "GIF", 3)) return "ảnh GIF";
    return NULL;
}
