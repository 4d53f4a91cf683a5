/*
 * msg.h — the catalogue of what tiendo says to people that the other
 * programs do not: its errors, warnings, confirmations, summaries and column
 * headings on the terminal, and the error texts, confirmations and titles
 * built with a value of the web interface (tiendo ui).  The texts moved here
 * from one source file are grouped under its name, the rest by command.
 * Texts that several programs say are in common/msg.h (included here);
 * help texts are in the option tables (common/cli.h); the words of the web
 * pages (headings, labels, buttons, badges, notes) are in their own
 * catalogue, ui_msg.h.  Each text is a string literal, so
 * printf formats are checked where they are used; the program's name
 * ("tiendo ...: ") and the final newline stay at the call.
 * tests/integration/cli_text.sh checks that no English word is here nor in
 * ui_msg.h, that no message-printing call of client/ holds a Vietnamese
 * text itself, and that no literal of the page files (client/ui_*.c) does.
 */
#ifndef TDC_MSG_H
#define TDC_MSG_H

#include "../common/msg.h"

#define TD_MSG_APP_NOT_ENROLLED "thiết bị chưa được đăng ký hoặc thiếu tệp: %s\nHãy chạy `tiendo init` trước."
#define TD_MSG_APP_IDENTITY_UNREADABLE "không đọc được khóa hoặc chứng thư của thiết bị: %s"
#define TD_MSG_APP_CA_UNREADABLE "không đọc được chứng thư CA %s"
#define TD_MSG_APP_REPLICA_OPEN_FAILED "không mở được bản sao dữ liệu: %s"
#define TD_MSG_APP_REPLICA_UNREADABLE "không đọc được bản sao %s: %s"
#define TD_MSG_APP_OUTBOX_WRITE_FAILED "không ghi được vào hộp thư đi: %s"
#define TD_MSG_APP_ALARM_NOTE_BAD "ghi chú xử lý cảnh báo %s"
#define TD_MSG_APP_ALARM_NOTE_CONTROL_CHAR "ghi chú xử lý cảnh báo có ký tự điều khiển (mã %d) ở vị trí %d"
#define TD_MSG_APP_ALARM_NOTE_NEEDED "cần ghi chú khi đánh dấu đã xử lý cảnh báo: đã kiểm tra gì, với ai (ví dụ \"đã " \
    "kiểm tra với Sở KH&CN, máy chủ được khôi phục từ bản sao lưu\")"
#define TD_MSG_APP_ALARM_NUMBER_BAD "số cảnh báo không hợp lệ: %lld"
#define TD_MSG_APP_REPLICA_WRITE_FAILED "không ghi được vào bản sao dữ liệu: %s (%s)"
#define TD_MSG_APP_ALARM_ALREADY_CLEARED "cảnh báo số %lld đã được đánh dấu xử lý lúc %s (%s)"
#define TD_MSG_APP_ALARM_WHO_UNKNOWN "không rõ người xử lý"
#define TD_MSG_APP_ALARM_UNKNOWN "không có cảnh báo số %lld"

#define TD_MSG_AUDIT_CERT_NOT_INSPECTOR "chứng thư của %s/%s không phải của thanh tra (vai trò inspector)"
#define TD_MSG_AUDIT_NOT_A_REPLICA "không phải bản sao dữ liệu của tiendo (%s)"

#define TD_MSG_CENTRAL_TEXT_TOO_LONG "%s dài quá %d byte. Hãy viết ngắn lại."
#define TD_MSG_CENTRAL_TEXT_NOT_UTF8 "%s không phải văn bản UTF-8 hợp lệ. Hãy kiểm tra bảng mã của thiết bị."
#define TD_MSG_CENTRAL_ONLY_CENTRAL_DEVICE "chỉ thiết bị của Sở Khoa học và Công nghệ (chứng thư vai trò trung tâm) được %s; thiết bị " \
    "này (%s/%s) có vai trò %s. Hãy thực hiện trên thiết bị của Sở KH&CN."
#define TD_MSG_CENTRAL_NO_PLAN_SYNC "bản sao trên thiết bị chưa có kế hoạch. Hãy đồng bộ trước: tiendo sync"
#define TD_MSG_CENTRAL_TASK_UNKNOWN "nhiệm vụ số %ld không có trong kế hoạch %s (%zu nhiệm vụ). Hãy kiểm tra số thứ tự (TT)."
#define TD_MSG_CENTRAL_NEW_DEADLINE_MISSING "thiếu thời hạn mới"
#define TD_MSG_CENTRAL_DEADLINE_TOO_LONG "thời hạn mới quá dài"
#define TD_MSG_CENTRAL_REASON_EMPTY "lý do không được để trống: gia hạn phải có lý do"
#define TD_MSG_CENTRAL_DEADLINE_NOT_UNDERSTOOD "không hiểu thời hạn \"%s\"."
#define TD_MSG_CENTRAL_DEADLINE_UNCHANGED "nhiệm vụ %ld đã có thời hạn \"%s\" (%s); không có gì thay đổi."
#define TD_MSG_CENTRAL_MET_DATE_MISSING "thiếu ngày điều kiện được đáp ứng (dd/mm/yyyy)"
#define TD_MSG_CENTRAL_MET_DATE_FUTURE "ngày đáp ứng điều kiện ở tương lai: %s"
#define TD_MSG_CENTRAL_DUE_BEFORE_MET "tháng hoàn thành %02d/%04d trước ngày đáp ứng điều kiện %s"
#define TD_MSG_CENTRAL_DEADLINE_NOT_CONDITIONAL "nhiệm vụ %ld có thời hạn \"%s\" (%s), không phải thời hạn có điều kiện; chỉ ghi nhận điều " \
    "kiện cho nhiệm vụ có thời hạn như \"Sau khi Trung ương ban hành\". Muốn đổi thời hạn, hãy " \
    "gia hạn nhiệm vụ."

#define TD_MSG_ATTACH_LIST_NONE_TASK "Không có tệp đính kèm nào trong các báo cáo của nhiệm vụ %u."
#define TD_MSG_ATTACH_LIST_NONE "Không có tệp đính kèm nào trong các báo cáo."
#define TD_MSG_ATTACH_COL_NAME_TYPE "TÊN (LOẠI)"

#define TD_MSG_AUDIT_SOURCE "Nguồn: %s %s"
#define TD_MSG_AUDIT_SOURCE_INSPECTOR_REPLICA "bản sao của thiết bị thanh tra,"
#define TD_MSG_AUDIT_SOURCE_SERVER_COPY "bản sao cơ sở dữ liệu máy chủ,"
#define TD_MSG_AUDIT_SOURCE_DEFAULT_DIR "thư mục mặc định"
#define TD_MSG_AUDIT_OFFICE_REPLICA_PARTIAL "(Bản sao của một cơ quan chỉ có phần nhật ký cơ quan đó được xem; hãy kiểm toán bằng bản sao của thiết bị\n" \
    " thanh tra, hoặc bản sao cơ sở dữ liệu máy chủ với --db.)"
#define TD_MSG_AUDIT_HISTORY_PREDECESSORS "Gồm cả cơ quan tiền nhiệm: "
#define TD_MSG_AUDIT_HISTORY_EACH_SIGNED " — mỗi mục ghi tên cơ quan và thiết bị đã ký."
#define TD_MSG_AUDIT_HISTORY_LINE "mục %s  ký %s  nhận %s  %s / %s  %s%s%s: %s"
#define TD_MSG_AUDIT_WORD_SERVER "(máy chủ)"
#define TD_MSG_AUDIT_WORD_PERIOD " kỳ "
#define TD_MSG_AUDIT_HISTORY_REFUSED "    BỊ TỪ CHỐI: %s"
#define TD_MSG_AUDIT_HISTORY_CSV_HEAD "\"Chỉ số mục\",\"Thời điểm ký\",\"Thời điểm máy chủ nhận\",\"Cơ quan\",\"Thiết bị\",\"Loại\",\"Kỳ\"," \
    "\"Nội dung\",\"Lý do bị từ chối\"\r"
#define TD_MSG_AUDIT_HISTORY_TASK_HEAD "Lịch sử nhiệm vụ số %lld:"
#define TD_MSG_AUDIT_HISTORY_AGENCY_HEAD "Lịch sử cơ quan %s:"
#define TD_MSG_AUDIT_TOTAL "Tổng cộng: %"
#define TD_MSG_AUDIT_WORD_ENTRIES " mục."

#define TD_MSG_CENTRAL_REVIEW_QUEUED "Đã ghi ý kiến %s báo cáo nhiệm vụ %ld của %s kỳ %s vào hộp thư đi; sẽ gửi khi đồng bộ (tiendo sync). " \
    "Số thứ tự của thiết bị: %llu."
#define TD_MSG_CENTRAL_WORD_ACCEPT "chấp nhận"
#define TD_MSG_CENTRAL_WORD_RETURN "trả lại"
#define TD_MSG_CENTRAL_QUEUED "Đã ghi %s vào hộp thư đi; sẽ gửi khi đồng bộ (tiendo sync). Số thứ tự của thiết bị: %llu."
#define TD_MSG_CENTRAL_EXTEND_QUEUED "Đã ghi thay đổi thời hạn nhiệm vụ %s (%s → %s) vào hộp thư đi; sẽ gửi khi đồng bộ (tiendo sync). " \
    "Số thứ tự của thiết bị: %llu."

#define TD_MSG_INIT_ENROLLED "Đã đăng ký thiết bị trong %s\n" \
    "  Cơ quan:       %s\n" \
    "  Thiết bị:      %s\n" \
    "  Vai trò:       %s\n" \
    "  Hiệu lực đến:  %s\n" \
    "  Máy chủ:       %s"
#define TD_MSG_INIT_KEY_CREATED "Đã tạo khóa thiết bị %s (quyền 0600) và yêu cầu cấp chứng thư %s\n" \
    "  Cơ quan:   %s\n" \
    "  Thiết bị:  %s\n" \
    "  Mã khóa:   %s\n" \
    "Gửi tệp %s cho Sở KH&CN.  Khi nhận được chứng thư, chạy:\n" \
    "  tiendo init --dir %s --cert TỆP_CHỨNG_THƯ --ca TỆP_CA --server MÁY_CHỦ:CỔNG"
/* the address given to --server */
#define TD_MSG_INIT_SERVER_ADDR_BAD "địa chỉ máy chủ \"%s\" không hợp lệ: cần dạng MÁY_CHỦ:CỔNG, ví dụ 10.0.0.5:7443"
#define TD_MSG_INIT_DELETE_BUNDLE "Hãy xóa tệp gói %s: nó chứa khóa bí mật, nay đã nằm trong %s."

#define TD_MSG_PING_CONNECTED "Đã kết nối tới máy chủ %s (%s)"
#define TD_MSG_PING_SERVER_SOFTWARE "  Phần mềm máy chủ: %s"
#define TD_MSG_PING_PROTOCOL_VERSION "  Phiên bản giao thức: %u"
#define TD_MSG_PING_SEEN_AS "  Thiết bị được nhận là: cơ quan %s, vai trò %s"
#define TD_MSG_PING_HANDSHAKE_TIME "  Bắt tay TLS 1.3 + chào hỏi: %.1f ms"
#define TD_MSG_PING_ROUND_TRIP "  Thời gian khứ hồi: trung bình %.2f ms, nhỏ nhất %.2f ms (%d lần)"

#define TD_MSG_RECEIPT_VERIFIED "Biên nhận đã xác minh: mục số %llu của nhật ký %s"
#define TD_MSG_RECEIPT_AUTHOR "  Tác giả: khóa %s, cơ quan %s"
#define TD_MSG_RECEIPT_KIND "  Loại: %s (số thứ tự %llu của tác giả)"
#define TD_MSG_RECEIPT_SIGNED_AT "  Ký lúc: %s"
#define TD_MSG_RECEIPT_IN_CHECKPOINT "  Thuộc điểm kiểm tra có chữ ký của máy chủ: %llu mục, gốc %s"

#define TD_MSG_RENEW_INSTALLED "Đã cài chứng thư mới cho thiết bị %s của cơ quan %s, hiệu lực đến %s."
#define TD_MSG_RENEW_KEY_KEPT "Khóa không đổi; chứng thư cũ giữ ở %s."
#define TD_MSG_RENEW_KEY_REPLACED "Khóa mới đã thay khóa cũ; khóa và chứng thư cũ giữ ở %s và %s."
#define TD_MSG_RENEW_OUTBOX_KEPT "Hộp thư đi giữ nguyên. Chạy \"tiendo sync --dir %s\" để gửi các bản ghi chờ."
#define TD_MSG_RENEW_CSR_WRITTEN "%s khóa mới %s/%s (mã khóa %s) và ghi yêu cầu cấp lại vào %s."
#define TD_MSG_RENEW_WORD_CREATED "Đã tạo"
#define TD_MSG_RENEW_WORD_REUSED "Dùng lại"
#define TD_MSG_RENEW_SEND_TO_CA "Gửi %s và %s cho cán bộ quản lý CA; cán bộ chạy:\n" \
    "  tiendo-pki renew --dir THƯ_MỤC_CA --cert device.crt --csr %s --out moi.crt\n" \
    "Khi nhận được moi.crt: tiendo renew --dir %s --import moi.crt"
#define TD_MSG_RENEW_SERVER_LOGGED "Máy chủ đã ghi chứng thư mới vào nhật ký (mục số %llu)."

#define TD_MSG_REPORT_WORD_EMPTY "(trống)"
#define TD_MSG_REPORT_QUEUED "Đã ghi báo cáo nhiệm vụ %u kỳ %s của %s vào hộp thư đi; sẽ gửi khi đồng bộ (tiendo sync). " \
    "Số thứ tự của thiết bị: %llu."
#define TD_MSG_REPORT_BATCH_LINE "  dòng %d: nhiệm vụ %u, kỳ %s: %s, %d%% (số thứ tự %llu)"
#define TD_MSG_REPORT_BATCH_DONE "Đã ghi %d báo cáo từ %s vào hộp thư đi.\n%s"
#define TD_MSG_REPORT_SHOW_HEAD "Báo cáo nhiệm vụ %u, kỳ %s, của %s (bản ghi số %llu, ký lúc %s):"
#define TD_MSG_REPORT_SHOW_DOC "  Văn bản: %s%s%s%s%s"
#define TD_MSG_REPORT_WORD_DATED ", ngày "
#define TD_MSG_REPORT_SHOW_ATTACHMENT "  Tệp đính kèm: %s (%s, %llu byte, sha256 %s…)"
#define TD_MSG_REPORT_SHOW_ACCEPTED "  Thẩm định: đã chấp nhận%s%s"
#define TD_MSG_REPORT_SHOW_RETURNED "  Thẩm định: bị trả lại: %s"
#define TD_MSG_REPORT_SHOW_NOT_REVIEWED "  Thẩm định: chưa"
#define TD_MSG_DRAFT_SAVED "Đã %s bản nháp báo cáo nhiệm vụ %u kỳ %s (CHƯA ký, chưa gửi):"
#define TD_MSG_DRAFT_WORD_UPDATED "cập nhật"
#define TD_MSG_DRAFT_WORD_SAVED "lưu"
#define TD_MSG_DRAFT_NEXT_STEP "Bước tiếp theo: sửa tiếp bằng `tiendo report %u --period %s ... --draft`; khi xong, nộp bằng " \
    "`tiendo draft submit %u --period %s` (ký và đưa vào hộp thư đi)."
#define TD_MSG_DRAFT_USED "Bản nháp của nhiệm vụ %u kỳ %s đã được dùng và xóa."
#define TD_MSG_DRAFT_LIST_EMPTY "Không có bản nháp nào."
#define TD_MSG_DRAFT_LIST_HEAD "Bản nháp (chưa ký, chưa gửi): %zu"
#define TD_MSG_DRAFT_LIST_CORRUPT "  %s: (hỏng, không đọc được; xóa bằng tiendo draft delete)"
#define TD_MSG_DRAFT_LIST_LINE "  nhiệm vụ %u, kỳ %s: %s"
#define TD_MSG_DRAFT_LIST_EDITED " — sửa lần cuối %s"
#define TD_MSG_DRAFT_LIST_HINT "Nộp một bản nháp: tiendo draft submit SỐ --period MM/YYYY"
#define TD_MSG_DRAFT_DELETED "Đã xóa bản nháp của nhiệm vụ %ld kỳ %s (không ký, không gửi gì)."
#define TD_MSG_DRAFT_SHOW_HEAD "Bản nháp báo cáo nhiệm vụ %u, kỳ %s (CHƯA ký; sửa lần cuối %s):"
#define TD_MSG_DRAFT_SHOW_SUBMIT_HINT "Nộp: tiendo draft submit %u --period %s"
#define TD_MSG_DRAFT_SUBMITTED "Bản nháp đã được nộp và xóa."
#define TD_MSG_INDICATOR_QUEUED "Đã ghi giá trị chỉ tiêu %s kỳ %s của %s vào hộp thư đi; sẽ gửi khi đồng bộ (tiendo sync). " \
    "Số thứ tự của thiết bị: %llu."
#define TD_MSG_INDICATOR_VALUE_LINE "  Giá trị: %s"
#define TD_MSG_INDICATOR_WORD_NOTE "Ghi chú"
#define TD_MSG_INDICATOR_WORD_RESULT "Kết quả"

#define TD_MSG_STATUS_OUTBOX_LINE "  - %s số %llu (%s): %s"
#define TD_MSG_STATUS_WORD_RESIGNED "đã ký lại:"
#define TD_MSG_STATUS_WORD_SERVER_REFUSED "máy chủ từ chối"
#define TD_MSG_STATUS_FOLD_REFUSED_LINE "  - không được tính khi tổng hợp: %s, số %llu (mục nhật ký %llu"
#define TD_MSG_STATUS_FOLD_REFUSED_TASK ", nhiệm vụ %u"
#define TD_MSG_STATUS_MORE_SEE_STATUS "  ... và các mục khác: tiendo status"
#define TD_MSG_STATUS_PENDING_COUNT "Chờ gửi: %llu mục"
#define TD_MSG_STATUS_PENDING_LINE "  - số %llu, ghi lúc %s: %s"
#define TD_MSG_STATUS_PENDING_MORE "  ... và %llu mục khác"
#define TD_MSG_STATUS_SENT_COUNT "Đã gửi và được máy chủ lưu: %llu mục"
#define TD_MSG_STATUS_REFUSED_HEAD "Bị từ chối (máy chủ không nhận, hoặc không được tính khi tổng hợp):"
#define TD_MSG_STATUS_REFUSED_TOTAL "Tổng số mục bị từ chối: %zu"
#define TD_MSG_STATUS_FOLD_REFUSED_COUNT "Bị từ chối khi tổng hợp (mục của thiết bị này trong nhật ký, mọi khóa): %zu mục"
#define TD_MSG_STATUS_CONFLICTS_COUNT "Xung đột (hai thiết bị cùng báo cáo một nhiệm vụ, một kỳ): %zu"
#define TD_MSG_STATUS_CONFLICT_LINE "  - nhiệm vụ %u, kỳ %s: báo cáo ở mục nhật ký %llu được dùng, mục %llu bị thay; cần người xem lại"
#define TD_MSG_STATUS_ALARMS_HEAD "CẢNH BÁO: %zu cảnh báo về nhật ký máy chủ chưa được xử lý:"
#define TD_MSG_STATUS_ALARM_LINE "  - cảnh báo số %lld, lúc %s: %s; điểm kiểm tra đã xác minh có %llu mục, máy chủ đưa ra %llu " \
    "mục."
#define TD_MSG_STATUS_ALARM_EVIDENCE_HINT "  Bằng chứng được lưu trong bản sao. Báo cho thanh tra, sau đó: tiendo status --clear-alarm SỐ " \
    "--note \"đã kiểm tra gì, với ai\""
#define TD_MSG_STATUS_ALARM_CLEARED_LINE "Cảnh báo số %lld (%s): đã xử lý lúc %s, bởi %s; ghi chú: %s"
#define TD_MSG_STATUS_WORD_UNKNOWN "không rõ"
#define TD_MSG_STATUS_WORD_NONE "(không có)"
#define TD_MSG_STATUS_CHECKPOINT_VERIFIED "Điểm kiểm tra nhật ký đã xác minh gần nhất: %llu mục (lúc %s)"
#define TD_MSG_STATUS_CHECKPOINT_NEVER "Điểm kiểm tra nhật ký: chưa xác minh lần nào"
#define TD_MSG_STATUS_COSIGNED "Đã đồng ký điểm kiểm tra đến cỡ %llu"
#define TD_MSG_STATUS_ALARM_CLEARED "Đã đánh dấu xử lý cảnh báo số %s; ghi chú đã được lưu, bằng chứng vẫn được giữ trong bản sao."
#define TD_MSG_STATUS_DEVICE "Thiết bị %s của cơ quan %s (%s), máy chủ %s"
#define TD_MSG_STATUS_LAST_SYNC "Lần đồng bộ thành công gần nhất: %s"
#define TD_MSG_STATUS_PLAN "Kế hoạch: %s (%zu nhiệm vụ, %zu chỉ tiêu)"
#define TD_MSG_STATUS_WORD_NO_NUMBER "(không số)"
#define TD_MSG_STATUS_PLAN_NONE "Kế hoạch: chưa có (hãy chạy tiendo sync)"
#define TD_MSG_STATUS_RECEIVED "Đã nhận từ máy chủ: %llu mục nhật ký (đến mục %llu; máy chủ có %llu mục ở lần đồng bộ gần nhất)"

#define TD_MSG_SYNC_DONE "Đồng bộ xong: gửi %llu, nhận %llu, bị từ chối %llu."
#define TD_MSG_SYNC_RESIGNED "Đã ký lại %llu mục máy chủ chưa nhận vì trùng số thứ tự (thiết bị được cài đặt lại): nội dung giữ " \
    "nguyên, đã gửi lại với số thứ tự mới."
#define TD_MSG_SYNC_REFUSED_HEAD "Các mục bị từ chối và việc cần làm:"
#define TD_MSG_SYNC_COSIGNED "Đã đồng ký điểm kiểm tra cỡ %llu."
#define TD_MSG_SYNC_WATCH_STOPPED "Đã dừng đồng bộ liên tục."

#define TD_MSG_TASKS_NARROW_TABLE_HINT "(Bảng rút gọn 80 cột; bảng đầy đủ: tiendo tasks --wide)"
#define TD_MSG_TASKS_LIST_HEAD "Nhiệm vụ %s — cơ quan %s (%s)\nTrạng thái tại ngày %s%s%s"
#define TD_MSG_TASKS_WORD_OF_PLAN "của kế hoạch"
#define TD_MSG_TASKS_WORD_LEAD_PARTNER "chủ trì, phối hợp"
#define TD_MSG_TASKS_WORD_PERIOD ", kỳ "
#define TD_MSG_TASKS_NONE_MATCH "Không có nhiệm vụ nào phù hợp%s."
#define TD_MSG_TASKS_NONE_FOR_AGENCY_HINT " (cơ quan không chủ trì, phối hợp nhiệm vụ nào thỏa điều kiện lọc; xem mọi " \
    "nhiệm vụ: tiendo tasks --all)"
#define TD_MSG_TASKS_LIST_TOTAL "%zu nhiệm vụ (chủ trì %zu, phối hợp %zu). Chi tiết một nhiệm vụ: tiendo task SỐ"
#define TD_MSG_TASKS_GROUP_OPEN "không có (nhóm mở hoặc không xác định)"
#define TD_MSG_TASKS_MORE_AGENCIES " và %zu cơ quan khác"
#define TD_MSG_TASK_HEAD "Nhiệm vụ %u — kế hoạch %s"
#define TD_MSG_TASK_SECTION "Mục %s%s%s"
#define TD_MSG_TASK_TITLE "Tên nhiệm vụ: %s"
#define TD_MSG_TASK_PRODUCT "Sản phẩm: %s"
#define TD_MSG_TASK_LEADS "Cơ quan chủ trì (theo kế hoạch): %s"
#define TD_MSG_TASK_BY_ORGANISATION_AT "  theo tổ chức tại ngày %s: "
#define TD_MSG_TASK_PARTNERS "Cơ quan phối hợp (theo kế hoạch): %s"
#define TD_MSG_TASK_ROLE_OF "Vai trò của %s: %s"
#define TD_MSG_TASK_WORD_LEAD "chủ trì"
#define TD_MSG_TASK_WORD_PARTNER "phối hợp"
#define TD_MSG_TASK_WORD_NO_ROLE "không chủ trì, không phối hợp"
#define TD_MSG_TASK_DEADLINE "Thời hạn%s: "
#define TD_MSG_TASK_AT_DATE_SHOWN " tại ngày đang xét"
#define TD_MSG_TASK_NOW "; hiện nay: "
#define TD_MSG_TASK_DEADLINE_CHANGED "  Thay đổi thời hạn ngày %s (mục nhật ký %llu): "
#define TD_MSG_TASK_REASON "    Lý do: %s"
#define TD_MSG_TASK_PLAN_NEW "(kế hoạch mới được nhập)"
#define TD_MSG_TASK_CONDITION_MET "Điều kiện%s: đã đáp ứng ngày %s"
#define TD_MSG_TASK_CONDITION_REPLACED " (thay bằng ghi nhận sau)"
#define TD_MSG_TASK_DUE_MONTH "; hạn hoàn thành: tháng %02d/%04d"
#define TD_MSG_TASK_NO_DUE_YET "; chưa có hạn hoàn thành"
#define TD_MSG_TASK_CONDITION_RECORDED " (Sở KH&CN ghi nhận ngày %s)"
#define TD_MSG_TASK_NOTE "  Ghi chú: %s"
#define TD_MSG_TASK_CONDITION_NOT_MET "Điều kiện: chưa được Sở KH&CN ghi nhận là đã đáp ứng (chưa có hạn hoàn thành)"
#define TD_MSG_TASK_STATUS_AT "\nTrạng thái tại ngày %s: %s"
#define TD_MSG_TASK_DUE "; hạn %s"
#define TD_MSG_TASK_NO_DUE "; chưa có hạn"
#define TD_MSG_TASK_PERIOD "; kỳ %s"
#define TD_MSG_TASK_LAST_REPORT "; báo cáo gần nhất ký ngày %s (%s, %u%%)"
#define TD_MSG_TASK_NOT_REPORTED "; chưa báo cáo"
#define TD_MSG_TASK_COMPLETED_ON "; hoàn thành ngày %s"
#define TD_MSG_TASK_RETURNED_REASON "      Bị trả lại, lý do: %s"
#define TD_MSG_TASK_WORD_NOT_GIVEN "(không ghi)"
#define TD_MSG_TASK_HISTORY_HEAD "\nLịch sử báo cáo (%zu phiên bản trên thiết bị này):"
#define TD_MSG_TASK_HISTORY_LINE "  - Kỳ %s, %s: %s, %u%% (mục nhật ký %llu%s)"
#define TD_MSG_TASK_WORD_CURRENT ", hiện hành"
#define TD_MSG_TASK_WORD_REPLACED ", đã được thay"
#define TD_MSG_TASK_SIGNED_RECEIVED "      Ký lúc %s; máy chủ nhận ngày %s"
#define TD_MSG_TASK_SIGNED_TIME_NOTE "      Lưu ý giờ ký: %s; ngày ký được tính là %s"
#define TD_MSG_TASK_REVIEWED_ON "      Thẩm định ngày %s: %s%s%s"
#define TD_MSG_TASK_WORD_RETURNED_CAPS "TRẢ LẠI"
#define TD_MSG_TASK_REVIEW_COMMENT ". Ý kiến: "
#define TD_MSG_TASK_HISTORY_NONE "  (chưa có báo cáo nào)"
#define TD_MSG_TASK_CURRENT_HEAD "\nNội dung báo cáo hiện hành (kỳ gần nhất của mỗi cơ quan):"
#define TD_MSG_TASK_CURRENT_LINE "  - %s, kỳ %s: %s, %u%%"
#define TD_MSG_TASK_DONE_ON ", hoàn thành ngày %s"
#define TD_MSG_TASK_WORD_ACCEPTED "đã được chấp nhận"
#define TD_MSG_TASK_WORD_RETURNED "bị trả lại"
#define TD_MSG_TASK_WORD_NOT_REVIEWED "chưa thẩm định"
#define TD_MSG_TASK_DOC "      Văn bản: %s%s%s%s%s"
#define TD_MSG_TASK_WORD_DATED " ngày "
#define TD_MSG_TASK_ATTACHMENT "      Tệp đính kèm: %s (%s, %llu byte, %s…)"
#define TD_MSG_TASK_UNSENT_HEAD "\nTrên thiết bị này, chưa đồng bộ:"
#define TD_MSG_TASK_UNSENT_LINE "  - số %llu: %s — chờ gửi"
#define TD_MSG_TASK_SEND_HINT "Gửi bằng: tiendo sync"
#define TD_MSG_TODO_HEAD "Việc cần làm — %s (%s), ngày %s"
#define TD_MSG_TODO_NO_PLAN "\nThiết bị chưa có kế hoạch: hãy đồng bộ (tiendo sync) để nhận danh sách nhiệm vụ."
#define TD_MSG_TODO_WHOLE_PLAN "\nToàn kế hoạch (%zu nhiệm vụ):"
#define TD_MSG_TODO_REFUSED_IN_LOG "Mục bị từ chối trong nhật ký (mọi cơ quan): %zu"
#define TD_MSG_TODO_INSPECTOR_READ_ONLY "Thiết bị thanh tra chỉ xem, không ghi báo cáo."
#define TD_MSG_TODO_PERIOD_HEAD "\nBáo cáo kỳ %s (hạn %s): %zu nhiệm vụ phải báo cáo; đã gửi %zu"
#define TD_MSG_TODO_LATE_COUNT " (muộn %zu)"
#define TD_MSG_TODO_PERIOD_PENDING "; đã ghi, chờ gửi %zu; còn thiếu %zu"
#define TD_MSG_TODO_QUEUED_HEAD "  Đã ghi, chờ gửi:"
#define TD_MSG_TODO_MISSING_HEAD "  Còn thiếu:"
#define TD_MSG_TODO_MORE_TASKS "  ... và %zu nhiệm vụ khác"
#define TD_MSG_TODO_PERIOD_COMPLETE "  Đã báo cáo đủ."
#define TD_MSG_TODO_RETURNED_HEAD "\nBị trả lại, cần sửa và báo cáo lại:"
#define TD_MSG_TODO_RETURNED_LINE "  - %s\n      Lý do: %s"
#define TD_MSG_TODO_RETURNED_FIXED "      (đã ghi báo cáo sửa, chờ gửi)"
#define TD_MSG_TODO_CONFLICTS_HEAD "\nXung đột báo cáo (hai thiết bị cùng báo cáo một nhiệm vụ, một kỳ):"
#define TD_MSG_TODO_CONFLICT_HEAD "  - %s, kỳ %s:"
#define TD_MSG_TODO_CONFLICT_LINE "      %s thiết bị %s%s, ghi lúc %s: %s, %u%% (mục nhật ký %llu)"
#define TD_MSG_TODO_WORD_USED "đang dùng:"
#define TD_MSG_TODO_WORD_REPLACED "bị thay: "
#define TD_MSG_TODO_WORD_THIS_DEVICE " (máy này)"
#define TD_MSG_TODO_CONFLICT_HOW "      Cách giải quyết: thống nhất nội dung giữa hai thiết bị, rồi ghi lại báo cáo trên một\n" \
    "      thiết bị: tiendo report %s --period %s (bản mới thay cả hai); xem: tiendo task %s"
#define TD_MSG_TODO_MORE_CONFLICTS "  ... và %zu xung đột khác"
#define TD_MSG_TODO_DUE_COUNTS "\nSắp đến hạn: %zu; quá hạn chưa hoàn thành: %zu"
#define TD_MSG_TODO_WORD_DUE ", hạn "
#define TD_MSG_TODO_WORD_QUEUED " (đã ghi báo cáo, chờ gửi)"
#define TD_MSG_TODO_MORE_LATE_HINT "  ... và %zu nhiệm vụ khác (tiendo tasks --status ongoing-late, --status never-reported)"
#define TD_MSG_TODO_AWAITING_HEAD "\nBáo cáo hoàn thành chờ thẩm định:"
#define TD_MSG_TODO_AWAITING_LINE "  - %s — %s, kỳ %s"
#define TD_MSG_TODO_MORE_REPORTS "  ... và %zu báo cáo khác"
#define TD_MSG_TODO_AWAITING_COUNT "%sBáo cáo hoàn thành chờ thẩm định: %zu"
#define TD_MSG_TODO_PENDING_COUNT "\nChờ gửi: %zu mục"
#define TD_MSG_TODO_REPORT_COUNT " (%zu báo cáo)"
#define TD_MSG_TODO_LAST_SYNC "; đồng bộ lần cuối: %s"
#define TD_MSG_TODO_REFUSED_HEAD "Bị từ chối:"
#define TD_MSG_TODO_REFUSED_COUNT "Số mục bị từ chối: %zu (cần ghi lại theo hướng dẫn trên)"
#define TD_MSG_TODO_NEXT "Việc tiếp theo: %s%s"
#define TD_MSG_TODO_NOTHING_LEFT "không còn việc nào trong kỳ này"
#define TD_MSG_TODO_THEN_SYNC "; rồi gửi đi: tiendo sync"

#define TD_MSG_DEVICE_NOT_ENROLLED "thư mục %s chưa có tệp config hoặc device.crt"
#define TD_MSG_DEVICE_SERVER_LINE_MISSING "thiếu dòng \"server = MÁY:CỔNG\""

#define TD_MSG_LINK_STOPPED "đã dừng: chương trình đang tắt"
#define TD_MSG_LINK_CERT_REVOKED_HINT "  Chứng thư số của thiết bị này đã bị thu hồi, nên đồng bộ lại cũng không được. Hãy liên hệ\n" \
    "  Sở KH&CN (cán bộ quản lý CA) để được cấp chứng thư mới, với khóa mới:\n" \
    "    1. tiendo renew --csr-out yeu-cau.csr   (tạo khóa mới và yêu cầu cấp chứng thư)\n" \
    "    2. gửi tệp yeu-cau.csr cho cán bộ CA của Sở KH&CN; cán bộ CA ký và gửi lại tệp chứng thư\n" \
    "    3. tiendo renew --import TỆP_CHỨNG_THƯ, rồi tiendo sync\n" \
    "  Các báo cáo đã ghi mà chưa gửi vẫn được giữ trong hộp thư đi."

#define TD_MSG_REPLICA_CHANGED_BY_OTHER "bản sao vừa được một chương trình khác thay đổi (vị trí %lld, cần %llu)"
#define TD_MSG_REPLICA_SCHEMA_NEWER "cấu trúc dữ liệu phiên bản %d, mới hơn của chương trình này (%d): hãy cập nhật tiendo"
#define TD_MSG_SYNC_READ_ONLY                                                                                  \
    "bản sao %s nằm ở nơi chỉ đọc (không ghi được tệp hay thư mục của nó): không đồng bộ được vì không lưu được gì; "  \
    "hãy chép cả thư mục thiết bị sang một thư mục ghi được, hoặc đồng bộ trên máy của văn phòng"
#define TD_MSG_REPLICA_RO_OLD                                                                                  \
    "cấu trúc dữ liệu phiên bản %d, cũ hơn của chương trình này (%d), mà bản sao nằm ở nơi chỉ đọc nên không nâng "  \
    "cấp được: hãy chép cả thư mục thiết bị sang một thư mục ghi được rồi chạy lại"
#define TD_MSG_REPLICA_RO_OPEN                                                                                 \
    "bản sao nằm ở nơi chỉ đọc và không mở được để đọc (%s); hãy chép cả thư mục thiết bị sang một thư mục ghi "  \
    "được rồi chạy lại"

#define TD_MSG_ENTRY_DRAFT_SAVE_FAILED "không lưu được bản nháp: %s"
#define TD_MSG_ENTRY_DRAFT_READ_FAILED "không đọc được bản nháp: %s"
#define TD_MSG_ENTRY_DRAFT_CORRUPT "bản nháp %s hỏng (không giải mã được); xóa bằng `tiendo draft delete %u " \
    "--period %s` rồi ghi lại."
#define TD_MSG_ENTRY_RETURN_REASON_NEEDED "trả lại báo cáo cần lý do: hãy ghi lý do để cơ quan biết cần sửa gì"

/* after "English | ": the Vietnamese part of an error (common/err.h td_error_vi) */
#define TD_MSG_SYNC_ATTACHMENT_MISSING "Báo cáo số thứ tự " \
    "%llu trong hộp thư đi có tệp đính kèm (mã %.12s…) không còn trong bản sao dữ liệu của " \
    "máy này nên chưa gửi được; hãy chép lại bản sao dữ liệu (replica.db) từ bản lưu, hoặc " \
    "báo cho cán bộ quản trị"
#define TD_MSG_SYNC_ATTACHMENT_REFUSED "Máy chủ không nhận tệp đính kèm"
#define TD_MSG_SYNC_SERVER_NO_ATTACHMENTS "Máy chủ " \
    "chưa hỗ trợ tệp đính kèm nên báo cáo có tệp đính kèm (và các mục ghi sau nó) " \
    "chưa được gửi; các mục trước đó đã gửi. Hãy báo Sở Khoa học và Công nghệ cập " \
    "nhật máy chủ"

#define TD_MSG_UI_TOKEN_FILE_CORRUPT "tệp %s hỏng (không phải 64 chữ số hex); xóa tệp để tạo mã mới"
#define TD_MSG_UI_WRITE_FAILED "không ghi được %s"
#define TD_MSG_UI_RUNNING_AT "Giao diện tiendo của %s đang chạy tại:\n  %s\n" \
    "(Địa chỉ có mã truy cập riêng của máy này; đừng gửi cho người khác. Dừng: Ctrl-C.)"
#define TD_MSG_UI_STOPPED "Đã dừng giao diện."

#define TD_MSG_APP_DATE_BAD "tiendo %s: --date phải là ngày dd/mm/yyyy (nhận được \"%s\").\nXem: tiendo %s --help"

#define TD_MSG_ATTACH_REPLICA_UNREADABLE "không đọc được bản sao dữ liệu: %s"
#define TD_MSG_ATTACH_HASH_BAD "\"%s\" không phải mã băm hợp lệ. Hãy ghi đủ 64 chữ số thập lục phân " \
    "hoặc ít nhất %d chữ số đầu (xem: tiendo attachment list)."
#define TD_MSG_ATTACH_HASH_AMBIGUOUS "có nhiều tệp có mã băm bắt đầu bằng \"%s\". Hãy ghi thêm chữ số " \
    "(xem: tiendo attachment list)."
#define TD_MSG_ATTACH_HASH_UNKNOWN "không có báo cáo nào trong bản sao dữ liệu có tệp đính kèm mã băm " \
    "\"%s\". Hãy đồng bộ (tiendo sync) rồi xem lại: tiendo attachment list."
#define TD_MSG_ATTACH_NOT_HERE_AND "tệp không có trên máy này và "
#define TD_MSG_ATTACH_SERVER_TOO_OLD "máy chủ chưa hỗ trợ tệp đính kèm (giao thức %u). Hãy báo Sở Khoa học " \
    "và Công nghệ cập nhật máy chủ."
#define TD_MSG_ATTACH_SERVER_REFUSED "máy chủ không cho tải tệp này: tệp không có trên máy chủ hoặc không " \
    "thuộc phạm vi cơ quan được xem."
#define TD_MSG_ATTACH_DOWNLOAD_FAILED "tải tệp từ máy chủ không thành công: %s%s"
#define TD_MSG_ATTACH_CACHE_WARN "(cảnh báo) không lưu được tệp vào bản sao dữ liệu: %s"
#define TD_MSG_ATTACH_STDOUT_FAILED "không ghi được ra màn hình: %s"
#define TD_MSG_ATTACH_CREATE_FAILED "không tạo được tệp \"%s\": %s. Hãy chọn tên khác bằng --out."
#define TD_MSG_ATTACH_FILE_EXISTS "tệp đã có (không ghi đè)"
#define TD_MSG_ATTACH_WRITE_FAILED "ghi tệp \"%s\" lỗi: %s"
#define TD_MSG_ATTACH_TASK_BAD "--task phải là số nhiệm vụ (ví dụ 27), không phải \"%s\"."
#define TD_MSG_ATTACH_ONE_HASH "cần đúng một mã băm (xem: tiendo attachment list)."
#define TD_MSG_ATTACH_READ_FAILED "không đọc được tệp trong bản sao dữ liệu: %s"
#define TD_MSG_ATTACH_GET_DONE "Đã ghi %s (%llu byte, %s, SHA-256 %.16s…) ra \"%s\"."
#define TD_MSG_ATTACH_WORD_FILE "tệp"

#define TD_MSG_AUDIT_TASK_BAD "số nhiệm vụ không hợp lệ: \"%s\""
#define TD_MSG_AUDIT_TOO_MANY_WITNESS_CERTS "quá %d --witness-cert"
#define TD_MSG_AUDIT_DIR_OR_DB "chỉ dùng một trong --dir và --db"
#define TD_MSG_AUDIT_DB_NEEDS_CA "--db cần --ca (chứng thư CA của tỉnh, lấy độc lập với máy chủ)"
#define TD_MSG_AUDIT_CA_UNREADABLE "không đọc được chứng thư CA %s: %s"
#define TD_MSG_AUDIT_OPEN_FAILED "không mở được %s: %s"
#define TD_MSG_AUDIT_WITNESS_CERT_BAD "chứng thư chứng kiến %s không dùng được: %s"
#define TD_MSG_AUDIT_HISTORY_ONLY_OPTS "--task, --agency, --csv chỉ dùng với history"
#define TD_MSG_AUDIT_LOG_READ_FAILED "không đọc hết được nhật ký: %s"
#define TD_MSG_AUDIT_TASK_OR_AGENCY "cần đúng một trong --task SỐ và --agency MÃ"
#define TD_MSG_AUDIT_VERIFY_ONLY_OPTS "--origin, --witness-cert chỉ dùng với verify"

#define TD_MSG_CENTRAL_CMD_TASK_UNKNOWN "tiendo %s: nhiệm vụ số %ld không có trong kế hoạch %s (%zu nhiệm vụ). " \
    "Hãy kiểm tra số thứ tự (TT): tiendo tasks --all"
#define TD_MSG_CENTRAL_REPORT_NOT_IN_REPLICA "bản sao không có báo cáo của %s về nhiệm vụ %ld kỳ %s. " \
    "Hãy đồng bộ trước: tiendo sync (và kiểm tra mã cơ quan, kỳ: tiendo task %ld)"
#define TD_MSG_CENTRAL_REVIEW_REPLACES "lưu ý: phiên bản báo cáo này đã được %s; ý kiến mới sẽ thay ý kiến cũ."
#define TD_MSG_CENTRAL_ACCEPT_NOT_DONE "lưu ý: báo cáo này chưa báo \"đã hoàn thành\" (%u%%); chấp nhận không làm " \
    "nhiệm vụ thành hoàn thành."
#define TD_MSG_CENTRAL_CONFIRM_PROMPT "nhiệm vụ %s: %s.\nVẫn ghi thay đổi này? Gõ \"có\" để ghi, Enter để thôi: "
#define TD_MSG_CENTRAL_NOTHING_WRITTEN "không ghi gì."
#define TD_MSG_CENTRAL_CONFIRM_WITH_YES "nhiệm vụ %s: %s.\n" \
    "Nếu đúng là như vậy, chạy lại lệnh với --yes; nếu ghi nhầm, hãy sửa --deadline. Không ghi gì."

#define TD_MSG_PING_COUNT_BAD "--count phải từ 1 đến 1000"
#define TD_MSG_PING_NOT_ENROLLED "thiết bị chưa được đăng ký hoặc thiếu tệp: %s\n" \
    "Hãy chạy `tiendo init` trước."
#define TD_MSG_PING_CONNECTION_LOST "mất kết nối: %s (%s)"
#define TD_MSG_PING_BAD_REPLY "máy chủ trả lời sai (%s)"

#define TD_MSG_RECEIPT_NOT_POSITIVE "%s phải là số nguyên dương: \"%s\""
#define TD_MSG_RECEIPT_NOT_VERIFIED "KHÔNG xác minh được biên nhận: %s%s%s%s"
#define TD_MSG_RECEIPT_OUTBOX_UNREADABLE "không đọc được hộp thư đi: %s"
#define TD_MSG_RECEIPT_ENTRY_REFUSED "mục số %llu đã bị máy chủ từ chối: %s"
#define TD_MSG_RECEIPT_ENTRY_NOT_RECEIVED "mục số %llu chưa được máy chủ nhận; hãy chạy tiendo sync"
#define TD_MSG_RECEIPT_NO_SUCH_SEQ "thiết bị không có mục số %llu"
#define TD_MSG_RECEIPT_NOTHING_WRITTEN "thiết bị chưa ghi mục nào"
#define TD_MSG_RECEIPT_ALARM_INCONSISTENT "CẢNH BÁO: máy chủ đưa ra lịch sử nhật ký không nhất quán với lần đồng bộ " \
    "trước (cảnh báo số %lld, bằng chứng đã lưu; xem tiendo status)."
#define TD_MSG_RECEIPT_NOT_IN_CHECKPOINT_YET "mục %llu chưa nằm trong điểm kiểm tra mới nhất (%llu mục); thử lại sau"
#define TD_MSG_RECEIPT_SERVER_NO_REPLY "máy chủ không trả lời yêu cầu biên nhận: %s"
#define TD_MSG_RECEIPT_SEQ_OR_INDEX "cần đúng một trong --seq hoặc --index\nXem: tiendo receipt --help"

#define TD_MSG_RENEW_IDENTITY_UNREADABLE "không đọc được khóa/chứng thư hiện tại: %s"
#define TD_MSG_RENEW_NEW_CERT_BAD "chứng thư mới %s: %s"
#define TD_MSG_RENEW_WORD_NOT_VALID_NOW "đã hết hạn hoặc chưa có hiệu lực"
#define TD_MSG_RENEW_WORD_NOT_FROM_CA "không do CA của tỉnh cấp"
#define TD_MSG_RENEW_SUBJECT_DIFFERS "chứng thư mới không cùng cơ quan/thiết bị/vai trò với chứng thư hiện tại " \
    "(%s/%s, %s)"
#define TD_MSG_RENEW_KEY_MISMATCH "chứng thư mới không khớp với khóa đang chờ (%s) hay khóa hiện tại; " \
    "chạy lại \"tiendo renew --csr-out\" và gửi yêu cầu mới cho cán bộ CA"
#define TD_MSG_RENEW_DIR_TOO_LONG "đường dẫn thư mục thiết bị quá dài: %s"
#define TD_MSG_RENEW_TOO_MANY_OLD "đã có quá nhiều chứng thư cũ cùng thời điểm %s trong %s"
#define TD_MSG_RENEW_KEEP_FAILED "không giữ lại được %s: %s"
#define TD_MSG_RENEW_KEY_SWAP_FAILED "không thay được khóa: %s (khóa cũ: %s)"
#define TD_MSG_RENEW_REQUEST_FAILED "không tạo được yêu cầu cấp lại: %s"
#define TD_MSG_RENEW_EXPIRED_OFFLINE "chứng thư đã hết hạn nên không cấp lại trực tuyến được; làm theo các bước trên."
#define TD_MSG_RENEW_KEYGEN_FAILED "không tạo được khóa/yêu cầu: %s"
#define TD_MSG_RENEW_ENCODE_FAILED "không mã hóa được yêu cầu"
#define TD_MSG_RENEW_OFFLINE_HINT "  Có thể làm ngoại tuyến: tiendo renew --dir %s --csr-out TỆP"
#define TD_MSG_RENEW_SERVER_NO_REPLY "máy chủ không trả lời yêu cầu cấp lại: %s"
#define TD_MSG_RENEW_SERVER_BAD_FRAME "máy chủ trả lời không đúng giao thức (khung %d); máy chủ có thể quá cũ"
#define TD_MSG_RENEW_SERVER_REFUSED "máy chủ không cấp lại: %s\n" \
    "  Cách khác: tiendo renew --dir %s --csr-out TỆP rồi gửi TỆP cho cán bộ CA."
#define TD_MSG_RENEW_WORD_NO_REASON "không rõ lý do"
#define TD_MSG_RENEW_SERVER_CERT_CORRUPT "chứng thư máy chủ gửi về bị hỏng"
#define TD_MSG_RENEW_EXTRA_ARG "tham số thừa"
#define TD_MSG_RENEW_CSR_OUT_OR_IMPORT "--csr-out và --import không dùng cùng nhau"
#define TD_MSG_RENEW_NOT_ENROLLED "thiết bị chưa được đăng ký: %s"
#define TD_MSG_RENEW_CERT_UNREADABLE "không đọc được chứng thư %s: %s"

#define TD_MSG_REPORT_PROMPT_CURRENT_TEXT "Nội dung đang có:\n%s\nGõ nội dung mới, hoặc gõ ngay một dòng chỉ có dấu chấm \".\" để giữ nguyên."
#define TD_MSG_REPORT_PROMPT_TYPE_TEXT "Gõ nội dung (nhiều dòng được), kết thúc bằng một dòng chỉ có dấu chấm \".\"; " \
    "để trống thì gõ \".\" ngay.\n(Đặt biến EDITOR, ví dụ EDITOR=nano, để soạn bằng trình soạn thảo.)"
#define TD_MSG_REPORT_NOMEM "hết bộ nhớ"
#define TD_MSG_REPORT_TEMP_CREATE_FAILED "không tạo được tệp tạm %s: %s"
#define TD_MSG_REPORT_TEMP_WRITE_FAILED "không ghi được tệp tạm %s"
#define TD_MSG_REPORT_EDITOR_FAILED "trình soạn thảo \"%s\" không chạy được hoặc thoát với lỗi (mã %d); " \
    "không ghi gì. Hãy kiểm tra biến EDITOR/VISUAL."
#define TD_MSG_REPORT_EDITOR_FILE_LOST "không đọc lại được tệp %s (mất tệp hoặc quá %d byte)"
#define TD_MSG_REPORT_EDITOR_REREAD_FAILED "không đọc lại được tệp soạn thảo"
#define TD_MSG_REPORT_TEXT_FIELD_BAD "%s: nội dung %s (tối đa %d byte)"
#define TD_MSG_REPORT_PROMPT_STATE_HINT "  Hãy gõ 1, 2 hoặc 3 (hoặc chua, dang, xong)."
#define TD_MSG_REPORT_PROMPT_PERCENT_HINT "  Phần trăm là số nguyên từ 0 đến 100."
#define TD_MSG_REPORT_PROMPT_DATE_HINT "  Ngày có dạng dd/mm/yyyy và không ở sau hôm nay."
#define TD_MSG_REPORT_PROMPT_RESULT_REQUIRED "  Kết quả thực hiện là BẮT BUỘC khi báo cáo \"%s\": hãy ghi kết quả đã đạt được " \
    "(Ctrl-C để dừng và lưu bản nháp)."
#define TD_MSG_REPORT_NO_PLAN_TASK_UNCHECKED "tiendo %s: (bản sao chưa có kế hoạch: chưa kiểm tra được nhiệm vụ %u; máy chủ sẽ kiểm tra " \
    "khi đồng bộ)"
#define TD_MSG_REPORT_BATCH_TOO_LARGE "tiendo %s: tệp %s lớn quá %u MB; hãy chia thành nhiều tệp."
#define TD_MSG_REPORT_BATCH_UNREADABLE "tiendo %s: không đọc được tệp %s: %s"
#define TD_MSG_REPORT_BATCH_CELL_ERROR "%s:%d: cột %s: %s"
#define TD_MSG_REPORT_BATCH_MORE_ERRORS "... và %d lỗi khác."
#define TD_MSG_REPORT_BATCH_REFUSED "tiendo %s: tệp %s có %d lỗi; KHÔNG ghi báo cáo nào. Hãy sửa tệp rồi chạy lại."
#define TD_MSG_REPORT_NO_PLAN_TASKS_UNCHECKED "tiendo %s: (bản sao chưa có kế hoạch: chưa kiểm tra được các nhiệm vụ; máy chủ sẽ kiểm tra " \
    "khi đồng bộ)"
#define TD_MSG_REPORT_BATCH_STOPPED "tiendo %s: %s\ntiendo %s: dừng ở dòng %d: đã ghi %d báo cáo đầu, các dòng từ %d trở đi " \
    "CHƯA được ghi."
#define TD_MSG_REPORT_SHOW_NOT_IN_REPLICA "bản sao chưa có báo cáo của %s về nhiệm vụ %ld kỳ %s. " \
    "Báo cáo mới ghi chỉ có ở đây sau khi đồng bộ (tiendo sync); bản nháp: tiendo draft list."
#define TD_MSG_REPORT_PROMPT_SAVED_DRAFT "Những gì đã gõ được lưu thành bản nháp (chưa ký, chưa gửi). Tiếp tục: `tiendo report %u --period " \
    "%s` (bắt đầu từ bản nháp); xem: `tiendo draft show %u --period %s`."
#define TD_MSG_REPORT_PERCENT_BAD "phần trăm hoàn thành phải là số nguyên từ 0 đến 100 (nhận được " \
    "\"%s\"). Ví dụ: --percent 40.\nXem: tiendo report --help"
#define TD_MSG_REPORT_TEXT_OPT_BAD "--%s: %s (tối đa %d byte)."
#define TD_MSG_REPORT_FROM_DRAFT "bắt đầu từ bản nháp đã lưu của nhiệm vụ %u kỳ %s."
#define TD_MSG_REPORT_WAS_RETURNED "báo cáo nhiệm vụ %u kỳ %s đã bị Sở KH&CN TRẢ LẠI.\n  Lý do: %s\n" \
    "  Nội dung đã gửi được điền sẵn: sửa chỗ cần sửa, Enter (hoặc \".\") để giữ nguyên."
#define TD_MSG_REPORT_PROMPT_ABORTED "%s khi đang hỏi; báo cáo CHƯA được ký."
#define TD_MSG_REPORT_WORD_INTERRUPTED "đã dừng (Ctrl-C hoặc màn hình bị đóng)"
#define TD_MSG_REPORT_WORD_END_OF_INPUT "hết dữ liệu nhập"
#define TD_MSG_REPORT_NOT_PROMPTED "(Không hỏi vì đầu vào không phải màn hình; --prompt để được hỏi. Lưu tạm: --draft.)"
#define TD_MSG_REPORT_DRAFT_NOT_DELETED "cảnh báo: báo cáo đã ghi nhưng chưa xóa được bản nháp (%s); " \
    "xóa bằng `tiendo draft delete %u --period %s`."
#define TD_MSG_DRAFT_NONE "không có bản nháp của nhiệm vụ %ld kỳ %s. Xem các bản nháp: tiendo draft list"
#define TD_MSG_DRAFT_DELETE_FAILED "không xóa được bản nháp: %s"
#define TD_MSG_DRAFT_CORRUPT "bản nháp %s hỏng (không giải mã được); xóa bằng `tiendo draft delete %ld " \
    "--period %s`."
#define TD_MSG_DRAFT_SUBMIT_FAILED "bản nháp nhiệm vụ %u kỳ %s chưa nộp được: %s"
#define TD_MSG_DRAFT_SUBMITTED_NOT_DELETED "cảnh báo: báo cáo đã ký nhưng chưa xóa được bản nháp (%s); " \
    "xóa bằng `tiendo draft delete %u --period %s`, ĐỪNG nộp lại."
#define TD_MSG_INDICATOR_VALUE_BAD "--value \"%s\" không hợp lệ: %s. Ví dụ: --value 42,5"
#define TD_MSG_INDICATOR_TEXT_BAD "--text/--note: %s (tối đa %d byte)"
#define TD_MSG_INDICATOR_WARNING "cảnh báo: %s"

#define TD_MSG_REPORT_ALL_PERIOD_MISSING "thiếu --period. Hãy ghi kỳ báo cáo, ví dụ --period 2025-06."
#define TD_MSG_REPORT_ALL_OFFICE_PARTIAL "thiết bị này thuộc %s (%s): bản sao của văn phòng đơn vị chỉ có phần sổ nhật ký cơ quan " \
    "được xem, nên không lập được báo cáo tổng hợp. Hãy chạy lệnh trên thiết bị của Sở KH&CN hoặc " \
    "Thanh tra tỉnh, hoặc dùng tiendo-server report trên máy chủ."

#define TD_MSG_SYNC_SENT_PROGRESS "Đã gửi %llu/%llu mục"
#define TD_MSG_SYNC_RECEIVE_PROGRESS "Đang nhận: %llu mục..."
#define TD_MSG_SYNC_KEPT_BEFORE_CUT "(trước khi gián đoạn đã gửi %llu, nhận %llu mục: đã được lưu)"
/* the UI's sync box when a sync stopped on an alarm: its number, what it is about */
#define TD_MSG_UI_SYNC_STOPPED_ALARM "đồng bộ đã dừng vì cảnh báo số %lld: %s."
/* the alarm's number, then what it is about (app.h tdc_app_alarm_what) */
#define TD_MSG_SYNC_ALARM_STOPPED "CẢNH BÁO số %lld: %s.\n" \
    "  Đồng bộ đã dừng, không gửi và không nhận gì. Bằng chứng (hai điểm kiểm tra và bằng chứng\n" \
    "  nhất quán) đã được lưu. Hãy báo cho bộ phận thanh tra; xem: tiendo status"
#define TD_MSG_SYNC_FAILED "đồng bộ với %s không thành công: %s%s"
#define TD_MSG_SYNC_RETRY_AT "  Thử lại lúc %s (sau %.1f giây; lần lỗi liên tiếp thứ %u)."
#define TD_MSG_SYNC_SECONDS_BAD "%s phải là số giây từ %llu đến %d: \"%s\"\nXem: tiendo sync --help"
#define TD_MSG_SYNC_WATCH_ONLY_OPTS "--interval và --max-backoff chỉ dùng với --watch"
#define TD_MSG_SYNC_PARTIAL_KEPT "  Phần đã gửi, đã nhận được giữ lại; chạy lại `tiendo sync` để tiếp tục."

#define TD_MSG_TASKS_NO_PLAN_SYNC "tiendo %s: bản sao trên thiết bị chưa có kế hoạch. Hãy đồng bộ trước: tiendo sync"
#define TD_MSG_TASKS_SECTION_UNKNOWN "kế hoạch không có mục \"%s\". Các mục:"
#define TD_MSG_TASKS_STATUS_FAILED "không tính được trạng thái: %s"
#define TD_MSG_TASKS_TASK_UNKNOWN "nhiệm vụ số %ld không có trong kế hoạch %s (%zu nhiệm vụ). " \
    "Xem danh sách: tiendo tasks --all"
#define TD_MSG_TASKS_REPLICA_OR_STATUS_FAILED "không đọc được bản sao hoặc không tính được trạng thái: %s"

#define TD_MSG_DEVICE_CONFIG_INT_BAD "%s: %s phải là số nguyên từ %d đến %d, không phải \"%s\"; dùng mặc định %d."

#define TD_MSG_UI_LISTEN_LOCAL_ONLY "chỉ nghe được trên địa chỉ của chính máy này (127.0.0.1 hoặc ::1), không phải " \
    "\"%s\": mở giao diện cho máy khác cần mã hóa TLS, chưa được hỗ trợ. Muốn dùng từ máy khác, " \
    "hãy cài tiendo trên máy đó."
#define TD_MSG_UI_CRYPTO_INIT_FAILED "không khởi tạo được thư viện mật mã"
#define TD_MSG_UI_MHD_LOAD "không nạp được thư viện máy chủ web %s (%s); hãy cài lại gói tiendo-client, gói này kéo theo thư viện đó"
#define TD_MSG_UI_PORT_BUSY "không mở được cổng %ld%s trên %s (đang bận?): hãy chọn cổng khác bằng --port."
#define TD_MSG_UI_AND_NEXT_PORTS " và các cổng kế tiếp"

/* ---- app.c: shared pieces of the commands; assignments and returns of texts. */
#define TD_MSG_APP_WORD_NEVER "chưa bao giờ"
#define TD_MSG_APP_TEXT_TOO_LONG "dài %s byte, quá giới hạn %s byte"
#define TD_MSG_APP_NOT_UTF8 "không phải văn bản UTF-8 hợp lệ (hãy lưu tệp/ghi bằng mã UTF-8)"

/* ---- audit.c: audit verify: what a checkpoint or an entry of the log breaks; audit verify: the summary. */
#define TD_MSG_AUDIT_CKPT_NO_SERVER_KEY "checkpoint kích thước %" PRIu64 \
    ": không có khóa máy chủ (mục 1 không phải chứng thư của máy chủ)"
#define TD_MSG_AUDIT_CKPT_ORIGIN_UNREADABLE "checkpoint kích thước %" PRIu64 \
    ": không đọc được dòng nguồn gốc (origin)"
#define TD_MSG_AUDIT_CKPT_ORIGIN_BAD_NAME "checkpoint kích thước %" PRIu64 \
    ": nguồn gốc \"%s\" không dùng được làm tên khóa (%s)"
#define TD_MSG_AUDIT_CKPT_NO_SERVER_SIG "checkpoint kích thước %" PRIu64 \
    ": không có chữ ký của khóa máy chủ trong nhật ký (ký bằng khóa khác?) (%s)"
#define TD_MSG_AUDIT_CKPT_SIG_BAD "checkpoint kích thước %" PRIu64 \
    ": chữ ký của máy chủ không hợp lệ (nội dung đã bị sửa?) (%s)"
#define TD_MSG_AUDIT_CKPT_ORIGIN_OTHER "checkpoint kích thước %" PRIu64 ": nguồn gốc khác \"%s\" (%s)"
#define TD_MSG_AUDIT_CKPT_UNREADABLE "checkpoint kích thước %" PRIu64 ": không đọc được (%s)"
#define TD_MSG_AUDIT_CKPT_SIZE_MISMATCH "checkpoint ghi kích thước %" PRIu64 " trong bảng nhưng %" PRIu64 \
    " trong nội dung đã ký"
#define TD_MSG_AUDIT_CKPT_ROOT_MISMATCH "checkpoint kích thước %" PRIu64 \
    ": cột root %s khác gốc trong nội dung đã ký %s"
#define TD_MSG_AUDIT_ROOT_RECOMPUTED_DIFFERS "gốc cây Merkle tính lại của %" PRIu64 \
    " mục đầu là %s, checkpoint đã ký ghi %s"
#define TD_MSG_AUDIT_CKPT_STATE_LINE "checkpoint kích thước %" PRIu64 \
    ": %s dòng \"tiendo-state <hex>\" (hoặc \"tiendo-state-v2 <hex>\")"
#define TD_MSG_AUDIT_STATE_LINE_MALFORMED "sai định dạng"
#define TD_MSG_AUDIT_STATE_LINE_MISSING "thiếu"
#define TD_MSG_AUDIT_STATE_DIGEST_DIFFERS "trạng thái tổng hợp lại sau %" PRIu64 \
    " mục có mã băm %s, máy chủ ghi trong checkpoint %s"
#define TD_MSG_AUDIT_ENTRY_MISSING "mục %" PRIu64 " bị thiếu (sau mục %" PRIu64 " là mục %" PRIu64 ")"
#define TD_MSG_AUDIT_ENTRIES_MISSING "các mục %" PRIu64 "..%" PRIu64 " bị thiếu (sau mục %" PRIu64 " là mục %" PRIu64 \
    ")"
#define TD_MSG_AUDIT_INDEX_OUT_OF_ORDER "chỉ số %" PRIu64 " không theo thứ tự (đang chờ mục %" PRIu64 ")"
#define TD_MSG_AUDIT_ENTRY_UNDECODABLE "nội dung mục không giải mã được (%s)"
#define TD_MSG_AUDIT_KIND_UNKNOWN "loại mục không xác định (%d): máy chủ không bao giờ lưu"
#define TD_MSG_AUDIT_AUTHOR_SIG_BAD "chữ ký không hợp lệ với khóa tác giả (nội dung đã bị sửa hoặc giả mạo)"
#define TD_MSG_AUDIT_COLUMNS_DIFFER "các cột của bảng nhật ký (tác giả %s, số %" PRIu64 ", loại %d) khác nội dung đã ký"
#define TD_MSG_AUDIT_AUTHOR_NO_CERT "tác giả không có chứng thư hợp lệ nào trước đó trong nhật ký (máy chủ không bao giờ lưu mục như vậy: mục giả mạo?)"
#define TD_MSG_AUDIT_SEQ_NOT_AFTER "số thứ tự %" PRIu64 " không sau số %" PRIu64 \
    " đã có của tác giả (lặp lại hoặc đảo thứ tự)"
#define TD_MSG_AUDIT_SEQ_GAP "số thứ tự nhảy từ %" PRIu64 " lên %" PRIu64 " (thiếu các số ở giữa)"
#define TD_MSG_AUDIT_LOG_TRUNCATED "nhật ký bị cắt: checkpoint kích thước %" PRIu64 " đã được ký, nhật ký chỉ có %" \
    PRIu64 " mục"
#define TD_MSG_AUDIT_AUTHOR_NAME_KEY "%s (%s, khóa %.16s)"
#define TD_MSG_AUDIT_VERIFY_MISMATCH_AT "KHÔNG KHỚP tại mục %"
#define TD_MSG_AUDIT_VERIFY_MISMATCH_CKPT " (checkpoint kích thước %" PRIu64 ")"
#define TD_MSG_AUDIT_VERIFY_MISMATCH_ENTRY ": tác giả %s, số %" PRIu64 ", loại %s"
#define TD_MSG_AUDIT_VERIFY_CHECKED_BEFORE "Đã kiểm tra hợp lệ %" PRIu64 " mục và %" PRIu64 \
    " checkpoint trước chỗ không khớp.\n"
#define TD_MSG_AUDIT_VERIFY_OK "Nhật ký hợp lệ: %" PRIu64 " mục, %" PRIu64 " tác giả có chứng thư.\n"
#define TD_MSG_AUDIT_VERIFY_OK_DETAIL "Mọi chữ ký mục đều đúng; chỉ số liên tục từ 1; số thứ tự của từng tác giả liên tục.\n"
#define TD_MSG_AUDIT_VERIFY_NO_CKPT "CẢNH BÁO: không có checkpoint nào để đối chiếu: cây Merkle và trạng thái chưa được so với máy chủ.\n"
#define TD_MSG_AUDIT_VERIFY_CKPTS "Checkpoint: %" PRIu64 \
    " đã đối chiếu (chữ ký, gốc cây Merkle, trạng thái tổng hợp), nguồn gốc \"%s\".\n"
#define TD_MSG_AUDIT_VERIFY_LARGEST_TREE "Kích thước cây lớn nhất: %" PRIu64 ", gốc %s\n"
#define TD_MSG_AUDIT_VERIFY_TAIL_UNSIGNED "Lưu ý: %" PRIu64 " mục cuối chưa có checkpoint (chưa được máy chủ ký).\n"
#define TD_MSG_AUDIT_VERIFY_STATE_DIGEST "Mã băm trạng thái tổng hợp: %s\n"
#define TD_MSG_AUDIT_VERIFY_REFUSED_COUNT "Mục bị từ chối khi tổng hợp (vẫn được lưu, không phải sai lệch): %" PRIu64 \
    "\n"
#define TD_MSG_AUDIT_VERIFY_REFUSED_LINE "  - mục %" PRIu64 " (%s, tác giả %s): %s\n"
#define TD_MSG_AUDIT_VERIFY_CLOCK_COUNT "Báo cáo có giờ ký không khớp với nhật ký (đồng hồ máy sai?): %" PRIu64 "\n"
#define TD_MSG_AUDIT_VERIFY_CLOCK_LINE "  - mục %" PRIu64 " (nhiệm vụ %u, %s): %s"
#define TD_MSG_AUDIT_VERIFY_SIGNED_AFTER " (ký sau khi máy chủ nhận %lld ngày)"
#define TD_MSG_AUDIT_VERIFY_RECEIVED_AFTER " (máy chủ nhận sau khi ký %lld ngày)"
#define TD_MSG_AUDIT_VERIFY_MORE_ENTRIES "  ... và %" PRIu64 " mục khác\n"
#define TD_MSG_AUDIT_VERIFY_WITNESSES "Chứng kiến (witness): %zu chữ ký đồng ký; kích thước lớn nhất được chứng kiến hợp lệ: %" \
    PRIu64 "\n"
#define TD_MSG_AUDIT_VERIFY_WITNESS_LINE "  - kích thước %" PRIu64 ", %s: %s\n"
#define TD_MSG_AUDIT_WORD_VALID "hợp lệ"
#define TD_MSG_AUDIT_WORD_INVALID "KHÔNG hợp lệ"
#define TD_MSG_AUDIT_WORD_WITNESS_UNCHECKED "không kiểm được (không có chứng thư thanh tra tương ứng: dùng --witness-cert)"

/* ---- audit_hist.c: audit history: one line per entry; the alarms of the server's log; assignments and returns of
 * texts; column headings, field and action names. */
#define TD_MSG_HIST_REPORT "nhiệm vụ %s, %s: %s, %u%%%s%s"
#define TD_MSG_HIST_RESULT "; kết quả: "
#define TD_MSG_HIST_INDICATOR_VALUE "chỉ tiêu %s, %s: %g%s%s"
#define TD_MSG_HIST_INDICATOR_TEXT "chỉ tiêu %s, %s: %s"
#define TD_MSG_HIST_REVIEW "nhiệm vụ %s, %s: %s báo cáo (tác giả %s, số %" PRIu64 ")%s%s"
#define TD_MSG_HIST_WORD_ACCEPT "chấp nhận"
#define TD_MSG_HIST_WORD_RETURN "trả lại"
#define TD_MSG_HIST_COMMENT "; ý kiến: "
#define TD_MSG_HIST_CONDITION "nhiệm vụ %s: điều kiện đã đáp ứng ngày %02d/%02d/%04d, hạn %02d/%04d"
#define TD_MSG_HIST_EXTEND "gia hạn nhiệm vụ %u%s: thời hạn mới \"%.120s\"; lý do: %.120s"
#define TD_MSG_HIST_AND_OTHER_TASKS " (và các nhiệm vụ khác)"
#define TD_MSG_HIST_AUTHOR_SERVER "máy chủ (%s)"
#define TD_MSG_HIST_AUTHOR_UNKNOWN "không rõ (khóa %s)"
#define TD_MSG_ALARM_LOG_TRUNCATED "nhật ký máy chủ ngắn hơn lần đã xác minh (bị cắt bớt)"
#define TD_MSG_ALARM_CKPT_SIG_BAD "điểm kiểm tra không có chữ ký hợp lệ của máy chủ"
#define TD_MSG_ALARM_ORIGIN_CHANGED "điểm kiểm tra mang tên nhật ký khác với tên đã xác minh"
#define TD_MSG_ALARM_CKPT_WITHHELD "máy chủ không đưa điểm kiểm tra dù trước đây đã đưa"
#define TD_MSG_ALARM_SERVER_KEY_CHANGED "khóa của máy chủ khác khóa đã ký mục đầu tiên của nhật ký"
#define TD_MSG_ALARM_NOT_CONSISTENT "các mục nhận từ máy chủ không nối tiếp cây đã xác minh (thiếu mục, hoặc không khớp gốc cây)"
#define TD_MSG_ALARM_CHECK_FAILED "kiểm tra nhật ký máy chủ không đạt"
#define TD_MSG_ALARM_INCONSISTENT "máy chủ đưa ra lịch sử nhật ký không nhất quán với lịch sử đã xác minh (có thể đã bị sửa hoặc xóa)"
#define TD_MSG_HIST_STATE_UNKNOWN "không rõ"

/* ---- blob.c: an attachment refused: what a person is told. */
#define TD_MSG_ATTACH_EXPLAIN_EMPTY "Tệp \"%s\" rỗng (0 byte). Hãy chọn đúng tệp cần đính kèm."
#define TD_MSG_ATTACH_EXPLAIN_TOO_BIG "Tệp \"%s\" quá lớn (%.1f MB); tệp đính kèm tối đa %u MB. Hãy nén hoặc quét lại với độ phân " \
    "giải thấp hơn, hoặc đăng tệp lên trang thông tin của cơ quan và ghi đường dẫn vào báo cáo."
#define TD_MSG_ATTACH_EXPLAIN_NAME_BAD "Tên tệp \"%s\" không dùng được cho tệp đính kèm. Hãy đổi tên tệp rồi thử lại."
#define TD_MSG_ATTACH_EXPLAIN_TYPE_SEEN "Tệp \"%s\" là %s, không phải loại tệp được đính kèm. Chỉ nhận: %s."
#define TD_MSG_ATTACH_EXPLAIN_TYPE_UNKNOWN "Không nhận ra loại của tệp \"%s\" từ nội dung; chỉ nhận: %s (tệp .txt phải là UTF-8)."
#define TD_MSG_ATTACH_EXPLAIN_UNREADABLE "Không đọc được tệp \"%s\". Hãy kiểm tra đường dẫn và quyền đọc tệp."
#define TD_MSG_ATTACH_EXPLAIN_NOT_STORED "Không lưu được tệp \"%s\" vào bản sao dữ liệu (%s)."

/* ---- central.c: extend, condition: checks and the outbox summaries; column headings, field and action names. */
#define TD_MSG_CENTRAL_DEADLINE_PAST "thời hạn mới \"%s\" (hết ngày %s) đã qua: hôm nay là %s"
#define TD_MSG_CENTRAL_DEADLINE_EARLIER "thời hạn mới \"%s\" (%s) sớm hơn thời hạn hiện tại \"%s\" (%s)"
#define TD_MSG_CENTRAL_EXTEND_SUMMARY "gia hạn nhiệm vụ %s: \"%.40s\" → \"%.40s\"; lý do: %.80s"
#define TD_MSG_CENTRAL_CONDITION_SUMMARY "điều kiện nhiệm vụ %s đáp ứng ngày %s, hạn tháng %02d/%04d"
#define TD_MSG_CENTRAL_CONDITION_SUMMARY_NO_DUE "điều kiện nhiệm vụ %s đáp ứng ngày %s, chưa có hạn"
#define TD_MSG_CENTRAL_FIELD_NEW_DEADLINE "thời hạn mới"
#define TD_MSG_CENTRAL_FIELD_REASON "lý do"
#define TD_MSG_CENTRAL_ACTION_EXTEND "gia hạn nhiệm vụ"
#define TD_MSG_CENTRAL_FIELD_NOTE "ghi chú"
#define TD_MSG_CENTRAL_ACTION_CONDITION "ghi nhận điều kiện của nhiệm vụ"

/* ---- certwarn.c: the device certificate: clock, expiry. */
#define TD_MSG_CERT_CLOCK_WRONG "tiendo %s: LỖI ĐỒNG HỒ MÁY TÍNH: ngày giờ của máy đang là %s, sớm hơn ngày chứng thư số của thiết\n" \
    "  bị bắt đầu có hiệu lực (%s): đồng hồ máy tính đang chạy chậm. Chứng thư không có lỗi, không cần\n" \
    "  cấp lại. Máy chủ sẽ không nhận kết nối và các bản ghi ký lúc này mang ngày sai.\n" \
    "  Cách sửa: chỉnh ngày giờ của máy tính cho đúng (hoặc bật \"đồng bộ giờ tự động\"), rồi chạy lại\n" \
    "  lệnh. %llu bản ghi chưa gửi vẫn nằm trong hộp thư đi.\n"
#define TD_MSG_CERT_UNUSABLE "tiendo %s: chứng thư số của thiết bị %s ngày %s: máy chủ sẽ không nhận kết nối.\n" \
    "  Dữ liệu không bị mất: %llu bản ghi chưa gửi vẫn nằm trong hộp thư đi và sẽ được gửi\n" \
    "  sau khi có chứng thư mới (các bản ghi đã ký khi chứng thư còn hạn vẫn hợp lệ).\n" "  Cách khôi phục:\n" \
    "    1. tiendo renew --dir %s --csr-out yeu-cau-cap-lai.csr\n" \
    "    2. gửi tệp yeu-cau-cap-lai.csr cho cán bộ quản lý CA của Sở KH&CN, người chạy:\n" \
    "         tiendo-pki renew --dir THƯ_MỤC_CA --cert %s --csr yeu-cau-cap-lai.csr --out moi.crt\n" \
    "       (gửi kèm tệp %s)\n" "    3. tiendo renew --dir %s --import moi.crt\n" "    4. tiendo sync --dir %s\n"
#define TD_MSG_CERT_WORD_EXPIRED_SINCE "đã hết hạn từ"
#define TD_MSG_CERT_EXPIRES_SOON "tiendo %s: CHÚ Ý: chứng thư số của thiết bị hết hạn ngày %s (còn %lld ngày).\n" \
    "  Hãy cấp lại trước ngày đó: tiendo renew --dir %s\n" \
    "  (nếu máy chủ không cấp trực tuyến: tiendo renew --dir %s --csr-out TỆP và gửi TỆP cho cán bộ CA).\n"

/* ---- cmd_attachment.c: attachment list: where a file is; column headings, field and action names. */
#define TD_MSG_ATTACH_WHERE_LOCAL_UNSENT "máy này (chưa gửi)"
#define TD_MSG_ATTACH_WHERE_MISSING_HERE "THIẾU trên máy này"
#define TD_MSG_ATTACH_WHERE_BOTH "máy này + máy chủ"
#define TD_MSG_ATTACH_WHERE_LOCAL "máy này"
#define TD_MSG_ATTACH_WHERE_SERVER "máy chủ (tải: get)"
#define TD_MSG_ATTACH_COL_HASH "MÃ BĂM (đầu)"
#define TD_MSG_ATTACH_COL_PERIOD "KỲ"
#define TD_MSG_ATTACH_COL_SIZE "CỠ"
#define TD_MSG_ATTACH_COL_WHERE "CÓ Ở"

/* ---- cmd_audit.c: column headings, field and action names. */
#define TD_MSG_AUDIT_CSV_SERVER "(máy chủ)"

/* ---- cmd_central.c: review, condition, extend: wrong arguments; condition: the confirmation; column headings, field
 * and action names. */
#define TD_MSG_CENTRAL_AGENCY_MISSING "thiếu --agency (mã cơ quan đã báo cáo)"
#define TD_MSG_CENTRAL_AGENCY_TOO_LONG "mã cơ quan quá dài: "
#define TD_MSG_CENTRAL_ACCEPT_OR_RETURN_ONE "chỉ chọn một trong --accept và --return"
#define TD_MSG_CENTRAL_ACCEPT_OR_RETURN_NEEDED "cần --accept (chấp nhận) hoặc --return \"lý do\" (trả lại)"
#define TD_MSG_CENTRAL_RETURN_REASON_EMPTY "trả lại báo cáo cần lý do: --return \"lý do\" không được để trống"
#define TD_MSG_CENTRAL_MET_DATE_BAD "--met phải là ngày dd/mm/yyyy: "
#define TD_MSG_CENTRAL_DUE_MONTH_BAD "--due phải là tháng MM/YYYY, ví dụ 12/2026: "
#define TD_MSG_CENTRAL_MET_MISSING "thiếu --met (ngày điều kiện được đáp ứng)"
#define TD_MSG_CENTRAL_DEADLINE_MISSING "thiếu --deadline (thời hạn mới)"
#define TD_MSG_CENTRAL_REASON_MISSING "thiếu --reason: gia hạn phải có lý do"
#define TD_MSG_CENTRAL_CONDITION_CONFIRM "xác nhận điều kiện của nhiệm vụ %s đã được đáp ứng"
#define TD_MSG_CENTRAL_ACTION_REVIEW "thẩm định báo cáo"

/* ---- cmd_init.c: tiendo init: what cannot be installed, wrong arguments; assignments and returns of texts. */
#define TD_MSG_INIT_CERT_KEY_MISMATCH "chứng thư không khớp với khóa của thiết bị"
#define TD_MSG_INIT_CERT_EXPIRED "chứng thư đã hết hạn"
#define TD_MSG_INIT_CERT_NOT_FROM_CA "chứng thư không do CA này cấp hoặc không dùng được cho thiết bị"
#define TD_MSG_INIT_CERT_SUBJECT_BAD "chứng thư không ghi đúng cơ quan, thiết bị, vai trò"
#define TD_MSG_INIT_DIR_WRITE "không ghi được tệp trong thư mục thiết bị"
#define TD_MSG_INIT_AGENCY_BAD "mã cơ quan không hợp lệ: chỉ gồm chữ thường không dấu, số và dấu '-'"
#define TD_MSG_INIT_DEVICE_BAD "tên thiết bị không hợp lệ: chỉ gồm chữ không dấu, số và . _ -"
#define TD_MSG_INIT_CSR_WRITE "không ghi được yêu cầu cấp chứng thư"
#define TD_MSG_INIT_NO_KEY "chưa có khóa thiết bị: chạy \"tiendo init --agency ... --device ...\" trước"
#define TD_MSG_INIT_KEY_UNUSABLE "không dùng được khóa thiết bị"
#define TD_MSG_INIT_CERT_UNREADABLE "không đọc được tệp chứng thư"
#define TD_MSG_INIT_CERT_CORRUPT "tệp chứng thư hỏng"
#define TD_MSG_INIT_CA_UNREADABLE "không đọc được tệp chứng thư CA"
#define TD_MSG_INIT_CA_CORRUPT "tệp chứng thư CA hỏng"
#define TD_MSG_INIT_BUNDLE_UNREADABLE "không đọc được tệp gói"
#define TD_MSG_INIT_BUNDLE_BAD "tệp gói đăng ký không hợp lệ"
#define TD_MSG_INIT_KEY_EXISTS "thiết bị đã có khóa, không ghi đè"
#define TD_MSG_INIT_BUNDLE_ALONE "--bundle không dùng cùng --agency, --device, --cert, --ca"
#define TD_MSG_INIT_CERT_NEEDS_ALL "cài chứng thư cần đủ --cert, --ca và --server"
#define TD_MSG_INIT_CERT_NOT_WITH_KEYGEN "--cert không dùng cùng --agency, --device"
#define TD_MSG_INIT_KEYGEN_NEEDS_BOTH "tạo khóa cần đủ --agency và --device"
#define TD_MSG_INIT_SERVER_WHERE "--server dùng ở bước cài chứng thư (--cert) hoặc với --bundle"
#define TD_MSG_INIT_FORM_MISSING "cần --agency và --device, hoặc --cert, --ca và --server, hoặc --bundle"
#define TD_MSG_INIT_ACTION_KEYGEN "không tạo được khóa thiết bị"
#define TD_MSG_INIT_ACTION_INSTALL "không cài được chứng thư"
#define TD_MSG_INIT_ACTION_BUNDLE "không nhập được gói đăng ký"

/* ---- cmd_receipt.c: tiendo receipt: what the server's proof breaks. */
#define TD_MSG_RECEIPT_SERVER_CERT_BAD "chứng thư của máy chủ không dùng được"
#define TD_MSG_RECEIPT_CKPT_UNCHECKED "không kiểm tra được điểm kiểm tra của máy chủ"
#define TD_MSG_RECEIPT_CKPT_NONE "máy chủ không đưa ra điểm kiểm tra có chữ ký"
#define TD_MSG_RECEIPT_REPLICA_ERROR "lỗi bản sao"
#define TD_MSG_RECEIPT_WRONG_REPLY "máy chủ trả lời sai loại"
#define TD_MSG_RECEIPT_PROOF_OTHER_REQUEST "bằng chứng cho mục hoặc cỡ nhật ký khác với yêu cầu"
#define TD_MSG_RECEIPT_PROOF_NO_CKPT "bằng chứng không kèm điểm kiểm tra của cỡ đã yêu cầu"
#define TD_MSG_RECEIPT_PROOF_CKPT_BAD "điểm kiểm tra kèm bằng chứng không hợp lệ"
#define TD_MSG_RECEIPT_PROOF_NO_ENTRY "bằng chứng không kèm đúng mục nhật ký"
#define TD_MSG_RECEIPT_ENTRY_MALFORMED "mục nhật ký sai định dạng"
#define TD_MSG_RECEIPT_ENTRY_SIG_BAD "chữ ký của tác giả trên mục không hợp lệ"
#define TD_MSG_RECEIPT_ENTRY_NOT_OURS "mục ở chỉ số này không phải mục thiết bị đã ký"
#define TD_MSG_RECEIPT_PATH_TOO_LONG "đường kiểm chứng quá dài"
#define TD_MSG_RECEIPT_PATH_HASH_LEN "đường kiểm chứng có mã băm sai độ dài"
#define TD_MSG_RECEIPT_NOT_IN_LOG "mục không nằm trong nhật ký dưới điểm kiểm tra (bằng chứng Merkle sai)"

/* ---- cmd_report.c: report, draft, indicator: wrong arguments; report: the summary, the prompts, the editor; report:
 * the labels of a report's texts. */
#define TD_MSG_REPORT_SHOW_TASK_MISSING "report show cần số thứ tự nhiệm vụ: tiendo report show SỐ --period MM/YYYY"
#define TD_MSG_REPORT_STATE_BAD "--state phải là chua, dang hoặc xong (hoặc \"chưa triển khai\", " \
    "\"đang thực hiện\", \"đã hoàn thành\"): "
#define TD_MSG_REPORT_TOO_MANY_DOCS "quá nhiều --doc (tối đa 32)"
#define TD_MSG_REPORT_TOO_MANY_ATTACH "quá nhiều --attach (tối đa 8 tệp mỗi báo cáo)"
#define TD_MSG_REPORT_DONE_DATE_BAD "--done-date phải là ngày dd/mm/yyyy: "
#define TD_MSG_REPORT_TASK_TWICE "số nhiệm vụ ghi hai lần khác nhau: "
#define TD_MSG_REPORT_PROMPT_BOTH "--prompt và --no-prompt không dùng cùng nhau"
#define TD_MSG_REPORT_FROM_FILE_ALONE "--from-file lấy mọi thứ từ tệp: không dùng cùng số nhiệm vụ, --period, " \
    "các mục báo cáo, --draft hay --prompt"
#define TD_MSG_REPORT_TASK_MISSING "thiếu số nhiệm vụ: tiendo report SỐ --period MM/YYYY (xem các nhiệm vụ: tiendo tasks)"
#define TD_MSG_REPORT_TASK_BAD "số nhiệm vụ phải là số thứ tự (số nguyên dương) của nhiệm vụ: "
#define TD_MSG_DRAFT_SUBCMD_BAD "lệnh con phải là list, show, submit hoặc delete: "
#define TD_MSG_DRAFT_TASK_MISSING "cần số nhiệm vụ: tiendo draft "
#define TD_MSG_INDICATOR_TEXT_ONCE "--text và --note là một mục: chỉ ghi một lần"
#define TD_MSG_INDICATOR_CODE_MISSING "thiếu mã chỉ tiêu: tiendo indicator set MÃ --period MM/YYYY --value SỐ"
#define TD_MSG_INDICATOR_CODE_TOO_LONG "mã chỉ tiêu quá dài: "
#define TD_MSG_INDICATOR_VALUE_MISSING "cần --value SỐ (hoặc --text cho chỉ tiêu định tính)"
#define TD_MSG_INDICATOR_CODE_BAD "mã chỉ tiêu không hợp lệ: "
#define TD_MSG_REPORT_NEXT_STEP_SYNC "Bước tiếp theo: chạy `tiendo sync` khi có mạng để gửi lên máy chủ; `tiendo status` cho biết mục nào còn chờ gửi.\n"
#define TD_MSG_REPORT_SUMMARY_STATE_PERCENT "  Trạng thái: %s, %d%%\n"
#define TD_MSG_REPORT_SUMMARY_STATE "  Trạng thái: %s\n"
#define TD_MSG_REPORT_SUMMARY_DONE_DATE "  Ngày hoàn thành: %s\n"
#define TD_MSG_REPORT_SUMMARY_EVIDENCE "  Minh chứng: %s\n"
#define TD_MSG_REPORT_SUMMARY_DOC "  Văn bản: %s%s%s%s%s\n"
#define TD_MSG_REPORT_SUMMARY_ATTACHMENT "  Tệp đính kèm: %s (%s, %llu byte, sha256 %s…)\n"
#define TD_MSG_REPORT_EDITOR_HEADER "# %s\n" "# %s\n" \
    "# Viết nội dung bên dưới các dòng chú thích này, lưu tệp rồi đóng trình soạn thảo.\n" \
    "# Các dòng bắt đầu bằng '#' bị bỏ qua. Để trống nếu không có.\n"
#define TD_MSG_REPORT_PROMPT_TITLE "Báo cáo nhiệm vụ %u, kỳ %s"
#define TD_MSG_REPORT_PROMPT_STATE "%s.\nTrạng thái: 1 = chưa triển khai, 2 = đang thực hiện, 3 = đã hoàn thành%s%s%s: "
#define TD_MSG_REPORT_PROMPT_PERCENT "Phần trăm hoàn thành (0–100)%s: "
#define TD_MSG_REPORT_PROMPT_DONE_DATE "Ngày hoàn thành (dd/mm/yyyy) [Enter: %s]: "
#define TD_MSG_LABEL_RESULT_FULL "Kết quả thực hiện"

/* ---- cmd_status.c: tiendo status: wrong arguments. */
#define TD_MSG_STATUS_ALARM_NUMBER_BAD "số cảnh báo không hợp lệ: "
#define TD_MSG_STATUS_CLEAR_NEEDS_NOTE "--clear-alarm cần --note \"đã kiểm tra gì, với ai\": "
#define TD_MSG_STATUS_NOTE_NEEDS_CLEAR "--note chỉ dùng cùng --clear-alarm: "

/* ---- cmd_tasks.c: tiendo tasks: wrong arguments; tasks: column words, deadline kinds, next steps; assignments and
 * returns of texts; task: the labels of a report's texts; column headings, field and action names. */
#define TD_MSG_TASKS_DATE_BAD "--date phải là ngày dd/mm/yyyy: "
#define TD_MSG_TASKS_STATUS_UNKNOWN "--status không rõ; dùng done-on-time, done-late, ongoing, ongoing-late, " \
    "never-reported, not-started, due-soon hoặc awaiting-review: "
#define TD_MSG_TASKS_PERIOD_FUTURE "--period sau tháng hiện tại; chọn kỳ đến tháng này: "
#define TD_MSG_TASKS_COL_DONE_LATE "Xong quá hạn"
#define TD_MSG_TASKS_COL_ONGOING "Đang thực hiện"
#define TD_MSG_TASKS_COL_LATE "Quá hạn"
#define TD_MSG_TASKS_COL_NEVER_REPORTED "Chưa báo cáo"
#define TD_MSG_TASKS_COL_NOT_STARTED "Chưa thực hiện"
#define TD_MSG_TASKS_COL_DUE_SOON "Sắp đến hạn"
#define TD_MSG_TASKS_DEADLINE_RECURRING "Thường xuyên"
#define TD_MSG_TASKS_DEADLINE_ROADMAP "Theo lộ trình"
#define TD_MSG_TASKS_DEADLINE_CONDITIONAL "Có điều kiện"
#define TD_MSG_TASKS_DEADLINE_YEARLY "%sT%d hằng năm"
#define TD_MSG_TODO_REVIEW_HINT "tiendo review %s --agency %s --period %s --accept (hoặc --return \"lý do\")"
#define TD_MSG_TODO_ALARM_HINT "tiendo audit verify (kiểm tra toàn bộ nhật ký); tiendo tasks"
#define TD_MSG_TASKS_COL_LEAD "Chủ trì"
#define TD_MSG_TASKS_COL_PARTNER "Phối hợp"
#define TD_MSG_TASKS_COL_DONE_ON_TIME "Xong đúng hạn"
#define TD_MSG_TASK_LABEL_RESULT "Kết quả"
#define TD_MSG_LABEL_DIFFICULTIES "Khó khăn, vướng mắc"
#define TD_MSG_LABEL_PROPOSALS "Đề xuất, kiến nghị"
#define TD_MSG_TASK_LABEL_EVIDENCE "Minh chứng"
#define TD_MSG_TASK_LABEL_RETURN_REASON "Lý do trả lại"
#define TD_MSG_TASKS_STATE_NOT_GIVEN "không ghi trạng thái"
#define TD_MSG_TASKS_COL_SECTION "Mục"
#define TD_MSG_TASKS_COL_DEADLINE "Thời hạn"
#define TD_MSG_TASKS_COL_TASK "Nhiệm vụ"
#define TD_MSG_TASKS_COL_ROLE "Vai trò"
#define TD_MSG_TASKS_COL_DUE "Hạn"
#define TD_MSG_TASKS_COL_STATUS "Trạng thái"
#define TD_MSG_TASKS_COL_REPORT_PERIOD "Báo cáo kỳ"
#define TD_MSG_TASKS_COL_REPORT "Báo cáo"

/* ---- report_entry.c: report --from-file: what is wrong with the file; a report or an indicator value: the one
 * check; assignments and returns of texts; column headings, field and action names. */
#define TD_MSG_BATCH_EMPTY_FILE "tệp trống: dòng đầu phải là tên các cột (task,period,state,...)"
#define TD_MSG_BATCH_NO_TASK_PERIOD_COLUMN "thiếu cột task hoặc period (dòng đầu phải có tên các cột)"
#define TD_MSG_BATCH_PERIOD_MISSING "thiếu kỳ báo cáo (2025-06)"
#define TD_MSG_BATCH_NO_REPORTS "tệp không có báo cáo nào (chỉ có dòng tiêu đề)"
#define TD_MSG_REPORT_TOO_MANY_ATTACH_MAX "quá nhiều tệp đính kèm (tối đa %d)"
#define TD_MSG_REPORT_WORD_NOT_GIVEN "(không ghi)"
#define TD_MSG_REPORT_MORE_AGENCIES " và %zu cơ quan khác"
#define TD_MSG_REPORT_PERIOD_FUTURE "kỳ %s chưa đến (hôm nay là %s): chỉ báo cáo được tháng này hoặc các tháng trước. " \
    "Hãy kiểm tra kỳ báo cáo (MM/YYYY)."
#define TD_MSG_REPORT_TASK_NOT_IN_PLAN "nhiệm vụ số %u không có trong kế hoạch %s (%zu nhiệm vụ). " \
    "Xem các nhiệm vụ của cơ quan mình bằng `tiendo tasks` (tất cả: `tiendo tasks --all`)."
#define TD_MSG_REPORT_AGENCY_NOT_ON_TASK "cơ quan %s không chủ trì cũng không phối hợp nhiệm vụ %u (chủ trì: %s), nên không báo cáo " \
    "được nhiệm vụ này. Xem các nhiệm vụ của cơ quan mình bằng `tiendo tasks`."
#define TD_MSG_REPORT_HOW_RESULT_UI "điền ô Kết quả thực hiện"
#define TD_MSG_REPORT_HOW_RESULT_CSV "điền cột result"
#define TD_MSG_REPORT_HOW_RESULT_DRAFT "bổ sung vào bản nháp: tiendo report SỐ --period KỲ --result \"...\" --draft"
#define TD_MSG_REPORT_HOW_RESULT_CLI "thêm --result \"...\" (hoặc chạy lệnh ở màn hình dòng lệnh để được hỏi)"
#define TD_MSG_REPORT_FIELD_PERCENT_CSV "cột percent"
#define TD_MSG_REPORT_FIELD_PERCENT_UI "ô Phần trăm"
#define TD_MSG_REPORT_STATE_MISSING "thiếu trạng thái (chưa triển khai, đang thực hiện hay đã hoàn thành): hãy %s."
#define TD_MSG_REPORT_DONE_NOT_100 "báo cáo \"đã hoàn thành\" là 100%%, không phải %d%%: bỏ %s hoặc chọn trạng thái " \
    "\"đang thực hiện\" (dang)."
#define TD_MSG_REPORT_DONE_DATE_FUTURE "ngày hoàn thành ở sau hôm nay: hãy ghi ngày đã hoàn thành thật (dd/mm/yyyy)."
#define TD_MSG_REPORT_NOT_STARTED_NOT_0 "báo cáo \"chưa triển khai\" là 0%%, không phải %d%%: bỏ %s hoặc chọn trạng thái " \
    "\"đang thực hiện\" (dang)."
#define TD_MSG_REPORT_DONE_DATE_NOT_DONE "ngày hoàn thành chỉ ghi khi trạng thái là \"đã hoàn thành\" (xong)."
#define TD_MSG_REPORT_RESULT_MISSING "thiếu kết quả thực hiện: báo cáo \"%s\" phải nêu kết quả đã đạt được; hãy %s."
#define TD_MSG_REPORT_SUMMARY "báo cáo nhiệm vụ %u, kỳ %s: %s, %d%%"
#define TD_MSG_BATCH_ATTACH_HERE "không đính kèm được tệp ở đây (chỉ khi nhập bằng tiendo report --from-file)"
#define TD_MSG_BATCH_NOT_UTF8 "không phải văn bản UTF-8 (byte thứ %zu). Trong Excel hãy lưu bằng \"CSV UTF-8 " \
    "(Comma delimited)\"."
#define TD_MSG_BATCH_COLUMN_BAD "tên cột \"%s\" không hợp lệ; các cột: Nhiệm vụ, Kỳ, Trạng thái, Tỷ lệ, Kết quả, Khó khăn, " \
    "Kiến nghị, Minh chứng, Văn bản, Ngày hoàn thành, Tệp đính kèm (hoặc task, period, state, " \
    "percent, result, difficulties, proposals, evidence, doc, done_date, attach)"
#define TD_MSG_BATCH_COLUMN_TWICE "cột \"%s\" có hai lần"
#define TD_MSG_BATCH_TOO_MANY_REPORTS "quá %d báo cáo trong một tệp; hãy chia thành nhiều tệp"
#define TD_MSG_BATCH_ROW_TOO_MANY_CELLS "dòng có %zu ô, nhiều hơn %zu cột của dòng tiêu đề (thiếu dấu ngoặc kép " \
    "quanh một ô có dấu phân cách?)"
#define TD_MSG_BATCH_TASK_BAD "phải là số thứ tự nhiệm vụ (số nguyên dương), ví dụ 27"
#define TD_MSG_BATCH_PERIOD_BAD "kỳ phải có dạng 2025-06 hoặc 06/2025 (trong Excel, định dạng cột là Text)"
#define TD_MSG_BATCH_STATE_BAD "trạng thái phải là chua, dang, xong (hoặc \"chưa triển khai\", \"đang thực hiện\", " \
    "\"đã hoàn thành\")"
#define TD_MSG_BATCH_DONE_DATE_BAD "ngày hoàn thành \"%.40s\" không phải một ngày dd/mm/yyyy có thật"
#define TD_MSG_BATCH_DUPLICATE "nhiệm vụ %u kỳ %s đã có ở dòng %d; mỗi nhiệm vụ một báo cáo mỗi kỳ"
#define TD_MSG_REVIEW_SUMMARY_ACCEPT "thẩm định nhiệm vụ %u, %s, kỳ %s: chấp nhận%s%.80s"
#define TD_MSG_REVIEW_SUMMARY_RETURN "thẩm định nhiệm vụ %u, %s, kỳ %s: trả lại: %.80s"
#define TD_MSG_INDICATOR_PERIOD_FUTURE "kỳ %s chưa đến (hôm nay là %s): chỉ ghi được tháng này hoặc các tháng trước. Hãy kiểm tra " \
    "kỳ (MM/YYYY)."
#define TD_MSG_INDICATOR_NOT_IN_PLAN "chỉ tiêu mã \"%s\" không có trong kế hoạch. " \
    "Hãy kiểm tra mã chỉ tiêu (Phụ lục I của kế hoạch, ví dụ 7.1 hoặc II.3)."
#define TD_MSG_INDICATOR_IS_GROUP "chỉ tiêu %s là nhóm chỉ tiêu (gồm %s.1, %s.2, ...), không có giá trị " \
    "riêng: hãy ghi cho từng chỉ tiêu con."
#define TD_MSG_INDICATOR_IS_QUALITATIVE "chỉ tiêu %s là chỉ tiêu định tính (mục tiêu: \"%s\"): ghi kết quả " \
    "bằng --text \"...\", không có --value."
#define TD_MSG_INDICATOR_NEEDS_NUMBER "chỉ tiêu %s (đơn vị %s, mục tiêu %s) cần giá trị số: thêm --value " \
    "SỐ (ghi chú thì dùng thêm --note)."
#define TD_MSG_INDICATOR_WORD_NOT_GIVEN "không ghi"
#define TD_MSG_INDICATOR_PERCENT_RANGE "chỉ tiêu %s tính bằng %s: giá trị phải từ 0 đến 100; %s nằm " \
    "ngoài khoảng đó. Hãy ghi số phần trăm, ví dụ --value 42,5."
#define TD_MSG_INDICATOR_COUNT_INTEGER "chỉ tiêu %s đếm bằng \"%s\": giá trị phải là số nguyên không " \
    "âm (nhận được %s). Ví dụ: --value 3."
#define TD_MSG_INDICATOR_RANK_INTEGER "chỉ tiêu %s là thứ bậc (xếp hạng): giá trị phải là số nguyên " \
    "từ 1 trở lên (nhận được %s). Ví dụ: --value 12."
#define TD_MSG_INDICATOR_INDEX_RANGE "chỉ tiêu %s (%s) là chỉ số từ 0 đến 1 (nhận được %s). " "Ví dụ: --value 0,8."
#define TD_MSG_INDICATOR_NOT_NEGATIVE "chỉ tiêu %s (đơn vị %s) không thể âm (nhận được %s)."
#define TD_MSG_INDICATOR_UNIT_UNKNOWN "Lưu ý: đơn vị \"%s\" của chỉ tiêu %s chưa có trong bảng phân loại đơn vị; chỉ kiểm tra được " \
    "giá trị là một số.\n"
#define TD_MSG_INDICATOR_NOT_MONITOR "không ghi: cơ quan %s không theo dõi chỉ tiêu %s theo kế hoạch (theo dõi: %s), giá trị " \
    "sẽ bị từ chối khi tổng hợp. Cần làm: chỉ nhập chỉ tiêu do cơ quan mình theo dõi; nếu " \
    "kế hoạch đã giao cho cơ quan, đồng bộ (tiendo sync) rồi ghi lại; nếu kế hoạch sai, báo " "Sở KH&CN."
#define TD_MSG_INDICATOR_NO_PLAN "Lưu ý: bản sao chưa có kế hoạch nên chưa kiểm tra được mã và đơn vị của chỉ tiêu %s; máy chủ sẽ " \
    "kiểm tra khi đồng bộ.\n"
#define TD_MSG_INDICATOR_SUMMARY "chỉ tiêu %s, kỳ %s: %s"
#define TD_MSG_INDICATOR_SUMMARY_TEXT "chỉ tiêu %s, kỳ %s: %.60s"
#define TD_MSG_REPORT_TOO_MANY_EVIDENCE "quá nhiều minh chứng (tối đa 32)"
#define TD_MSG_REPORT_TOO_MANY_DOCS_MAX "quá nhiều văn bản (tối đa 32)"
#define TD_MSG_REPORT_DOC_NUMBER_MISSING "thiếu số hiệu văn bản; dạng đúng: \"SỐ HIỆU,dd/mm/yyyy,trích yếu\", ví dụ \"12/KH-SKHCN,05/06/2025,Kế hoạch tuyên truyền\""
#define TD_MSG_REPORT_DOC_DATE_BAD "ngày ban hành của văn bản phải có dạng dd/mm/yyyy, ví dụ \"12/KH-SKHCN,05/06/2025\""
#define TD_MSG_REPORT_DOC_DATE_FUTURE "ngày ban hành của văn bản ở sau hôm nay; hãy kiểm tra lại ngày"
#define TD_MSG_REPORT_HOW_STATE_UI "chọn ô Trạng thái"
#define TD_MSG_REPORT_HOW_STATE_CSV "điền cột state (chua, dang hoặc xong)"
#define TD_MSG_REPORT_HOW_STATE_DRAFT "bổ sung vào bản nháp: tiendo report SỐ --period KỲ --state dang --draft"
#define TD_MSG_REPORT_HOW_STATE_CLI "thêm --state chua|dang|xong"
#define TD_MSG_REPORT_PERCENT_RANGE "phần trăm hoàn thành phải là số nguyên từ 0 đến 100"
#define TD_MSG_NUMBER_TOO_LONG "quá dài"
#define TD_MSG_NUMBER_CHARS "chỉ gồm chữ số, một dấu thập phân (',' hoặc '.') và dấu '-' ở đầu nếu âm"
#define TD_MSG_NUMBER_NO_DIGIT "không có chữ số"
#define TD_MSG_NUMBER_TWO_DECIMAL_MARKS "có nhiều hơn một dấu thập phân; đừng dùng dấu phân cách hàng nghìn (viết 1234,5 chứ không 1.234,5)"
#define TD_MSG_NUMBER_NOT_A_NUMBER "không phải là số"
#define TD_MSG_REPORT_STATE_NOT_CHOSEN "(chưa chọn)"

/* ---- ui.c: tiendo ui: refused requests (title, text) and wrong arguments. */
#define TD_MSG_UI_REFUSED_TITLE "Từ chối truy cập"
#define TD_MSG_UI_HOST_NOT_LOCAL "Tên máy trong địa chỉ yêu cầu không phải máy này (127.0.0.1/localhost): giao diện tiendo chỉ " \
    "mở được từ chính máy tính của cơ quan."
#define TD_MSG_UI_METHOD_TITLE "Không hỗ trợ"
#define TD_MSG_UI_METHOD_ONLY_GET_POST "Chỉ hỗ trợ GET và POST."
#define TD_MSG_UI_NOT_FOUND_TITLE "Không tìm thấy"
#define TD_MSG_UI_NOT_FOUND "Không có tệp này."
#define TD_MSG_UI_TOKEN_WRONG_TITLE "Mã truy cập sai"
#define TD_MSG_UI_TOKEN_WRONG "Mã truy cập trong địa chỉ không đúng. Hãy mở địa chỉ mà lệnh `tiendo ui` in ra."
#define TD_MSG_UI_TOKEN_NEEDED_TITLE "Cần mã truy cập"
#define TD_MSG_UI_TOKEN_NEEDED "Hãy mở giao diện bằng địa chỉ có mã truy cập mà lệnh `tiendo ui` in ra khi khởi " \
    "động; trình duyệt sẽ nhớ mã cho các lần sau."
#define TD_MSG_UI_TOO_LARGE_TITLE "Dữ liệu quá lớn"
#define TD_MSG_UI_FORM_TOO_LARGE "Biểu mẫu gửi lên quá lớn; hãy rút gọn nội dung."
#define TD_MSG_UI_REQUEST_REFUSED_TITLE "Từ chối yêu cầu"
#define TD_MSG_UI_CSRF_BAD "Yêu cầu thiếu hoặc sai mã chống giả mạo (CSRF). Hãy tải lại trang rồi làm lại."
#define TD_MSG_UI_PORT_BAD "--port phải là số cổng 0..65535: "
#define TD_MSG_UI_INTERVAL_BAD "--interval phải là số giây 1..86400: "
#define TD_MSG_UI_MAX_BACKOFF_BAD "--max-backoff phải là số giây 1..86400: "

/* ---- ui_alarm.c: tiendo ui: form errors and confirmations; tiendo ui: page titles built with a value. */
#define TD_MSG_UI_ALARM_CLEARED "Đã đánh dấu xử lý cảnh báo số %ld; ghi chú đã được lưu, bằng chứng vẫn được giữ."
#define TD_MSG_UI_TITLE_ALARM "Cảnh báo số %ld"

/* ---- ui_central.c: tiendo ui, central pages: refused forms and pages; tiendo ui: form errors and confirmations;
 * tiendo ui: page titles built with a value. */
#define TD_MSG_UI_CONFIRM_NEEDED "Cần xác nhận:"
#define TD_MSG_UI_NOT_SAVED "Chưa ghi được:"
#define TD_MSG_UI_TASK_NUMBER_BAD "số nhiệm vụ không hợp lệ"
#define TD_MSG_UI_MET_DATE_BAD "ngày điều kiện được đáp ứng phải có dạng dd/mm/yyyy"
#define TD_MSG_UI_DUE_MONTH_BAD "tháng hoàn thành phải có dạng MM/YYYY, ví dụ 12/2027"
#define TD_MSG_UI_STATUS_FAILED "Không tính được trạng thái:"
#define TD_MSG_UI_CENTRAL_ONLY "Trang tổng hợp dành cho Sở KH&amp;CN và thanh tra; bản sao của một cơ quan chỉ có phần " \
    "của cơ quan đó."
#define TD_MSG_UI_HISTORY_ONLY "Lịch sử nhật ký dành cho thanh tra và Sở KH&amp;CN."
#define TD_MSG_UI_EXTEND_CONFIRM "nhiệm vụ %ld: %s. Nếu đúng là như vậy, đánh dấu ô \"Đồng ý ghi cả khi thời hạn mới " \
    "đã qua hoặc sớm hơn\" rồi ký lại; nếu ghi nhầm, hãy sửa thời hạn. Chưa ghi gì."
#define TD_MSG_UI_EXTEND_SIGNED "Đã ký thay đổi thời hạn nhiệm vụ %ld (%s → %s), số thứ tự %llu; chờ gửi, sẽ gửi khi " \
    "đồng bộ."
#define TD_MSG_UI_CONDITION_SIGNED "Đã ký xác nhận điều kiện của nhiệm vụ %ld đã được đáp ứng, số thứ tự %llu; chờ gửi, " \
    "sẽ gửi khi đồng bộ."
#define TD_MSG_UI_TITLE_EXTEND "Thời hạn nhiệm vụ %d"
#define TD_MSG_UI_NO_SECTION "(không thuộc mục nào)"
#define TD_MSG_UI_TITLE_TASK_HISTORY "Lịch sử nhiệm vụ số %ld"
#define TD_MSG_UI_TITLE_AGENCY_HISTORY "Lịch sử cơ quan %s"
#define TD_MSG_UI_TITLE_LOG_HISTORY "Lịch sử nhật ký"

/* ---- ui_pages.c: tiendo ui: form errors and confirmations; tiendo ui: page titles built with a value. */
#define TD_MSG_UI_PERIOD_BAD "kỳ báo cáo phải có dạng YYYY-MM"
#define TD_MSG_UI_STATE_BAD "trạng thái không hợp lệ"
#define TD_MSG_UI_DONE_DATE_BAD "ngày hoàn thành phải có dạng dd/mm/yyyy"
#define TD_MSG_UI_TEXT_LIMIT "%s (tối đa %d byte)"
#define TD_MSG_UI_LINE_ERROR "dòng \"%.200s\": %s"
#define TD_MSG_UI_ATTACHMENT_ERROR "tệp đính kèm: %s"
#define TD_MSG_UI_REPORT_SIGNED "Đã ký báo cáo nhiệm vụ %s kỳ %s (số thứ tự %llu); chờ gửi, sẽ gửi khi đồng bộ."
#define TD_MSG_UI_REVIEW_WHICH "không rõ báo cáo nào"
#define TD_MSG_UI_REVIEW_NOT_IN_REPLICA "bản sao không có báo cáo này; hãy đồng bộ"
#define TD_MSG_UI_REVIEW_ERROR "nhiệm vụ %ld của %s: %s"
#define TD_MSG_UI_REVIEWS_SIGNED "Đã ghi %d ý kiến thẩm định; chờ gửi, sẽ gửi khi đồng bộ."
#define TD_MSG_UI_INDICATOR_OFFICE_ONLY "chỉ thiết bị của cơ quan mới ghi giá trị chỉ tiêu"
#define TD_MSG_UI_INDICATOR_PICK "hãy chọn chỉ tiêu"
#define TD_MSG_UI_INDICATOR_PERIOD_BAD "kỳ phải có dạng YYYY-MM"
#define TD_MSG_UI_INDICATOR_VALUE_BAD "giá trị \"%.60s\" không hợp lệ: %s"
#define TD_MSG_UI_INDICATOR_TEXT_BAD "kết quả/ghi chú: %s"
#define TD_MSG_UI_INDICATOR_VALUE_NEEDED "cần giá trị số, hoặc kết quả cho chỉ tiêu định tính"
#define TD_MSG_UI_INDICATOR_SIGNED "Đã ký giá trị chỉ tiêu %s (số thứ tự %llu); chờ gửi. %s%s"
#define TD_MSG_UI_TITLE_TASK "Nhiệm vụ %d"
#define TD_MSG_UI_TITLE_REPORT "Báo cáo nhiệm vụ %s, kỳ %s"
#define TD_MSG_UI_TITLE_NOT_REPORTED "Cơ quan chưa báo cáo kỳ %s"

/* ---- cmd_audit.c: audit verify's progress on a terminal (stderr), one line
 * rewritten in place: entries checked of the log's size, or checked only. */
#define TD_MSG_AUDIT_VERIFY_PROGRESS_OF "\rĐang kiểm tra nhật ký: %" PRIu64 "/%" PRIu64 " mục (%d%%)\033[K"
#define TD_MSG_AUDIT_VERIFY_PROGRESS "\rĐang kiểm tra nhật ký: %" PRIu64 " mục\033[K"

/* ---- ui_todo.c: tiendo ui: page titles built with a value. */
#define TD_MSG_UI_TITLE_TODO "Việc cần làm — ngày %s"

#endif
