/* agency.c — see agency.h. */
#include "agency.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "grow.h"
#include "identity.h"
#include "utf8.h"
#include "oserr.h"

/* --- the initial registry (docs/LOG.md §6) ---------------------------------
 * Each row: slug, kind, official name, then aliases, NULL-terminated.
 * Aliases are the wordings the plan itself uses, common abbreviations, and
 * the OCR damage seen in data/plans/726-KH-UBND.txt: they are explicit
 * mappings, not fuzzy matching. */
#define TD__ALIASES_MAX 8
static const struct {
    const char *slug;
    td_agency_kind kind;
    const char *name;
    const char *aliases[TD__ALIASES_MAX];
} td__builtin[] = {
    {"vp-ubnd", TD_AGENCY_DEPT, "Văn phòng UBND tỉnh",
     {"Văn phòng UBND", "VP UBND tỉnh", "Văn phòng Ủy ban nhân dân tỉnh", "Văn phòng Uỷ ban nhân dân tỉnh", NULL}},
    {"thanh-tra", TD_AGENCY_DEPT, "Thanh tra tỉnh", {NULL}},
    {"so-noi-vu", TD_AGENCY_DEPT, "Sở Nội vụ", {"Sở NV", NULL}},
    {"so-tu-phap", TD_AGENCY_DEPT, "Sở Tư pháp", {"Sở TP", NULL}},
    {"so-tai-chinh", TD_AGENCY_DEPT, "Sở Tài chính", {"Sở TC", NULL}},
    {"so-xay-dung", TD_AGENCY_DEPT, "Sở Xây dựng", {"Sở XD", NULL}},
    {"so-khcn", TD_AGENCY_DEPT, "Sở Khoa học và Công nghệ",
     /* "Công nghe": OCR lost the tone; "... Công nghệ nghe": a page break
      * repeated the last syllable into the continuation row (task 38) */
     {"Sở KH&CN", "Sở KHCN", "Sở Khoa học và Công nghe", "Sở Khoa học và Công nghệ nghe",
      "Sở Khoa học Công nghệ", NULL}},
    {"so-nn-mt", TD_AGENCY_DEPT, "Sở Nông nghiệp và Môi trường", {"Sở NN&MT", "Sở NNMT", NULL}},
    {"so-cong-thuong", TD_AGENCY_DEPT, "Sở Công Thương", {"Sở CT", NULL}},
    {"so-y-te", TD_AGENCY_DEPT, "Sở Y tế", {"Sở YT", NULL}},
    {"so-vhttdl", TD_AGENCY_DEPT, "Sở Văn hóa, Thể thao và Du lịch",
     {"Sở VHTTDL", "Sở VH,TT&DL", "Sở VHTT&DL", "Sở Văn hóa - Thể thao và Du lịch", NULL}},
    {"so-gddt", TD_AGENCY_DEPT, "Sở Giáo dục và Đào tạo", {"Sở GD&ĐT", "Sở GDĐT", "Sở GD-ĐT", NULL}},
    {"cong-an-tinh", TD_AGENCY_PROVINCIAL, "Công an tỉnh", {"CA tỉnh", NULL}},
    {"cuc-thue", TD_AGENCY_PROVINCIAL, "Cục Thuế tỉnh", {"Cục Thuế", NULL}},
    {"nhnn-tinh", TD_AGENCY_PROVINCIAL, "Chi nhánh Ngân hàng Nhà nước tỉnh",
     {"Ngân hàng Nhà nước tỉnh", "Chi nhánh Ngân hàng Nhà nước tỉnh Hải Dương",
      "Ngân hàng Nhà nước chi nhánh tỉnh", "NHNN tỉnh", NULL}},
    {"bao-hai-duong", TD_AGENCY_PROVINCIAL, "Báo Hải Dương", {NULL}},
    {"dai-ptth", TD_AGENCY_PROVINCIAL, "Đài Phát thanh - Truyền hình tỉnh",
     {"Đài PT-TH tỉnh", "Đài Phát thanh và Truyền hình tỉnh", "Đài Phát thanh - Truyền hình Hải Dương", NULL}},
    {"cong-ttdt", TD_AGENCY_PROVINCIAL, "Cổng thông tin điện tử tỉnh", {"Cổng TTĐT tỉnh", NULL}},
    {"buu-dien-tinh", TD_AGENCY_PROVINCIAL, "Bưu điện tỉnh", {NULL}},
    {"bhxh-tinh", TD_AGENCY_PROVINCIAL, "Bảo hiểm xã hội tỉnh", {"BHXH tỉnh", NULL}},
    {"cuc-thong-ke", TD_AGENCY_PROVINCIAL, "Cục Thống kê", {"Cục Thống kê tỉnh", NULL}},
    {"ubnd-tp-hai-duong", TD_AGENCY_DISTRICT, "UBND thành phố Hải Dương",
     {"TP Hải Dương", "TP. Hải Dương", "Thành phố Hải Dương", NULL}},
    {"ubnd-chi-linh", TD_AGENCY_DISTRICT, "UBND thành phố Chí Linh",
     {"TP Chí Linh", "TP. Chí Linh", "Thành phố Chí Linh", NULL}},
    {"ubnd-kinh-mon", TD_AGENCY_DISTRICT, "UBND thị xã Kinh Môn",
     {"TX Kinh Môn", "TX. Kinh Môn", "Thị xã Kinh Môn", NULL}},
    {"ubnd-binh-giang", TD_AGENCY_DISTRICT, "UBND huyện Bình Giang", {"Huyện Bình Giang", NULL}},
    {"ubnd-cam-giang", TD_AGENCY_DISTRICT, "UBND huyện Cẩm Giàng", {"Huyện Cẩm Giàng", NULL}},
    {"ubnd-gia-loc", TD_AGENCY_DISTRICT, "UBND huyện Gia Lộc", {"Huyện Gia Lộc", NULL}},
    {"ubnd-kim-thanh", TD_AGENCY_DISTRICT, "UBND huyện Kim Thành", {"Huyện Kim Thành", NULL}},
    {"ubnd-nam-sach", TD_AGENCY_DISTRICT, "UBND huyện Nam Sách", {"Huyện Nam Sách", NULL}},
    {"ubnd-ninh-giang", TD_AGENCY_DISTRICT, "UBND huyện Ninh Giang", {"Huyện Ninh Giang", NULL}},
    {"ubnd-thanh-ha", TD_AGENCY_DISTRICT, "UBND huyện Thanh Hà", {"Huyện Thanh Hà", NULL}},
    {"ubnd-thanh-mien", TD_AGENCY_DISTRICT, "UBND huyện Thanh Miện", {"Huyện Thanh Miện", NULL}},
    {"ubnd-tu-ky", TD_AGENCY_DISTRICT, "UBND huyện Tứ Kỳ", {"Huyện Tứ Kỳ", NULL}},
    {"c06-bca", TD_AGENCY_CENTRAL, "Cục Cảnh sát quản lý hành chính về trật tự xã hội (C06) - Bộ Công an",
     {"C06", "C06 - Bộ Công an", "Cục C06", NULL}},
    {"bo-y-te", TD_AGENCY_CENTRAL, "Bộ Y tế", {NULL}},
};

static const struct {
    const char *slug;
    const char *name;
    unsigned kinds;
    int open;
    const char *aliases[TD__ALIASES_MAX];
} td__builtin_groups[] = {
    {"so-ban-nganh", "Các sở, ban, ngành", TD_KIND_BIT(TD_AGENCY_DEPT) | TD_KIND_BIT(TD_AGENCY_PROVINCIAL), 0,
     {"Các sở, ngành", "Các sở, ban, ngành tỉnh", "Sở, ban, ngành", NULL}},
    {"dia-phuong", "Các địa phương", TD_KIND_BIT(TD_AGENCY_DISTRICT) | TD_KIND_BIT(TD_AGENCY_COMMUNE), 0,
     {"UBND các huyện, thị xã, thành phố", "Các huyện, thị xã, thành phố", "UBND cấp huyện", NULL}},
    {"tat-ca", "Các sở, ban, ngành, cơ quan, đơn vị, địa phương",
     TD_KIND_BIT(TD_AGENCY_DEPT) | TD_KIND_BIT(TD_AGENCY_PROVINCIAL) | TD_KIND_BIT(TD_AGENCY_DISTRICT) |
         TD_KIND_BIT(TD_AGENCY_COMMUNE),
     0,
     {"Các sở, ban, ngành, địa phương", "Các sở, ngành, địa phương", "Các cơ quan, đơn vị, địa phương",
      "Các sở, ban, ngành, UBND các huyện, thị xã, thành phố", NULL}},
    {"lien-quan", "Các đơn vị liên quan", 0, 1,
     {"Các đơn vị có liên quan", "Các cơ quan, đơn vị liên quan", "Các cơ quan, đơn vị có liên quan",
      "Các cơ quan, địa phương liên quan", "Các sở, ngành liên quan", "Các sở, ban, ngành liên quan", NULL}},
    {"dn-cong-nghe", "Các đơn vị doanh nghiệp về công nghệ", 0, 1, {"Các doanh nghiệp công nghệ", NULL}},
    {"ngan-hang", "Các ngân hàng", 0, 1, {"Các ngân hàng thương mại", NULL}},
    {"co-so-kcb", "Các cơ sở khám, chữa bệnh", 0, 1, {"Các cơ sở khám chữa bệnh", NULL}},
    {"co-so-kcb-noi-tru", "Các cơ sở khám, chữa bệnh có giường bệnh nội trú", 0, 1, {NULL}},
};

const char *td_agency_kind_vi(td_agency_kind k)
{
    switch (k) {
    case TD_AGENCY_DEPT: return "sở, ban, ngành tỉnh";
    case TD_AGENCY_PROVINCIAL: return "cơ quan khác cấp tỉnh";
    case TD_AGENCY_DISTRICT: return "đơn vị cấp huyện";
    case TD_AGENCY_CENTRAL: return "cơ quan Trung ương";
    case TD_AGENCY_COMMUNE: return "xã, phường, đặc khu";
    case TD_AGENCY_ORG: return "doanh nghiệp, tổ chức";
    default: return "không xác định";
    }
}

const char *td_agency_kind_name(td_agency_kind k)
{
    switch (k) {
    case TD_AGENCY_DEPT: return "dept";
    case TD_AGENCY_PROVINCIAL: return "provincial";
    case TD_AGENCY_DISTRICT: return "district";
    case TD_AGENCY_CENTRAL: return "central";
    case TD_AGENCY_COMMUNE: return "commune";
    case TD_AGENCY_ORG: return "org";
    default: return "none";
    }
}

int td_agency_kind_parse(const char *s)
{
    char *key;
    int found = -1;
    if (!s) return -1;
    for (int k = TD_AGENCY_DEPT; k <= TD_AGENCY_KIND_MAX; k++)
        if (!strcmp(s, td_agency_kind_name((td_agency_kind)k))) return k;
    if (!(key = td_vi_key(s))) return -1;
    for (int k = TD_AGENCY_DEPT; k <= TD_AGENCY_KIND_MAX && found < 0; k++) {
        char *l = td_vi_key(td_agency_kind_vi((td_agency_kind)k));
        if (l && !strcmp(l, key)) found = k;
        free(l);
    }
    free(key);
    return found;
}

void td_registry_init_empty(td_registry *reg)
{
    memset(reg, 0, sizeof *reg);
}

int td_registry_init_builtin(td_registry *reg, td_error *err)
{
    int rc;
    td_registry_init_empty(reg);
    for (size_t i = 0; i < sizeof td__builtin / sizeof td__builtin[0]; i++) {
        td_agency a = {(char *)td__builtin[i].slug, (char *)td__builtin[i].name, td__builtin[i].kind, 0, 0};
        if ((rc = td_registry_add_agency(reg, &a, err))) goto fail;
        for (size_t k = 0; k < TD__ALIASES_MAX && td__builtin[i].aliases[k]; k++)
            if ((rc = td_registry_add_alias(reg, td__builtin[i].aliases[k], a.slug, err))) goto fail;
    }
    for (size_t i = 0; i < sizeof td__builtin_groups / sizeof td__builtin_groups[0]; i++) {
        td_group g = {(char *)td__builtin_groups[i].slug, (char *)td__builtin_groups[i].name,
                      td__builtin_groups[i].kinds, NULL, 0, td__builtin_groups[i].open};
        if ((rc = td_registry_add_group(reg, &g, err))) goto fail;
        for (size_t k = 0; k < TD__ALIASES_MAX && td__builtin_groups[i].aliases[k]; k++)
            if ((rc = td_registry_add_alias(reg, td__builtin_groups[i].aliases[k], g.slug, err))) goto fail;
    }
    return 0;
fail:
    td_registry_free(reg);
    return rc;
}

static void td__agency_free(td_agency *a)
{
    free(a->slug);
    free(a->name);
}

static void td__group_free(td_group *g)
{
    free(g->slug);
    free(g->name);
    for (size_t i = 0; i < g->n_members; i++) free(g->members[i]);
    free(g->members);
}

void td_agency_change_free(td_agency_change *ch)
{
    if (!ch) return;
    for (size_t i = 0; i < ch->n_from; i++) free(ch->from[i]);
    free(ch->from);
    for (size_t i = 0; i < ch->n_to; i++) td__agency_free(&ch->to[i]);
    free(ch->to);
    for (size_t i = 0; i < ch->n_assign; i++) free(ch->assign[i].slug);
    free(ch->assign);
    free(ch->alias_text);
    free(ch->alias_slug);
    memset(ch, 0, sizeof *ch);
}

void td_registry_free(td_registry *reg)
{
    if (!reg) return;
    for (size_t i = 0; i < reg->n_agencies; i++) td__agency_free(&reg->agencies[i]);
    free(reg->agencies);
    for (size_t i = 0; i < reg->n_groups; i++) td__group_free(&reg->groups[i]);
    free(reg->groups);
    for (size_t i = 0; i < reg->n_aliases; i++) {
        free(reg->aliases[i].text);
        free(reg->aliases[i].key);
        free(reg->aliases[i].slug);
    }
    free(reg->aliases);
    for (size_t i = 0; i < reg->n_changes; i++) td_agency_change_free(&reg->changes[i]);
    free(reg->changes);
    memset(reg, 0, sizeof *reg);
}

td_agency *td_registry_agency(const td_registry *reg, const char *slug)
{
    for (size_t i = 0; slug && i < reg->n_agencies; i++)   /* most callers hold the registry's own slug */
        if (reg->agencies[i].slug == slug) return &reg->agencies[i];
    for (size_t i = 0; slug && i < reg->n_agencies; i++)
        if (!strcmp(reg->agencies[i].slug, slug)) return &reg->agencies[i];
    return NULL;
}

td_group *td_registry_group(const td_registry *reg, const char *slug)
{
    for (size_t i = 0; slug && i < reg->n_groups; i++)
        if (!strcmp(reg->groups[i].slug, slug)) return &reg->groups[i];
    return NULL;
}

int td_agency_slug_near(const char *a, const char *b)
{
    if (!a || !b || !strcmp(a, b)) return 0;
    for (;;) {
        while (*a == '-') a++;
        while (*b == '-') b++;
        if (*a != *b) return 0;
        if (!*a) return 1;
        a++;
        b++;
    }
}

int td_agency_valid_at(const td_agency *a, int d)
{
    return (a->valid_from == 0 || a->valid_from <= d) && (a->valid_to == 0 || d < a->valid_to);
}

static int td__check_name(const char *name, td_error *err)
{
    if (!name || !*name) return td_error_set(err, TD_EARG, "tên cơ quan trống");
    if (strlen(name) > TD_AGENCY_NAME_MAX)
        return td_error_set(err, TD_EARG, "tên cơ quan dài quá %d byte", TD_AGENCY_NAME_MAX);
    if (!td_utf8_valid(name, strlen(name), NULL))
        return td_error_set(err, TD_EARG, "tên cơ quan không phải UTF-8 hợp lệ");
    return 0;
}

int td_registry_add_agency(td_registry *reg, const td_agency *a, td_error *err)
{
    td_agency n = {0};
    int rc;
    if (!td_slug_valid(a->slug))
        return td_error_set(err, TD_EARG, "\"%.80s\" is not a valid slug | mã cơ quan \"%.80s\" không hợp lệ "
                            "(chữ thường không dấu, số, dấu -)", a->slug, a->slug);
    if ((rc = td__check_name(a->name, err))) return rc;
    if (a->kind < TD_AGENCY_DEPT || a->kind > TD_AGENCY_KIND_MAX)
        return td_error_set(err, TD_EARG, "cơ quan %s: loại không xác định (%d)", a->slug, (int)a->kind);
    if (td_registry_agency(reg, a->slug) || td_registry_group(reg, a->slug))
        return td_error_set(err, TD_EEXISTS, "agency slug %s is already taken | mã %s đã được dùng cho cơ quan "
                            "hoặc nhóm khác", a->slug, a->slug);
    n = *a;
    n.slug = strdup(a->slug);
    n.name = strdup(a->name);
    if (!n.slug || !n.name || TD_GROW_ONE(reg->agencies, reg->n_agencies)) {
        td__agency_free(&n);
        return td_error_set(err, TD_ENOMEM, "out of memory adding agency %s | " TD_MSG_NOMEM, a->slug);
    }
    reg->agencies[reg->n_agencies++] = n;
    /* the official name always resolves */
    rc = td_registry_add_alias(reg, a->name, a->slug, err);
    if (rc == TD_EEXISTS) rc = 0;   /* another agency's alias: lookup by slug still works */
    return rc;
}

int td_registry_add_group(td_registry *reg, const td_group *g, td_error *err)
{
    td_group n = {0};
    int rc;
    if (!td_slug_valid(g->slug))
        return td_error_set(err, TD_EARG, "\"%.80s\" is not a valid slug | mã nhóm \"%.80s\" không hợp lệ "
                            "(chữ thường không dấu, số, dấu -)", g->slug, g->slug);
    if ((rc = td__check_name(g->name, err))) return rc;
    if (td_registry_agency(reg, g->slug) || td_registry_group(reg, g->slug))
        return td_error_set(err, TD_EEXISTS, "group slug %s is already taken | mã %s đã được dùng cho cơ quan "
                            "hoặc nhóm khác", g->slug, g->slug);
    n.kinds = g->kinds;
    n.open = g->open;
    n.slug = strdup(g->slug);
    n.name = strdup(g->name);
    if (g->n_members) n.members = calloc(g->n_members, sizeof *n.members);
    if (!n.slug || !n.name || (g->n_members && !n.members)) goto oom;
    for (; n.n_members < g->n_members; n.n_members++)
        if (!(n.members[n.n_members] = strdup(g->members[n.n_members]))) goto oom;
    if (TD_GROW_ONE(reg->groups, reg->n_groups)) goto oom;
    reg->groups[reg->n_groups++] = n;
    rc = td_registry_add_alias(reg, g->name, g->slug, err);
    if (rc == TD_EEXISTS) rc = 0;
    return rc;
oom:
    td__group_free(&n);
    return td_error_set(err, TD_ENOMEM, "out of memory adding group %s | " TD_MSG_NOMEM, g->slug);
}

static const td_alias *td__alias_by_key(const td_registry *reg, const char *key)
{
    for (size_t i = 0; i < reg->n_aliases; i++)
        if (!strcmp(reg->aliases[i].key, key)) return &reg->aliases[i];
    return NULL;
}

int td_registry_add_alias(td_registry *reg, const char *text, const char *slug, td_error *err)
{
    td_alias a = {0};
    const td_alias *old;
    int rc;
    if ((rc = td__check_name(text, err))) return rc;
    if (!td_registry_agency(reg, slug) && !td_registry_group(reg, slug))
        return td_error_set(err, TD_ENOTFOUND, "alias \"%.120s\": no agency or group %.80s | tên \"%.120s\": "
                            "không có cơ quan hay nhóm nào mã %.80s", text, slug, text, slug);
    if (!(a.key = td_vi_key(text))) return td_error_set(err, TD_ENOMEM, "out of memory adding an alias | " TD_MSG_NOMEM);
    if (!*a.key) {
        free(a.key);
        return td_error_set(err, TD_EARG, "alias \"%.120s\" is empty after normalisation | tên \"%.120s\" "
                            "không có chữ hay số nào", text, text);
    }
    if ((old = td__alias_by_key(reg, a.key))) {
        free(a.key);
        if (!strcmp(old->slug, slug)) return 0;
        return td_error_set(err, TD_EEXISTS, "alias \"%.120s\" already names %s, not %s | tên \"%.120s\" đã "
                            "chỉ %s, không thể chỉ thêm %s", text, old->slug, slug, text, old->slug, slug);
    }
    a.text = strdup(text);
    a.slug = strdup(slug);
    if (!a.text || !a.slug || TD_GROW_ONE(reg->aliases, reg->n_aliases)) {
        free(a.text);
        free(a.slug);
        free(a.key);
        return td_error_set(err, TD_ENOMEM, "out of memory adding an alias | " TD_MSG_NOMEM);
    }
    reg->aliases[reg->n_aliases++] = a;
    return 0;
}

const char *td_registry_lookup(const td_registry *reg, const char *name, int *group)
{
    const td_alias *a;
    char *key, *tmp;
    const char *slug = NULL;

    /* a slug typed into a spreadsheet resolves to itself */
    if (!(tmp = strdup(name))) return NULL;
    td_trim(tmp);
    if (td_slug_valid(tmp)) {
        td_agency *ag = td_registry_agency(reg, tmp);
        td_group *gr = td_registry_group(reg, tmp);
        if (ag || gr) {
            if (group) *group = gr != NULL;
            free(tmp);
            return ag ? ag->slug : gr->slug;
        }
    }
    free(tmp);
    if (!(key = td_vi_key(name))) return NULL;
    a = *key ? td__alias_by_key(reg, key) : NULL;
    free(key);
    if (!a) return NULL;
    slug = a->slug;
    if (group) *group = td_registry_group(reg, slug) != NULL;
    return slug;
}

/* --- splitting a cell into names -------------------------------------------- */

typedef struct {
    size_t b, e;      /* byte range of the piece in the cell */
    int sep_va;       /* the piece is followed by " và " (not ',' ';' or the end) */
} td__piece;

/* 1 if s+i starts the word "và" (any case) standing alone. */
static int td__is_va(const char *s, size_t i)
{
    /* "và" = 'v' U+00E0 (C3 A0); "Và" = 'V' ... */
    if ((s[i] != 'v' && s[i] != 'V') || (unsigned char)s[i + 1] != 0xC3 ||
        ((unsigned char)s[i + 2] != 0xA0 && (unsigned char)s[i + 2] != 0x80))
        return 0;
    if (i > 0 && s[i - 1] != ' ') return 0;
    return s[i + 3] == ' ' || s[i + 3] == '\0';
}

static size_t td__pieces(const char *s, td__piece *v, size_t max)
{
    size_t n = 0, i = 0, start = 0;
    while (s[i] && n < max) {
        if (s[i] == ',' || s[i] == ';' || td__is_va(s, i)) {
            int va = s[i] != ',' && s[i] != ';';
            v[n].b = start;
            v[n].e = i;
            v[n].sep_va = va;
            n++;
            i += va ? 3 : 1;
            start = i;
            continue;
        }
        i++;
    }
    if (n < max) {
        v[n].b = start;
        v[n].e = strlen(s);
        v[n].sep_va = 0;
        n++;
    }
    return n;
}

/* The text of pieces i..j, trimmed of blanks and list punctuation; NULL on OOM. */
static char *td__span(const char *s, const td__piece *v, size_t i, size_t j)
{
    char *t = td_strndup(s + v[i].b, v[j].e - v[i].b);
    size_t n;
    if (!t) return NULL;
    td_trim(t);
    n = strlen(t);
    while (n > 0 && (t[n - 1] == '.' || t[n - 1] == ',' || t[n - 1] == ';' || t[n - 1] == ':')) t[--n] = '\0';
    return td_trim(t);
}

/* Longest j >= i (within the span bound) such that pieces i..j name
 * something; returns j+1, 0 if none, (size_t)-1 on OOM. */
static size_t td__longest(const td_registry *reg, const char *s, const td__piece *v, size_t n, size_t i,
                          const char **slug, int *group)
{
    size_t last = i + TD_AGENCY_NAME_SPAN_MAX - 1;
    if (last >= n) last = n - 1;
    for (size_t j = last + 1; j-- > i;) {
        char *t = td__span(s, v, i, j);
        if (!t) return (size_t)-1;
        if (*t && strlen(t) <= TD_AGENCY_NAME_MAX && (*slug = td_registry_lookup(reg, t, group))) {
            free(t);
            return j + 1;
        }
        free(t);
    }
    return 0;
}

void td_agency_refs_free(td_agency_ref *refs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(refs[i].slug);
        free(refs[i].text);
    }
    free(refs);
}

void td_unresolved_free(td_unresolved *u, size_t n)
{
    for (size_t i = 0; i < n; i++) free(u[i].text);
    free(u);
}

int td_agency_refs_copy(td_agency_ref **dst, const td_agency_ref *src, size_t n)
{
    td_agency_ref *v;
    *dst = NULL;
    if (!n) return 0;
    if (!(v = calloc(n, sizeof *v))) return TD_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        v[i].group = src[i].group;
        v[i].slug = src[i].slug ? strdup(src[i].slug) : NULL;
        v[i].text = src[i].text ? strdup(src[i].text) : NULL;
        if ((src[i].slug && !v[i].slug) || (src[i].text && !v[i].text)) {
            td_agency_refs_free(v, n);
            return TD_ENOMEM;
        }
    }
    *dst = v;
    return 0;
}

int td_registry_resolve_cell(const td_registry *reg, const char *cell, td_agency_ref **refs, size_t *n_refs,
                             td_unresolved **unres, size_t *n_unres)
{
    td__piece *pv;
    size_t n, i = 0;
    td_agency_ref *rv = NULL;
    td_unresolved *uv = NULL;
    size_t nr = 0, nu = 0;

    *refs = NULL;
    *unres = NULL;
    *n_refs = *n_unres = 0;
    if (!cell || !*cell) return 0;
    if (!(pv = calloc(TD_AGENCY_CELL_PIECES_MAX, sizeof *pv))) return TD_ENOMEM;
    n = td__pieces(cell, pv, TD_AGENCY_CELL_PIECES_MAX);
    while (i < n) {
        const char *slug = NULL;
        int group = 0;
        size_t end = td__longest(reg, cell, pv, n, i, &slug, &group);
        char *t;
        if (end == (size_t)-1) goto oom;
        if (end) {
            if (TD_GROW_ONE(rv, nr)) goto oom;
            memset(&rv[nr], 0, sizeof rv[nr]);
            rv[nr].group = group;
            rv[nr].slug = strdup(slug);
            rv[nr].text = td__span(cell, pv, i, end - 1);
            nr++;
            if (!rv[nr - 1].slug || !rv[nr - 1].text) goto oom;
            i = end;
            continue;
        }
        /* unknown: extend over "và" while what follows does not resolve */
        end = i;
        while (end + 1 < n && pv[end].sep_va) {
            const char *s2;
            int g2;
            size_t r = td__longest(reg, cell, pv, n, end + 1, &s2, &g2);
            if (r == (size_t)-1) goto oom;
            if (r) break;
            end++;
        }
        if (!(t = td__span(cell, pv, i, end))) goto oom;
        if (*t) {
            if (TD_GROW_ONE(uv, nu)) {
                free(t);
                goto oom;
            }
            uv[nu++].text = t;
        } else {
            free(t);   /* an empty piece: ",," or a trailing "." */
        }
        i = end + 1;
    }
    free(pv);
    *refs = rv;
    *n_refs = nr;
    *unres = uv;
    *n_unres = nu;
    return 0;
oom:
    free(pv);
    td_agency_refs_free(rv, nr);
    td_unresolved_free(uv, nu);
    return TD_ENOMEM;
}

int td_registry_load_aliases(td_registry *reg, const char *path, td_error *err)
{
    FILE *f = fopen(path, "r");
    char line[2048];
    int lineno = 0, rc = 0;
    if (!f) return td_error_set(err, TD_EIO, TD_MSG_FILE_READ, path, td_errno_vi_log(errno, path));
    while (fgets(line, sizeof line, f)) {
        char *eq, *name, *slug;
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            rc = td_error_set(err, TD_EPARSE, "%s:%d: line longer than %zu bytes | %s:%d: dòng dài quá giới hạn "
                              "%zu byte", path, lineno, sizeof line - 2, path, lineno, sizeof line - 2);
            break;
        }
        if (lineno == 1 && !strncmp(line, "\xEF\xBB\xBF", 3)) memmove(line, line + 3, strlen(line + 3) + 1);
        td_trim(line);
        if (!*line || *line == '#') continue;
        if (!td_utf8_valid(line, strlen(line), NULL)) {
            rc = td_error_set(err, TD_EPARSE, "%s:%d: not valid UTF-8 | %s:%d: không phải văn bản UTF-8 (hãy lưu "
                              "tệp bằng mã UTF-8)", path, lineno, path, lineno);
            break;
        }
        eq = strrchr(line, '=');
        if (!eq) {
            rc = td_error_set(err, TD_EPARSE, "%s:%d: thiếu dấu =, cần dạng \"tên trong văn bản = mã\"", path,
                              lineno);
            break;
        }
        *eq = '\0';
        name = td_trim(line);
        slug = td_trim(eq + 1);
        if (!*name || !td_slug_valid(slug)) {
            rc = td_error_set(err, TD_EPARSE, "%s:%d: %s, cần dạng \"tên trong văn bản = mã\"", path, lineno,
                              !*name ? "thiếu tên trước dấu =" : "mã sau dấu = không hợp lệ");
            break;
        }
        if ((rc = td_registry_add_alias(reg, name, slug, err))) {
            td_error_prefix(err, rc, "%s:%d: ", path, lineno);
            break;
        }
    }
    fclose(f);
    return rc;
}

/* --- changes ---------------------------------------------------------------- */

static int td__dup_agency(td_agency *dst, const td_agency *src)
{
    *dst = *src;
    dst->slug = src->slug ? strdup(src->slug) : NULL;
    dst->name = src->name ? strdup(src->name) : NULL;
    if ((src->slug && !dst->slug) || (src->name && !dst->name)) {
        td__agency_free(dst);
        return TD_ENOMEM;
    }
    return 0;
}

int td_agency_change_copy(td_agency_change *dst, const td_agency_change *src)
{
    memset(dst, 0, sizeof *dst);
    dst->kind = src->kind;
    dst->date = src->date;
    if (src->n_from && !(dst->from = calloc(src->n_from, sizeof *dst->from))) goto oom;
    for (; dst->n_from < src->n_from; dst->n_from++)
        if (!(dst->from[dst->n_from] = strdup(src->from[dst->n_from]))) goto oom;
    if (src->n_to && !(dst->to = calloc(src->n_to, sizeof *dst->to))) goto oom;
    for (; dst->n_to < src->n_to; dst->n_to++)
        if (td__dup_agency(&dst->to[dst->n_to], &src->to[dst->n_to])) goto oom;
    if (src->n_assign && !(dst->assign = calloc(src->n_assign, sizeof *dst->assign))) goto oom;
    for (; dst->n_assign < src->n_assign; dst->n_assign++) {
        dst->assign[dst->n_assign].task = src->assign[dst->n_assign].task;
        if (!(dst->assign[dst->n_assign].slug = strdup(src->assign[dst->n_assign].slug))) goto oom;
    }
    if (src->alias_text && !(dst->alias_text = strdup(src->alias_text))) goto oom;
    if (src->alias_slug && !(dst->alias_slug = strdup(src->alias_slug))) goto oom;
    return 0;
oom:
    td_agency_change_free(dst);
    return TD_ENOMEM;
}

/* The change that ended agency slug, or NULL. */
static const td_agency_change *td__ended_by(const td_registry *reg, const char *slug)
{
    for (size_t i = 0; i < reg->n_changes; i++) {
        const td_agency_change *c = &reg->changes[i];
        if (c->kind != TD_CHANGE_RENAME && c->kind != TD_CHANGE_MERGE && c->kind != TD_CHANGE_SPLIT) continue;
        for (size_t k = 0; k < c->n_from; k++)
            if (!strcmp(c->from[k], slug)) return c;
    }
    return NULL;
}

int td_registry_apply(td_registry *reg, const td_agency_change *ch, td_error *err)
{
    td_agency_change copy;
    char d[16];
    size_t added = 0;
    int rc;

    td_date_vi(ch->date, d, sizeof d);

    if (ch->kind == TD_CHANGE_ALIAS) {
        if (!ch->alias_text || !ch->alias_slug) return td_error_set(err, TD_EARG, "thay đổi tên gọi thiếu tên hoặc slug");
        if ((rc = td_registry_add_alias(reg, ch->alias_text, ch->alias_slug, err))) return rc;
        goto record;
    }
    if (ch->kind == TD_CHANGE_ISSUER) {
        if (!td_date_valid(ch->date)) return td_error_set(err, TD_EARG, "đổi cơ quan ban hành cần ngày hợp lệ");
        if ((rc = td__check_name(ch->alias_text, err))) return rc;
        if (ch->n_from || ch->n_to) return td_error_set(err, TD_EARG, "đổi cơ quan ban hành không kèm cơ quan");
        goto record;
    }
    if (ch->kind == TD_CHANGE_ADD) {
        if (ch->date && !td_date_valid(ch->date)) return td_error_set(err, TD_EARG, "ngày bắt đầu không hợp lệ");
        if (ch->n_from || ch->n_to < 1 || ch->n_assign)
            return td_error_set(err, TD_EARG, "thêm cơ quan: cần ít nhất một cơ quan mới và không có cơ quan cũ");
    } else {
        if (ch->kind < TD_CHANGE_RENAME || ch->kind > TD_CHANGE_SPLIT)
            return td_error_set(err, TD_EARG, "loại thay đổi không xác định (%d)", (int)ch->kind);
        if (!td_date_valid(ch->date)) return td_error_set(err, TD_EARG, "thay đổi cần ngày hợp lệ");
        if (ch->n_from < 1 || ch->n_to < 1)
            return td_error_set(err, TD_EARG, "thay đổi cần cơ quan cũ và cơ quan mới");
    }
    if (ch->kind == TD_CHANGE_RENAME && (ch->n_from != 1 || ch->n_to != 1))
        return td_error_set(err, TD_EARG, "đổi tên: cần đúng một cơ quan cũ và một cơ quan mới");
    if (ch->kind == TD_CHANGE_MERGE && ch->n_to != 1)
        return td_error_set(err, TD_EARG, "sáp nhập: cần đúng một cơ quan kế nhiệm");
    if (ch->kind == TD_CHANGE_MERGE && ch->n_from < 2 && !td_registry_agency(reg, ch->to[0].slug))
        return td_error_set(err, TD_EARG,
                            "sáp nhập vào cơ quan mới %s cần hai cơ quan cũ trở lên (một cơ quan là đổi tên: rename)",
                            ch->to[0].slug);
    if (ch->kind == TD_CHANGE_SPLIT && (ch->n_from != 1 || ch->n_to < 2))
        return td_error_set(err, TD_EARG, "chia tách: cần một cơ quan cũ và hai cơ quan mới trở lên");
    for (size_t i = 0; i < ch->n_from; i++) {
        td_agency *a = td_registry_agency(reg, ch->from[i]);
        if (!a) return td_error_set(err, TD_ENOTFOUND, "không có cơ quan %s trong danh mục", ch->from[i]);
        if (a->valid_to) {
            char e[16];
            td_date_vi(a->valid_to, e, sizeof e);
            return td_error_set(err, TD_EARG, "cơ quan %s đã ngừng từ %s", a->slug, e);
        }
        if (a->valid_from && ch->date <= a->valid_from) {
            char b2[16];
            td_date_vi(a->valid_from, b2, sizeof b2);
            return td_error_set(err, TD_EARG, "cơ quan %s chỉ bắt đầu từ %s, không ngừng được từ %s", a->slug, b2, d);
        }
        for (size_t k = 0; k < i; k++)
            if (!strcmp(ch->from[k], ch->from[i]))
                return td_error_set(err, TD_EARG, "cơ quan %s được ghi hai lần", a->slug);
        for (size_t k = 0; k < ch->n_to; k++)
            if (!strcmp(ch->to[k].slug, ch->from[i]))
                return td_error_set(err, TD_EARG,
                                    "cơ quan %s vừa ngừng vừa kế nhiệm; cơ quan tiếp nhận (tiếp tục hoạt động) chỉ ghi "
                                    "ở --into",
                                    a->slug);
    }
    for (size_t k = 0; k < ch->n_to; k++) {
        td_agency *a = td_registry_agency(reg, ch->to[k].slug);
        for (size_t j = 0; j < k; j++)
            if (!strcmp(ch->to[j].slug, ch->to[k].slug))
                return td_error_set(err, TD_EARG, "cơ quan %s được ghi hai lần", ch->to[k].slug);
        if (a) {
            if (ch->kind != TD_CHANGE_MERGE)
                return td_error_set(err, TD_EEXISTS, "cơ quan %s đã có trong danh mục; %s tạo cơ quan mới", a->slug,
                                    ch->kind == TD_CHANGE_RENAME ? "đổi tên"
                                    : ch->kind == TD_CHANGE_ADD  ? "thêm"
                                                                 : "chia tách");
            if (!td_agency_valid_at(a, ch->date))
                return td_error_set(err, TD_EARG, "cơ quan tiếp nhận %s không tồn tại vào ngày %s", a->slug, d);
        } else {
            if (td_registry_group(reg, ch->to[k].slug))
                return td_error_set(err, TD_EEXISTS, "%s là tên một nhóm cơ quan", ch->to[k].slug);
            if (!td_slug_valid(ch->to[k].slug))
                return td_error_set(err, TD_EARG, "\"%.80s\" không phải slug hợp lệ (chữ thường, số, dấu -)",
                                    ch->to[k].slug);
            if ((rc = td__check_name(ch->to[k].name, err))) return rc;
            if (ch->kind == TD_CHANGE_ADD && (ch->to[k].kind < TD_AGENCY_DEPT || ch->to[k].kind > TD_AGENCY_KIND_MAX))
                return td_error_set(err, TD_EARG, "cơ quan %s cần loại (" TD_AGENCY_KINDS_TEXT ")", ch->to[k].slug);
        }
    }
    for (size_t i = 0; i < ch->n_assign; i++) {
        size_t k;
        if (ch->kind != TD_CHANGE_SPLIT) return td_error_set(err, TD_EARG, "giao nhiệm vụ chỉ có khi chia tách");
        for (k = 0; k < ch->n_to; k++)
            if (!strcmp(ch->to[k].slug, ch->assign[i].slug)) break;
        if (k == ch->n_to)
            return td_error_set(err, TD_EARG, "nhiệm vụ %d giao cho %s, không phải cơ quan kế nhiệm",
                                ch->assign[i].task, ch->assign[i].slug);
    }
    /* valid: create successors, end predecessors */
    for (size_t k = 0; k < ch->n_to; k++) {
        td_agency n = ch->to[k];
        if (td_registry_agency(reg, n.slug)) continue;
        if ((n.kind < TD_AGENCY_DEPT || n.kind > TD_AGENCY_KIND_MAX) && ch->n_from) {
            n.kind = td_registry_agency(reg, ch->from[0])->kind;
            if (n.kind == TD_AGENCY_DISTRICT && ch->date >= TD_AGENCY_DISTRICT_END) n.kind = TD_AGENCY_COMMUNE;
        }
        n.valid_from = ch->date;
        n.valid_to = 0;
        if ((rc = td_registry_add_agency(reg, &n, err))) goto undo;
        added++;
    }
    for (size_t i = 0; i < ch->n_from; i++) td_registry_agency(reg, ch->from[i])->valid_to = ch->date;
record:
    if (td_agency_change_copy(&copy, ch)) {
        rc = td_error_set(err, TD_ENOMEM, "out of memory recording an agency change | " TD_MSG_NOMEM);
        goto undo_all;
    }
    if (TD_GROW_ONE(reg->changes, reg->n_changes)) {
        td_agency_change_free(&copy);
        rc = td_error_set(err, TD_ENOMEM, "out of memory recording an agency change | " TD_MSG_NOMEM);
        goto undo_all;
    }
    reg->changes[reg->n_changes++] = copy;
    return 0;
undo_all:
    if (ch->kind == TD_CHANGE_ALIAS) return rc;   /* the alias stays: harmless, and OOM is fatal anyway */
    for (size_t i = 0; i < ch->n_from; i++) td_registry_agency(reg, ch->from[i])->valid_to = 0;
undo:
    /* new agencies were appended last; their aliases too */
    while (added--) {
        td_agency *last = &reg->agencies[reg->n_agencies - 1];
        for (size_t i = reg->n_aliases; i-- > 0;)
            if (!strcmp(reg->aliases[i].slug, last->slug)) {
                free(reg->aliases[i].text);
                free(reg->aliases[i].key);
                free(reg->aliases[i].slug);
                memmove(&reg->aliases[i], &reg->aliases[i + 1], (reg->n_aliases - i - 1) * sizeof *reg->aliases);
                reg->n_aliases--;
            }
        td__agency_free(last);
        reg->n_agencies--;
    }
    return rc;
}

const td_agency_change *td_registry_ended_by(const td_registry *reg, const char *slug)
{
    return slug ? td__ended_by(reg, slug) : NULL;
}

const char *td_registry_issuer(const td_registry *reg, int date, const char *fallback)
{
    const char *name = fallback;
    int best = 0;
    for (size_t i = 0; i < reg->n_changes; i++) {
        const td_agency_change *c = &reg->changes[i];
        if (c->kind == TD_CHANGE_ISSUER && c->alias_text && c->date <= date && c->date >= best) {
            best = c->date;
            name = c->alias_text;
        }
    }
    return name;
}

const char *td_registry_responsible(const td_registry *reg, const char *slug, int date, int task)
{
    const char *cur = slug;
    for (int hop = 0; hop < TD_AGENCY_CHAIN_MAX; hop++) {
        td_agency *a = td_registry_agency(reg, cur);
        const td_agency_change *c;
        const char *next = NULL;
        if (!a) return NULL;
        if (a->valid_to == 0 || date < a->valid_to) return a->slug;
        if (!(c = td__ended_by(reg, cur))) return a->slug;   /* defensive: ended without a record */
        next = c->to[0].slug;
        if (c->kind == TD_CHANGE_SPLIT)
            for (size_t i = 0; i < c->n_assign; i++)
                if (c->assign[i].task == task) next = c->assign[i].slug;
        cur = next;
    }
    return NULL;
}

static int td__push_unique(const char ***v, size_t *n, size_t *cap, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*v)[i], s)) return 0;
    if (td_grow(v, cap, *n + 1, sizeof **v)) return TD_ENOMEM;
    (*v)[(*n)++] = s;
    return 0;
}

int td_registry_expand(const td_registry *reg, const td_agency_ref *ref, int date, int task, const char ***out,
                       size_t *n)
{
    const char **v = NULL;
    size_t nv = 0, cap = 0;
    td_group *g = ref->group ? td_registry_group(reg, ref->slug) : NULL;

    *out = NULL;
    *n = 0;
    if (!ref->group) {
        const char *r = td_registry_responsible(reg, ref->slug, date, task);
        if (r && td__push_unique(&v, &nv, &cap, r)) goto oom;
    } else if (g) {
        for (size_t i = 0; g->kinds && i < reg->n_agencies; i++) {
            const td_agency *a = &reg->agencies[i];
            if ((g->kinds & TD_KIND_BIT(a->kind)) && td_agency_valid_at(a, date))
                if (td__push_unique(&v, &nv, &cap, a->slug)) goto oom;
        }
        for (size_t i = 0; i < g->n_members; i++) {
            const char *r = td_registry_responsible(reg, g->members[i], date, task);
            if (r && td__push_unique(&v, &nv, &cap, r)) goto oom;
        }
    }
    *out = v;
    *n = nv;
    return 0;
oom:
    free(v);
    return TD_ENOMEM;
}

int td_registry_ended_note(const td_registry *reg, const char *slug, int date, char *out, size_t n)
{
    const td_agency *a = td_registry_agency(reg, slug);
    const td_agency_change *c;
    const char *now, *ca;
    const td_agency *na, *caa;
    char d[16], tos[512] = "";
    size_t used = 0;
    if (!a || !a->valid_to || date < a->valid_to || !(c = td__ended_by(reg, slug))) return 0;
    td_date_vi(a->valid_to, d, sizeof d);
    for (size_t k = 0; k < c->n_to && used < sizeof tos; k++) {
        const td_agency *t = td_registry_agency(reg, c->to[k].slug);
        int w = snprintf(tos + used, sizeof tos - used, "%s%s (%s)", k ? ", " : "", t ? t->name : c->to[k].slug,
                         c->to[k].slug);
        if (w < 0) break;
        used += (size_t)w;
    }
    now = td_registry_responsible(reg, slug, date, 0);
    na = now ? td_registry_agency(reg, now) : NULL;
    /* the CA office: Sở KH&CN, or whoever carries it now */
    ca = td_registry_responsible(reg, "so-khcn", date, 0);
    caa = ca ? td_registry_agency(reg, ca) : NULL;
    snprintf(out, n,
             "Cơ quan %s (%s) không còn từ ngày %s: %s %s. Nhiệm vụ và báo cáo của %s nay do %s (%s) tiếp tục; "
             "các báo cáo đã nộp vẫn ghi tên cơ quan cũ và được tính cho cơ quan kế nhiệm. Thiết bị này mang chứng "
             "thư của %s nên không báo cáo được nữa: đề nghị %s cấp chứng thư của %s cho đơn vị (tiendo init, gửi "
             "yêu cầu cấp chứng thư), rồi báo cáo từ thiết bị mang chứng thư mới.",
             slug, a->name, d,
             c->kind == TD_CHANGE_RENAME  ? "đã đổi tên thành"
             : c->kind == TD_CHANGE_MERGE ? "đã được sáp nhập vào"
                                          : "đã được chia tách thành",
             tos, slug, na ? na->name : (now ? now : "?"), now ? now : "?", slug,
             caa ? caa->name : "Sở Khoa học và Công nghệ", now ? now : "cơ quan kế nhiệm");
    return 1;
}

static int td__reaches(const td_registry *reg, const char *from, const char *agency, int depth)
{
    const td_agency_change *c;
    if (depth > TD_AGENCY_CHAIN_MAX || !(c = td__ended_by(reg, from))) return 0;
    for (size_t k = 0; k < c->n_to; k++)
        if (!strcmp(c->to[k].slug, agency) || td__reaches(reg, c->to[k].slug, agency, depth + 1)) return 1;
    return 0;
}

int td_registry_is_predecessor(const td_registry *reg, const char *pred, const char *agency)
{
    if (!pred || !agency || !strcmp(pred, agency)) return 0;
    return td__reaches(reg, pred, agency, 0);
}
