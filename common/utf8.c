/* utf8.c — see utf8.h. */
#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "grow.h"

int td_utf8_decode(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    uint32_t c;
    int len;

    if (u[0] < 0x80) { *cp = u[0]; return 1; }
    if (u[0] >= 0xC2 && u[0] <= 0xDF) { len = 2; c = u[0] & 0x1F; }
    else if (u[0] >= 0xE0 && u[0] <= 0xEF) { len = 3; c = u[0] & 0x0F; }
    else if (u[0] >= 0xF0 && u[0] <= 0xF4) { len = 4; c = u[0] & 0x07; }
    else goto bad;
    if ((size_t)len > n) goto bad;
    for (int i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80) goto bad;
        c = (c << 6) | (u[i] & 0x3F);
    }
    if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
        (c >= 0xD800 && c <= 0xDFFF))
        goto bad;
    *cp = c;
    return len;
bad:
    *cp = 0xFFFD;
    return 1;
}

int td_utf8_valid(const char *s, size_t n, size_t *bad_off)
{
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        int len;
        if (s[i] == '\0') goto bad;
        len = td_utf8_decode(s + i, n - i, &cp);
        if (cp == 0xFFFD && !(len == 3 && (unsigned char)s[i] == 0xEF &&
                              (unsigned char)s[i + 1] == 0xBF && (unsigned char)s[i + 2] == 0xBD))
            goto bad;
        i += (size_t)len;
    }
    return 1;
bad:
    if (bad_off) *bad_off = i;
    return 0;
}

int td_utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

char *td_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

int td_str_same(const char *a, const char *b)
{
    if (!a || !b) return !a && !b;
    return !strcmp(a, b);
}

static int td__pstr_cmp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

int td_str_ranks(const char *const *names, size_t n, uint32_t *rank)
{
    const char **order = malloc((n ? n : 1) * sizeof *order);
    if (!order) return TD_ENOMEM;
    memcpy(order, names, n * sizeof *order);
    qsort(order, n, sizeof *order, td__pstr_cmp);
    for (size_t j = 0; j < n; j++) {   /* binary search for names[j] among the sorted ones */
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (strcmp(order[mid], names[j]) < 0) lo = mid + 1;
            else hi = mid;
        }
        rank[j] = (uint32_t)lo;
    }
    free(order);
    return 0;
}

char *td_trim(char *s)
{
    size_t n = strlen(s), b = 0;
    for (;;) {
        if (n > b && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) n--;
        else if (n >= b + 2 && (unsigned char)s[n - 2] == 0xC2 && (unsigned char)s[n - 1] == 0xA0) n -= 2;
        else break;
    }
    for (;;) {
        if (b < n && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) b++;
        else if (b + 2 <= n && (unsigned char)s[b] == 0xC2 && (unsigned char)s[b + 1] == 0xA0) b += 2;
        else break;
    }
    memmove(s, s + b, n - b);
    s[n - b] = '\0';
    return s;
}

/* --- Vietnamese letters ---------------------------------------------------- */

/* Vowel rows: the base letter of each row, lower and upper case. */
enum { VI_A, VI_AW, VI_AA, VI_E, VI_EE, VI_I, VI_O, VI_OO, VI_OW, VI_U, VI_UW, VI_Y, VI_ROWS };
static const uint32_t td__vi_base[VI_ROWS][2] = {
    {0x61, 0x41}, {0x103, 0x102}, {0xE2, 0xC2}, {0x65, 0x45}, {0xEA, 0xCA}, {0x69, 0x49},
    {0x6F, 0x4F}, {0xF4, 0xD4}, {0x1A1, 0x1A0}, {0x75, 0x55}, {0x1B0, 0x1AF}, {0x79, 0x59},
};

/* Every precomposed Vietnamese vowel: code point, row, tone (0 none, 1 huyền,
 * 2 sắc, 3 hỏi, 4 ngã, 5 nặng), upper case.  Sorted by code point. */
typedef struct { uint16_t cp; uint8_t row, tone, upper; } td__vi_letter;
static const td__vi_letter td__vi_tab[] = {
    {0x0041,0,0,1}, {0x0045,3,0,1}, {0x0049,5,0,1}, {0x004F,6,0,1}, {0x0055,9,0,1}, {0x0059,11,0,1},
    {0x0061,0,0,0}, {0x0065,3,0,0}, {0x0069,5,0,0}, {0x006F,6,0,0}, {0x0075,9,0,0}, {0x0079,11,0,0},
    {0x00C0,0,1,1}, {0x00C1,0,2,1}, {0x00C2,2,0,1}, {0x00C3,0,4,1}, {0x00C8,3,1,1}, {0x00C9,3,2,1},
    {0x00CA,4,0,1}, {0x00CC,5,1,1}, {0x00CD,5,2,1}, {0x00D2,6,1,1}, {0x00D3,6,2,1}, {0x00D4,7,0,1},
    {0x00D5,6,4,1}, {0x00D9,9,1,1}, {0x00DA,9,2,1}, {0x00DD,11,2,1}, {0x00E0,0,1,0}, {0x00E1,0,2,0},
    {0x00E2,2,0,0}, {0x00E3,0,4,0}, {0x00E8,3,1,0}, {0x00E9,3,2,0}, {0x00EA,4,0,0}, {0x00EC,5,1,0},
    {0x00ED,5,2,0}, {0x00F2,6,1,0}, {0x00F3,6,2,0}, {0x00F4,7,0,0}, {0x00F5,6,4,0}, {0x00F9,9,1,0},
    {0x00FA,9,2,0}, {0x00FD,11,2,0}, {0x0102,1,0,1}, {0x0103,1,0,0}, {0x0128,5,4,1}, {0x0129,5,4,0},
    {0x0168,9,4,1}, {0x0169,9,4,0}, {0x01A0,8,0,1}, {0x01A1,8,0,0}, {0x01AF,10,0,1}, {0x01B0,10,0,0},
    {0x1EA0,0,5,1}, {0x1EA1,0,5,0}, {0x1EA2,0,3,1}, {0x1EA3,0,3,0}, {0x1EA4,2,2,1}, {0x1EA5,2,2,0},
    {0x1EA6,2,1,1}, {0x1EA7,2,1,0}, {0x1EA8,2,3,1}, {0x1EA9,2,3,0}, {0x1EAA,2,4,1}, {0x1EAB,2,4,0},
    {0x1EAC,2,5,1}, {0x1EAD,2,5,0}, {0x1EAE,1,2,1}, {0x1EAF,1,2,0}, {0x1EB0,1,1,1}, {0x1EB1,1,1,0},
    {0x1EB2,1,3,1}, {0x1EB3,1,3,0}, {0x1EB4,1,4,1}, {0x1EB5,1,4,0}, {0x1EB6,1,5,1}, {0x1EB7,1,5,0},
    {0x1EB8,3,5,1}, {0x1EB9,3,5,0}, {0x1EBA,3,3,1}, {0x1EBB,3,3,0}, {0x1EBC,3,4,1}, {0x1EBD,3,4,0},
    {0x1EBE,4,2,1}, {0x1EBF,4,2,0}, {0x1EC0,4,1,1}, {0x1EC1,4,1,0}, {0x1EC2,4,3,1}, {0x1EC3,4,3,0},
    {0x1EC4,4,4,1}, {0x1EC5,4,4,0}, {0x1EC6,4,5,1}, {0x1EC7,4,5,0}, {0x1EC8,5,3,1}, {0x1EC9,5,3,0},
    {0x1ECA,5,5,1}, {0x1ECB,5,5,0}, {0x1ECC,6,5,1}, {0x1ECD,6,5,0}, {0x1ECE,6,3,1}, {0x1ECF,6,3,0},
    {0x1ED0,7,2,1}, {0x1ED1,7,2,0}, {0x1ED2,7,1,1}, {0x1ED3,7,1,0}, {0x1ED4,7,3,1}, {0x1ED5,7,3,0},
    {0x1ED6,7,4,1}, {0x1ED7,7,4,0}, {0x1ED8,7,5,1}, {0x1ED9,7,5,0}, {0x1EDA,8,2,1}, {0x1EDB,8,2,0},
    {0x1EDC,8,1,1}, {0x1EDD,8,1,0}, {0x1EDE,8,3,1}, {0x1EDF,8,3,0}, {0x1EE0,8,4,1}, {0x1EE1,8,4,0},
    {0x1EE2,8,5,1}, {0x1EE3,8,5,0}, {0x1EE4,9,5,1}, {0x1EE5,9,5,0}, {0x1EE6,9,3,1}, {0x1EE7,9,3,0},
    {0x1EE8,10,2,1}, {0x1EE9,10,2,0}, {0x1EEA,10,1,1}, {0x1EEB,10,1,0}, {0x1EEC,10,3,1}, {0x1EED,10,3,0},
    {0x1EEE,10,4,1}, {0x1EEF,10,4,0}, {0x1EF0,10,5,1}, {0x1EF1,10,5,0}, {0x1EF2,11,1,1}, {0x1EF3,11,1,0},
    {0x1EF4,11,5,1}, {0x1EF5,11,5,0}, {0x1EF6,11,3,1}, {0x1EF7,11,3,0}, {0x1EF8,11,4,1}, {0x1EF9,11,4,0},
};
#define TD__VI_N (sizeof td__vi_tab / sizeof td__vi_tab[0])

static const td__vi_letter *td__vi_find(uint32_t cp)
{
    size_t lo = 0, hi = TD__VI_N;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (td__vi_tab[mid].cp == cp) return &td__vi_tab[mid];
        if (td__vi_tab[mid].cp < cp) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

static uint32_t td__vi_make(int row, int tone, int upper)
{
    if (tone == 0) return td__vi_base[row][upper ? 1 : 0];
    for (size_t i = 0; i < TD__VI_N; i++)
        if (td__vi_tab[i].row == row && td__vi_tab[i].tone == tone && td__vi_tab[i].upper == (upper ? 1 : 0))
            return td__vi_tab[i].cp;
    return 0xFFFD;   /* defensive: every (row, tone, case) is in the table */
}

/* Tone of a combining mark, 0 if it is not one. */
static int td__vi_tone_mark(uint32_t cp)
{
    switch (cp) {
    case 0x300: case 0x340: return 1;
    case 0x301: case 0x341: return 2;
    case 0x309: return 3;
    case 0x303: return 4;
    case 0x323: return 5;
    default: return 0;
    }
}

/* Row after a quality mark (circumflex, breve, horn), -1 if it does not apply. */
static int td__vi_quality(int row, uint32_t mark)
{
    if (mark == 0x302) return row == VI_A ? VI_AA : row == VI_E ? VI_EE : row == VI_O ? VI_OO : -1;
    if (mark == 0x306) return row == VI_A ? VI_AW : -1;
    if (mark == 0x31B) return row == VI_O ? VI_OW : row == VI_U ? VI_UW : -1;
    return -1;
}

/* A growing output buffer; on OOM it stays failed and yields NULL. */
typedef struct { char *p; size_t n, cap; int oom; } td__buf;

static void td__put(td__buf *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (n > SIZE_MAX - b->n - 1 || TD_GROW(b->p, b->cap, b->n + n + 1)) {
        b->oom = 1;
        return;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void td__putcp(td__buf *b, uint32_t cp)
{
    char u[4];
    td__put(b, u, (size_t)td_utf8_encode(cp, u));
}

static char *td__done(td__buf *b)
{
    if (b->oom) { free(b->p); return NULL; }
    if (!b->p) return calloc(1, 1);
    return b->p;
}

/*
 * The common walk: each Vietnamese vowel (precomposed or followed by
 * combining marks) is decoded into (row, tone, upper); mode selects what is
 * written.  mode 0 = NFC, 1 = lower-case NFC, 2 = lower-case ASCII (the base
 * letter without tone or quality marks, đ as d).
 */
static char *td__vi_map(const char *s, int mode)
{
    int lower = mode >= 1;
    td__buf b = {0};
    size_t n = strlen(s), i = 0;
    while (i < n) {
        uint32_t cp;
        int len = td_utf8_decode(s + i, n - i, &cp);
        const td__vi_letter *v = td__vi_find(cp);
        if (v) {
            int row = v->row, tone = v->tone, upper = v->upper;
            size_t j = i + (size_t)len;
            while (j < n) {
                uint32_t m;
                int ml = td_utf8_decode(s + j, n - j, &m);
                int t = td__vi_tone_mark(m), q = td__vi_quality(row, m);
                if (t && !tone) tone = t;
                else if (q >= 0) row = q;
                else break;
                j += (size_t)ml;
            }
            if (mode == 2) td__putcp(&b, (uint32_t)"aaaeeiooouuy"[row]);
            else td__putcp(&b, td__vi_make(row, tone, upper && !lower));
            i = j;
            continue;
        }
        if (lower && cp == 0x110) cp = 0x111;                 /* Đ -> đ */
        if (mode == 2 && cp == 0x111) cp = 'd';
        else if (lower && cp >= 'A' && cp <= 'Z') cp += 32;
        if (cp == 0xFFFD) td__put(&b, s + i, (size_t)len);  /* bad byte: copy through */
        else td__putcp(&b, cp);
        i += (size_t)len;
    }
    return td__done(&b);
}

char *td_vi_nfc(const char *s) { return td__vi_map(s, 0); }
char *td_vi_lower(const char *s) { return td__vi_map(s, 1); }
char *td_vi_ascii(const char *s) { return td__vi_map(s, 2); }

size_t td_utf8_width(const char *s)
{
    size_t n = strlen(s), i = 0, w = 0;
    while (i < n) {
        uint32_t cp;
        i += (size_t)td_utf8_decode(s + i, n - i, &cp);
        if (!(cp >= 0x300 && cp <= 0x36F)) w++;   /* combining marks take no column */
    }
    return w;
}

static int td__is_word_cp(uint32_t cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || cp == 0x111 || cp >= 0x80;
}

char *td_vi_key(const char *s)
{
    char *low = td_vi_lower(s);
    td__buf b = {0};
    size_t n, i = 0;
    int tones[8], ntones = 0, pending_space = 0;

    if (!low) return NULL;
    n = strlen(low);
    while (i < n) {
        uint32_t cp;
        int len = td_utf8_decode(low + i, n - i, &cp);
        const td__vi_letter *v;
        int is_space, is_word;

        if (cp == 0x2013 || cp == 0x2014 || cp == 0x2010 || cp == 0x2212) cp = '-';
        v = td__vi_find(cp);
        is_space = cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == 0xA0;
        is_word = v || td__is_word_cp(cp);
        if (!is_word || is_space) {
            /* end of a word: its tones go after it */
            for (int k = 0; k < ntones; k++) {
                char t = (char)tones[k];
                td__put(&b, &t, 1);
            }
            ntones = 0;
        }
        if (is_space) {
            pending_space = b.n > 0;
            i += (size_t)len;
            continue;
        }
        if (cp == '-' || cp == '&' || cp == '/') {
            pending_space = 0;   /* "KH & CN" == "KH&CN", "thanh - truyền" == "thanh-truyền" */
            td__putcp(&b, cp);
            i += (size_t)len;
            /* swallow blanks after the joiner */
            while (i < n && (low[i] == ' ' || low[i] == '\t')) i++;
            continue;
        }
        if (pending_space) {
            td__put(&b, " ", 1);
            pending_space = 0;
        }
        if (v) {
            td__putcp(&b, td__vi_base[v->row][0]);
            if (v->tone && ntones < (int)(sizeof tones / sizeof tones[0])) tones[ntones++] = v->tone;
        } else if (cp == 0xFFFD) {
            td__put(&b, low + i, (size_t)len);
        } else {
            td__putcp(&b, cp);
        }
        i += (size_t)len;
    }
    for (int k = 0; k < ntones; k++) {
        char t = (char)tones[k];
        td__put(&b, &t, 1);
    }
    free(low);
    if (!b.oom && b.p) {
        /* drop trailing punctuation that lists put after a name */
        while (b.n > 0 && (b.p[b.n - 1] == '.' || b.p[b.n - 1] == ',' || b.p[b.n - 1] == ';' ||
                           b.p[b.n - 1] == ':' || b.p[b.n - 1] == ' '))
            b.p[--b.n] = '\0';
    }
    return td__done(&b);
}

char *td_text_clean(const char *s)
{
    static const struct { const char *ent; char ch; } ents[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&nbsp;", ' '}, {"&quot;", '"'},
    };
    td__buf b = {0};
    char *nfc;
    size_t i = 0;
    int space = 0;

    for (; s[i]; i++) {
        char c = s[i];
        if (c == '<') {
            /* a tag is '<' + letter or '/' ... '>' on one line; a lone '<' is text */
            size_t j = i + 1;
            if ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') || s[j] == '/') {
                while (s[j] && s[j] != '>' && s[j] != '<') j++;
                if (s[j] == '>') {
                    /* block tags (<li>, <br>, <p>) separate words; inline ones
                     * (<i>, <b>, <span>) sit inside a phrase */
                    static const char *const inl[] = {"i", "b", "em", "strong", "span", "u", "sup", "sub", "a"};
                    size_t t = i + 1 + (s[i + 1] == '/'), tl = 0;
                    while (t + tl < j && ((s[t + tl] >= 'a' && s[t + tl] <= 'z') ||
                                          (s[t + tl] >= 'A' && s[t + tl] <= 'Z')))
                        tl++;
                    int inline_tag = 0;
                    for (size_t k = 0; k < sizeof inl / sizeof inl[0]; k++)
                        if (strlen(inl[k]) == tl && !strncasecmp(s + t, inl[k], tl)) inline_tag = 1;
                    if (!inline_tag) space = 1;
                    i = j;
                    continue;
                }
            }
        }
        if (c == '&') {
            size_t k;
            for (k = 0; k < sizeof ents / sizeof ents[0]; k++) {
                size_t l = strlen(ents[k].ent);
                if (!strncmp(s + i, ents[k].ent, l)) {
                    c = ents[k].ch;
                    i += l - 1;
                    break;
                }
            }
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            space = 1;
            continue;
        }
        if (space && b.n > 0) td__put(&b, " ", 1);
        space = 0;
        td__put(&b, &c, 1);
    }
    if (b.oom) { free(b.p); return NULL; }
    if (!b.p) return calloc(1, 1);
    nfc = td_vi_nfc(b.p);
    free(b.p);
    if (!nfc) return NULL;
    return td_trim(nfc);
}

char *td_text_clean_n(const char *s, size_t n)
{
    char *t = td_strndup(s, n), *c;
    if (!t) return NULL;
    c = td_text_clean(t);
    free(t);
    return c;
}
