/*
 * test_attach.c — common/attach.c: each accepted type recognised from a
 * minimal real header; refusals that say what the file is (a Windows
 * program, a ZIP that is no Office/ODF file, an OLE2 file not named .doc or
 * .xls, a .txt that is not UTF-8), empty and oversized files; a PDF named
 * .doc is a PDF (the content decides, the name does not); the streaming
 * sniffer agrees with the one-shot one whatever the chunking, including an
 * OOXML file whose word/ members appear only after the head (found in the
 * central directory at the tail); names; labels.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "tt.h"

#define M_DOCX "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define M_XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define M_ODT "application/vnd.oasis.opendocument.text"
#define M_ODS "application/vnd.oasis.opendocument.spreadsheet"

/* ---- a minimal ZIP writer (stored members, CRC left 0: the sniffer does
 * not read it) ---- */
typedef struct zbuf {
    uint8_t *p;
    size_t n, cap;
    size_t cd_off[16];
    char *names[16];
    size_t nm[16];
    int k;
} zbuf;

static void zput(zbuf *z, const void *p, size_t n)
{
    if (z->n + n > z->cap) {
        z->cap = (z->n + n) * 2;
        z->p = realloc(z->p, z->cap);
    }
    memcpy(z->p + z->n, p, n);
    z->n += n;
}
static void z16(zbuf *z, unsigned v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    zput(z, b, 2);
}
static void z32(zbuf *z, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    zput(z, b, 4);
}

static void zmember(zbuf *z, const char *name, const void *data, size_t n)
{
    z->cd_off[z->k] = z->n;
    z->names[z->k] = (char *)name;
    z->nm[z->k] = n;
    z->k++;
    zput(z, "PK\3\4", 4);
    z16(z, 20);   /* version */
    z16(z, 0);    /* flags */
    z16(z, 0);    /* stored */
    z16(z, 0);
    z16(z, 0);
    z32(z, 0);    /* crc */
    z32(z, (uint32_t)n);
    z32(z, (uint32_t)n);
    z16(z, (unsigned)strlen(name));
    z16(z, 0);
    zput(z, name, strlen(name));
    zput(z, data, n);
}

static void zfinish(zbuf *z)
{
    size_t cd = z->n;
    for (int i = 0; i < z->k; i++) {
        zput(z, "PK\1\2", 4);
        z16(z, 20);
        z16(z, 20);
        z16(z, 0);
        z16(z, 0);
        z16(z, 0);
        z16(z, 0);
        z32(z, 0);
        z32(z, (uint32_t)z->nm[i]);
        z32(z, (uint32_t)z->nm[i]);
        z16(z, (unsigned)strlen(z->names[i]));
        z16(z, 0);
        z16(z, 0);
        z16(z, 0);
        z16(z, 0);
        z32(z, 0);
        z32(z, (uint32_t)z->cd_off[i]);
        zput(z, z->names[i], strlen(z->names[i]));
    }
    zput(z, "PK\5\6", 4);
    z16(z, 0);
    z16(z, 0);
    z16(z, (unsigned)z->k);
    z16(z, (unsigned)z->k);
    z32(z, (uint32_t)(z->n - cd));
    z32(z, (uint32_t)cd);
    z16(z, 0);
}

static const char *sniff(const void *p, size_t n, const char *name, td_error *e)
{
    memset(e, 0, sizeof *e);
    return td_attach_sniff(p, n, name, e);
}

/* The streaming sniffer over chunks of size step must agree. */
static int stream_agrees(const uint8_t *p, size_t n, const char *name, size_t step)
{
    td_attach_sniffer *s = malloc(sizeof *s);
    td_error e1, e2;
    const char *a, *b;
    int ok;
    td_attach_sniffer_init(s);
    for (size_t off = 0; off < n; off += step) td_attach_sniffer_update(s, p + off, n - off < step ? n - off : step);
    memset(&e2, 0, sizeof e2);
    a = td_attach_sniffer_final(s, name, &e2);
    b = sniff(p, n, name, &e1);
    ok = (a == NULL) == (b == NULL) && (!a || !strcmp(a, b)) && e1.code == e2.code;
    if (!ok) fprintf(stderr, "stream %s / oneshot %s (%s | %s)\n", a ? a : "-", b ? b : "-", e2.msg, e1.msg);
    free(s);
    return ok;
}

static void test_accepted_types(void)
{
    static const uint8_t jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xFF, 0xD9};
    static const uint8_t png[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                                  0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0};
    static const uint8_t ole2[] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0, 0, 0, 0, 0, 0x3E, 0};
    const char pdf[] = "%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n";
    const char txt[] = "Báo cáo kết quả thực hiện Kế hoạch 726/KH-UBND\n";
    td_error e;
    TT_EQ_STR(sniff(pdf, sizeof pdf - 1, "bao-cao.pdf", &e), "application/pdf");
    TT_EQ_STR(sniff(jpeg, sizeof jpeg, "anh.jpg", &e), "image/jpeg");
    TT_EQ_STR(sniff(png, sizeof png, "anh.png", &e), "image/png");
    TT_EQ_STR(sniff(ole2, sizeof ole2, "cong-van.DOC", &e), "application/msword");
    TT_EQ_STR(sniff(ole2, sizeof ole2, "so-lieu.xls", &e), "application/vnd.ms-excel");
    TT_EQ_STR(sniff(txt, sizeof txt - 1, "ghi-chu.txt", &e), "text/plain");
    {
        zbuf z = {0};
        zmember(&z, "[Content_Types].xml", "<Types/>", 8);
        zmember(&z, "_rels/.rels", "<Relationships/>", 16);
        zmember(&z, "word/document.xml", "<w:document/>", 13);
        zfinish(&z);
        TT_EQ_STR(sniff(z.p, z.n, "bao-cao.docx", &e), M_DOCX);
        TT_CHECK(stream_agrees(z.p, z.n, "bao-cao.docx", 7));
        free(z.p);
    }
    {
        zbuf z = {0};
        zmember(&z, "[Content_Types].xml", "<Types/>", 8);
        zmember(&z, "xl/workbook.xml", "<workbook/>", 11);
        zfinish(&z);
        TT_EQ_STR(sniff(z.p, z.n, "so-lieu.xlsx", &e), M_XLSX);
        free(z.p);
    }
    {
        zbuf z = {0};
        zmember(&z, "mimetype", M_ODT, strlen(M_ODT));
        zmember(&z, "content.xml", "<office:document-content/>", 26);
        zfinish(&z);
        TT_EQ_STR(sniff(z.p, z.n, "bao-cao.odt", &e), M_ODT);
        free(z.p);
    }
    {
        zbuf z = {0};
        zmember(&z, "mimetype", M_ODS, strlen(M_ODS));
        zfinish(&z);
        TT_EQ_STR(sniff(z.p, z.n, "x.ods", &e), M_ODS);
        free(z.p);
    }
    TT_CHECK(td_attach_type_known(sniff(pdf, sizeof pdf - 1, "a.pdf", &e)));
}

static void test_refusals(void)
{
    static const uint8_t exe[] = {'M', 'Z', 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xFF, 0xFF, 0, 0};
    static const uint8_t ole2[] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0};
    const char latin1[] = "B\xe1o c\xe1o\n";
    td_error e;
    /* an .exe, even named .pdf */
    TT_CHECK(sniff(exe, sizeof exe, "bien-ban.pdf", &e) == NULL);
    TT_EQ_INT(e.code, TD_EARG);
    TT_CHECK(strstr(e.msg, "Windows program") && strstr(e.msg, "bien-ban.pdf") && strstr(e.msg, "accepted:"));
    TT_CHECK(strstr(td_attach_seen_vi(exe, sizeof exe), "chương trình Windows") != NULL);
    TT_EQ_STR(td_error_vi(&e), "tệp \"bien-ban.pdf\" là chương trình Windows, không phải văn bản; chỉ nhận: "
                               TD_ATTACH_ACCEPTED_VI);
    /* empty */
    TT_CHECK(sniff("", 0, "rong.pdf", &e) == NULL);
    TT_EQ_INT(e.code, TD_ETOOBIG);
    TT_CHECK(strstr(e.msg, "empty") != NULL);
    TT_EQ_STR(td_error_vi(&e), "tệp \"rong.pdf\" rỗng (0 byte)");
    /* a zip that is no Office or ODF document */
    {
        zbuf z = {0};
        zmember(&z, "anh/1.jpg", "\xFF\xD8\xFF", 3);
        zmember(&z, "word-list.txt", "abc", 3);   /* not "word/" */
        zfinish(&z);
        TT_CHECK(sniff(z.p, z.n, "ho-so.docx", &e) == NULL);
        TT_EQ_INT(e.code, TD_EARG);
        TT_CHECK(strstr(e.msg, "ZIP archive") != NULL);
        TT_CHECK(stream_agrees(z.p, z.n, "ho-so.docx", 5));
        free(z.p);
    }
    /* ODF's mimetype of another ODF kind (a presentation) */
    {
        zbuf z = {0};
        zmember(&z, "mimetype", "application/vnd.oasis.opendocument.presentation", 47);
        zfinish(&z);
        TT_CHECK(sniff(z.p, z.n, "x.odp", &e) == NULL);
        free(z.p);
    }
    /* OLE2 not named .doc/.xls (PowerPoint, Outlook) */
    TT_CHECK(sniff(ole2, sizeof ole2, "trinh-chieu.ppt", &e) == NULL);
    TT_CHECK(strstr(e.msg, "OLE2") != NULL);
    /* text: only UTF-8 named .txt */
    TT_CHECK(sniff(latin1, sizeof latin1 - 1, "ghi-chu.txt", &e) == NULL);
    TT_CHECK(strstr(e.msg, "not UTF-8") != NULL);
    TT_CHECK(sniff("abc\0def", 7, "x.txt", &e) == NULL);
    TT_CHECK(sniff("plain words", 11, "ghi-chu", &e) == NULL);
    TT_CHECK(strstr(e.msg, "not recognised") != NULL);
    TT_CHECK(td_attach_seen_vi((const uint8_t *)"plain", 5) == NULL);
}

static void test_pdf_named_doc_is_a_pdf(void)
{
    /* Decision: the content decides.  A PDF saved as "quyet-dinh.doc" is
     * accepted and recorded as application/pdf, so that a reader opens it
     * with a PDF reader whatever the name says. */
    const char pdf[] = "%PDF-1.4\n%%EOF\n";
    td_error e;
    TT_EQ_STR(sniff(pdf, sizeof pdf - 1, "quyet-dinh.doc", &e), "application/pdf");
}

static void test_size_limit(void)
{
    size_t n = TD_ATTACH_MAX_BYTES + 1;
    uint8_t *p = calloc(1, n);
    td_error e;
    memcpy(p, "%PDF-1.4\n", 9);
    TT_CHECK(sniff(p, n, "scan.pdf", &e) == NULL);
    TT_EQ_INT(e.code, TD_ETOOBIG);
    TT_CHECK(strstr(e.msg, "TD_ATTACH_MAX_BYTES") != NULL);
    /* what a person reads names the file, its size and the limit as people write numbers */
    TT_EQ_STR(td_error_vi(&e), "tệp \"scan.pdf\" dài 10.485.761 byte, quá giới hạn 10.485.760 byte của một tệp đính kèm");
    TT_EQ_STR(sniff(p, n - 1, "scan.pdf", &e), "application/pdf");   /* exactly the limit */
    TT_CHECK(stream_agrees(p, n, "scan.pdf", 65536));
    free(p);
}

static void test_streaming_agrees(void)
{
    /* OOXML whose word/ member begins after the head: only the central
     * directory (tail) names it */
    zbuf z = {0};
    size_t big = TD_ATTACH_SNIFF_HEAD + 5000;
    uint8_t *junk = malloc(big);
    const char vi[] = "Tiếng Việt có dấu: ả ẫ ệ ộ ữ\n";
    uint8_t *t = malloc(3000);
    for (size_t i = 0; i < big; i++) junk[i] = (uint8_t)(i * 7 + 1) | 0x80;
    zmember(&z, "[Content_Types].xml", "<Types/>", 8);
    zmember(&z, "docProps/thumbnail.jpeg", junk, big);
    zmember(&z, "word/document.xml", "<w:document/>", 13);
    zfinish(&z);
    {
        td_error e;
        TT_EQ_STR(sniff(z.p, z.n, "lon.docx", &e), M_DOCX);
    }
    TT_CHECK(stream_agrees(z.p, z.n, "lon.docx", 65536));
    TT_CHECK(stream_agrees(z.p, z.n, "lon.docx", 1000));
    TT_CHECK(stream_agrees(z.p, z.n, "lon.docx", 1));
    /* UTF-8 sequences split across chunks */
    for (size_t i = 0; i < 3000; i++) t[i] = (uint8_t)vi[i % (sizeof vi - 1)];
    for (size_t step = 1; step < 9; step++) TT_CHECK(stream_agrees(t, 3000 - 3000 % (sizeof vi - 1), "a.txt", step));
    /* a cut sequence at the end is not UTF-8 */
    TT_CHECK(stream_agrees(t, 20, "a.txt", 3));
    free(junk);
    free(t);
    free(z.p);
}

static void test_names_and_labels(void)
{
    char longname[300];
    TT_CHECK(td_attach_name_ok("Biên bản họp.pdf"));
    TT_CHECK(!td_attach_name_ok(""));
    TT_CHECK(!td_attach_name_ok("."));
    TT_CHECK(!td_attach_name_ok(".."));
    TT_CHECK(!td_attach_name_ok("a/b.pdf"));
    TT_CHECK(!td_attach_name_ok("a\\b.pdf"));
    TT_CHECK(!td_attach_name_ok("a\nb.pdf"));
    TT_CHECK(!td_attach_name_ok("\xff.pdf"));
    memset(longname, 'a', 256);
    longname[256] = 0;
    TT_CHECK(!td_attach_name_ok(longname));
    longname[255] = 0;
    TT_CHECK(td_attach_name_ok(longname));
    TT_CHECK(td_attach_type_known("application/pdf"));
    TT_CHECK(!td_attach_type_known("application/x-msdownload"));
    TT_CHECK(!td_attach_type_known(NULL));
    TT_EQ_STR(td_attach_type_vi("image/jpeg"), "ảnh JPEG");
    TT_EQ_STR(td_attach_name_for("application/msword"), "file.doc");
}

int main(void)
{
    TT_RUN(test_accepted_types);
    TT_RUN(test_refusals);
    TT_RUN(test_pdf_named_doc_is_a_pdf);
    TT_RUN(test_size_limit);
    TT_RUN(test_streaming_agrees);
    TT_RUN(test_names_and_labels);
    return tt_report();
}
