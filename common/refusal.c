/* refusal.c — see refusal.h. */
#include "refusal.h"

#include <stdio.h>
#include <string.h>

#define TD_RESIGNED_PREFIX TD_REFUSAL_RESIGNED_PREFIX

/* The reason without the fold's "author <hex> seq <n>: " prefix. */
static const char *td__rf_body(const char *r)
{
    const char *p;
    if (!r) return "";
    if (!strncmp(r, "author ", 7) && (p = strstr(r, ": "))) return p + 2;
    return r;
}

static const struct {
    td_refusal_code code;
    const char *marker;      /* substring of the English wording */
} td__rf_markers[] = {
    {TD_RF_RESIGNED, TD_RESIGNED_PREFIX},
    {TD_RF_NOT_MONITOR, " does not monitor indicator "},
    {TD_RF_NOT_ON_TASK, " is neither lead nor partner of task "},
    {TD_RF_UNKNOWN_TASK, "on unknown task "},
    {TD_RF_UNKNOWN_TASK, "edit of unknown task "},
    {TD_RF_UNKNOWN_INDICATOR, "value of unknown indicator "},
    {TD_RF_SUPERSEDED_REVIEW, "review of a superseded report"},
    {TD_RF_NO_REPORT, ": no such report in the state"},
    {TD_RF_REVOKED, "signed after revocation"},
    {TD_RF_REVOKED, "earlier certificate is revoked"},
    {TD_RF_REVOKED, "earlier certificate serial "},
    {TD_RF_CERT_VALIDITY, "outside the certificate's validity"},
    {TD_RF_EQUIVOCATION, "equivocation: "},
    {TD_RF_GAP, "sequence gap: "},
    {TD_RF_SEQ, " already passed but not in the log"},
    {TD_RF_SEQ, " not after "},
    {TD_RF_AUTHOR_KEY, "author key differs"},
    {TD_RF_AUTHOR_KEY, "unknown author"},
    {TD_RF_NOT_CENTRAL, " from a non-central author"},
    {TD_RF_INSPECTOR, "inspectors change nothing"},
    {TD_RF_NO_CONDITIONAL, " has no conditional deadline"},
    {TD_RF_BAD_SIGNATURE, "bad signature"},
    {TD_RF_CLOCK_AHEAD, "is beyond the server's clock"},
    {TD_RF_FORM, "is not YYYY-MM"},
    {TD_RF_FORM, "exceeds 100"},
    {TD_RF_FORM, "does not decode"},
    {TD_RF_FORM, "report attachment "},
    {TD_RF_FORM, "report cites "},
    {TD_RF_FORM, "report has "},
};

/* What is wrong with a malformed entry (TD_RF_FORM) or one refused for
 * another reason of the fold (TD_RF_OTHER), by the fixed English wording of
 * derive.c; the first match wins. */
static const struct {
    const char *marker;
    const char *vi;
} td__rf_what[] = {
    {"is not YYYY-MM", "kỳ báo cáo không đúng dạng tháng/năm"},
    {"exceeds 100", "tỷ lệ hoàn thành vượt quá 100%"},
    {"does not decode", "nội dung không đọc được (dữ liệu hỏng, hoặc phần mềm khác phiên bản)"},
    {"report attachment ", "tệp đính kèm không hợp lệ (mã băm, dung lượng, loại tệp hoặc tên tệp)"},
    {"report has ", "báo cáo có quá nhiều tệp đính kèm"},
    {"report cites ", "báo cáo dẫn quá nhiều văn bản hoặc minh chứng"},
    {"report document ", "văn bản dẫn trong báo cáo có ngày không hợp lệ"},
    {"is not a ReportState", "trạng thái báo cáo không hợp lệ"},
    {"by a device of ", "số liệu ghi cho một cơ quan khác với cơ quan của thiết bị"},
    {"which is not a slug", "mã cơ quan không hợp lệ"},
    {"condition ", "điều kiện của thời hạn có ngày hoặc tháng không hợp lệ"},
    {"deadline edit", "sửa thời hạn không hợp lệ (nhiệm vụ không có, trùng, thiếu lý do hoặc không thay đổi gì)"},
    {"plan change", "thay đổi kế hoạch không hợp lệ"},
    {"agency change", "thay đổi danh mục cơ quan không hợp lệ"},
    {"registry seed", "danh mục cơ quan ban đầu không hợp lệ"},
    {"plan ", "kế hoạch không hợp lệ (số kế hoạch hoặc số nhiệm vụ)"},
    {"certificate", "chứng thư số trong nhật ký không hợp lệ"},
    {"revocation", "bản thu hồi chứng thư không hợp lệ"},
    {"server", "mục dành riêng cho máy chủ"},
    {"differs from the certificate", "cơ quan ghi trong mục khác với cơ quan của chứng thư số"},
    {"unknown entry kind", "loại mục không có trong phiên bản phần mềm này"},
};

static const char *td__rf_what_vi(const char *body)
{
    for (size_t i = 0; i < sizeof td__rf_what / sizeof td__rf_what[0]; i++)
        if (strstr(body, td__rf_what[i].marker)) return td__rf_what[i].vi;
    return NULL;
}

td_refusal_code td_refusal_classify(const char *reason)
{
    const char *b = td__rf_body(reason);
    if (!strncmp(b, TD_RESIGNED_PREFIX, strlen(TD_RESIGNED_PREFIX))) return TD_RF_RESIGNED;
    for (size_t i = 0; i < sizeof td__rf_markers / sizeof td__rf_markers[0]; i++)
        if (strstr(b, td__rf_markers[i].marker)) return td__rf_markers[i].code;
    return TD_RF_OTHER;
}

int td_refusal_vi(const char *reason, char *buf, size_t n)
{
    const char *b = td__rf_body(reason);
    char a1[80] = "", a2[40] = "";
    unsigned u = 0;
    unsigned long long s1 = 0;
    switch (td_refusal_classify(reason)) {
    case TD_RF_NOT_MONITOR:
        sscanf(b, "agency %79s does not monitor indicator %39s", a1, a2);
        return snprintf(buf, n,
                        "cơ quan %s không phải cơ quan theo dõi chỉ tiêu %s trong kế hoạch. Cần làm: chỉ nhập "
                        "chỉ tiêu do cơ quan mình theo dõi (xem tiendo tasks); nếu kế hoạch sai, báo Sở KH&CN.",
                        a1, a2);
    case TD_RF_NOT_ON_TASK:
        sscanf(b, "agency %79s is neither lead nor partner of task %u", a1, &u);
        return snprintf(buf, n,
                        "cơ quan %s không chủ trì, không phối hợp nhiệm vụ %u vào ngày ký. Cần làm: kiểm tra số "
                        "nhiệm vụ (tiendo tasks); nếu cơ quan được giao thêm, chờ Sở KH&CN cập nhật kế hoạch rồi "
                        "báo cáo lại.",
                        a1, u);
    case TD_RF_UNKNOWN_TASK:
        return snprintf(buf, n, "nhiệm vụ không có trong kế hoạch. Cần làm: kiểm tra số nhiệm vụ (tiendo tasks) "
                                "rồi ghi lại.");
    case TD_RF_UNKNOWN_INDICATOR:
        return snprintf(buf, n, "chỉ tiêu không có trong kế hoạch. Cần làm: kiểm tra mã chỉ tiêu rồi ghi lại.");
    case TD_RF_SUPERSEDED_REVIEW:
        return snprintf(buf, n, "ý kiến thẩm định gắn với một phiên bản báo cáo đã được cơ quan thay bằng phiên "
                                "bản mới. Cần làm: đồng bộ, xem phiên bản mới (tiendo task SỐ) và thẩm định lại.");
    case TD_RF_NO_REPORT:
        return snprintf(buf, n, "ý kiến thẩm định gắn với một báo cáo không có trong nhật ký. Cần làm: đồng bộ "
                                "rồi thẩm định lại báo cáo hiện hành.");
    case TD_RF_REVOKED:
        return snprintf(buf, n, "ký sau khi chứng thư số của thiết bị đã bị thu hồi. Cần làm: liên hệ cán bộ "
                                "quản lý CA (Sở KH&CN) để được cấp chứng thư mới, rồi ghi lại nội dung.");
    case TD_RF_CLOCK_AHEAD:
        return snprintf(buf, n, "LỖI ĐỒNG HỒ MÁY TÍNH: mục được ký khi đồng hồ máy tính chạy nhanh hơn giờ máy chủ "
                                "quá 24 giờ, nên máy chủ không nhận. Nội dung không bị mất. Cần làm: chỉnh lại ngày "
                                "giờ của máy tính, rồi chạy tiendo sync: mục sẽ được ký lại với giờ đúng và gửi đi.");
    case TD_RF_CERT_VALIDITY:
        return snprintf(buf, n, "ký ngoài thời hạn hiệu lực của chứng thư số (chứng thư hết hạn, hoặc đồng hồ "
                                "máy tính sai). Cần làm: kiểm tra ngày giờ máy tính; nếu chứng thư hết hạn, "
                                "chạy tiendo renew.");
    case TD_RF_SEQ:
    case TD_RF_EQUIVOCATION:
    case TD_RF_GAP:
        return snprintf(buf, n, "số thứ tự của mục không khớp với các mục thiết bị đã gửi (thường do cài đặt lại "
                                "máy). Cần làm: chạy tiendo sync; nội dung được ký lại tự động với số mới.");
    case TD_RF_RESIGNED:
        sscanf(b, TD_RESIGNED_PREFIX "%llu", &s1);
        return snprintf(buf, n, "trùng số thứ tự (thiết bị cài đặt lại); nội dung đã được ký lại với số %llu và "
                                "gửi lại. Không cần làm gì thêm.",
                        s1);
    case TD_RF_AUTHOR_KEY:
        return snprintf(buf, n, "mục được ký bằng một khóa máy chủ không nhận ra cho thiết bị này. Cần làm: "
                                "liên hệ cán bộ quản lý CA (Sở KH&CN), mang theo thư mục thiết bị.");
    case TD_RF_NOT_CENTRAL:
        return snprintf(buf, n, "chỉ thiết bị của Sở KH&CN được ghi mục loại này. Cần làm: đề nghị Sở KH&CN "
                                "thực hiện.");
    case TD_RF_INSPECTOR:
        return snprintf(buf, n, "thiết bị thanh tra chỉ được xem, không được ghi. Không cần làm gì thêm.");
    case TD_RF_NO_CONDITIONAL:
        return snprintf(buf, n, "nhiệm vụ không có thời hạn kèm điều kiện. Cần làm: kiểm tra số nhiệm vụ.");
    case TD_RF_BAD_SIGNATURE:
        return snprintf(buf, n, "chữ ký số không hợp lệ (dữ liệu hỏng). Cần làm: ghi lại nội dung; nếu lặp lại, "
                                "báo cán bộ quản lý CA.");
    case TD_RF_FORM: {
        const char *what = td__rf_what_vi(b);
        return snprintf(buf, n, "nội dung không đúng quy cách%s%s. Cần làm: sửa rồi ghi lại.", what ? ": " : "",
                        what ? what : "");
    }
    case TD_RF_OTHER:
    default: {
        const char *what = td__rf_what_vi(b);
        return snprintf(buf, n, "bị từ chối khi tổng hợp nhật ký%s%s. Cần làm: báo Sở KH&CN (lý do kỹ thuật "
                                "có trong kết quả kiểm toán).",
                        what ? ": " : "", what ? what : "");
    }
    }
}
