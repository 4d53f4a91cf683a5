/*
 * utf8.h — UTF-8 checks and the Vietnamese text folding that the plan
 * importer needs.
 *
 * None of our five libraries normalises Unicode (glibc, OpenSSL and SQLite
 * without ICU do not), and Vietnamese is the only script the plan uses, so
 * this module knows exactly the Vietnamese letters: the 12 vowels a ă â e ê
 * i o ô ơ u ư y with their 6 tones, upper and lower case, and đ/Đ.  It
 * handles NFC (what the published file uses) and the NFD sequences a
 * macOS or Word export may produce (base + circumflex/breve/horn + tone mark).
 *
 * All functions returning char * return a malloc'd NUL-terminated string the
 * caller frees, or NULL when out of memory.  Input must be valid UTF-8
 * (check with td_utf8_valid first); invalid bytes are copied through
 * unchanged, never read past the terminator.
 */
#ifndef TD_UTF8_H
#define TD_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * 1 if s[0..n) is well-formed UTF-8 (no overlong forms, no surrogates, no
 * code point above U+10FFFF, no NUL byte); else 0 and *bad_off (if not NULL)
 * is the byte offset of the first bad sequence.
 */
int td_utf8_valid(const char *s, size_t n, size_t *bad_off);

/*
 * Decode one code point at s (at most n bytes).  Returns its length in bytes
 * (1..4) and sets *cp, or returns 1 with *cp = 0xFFFD for a bad byte, so
 * that a loop always advances.  n must be > 0.
 */
int td_utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Encode cp into out (4 bytes of room); returns the length. */
int td_utf8_encode(uint32_t cp, char out[4]);

/* Compose Vietnamese NFD sequences into NFC letters; everything else kept. */
char *td_vi_nfc(const char *s);
/* Lower-case (ASCII and Vietnamese letters), NFC output; other text kept. */
char *td_vi_lower(const char *s);
/* Lower-case ASCII: each Vietnamese letter as its base letter without marks
 * ("Tỷ lệ" -> "ty le", "Đ" -> "d"); for matching what people may type
 * with or without diacritics.  Other text kept. */
char *td_vi_ascii(const char *s);
/* Terminal columns of a UTF-8 string: code points, combining marks (NFD
 * tone marks) taking none.  For aligning Vietnamese text in columns. */
size_t td_utf8_width(const char *s);

/*
 * The matching key of a name: lower case; the tone of each word moved to
 * the end of the word (so "hoá" and "hóa", old and new tone placement, give
 * the same key); NFD and NFC give the same key; runs of blanks become one
 * space; en/em dashes become '-'; blanks around '-', '&' and '/' dropped;
 * leading/trailing blanks and trailing . , ; : dropped.  Two names with the
 * same key are the same name for alias lookup.  Keys are internal: they
 * contain control bytes as tone markers and are never shown to anyone.
 */
char *td_vi_key(const char *s);

/*
 * A table cell as people should read it: HTML remnants of the document
 * conversion removed (tags such as <i> and <ul style=...>; &amp; &lt; &gt;
 * &nbsp; &quot; decoded), NFD composed to NFC, runs of blanks collapsed to one
 * space, trimmed.  LaTeX remnants are the target parser's business.
 */
char *td_text_clean(const char *s);
/* The same for s[0..n). */
char *td_text_clean_n(const char *s, size_t n);

/* Copy of s[0..n) with NUL added; NULL on OOM. */
char *td_strndup(const char *s, size_t n);
/* Trim ASCII blanks (space, tab, CR, LF, NBSP) at both ends, in place. */
char *td_trim(char *s);
/* 1 if a and b are the same string or both NULL, else 0. */
int td_str_same(const char *a, const char *b);
/* rank[j] = the place of names[j] among the n names sorted in strcmp order
 * (the n names distinct).  0, or TD_ENOMEM. */
int td_str_ranks(const char *const *names, size_t n, uint32_t *rank);

#endif
