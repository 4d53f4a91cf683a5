/*
 * msg.h — the catalogue of what tiendo-server says to people that the other
 * programs do not: its errors, warnings, confirmations and summaries on the
 * terminal.
 * Texts that several programs say are in common/msg.h (included here);
 * help texts are in the option tables (common/cli.h); the words of the web
 * pages stay in their page templates.  Each text is a string literal, so
 * printf formats are checked where they are used; the program's name
 * ("tiendo-server ...: ") and the final newline stay at the call.
 * tests/integration/cli_text.sh checks that no English word is here, and
 * that no message-printing call of server/ holds a Vietnamese text itself.
 */
#ifndef TDS_MSG_H
#define TDS_MSG_H

#include "../common/msg.h"

#define TD_MSG_AGENCY_LIST_AT_DATE "Cơ quan tồn tại ngày %s:"
#define TD_MSG_AGENCY_LIST_HEAD "Danh mục cơ quan (%zu cơ quan, %zu nhóm):"
#define TD_MSG_AGENCY_LIST_FROM ", từ %s"
#define TD_MSG_AGENCY_LIST_ENDED_SUCCESSORS ", ngừng từ %s; kế nhiệm:"
#define TD_MSG_AGENCY_ISSUER_SINCE "Cơ quan ban hành kế hoạch từ %s: %s"
#define TD_MSG_AGENCY_LIST_GROUPS "Nhóm:"
#define TD_MSG_AGENCY_GROUP_NO_MEMBERS " (không nêu tên thành viên)"
#define TD_MSG_AGENCY_TASKS_MOVED_HEAD "Nhiệm vụ chuyển cơ quan chịu trách nhiệm:"
#define TD_MSG_AGENCY_TASK_MOVED "  nhiệm vụ %s (%s): %s → %s"
#define TD_MSG_AGENCY_WORD_PARTNER "phối hợp"
#define TD_MSG_AGENCY_WORD_LEAD "chủ trì"
#define TD_MSG_AGENCY_NO_TASKS_MOVED "Không nhiệm vụ nào của kế hoạch đã lưu do cơ quan cũ phụ trách."
#define TD_MSG_AGENCY_SAVED "Đã lưu: %s (bản ghi số %llu của sổ nhật ký)."
#define TD_MSG_AGENCY_IMPORT_SUMMARY "Tệp %s: %zu cơ quan; %zu đã có (không đổi), %zu mới."
#define TD_MSG_AGENCY_FROM_DATE ", từ "
#define TD_MSG_AGENCY_NOTHING_CHANGED "Không có gì thay đổi: không ghi gì."
#define TD_MSG_AGENCY_DRY_RUN "Chạy thử: chưa lưu gì. Lưu bằng: tiendo-server agency import %s --apply"

#define TD_MSG_BACKUP_DONE "Đã sao lưu %s vào %s (%llu trang, %llu bước, %lld ms)."
#define TD_MSG_BACKUP_COPY_ENTRIES_ROOT "Bản sao có %llu mục; gốc Merkle %s"
#define TD_MSG_BACKUP_COPY_LAST_CKPT "Điểm kiểm đã ký mới nhất trong bản sao: kích thước %llu."
#define TD_MSG_BACKUP_CHECK_PASSED "Kiểm tra: integrity_check tốt; mọi mục khớp cây Merkle; gốc bằng gốc của máy chủ ở kích thước %llu."
#define TD_MSG_BACKUP_RESTORE_DONE "Đã khôi phục %s từ %s: %llu mục, gốc Merkle %s, điểm kiểm đã ký mới nhất: kích thước %llu."
#define TD_MSG_BACKUP_RESTORE_OLD_KEPT "Dữ liệu trước khi khôi phục được giữ ở %s."
#define TD_MSG_BACKUP_ROLLBACK_WARNING "Lưu ý: đơn vị nào đã xác minh điểm kiểm lớn hơn %llu sẽ báo động \"lùi lịch sử\" khi đồng bộ.\n" \
    "Trước khi mở lại cho các đơn vị, so sánh với điểm kiểm các đơn vị đang giữ (tiendo status)\n" \
    "và làm theo README, mục \"Sao lưu và khôi phục\". Các bản ghi còn trong hộp thư đi của đơn vị\n" \
    "sẽ được gửi lại ở lần đồng bộ sau."

#define TD_MSG_CHECKPOINT_WITNESS_LINE "  %-40s tới kích thước %llu (nhận lúc %s)"
#define TD_MSG_CHECKPOINT_NONE_YET_HINT "Sổ nhật ký ở %s chưa có điểm kiểm nào (%llu bản ghi).\n" \
    "Máy chủ ký điểm kiểm đầu tiên khi khởi động (tiendo-server serve) hoặc khi ghi bản ghi mới."
#define TD_MSG_CHECKPOINT_LATEST_HEAD "Điểm kiểm mới nhất của sổ nhật ký (%s):"
#define TD_MSG_CHECKPOINT_ORIGIN "  nguồn (origin):        %s"
#define TD_MSG_CHECKPOINT_TREE_SIZE "  kích thước cây:        %llu bản ghi (sổ nhật ký có %llu)"
#define TD_MSG_CHECKPOINT_ROOT_HASH "  mã băm gốc (SHA-256):  %s"
#define TD_MSG_CHECKPOINT_SIGNED_NOTE "  ghi chú đã ký:"
#define TD_MSG_CHECKPOINT_NO_WITNESS "Chưa có nhân chứng nào ký xác nhận điểm kiểm."
#define TD_MSG_CHECKPOINT_WITNESSED_SIZE "Kích thước lớn nhất đã được nhân chứng ký xác nhận: %llu%s"
#define TD_MSG_CHECKPOINT_WORD_LATEST " (điểm kiểm mới nhất)"
#define TD_MSG_CHECKPOINT_WITNESSES_HEAD "Nhân chứng:"

#define TD_MSG_PLAN_SUMMARY_TITLE "Kế hoạch số %s%s%s%s%s"
#define TD_MSG_PLAN_SUMMARY_DATED " ngày "
#define TD_MSG_PLAN_SUMMARY_OF " của "
#define TD_MSG_PLAN_SUMMARY_TASKS "Nhiệm vụ: %zu, trong %zu mục"
#define TD_MSG_PLAN_SUMMARY_SECTION "  Mục %-5s %3zu nhiệm vụ"
#define TD_MSG_PLAN_SUMMARY_INDICATORS "Chỉ tiêu: %zu dòng"
#define TD_MSG_PLAN_SUMMARY_HORIZON "  Đến năm %d: %zu chỉ tiêu đánh số; %zu chỉ tiêu có mục tiêu riêng (chỉ tiêu con tính " \
    "riêng, chỉ tiêu nhóm không tính)"
#define TD_MSG_PLAN_SUMMARY_NO_INDICATORS "Chỉ tiêu: không có"
#define TD_MSG_PLAN_DIFF_NEW_PLAN "Kế hoạch %s chưa có trên máy chủ: toàn bộ sẽ được nhập mới."
#define TD_MSG_PLAN_DIFF_TASKS_NEW "Nhiệm vụ mới:"
#define TD_MSG_PLAN_DIFF_TASKS_DROPPED "Nhiệm vụ bị bỏ:"
#define TD_MSG_PLAN_DIFF_TASKS_CHANGED "Nhiệm vụ thay đổi:"
#define TD_MSG_PLAN_DIFF_DEADLINE "      nhiệm vụ %d, thời hạn: \"%s\" → \"%s\""
#define TD_MSG_PLAN_DIFF_INDICATORS_CHANGED "Bảng chỉ tiêu thay đổi."
#define TD_MSG_PLAN_DIFF_NONE "Không có gì thay đổi so với kế hoạch đã lưu."
#define TD_MSG_PLAN_HEADER_UNKNOWN "%s:1: dòng tiêu đề không phải của bảng nhiệm vụ (Mục, TT, Tên nhiệm vụ, ...), " \
    "cũng không phải của bảng chỉ tiêu (Mốc, Mã, Chỉ tiêu, ...)"
#define TD_MSG_PLAN_IMPORT_FROM "Nhập từ:"
#define TD_MSG_PLAN_UNRESOLVED_HEAD "\nTên cơ quan chưa xác định được (%zu):"
#define TD_MSG_PLAN_UNRESOLVED_TASK "  dòng %d, nhiệm vụ %d, %s: \"%s\""
#define TD_MSG_PLAN_UNRESOLVED_INDICATOR "  dòng %d, chỉ tiêu %s, %s: \"%s\""
#define TD_MSG_PLAN_NOTHING_WRITTEN "\nKhông có thay đổi: không ghi gì vào sổ nhật ký."
#define TD_MSG_PLAN_DRY_RUN "\nChạy thử: chưa lưu gì.  Thêm --apply để lưu kế hoạch này."
#define TD_MSG_PLAN_ALIASES_SAVED "\nĐã lưu %zu bí danh cơ quan."
#define TD_MSG_PLAN_SAVED "\nĐã lưu kế hoạch (%zu nhiệm vụ, %zu dòng chỉ tiêu): bản ghi số %llu của sổ nhật ký."
#define TD_MSG_PLAN_GROUP_UNNAMED ", nhóm không nêu tên"
#define TD_MSG_PLAN_WORD_GROUP ", nhóm"
#define TD_MSG_PLAN_NOW_IS " → nay là %s [%s]"
#define TD_MSG_PLAN_SHOW_TASK_HEAD "Nhiệm vụ %d — Mục %s%s%s"
#define TD_MSG_PLAN_SHOW_TITLE "  Tên nhiệm vụ:        %s"
#define TD_MSG_PLAN_SHOW_LEAD "  Cơ quan chủ trì:     %s"
#define TD_MSG_PLAN_SHOW_PARTNERS "\n  Cơ quan phối hợp:    %s"
#define TD_MSG_PLAN_WORD_NONE "(không)"
#define TD_MSG_PLAN_SHOW_PRODUCT "  Sản phẩm:            %s"
#define TD_MSG_PLAN_SHOW_DEADLINE "  Thời gian hoàn thành: %s"
#define TD_MSG_PLAN_SHOW_SOURCE_LINE "  Dòng trong văn bản:  %d"
#define TD_MSG_PLAN_LIST_HEAD "Kế hoạch số %s%s%s — %zu nhiệm vụ"
#define TD_MSG_PLAN_WORD_NO_NUMBER "(không số)"

#define TD_MSG_STATE_AUTHOR_LINE "  %-16s %-24s %-10s bản ghi số %llu, seq cuối %llu%s"
#define TD_MSG_STATE_WORD_SERVER "(máy chủ)"
#define TD_MSG_STATE_WORD_REVOKED ", ĐÃ THU HỒI"
#define TD_MSG_STATE_REPORT_NONE "Báo cáo %s: không có"
#define TD_MSG_STATE_REPORT_LINE "Báo cáo %s: bản ghi số %llu, trạng thái %d, %u%%"
#define TD_MSG_STATE_REPORT_RESULT "  Kết quả thực hiện: %s"
#define TD_MSG_STATE_REPORT_DIFFICULTIES "  Khó khăn, vướng mắc: %s"
#define TD_MSG_STATE_REPORT_PROPOSALS "  Đề xuất, kiến nghị: %s"
#define TD_MSG_STATE_REPORT_EVIDENCE "  Minh chứng: %s"
#define TD_MSG_STATE_REPORT_DOC "  Văn bản: %s|%d|%s"
#define TD_MSG_STATE_REPORT_ATTACHMENT "  Tệp đính kèm: %s|%s|%llu"
#define TD_MSG_STATE_LOG_EMPTY "Sổ nhật ký trống (%s/server.db)."
#define TD_MSG_STATE_LOG_SIZE "Sổ nhật ký %s/server.db: %llu bản ghi"
#define TD_MSG_STATE_VIEW_OF "Góc nhìn của %s (%s): %llu bản ghi được xem"
#define TD_MSG_STATE_FOLDED_FROM "Trạng thái suy ra từ %llu bản ghi (bản ghi cuối: số %llu)"
#define TD_MSG_STATE_PLAN "Kế hoạch: %s, %zu nhiệm vụ%s"
#define TD_MSG_STATE_WORD_DEFAULT_PLAN " (kế hoạch mặc định)"
#define TD_MSG_STATE_PLAN_NONE "Kế hoạch: chưa có"
#define TD_MSG_STATE_AUTHORS_HEAD "Thiết bị (tác giả) đã đăng ký chứng thư:"
#define TD_MSG_STATE_NONE_YET "  (chưa có)"
#define TD_MSG_STATE_REPORTS_CURRENT "Báo cáo tiến độ hiện hành: %zu"
#define TD_MSG_STATE_INDICATOR_VALUES "Giá trị chỉ tiêu: %zu"
#define TD_MSG_STATE_CONDITIONS_MET "Điều kiện đã đáp ứng: %zu"
#define TD_MSG_STATE_REFUSED_COUNT "Bản ghi bị từ chối: %zu"
#define TD_MSG_STATE_REFUSED_LINE "  bản ghi số %llu (%s, cơ quan %s, seq %llu): %s"
#define TD_MSG_STATE_WORD_SERVER_PLAIN "máy chủ"
#define TD_MSG_STATE_CONFLICTS_COUNT "Xung đột (hai thiết bị cùng báo cáo một nhiệm vụ, cơ quan, kỳ): %zu"
#define TD_MSG_STATE_CONFLICT_LINE "  nhiệm vụ %u, %s, kỳ %s: bản ghi số %llu thắng, số %llu thua"

#define TD_MSG_UPGRADE_ALREADY_V2 "Sổ nhật ký ở %s đã dùng mã băm trạng thái phiên bản 2 (sau điểm kiểm kích thước %s); không thay " \
    "đổi gì."
#define TD_MSG_UPGRADE_DONE "Đã chuyển sổ nhật ký ở %s sang mã băm trạng thái phiên bản 2: các điểm kiểm đến kích thước %s giữ " \
    "phiên bản 1, từ điểm kiểm kế tiếp là phiên bản 2."

#define TD_MSG_AGENCY_DATE_BAD "ngày không hợp lệ \"%s\" (cần dd/mm/yyyy)"
#define TD_MSG_AGENCY_SAVE_FAILED "không lưu được thay đổi: %s"
#define TD_MSG_AGENCY_ENTRY_REFUSED "bản ghi số %llu bị từ chối khi suy ra trạng thái: %s"
#define TD_MSG_AGENCY_NEEDS_KEY "tiendo-server agency %s: cần khóa và chứng thư của máy chủ để ký thay đổi:\n" \
    "  --key TỆP --cert TỆP (và --ca TỆP lần đầu), hoặc --config TỆP của máy chủ"
#define TD_MSG_AGENCY_CMD_DATE_BAD "tiendo-server agency %s: ngày không hợp lệ \"%s\" (cần dd/mm/yyyy)"
#define TD_MSG_AGENCY_CMD_KIND_BAD "tiendo-server agency %s: loại không hợp lệ \"%s\" ("
#define TD_MSG_AGENCY_CMD_TOO_MANY_INTO "tiendo-server agency %s: quá nhiều --into"
#define TD_MSG_AGENCY_TASK_ARG_BAD "--task cần dạng SỐ=SLUG, không phải \"%s\""
#define TD_MSG_AGENCY_CMD_TOO_MANY_ARGS "tiendo-server agency %s: quá nhiều tham số"
#define TD_MSG_AGENCY_CMD_DATE_MISSING "tiendo-server agency %s: thiếu --date dd/mm/yyyy"
#define TD_MSG_AGENCY_RENAME_ARGS "cần SLUG_CŨ SLUG_MỚI \"Tên mới\""
#define TD_MSG_AGENCY_ADD_ARGS "cần SLUG \"Tên\" --kind LOẠI"
#define TD_MSG_AGENCY_KIND_MISSING "thiếu --kind LOẠI ("
#define TD_MSG_AGENCY_ISSUER_ARGS "cần \"Tên cơ quan ban hành\" --date dd/mm/yyyy"
#define TD_MSG_AGENCY_MERGE_INTO_MISSING "cần một --into (cơ quan tiếp nhận hoặc cơ quan mới)"
#define TD_MSG_AGENCY_MERGE_FROM_MISSING "cần ít nhất một cơ quan được sáp nhập vào %s"
#define TD_MSG_AGENCY_SPLIT_ARGS "cần một cơ quan và hai --into SLUG \"Tên\" trở lên"
#define TD_MSG_AGENCY_INTO_NAME_MISSING "--into %s thiếu tên cơ quan"
#define TD_MSG_AGENCY_INTO_UNKNOWN "không có cơ quan %s trong danh mục để tiếp nhận"
#define TD_MSG_AGENCY_INTO_NEW_NEEDS_NAME "%s là cơ quan mới, cần tên: --into %s \"Tên\"\n" \
    "  (nếu định sáp nhập vào một cơ quan đã có, hãy ghi đúng slug của nó; xem: " \
    "tiendo-server agency list)"
#define TD_MSG_AGENCY_INTO_HAS_NAME "%s đã có tên \"%s\"; đổi tên là một lệnh rename riêng"
#define TD_MSG_AGENCY_CMD_FAILED "tiendo-server agency %s: không thực hiện được: %s"
#define TD_MSG_AGENCY_FILE_OPEN "không mở được tệp %s: %s"
#define TD_MSG_AGENCY_FILE_READ_ERROR "lỗi đọc tệp"
#define TD_MSG_AGENCY_FILE_TOO_LARGE "tệp quá lớn"
#define TD_MSG_AGENCY_IMPORT_ONE_FILE "chỉ nhận một tệp CSV"
#define TD_MSG_AGENCY_IMPORT_FILE_MISSING "thiếu TỆP.csv (cột Mã, Tên, Loại, Từ ngày)"
#define TD_MSG_AGENCY_IMPORT_NAME_DIFFERS "  %s: đã có trong danh mục là \"%s\" (%s); tệp ghi \"%s\" (%s) — đổi tên là lệnh rename"
#define TD_MSG_AGENCY_IMPORT_DATE_DIFFERS "  %s: ngày bắt đầu khác các dòng trên; mỗi lần nhập một ngày (tách tệp)"
#define TD_MSG_AGENCY_IMPORT_LINES_FAILED "%zu dòng không nhập được (xem trên); không lưu gì"
#define TD_MSG_AGENCY_FAILED "không thực hiện được: %s"
#define TD_MSG_AGENCY_EXPORT_NOMEM "hết bộ nhớ khi xuất"
#define TD_MSG_AGENCY_EXPORT_DONE "Đã ghi danh mục %zu cơ quan vào %s; trao tệp này cho cán bộ CA: tiendo-pki sign " \
    "--registry %s"

#define TD_MSG_BACKUP_COUNT_BAD "--%s cần một số nguyên không âm, không phải \"%s\""
#define TD_MSG_BACKUP_DEST_MISSING "thiếu tệp đích (ĐÍCH)"
#define TD_MSG_BACKUP_NO_LOG "không có sổ nhật ký %s (%s); kiểm tra --data hoặc tệp cấu hình"
#define TD_MSG_BACKUP_DEST_EXISTS "%s đã tồn tại; hãy chọn tên tệp mới (không ghi đè bản sao cũ)"
#define TD_MSG_BACKUP_OPEN_FAILED "không mở được %s: %s"
#define TD_MSG_BACKUP_FAILED "sao lưu thất bại: %s"
#define TD_MSG_BACKUP_CHECK_FAILED "bản sao %s KHÔNG đạt kiểm tra, đã xóa: %s"
#define TD_MSG_BACKUP_ROOT_DIFFERS "gốc Merkle của bản sao khác gốc của máy chủ ở kích thước %llu, " \
    "đã xóa bản sao: %s"
#define TD_MSG_BACKUP_SOURCE_MISSING "thiếu tệp bản sao lưu (NGUỒN)"
#define TD_MSG_BACKUP_SOURCE_IS_LIVE_DB "%s có tệp %s đi kèm: đó là cơ sở dữ liệu đang dùng, không phải bản " \
    "sao lưu; hãy tạo bản sao bằng tiendo-server backup"
#define TD_MSG_BACKUP_SERVER_RUNNING "máy chủ đang chạy trên %s (tiến trình số %ld); hãy dừng nó trước " \
    "(systemctl stop tiendo-server), không thay đổi gì"
#define TD_MSG_BACKUP_DATA_LOCK "không khóa được thư mục dữ liệu %s: %s"
#define TD_MSG_BACKUP_SOURCE_UNUSABLE "bản sao lưu %s không dùng được, không thay đổi gì: %s"
#define TD_MSG_BACKUP_CURRENT_UNREADABLE "cơ sở dữ liệu hiện có không đọc/kiểm tra được (%s); " \
    "nó sẽ được giữ lại bên cạnh"
#define TD_MSG_BACKUP_SOURCE_OLDER "bản sao lưu CŨ HƠN dữ liệu hiện có: nó có %llu mục, còn máy chủ đã ký " \
    "điểm kiểm tới kích thước %llu.\n" \
    "Các đơn vị đã đồng bộ có thể đang giữ điểm kiểm lớn tới %llu: với dữ liệu khôi phục, họ sẽ báo " \
    "động \"lùi lịch sử\" và ngừng đồng bộ."
#define TD_MSG_BACKUP_NOTHING_CHANGED_HINT "Không thay đổi gì. Hãy dùng bản sao lưu mới hơn; nếu không có, chạy lại với --force và " \
    "làm theo README, mục \"Sao lưu và khôi phục\"."
#define TD_MSG_BACKUP_FORCED "--force: vẫn khôi phục."
#define TD_MSG_BACKUP_OLD_NOT_KEPT "không giữ lại được dữ liệu cũ: %s"
#define TD_MSG_BACKUP_CHOWN_WARN "cảnh báo: không đổi được chủ sở hữu của %s: %s"
#define TD_MSG_BACKUP_MOVE_FAILED "không đặt được %s vào chỗ: %s"

#define TD_MSG_CHECKPOINT_UNREADABLE "không đọc được điểm kiểm tra ở %s: %s"
#define TD_MSG_CHECKPOINT_NONE_YET "sổ nhật ký ở %s chưa có điểm kiểm nào"

#define TD_MSG_PLAN_FILE_TOO_LARGE "%s: tệp quá lớn (trên %u byte)"
#define TD_MSG_PLAN_FILE_READ_ERROR "lỗi đọc tệp %s"
#define TD_MSG_PLAN_FILE_NOMEM "hết bộ nhớ khi đọc %s"
#define TD_MSG_PLAN_NUMBER_BAD "--plan: số kế hoạch \"%s\" phải có 1..%d byte, không có ':'"
#define TD_MSG_PLAN_DATE_BAD "--date: \"%s\" không phải ngày dd/mm/yyyy"
#define TD_MSG_PLAN_FORMAT_BAD "--format phải là text hoặc csv, không phải \"%s\""
#define TD_MSG_PLAN_TOO_MANY_FILES "quá nhiều tệp (tối đa %d)"
#define TD_MSG_PLAN_FILE_MISSING "thiếu TỆP"
#define TD_MSG_PLAN_APPLY_NEEDS_KEY "--apply cần khóa và chứng thư của máy chủ để ký bản ghi kế hoạch:\n" \
    "  --key TỆP --cert TỆP (và --ca TỆP lần đầu), hoặc --config TỆP của máy chủ"
#define TD_MSG_PLAN_ALIAS_FILE_BAD "tệp bí danh sai: %s"
#define TD_MSG_PLAN_IMPORT_FAILED "không nhập được %s: %s"
#define TD_MSG_PLAN_NOMEM "hết bộ nhớ"
#define TD_MSG_PLAN_NO_TASKS "kế hoạch không có nhiệm vụ nào; cần bảng nhiệm vụ"
#define TD_MSG_PLAN_UNRESOLVED_REFUSED "không nhập: %zu tên cơ quan chưa xác định.  Hãy ánh xạ từng tên trong một tệp\n" \
    "bí danh (mỗi dòng: tên trong văn bản = slug; danh sách slug: tiendo-server agency list)\n" \
    "rồi chạy lại với --aliases TỆP."
#define TD_MSG_PLAN_SAVE_FAILED "không lưu được kế hoạch: %s"
#define TD_MSG_PLAN_ENTRY_REFUSED "bản ghi số %llu (%s) bị từ chối khi suy ra trạng thái: %s"
#define TD_MSG_PLAN_UNKNOWN_PLAN "không có kế hoạch \"%s\"; các kế hoạch:"
#define TD_MSG_PLAN_NONE_YET "chưa có kế hoạch nào (%s/server.db).  Nhập bằng: tiendo-server plan import " \
    "TỆP --apply"
#define TD_MSG_PLAN_SHOW_ARG_BAD "tham số không hợp lệ: %s (cần số thứ tự của một nhiệm vụ)"
#define TD_MSG_PLAN_SHOW_TASK_UNKNOWN "kế hoạch không có nhiệm vụ số %d (có %zu nhiệm vụ)"
#define TD_MSG_PLAN_EXPORT_ONE_KIND "chỉ một trong --csv và --indicators"
#define TD_MSG_PLAN_EXPORT_KIND_MISSING "cần --csv (nhiệm vụ) hoặc --indicators (chỉ tiêu)"
#define TD_MSG_PLAN_EXPORT_DONE "Đã ghi %s (%zu byte)."

#define TD_MSG_REPORT_PERIOD_MISSING_HINT "thiếu --period. Hãy ghi kỳ báo cáo, ví dụ --period 2025-06."

#define TD_MSG_STATE_LOG_OPEN_FAILED "không mở được sổ nhật ký ở %s: %s"
#define TD_MSG_STATE_AGENCY_SLUG_BAD "\"%s\" không phải slug cơ quan hợp lệ"
#define TD_MSG_STATE_ROLE_BAD "--role phải là office, central hoặc inspector"
#define TD_MSG_STATE_VIEW_FAILED "không dựng được góc nhìn của %s: %s"

#define TD_MSG_UPGRADE_LOG_OPEN_FAILED "không mở được sổ nhật ký ở %s, không thay đổi gì: %s"
#define TD_MSG_UPGRADE_NEEDS_KEY "cần khóa và chứng thư của máy chủ (--key, --cert) để mở sổ " \
    "nhật ký ở %s"
#define TD_MSG_UPGRADE_NOT_RECORDED "sổ nhật ký ở %s chưa ghi được việc chuyển sang phiên bản 2"
#define TD_MSG_UPGRADE_LOG_UNREADABLE "không đọc được sổ nhật ký ở %s: %s"

/* ---- cmd_agency.c: agency changes: the summary of a change. */
#define TD_MSG_AGENCY_SUMMARY_RENAME "đổi tên %s thành %s (%s) từ %s"
#define TD_MSG_AGENCY_WORD_MERGE "sáp nhập"
#define TD_MSG_AGENCY_SUMMARY_MERGE_INTO " vào %s (tiếp tục hoạt động) từ %s"
#define TD_MSG_AGENCY_SUMMARY_MERGE_NEW "sáp nhập %d cơ quan thành %s từ %s"
#define TD_MSG_AGENCY_SUMMARY_SPLIT "chia tách %s thành %zu cơ quan từ %s"
#define TD_MSG_AGENCY_SUMMARY_ADD "thêm %s %s (%s)%s%s"
#define TD_MSG_AGENCY_WORD_FROM " từ "
#define TD_MSG_AGENCY_SUMMARY_ISSUER "cơ quan ban hành kế hoạch từ %s: %s"
#define TD_MSG_AGENCY_SUMMARY_IMPORT "thêm %zu cơ quan từ %s"

/* ---- cmd_checkpoint.c: checkpoint: a witness. */
#define TD_MSG_CHECKPOINT_WITNESS_NAME "%.*s (%s, khóa %s)"

#endif
