/*
 * msg.h — the catalogue of what people read that more than one program or
 * command says: wrong arguments, memory and files, the connection to the
 * server, certificates, the exit codes of --help, and the Vietnamese names
 * of a report's state.  One id, one Vietnamese text, so each is written
 * (and corrected) once.  Each text is a string literal: printf formats are
 * checked by the compiler where they are used, and texts join other literals
 * ("..." TD_MSG_EXIT_CODES).  Operator logs (td_log_*, English) are not here;
 * neither are the task statuses (common/status.c, td_status_vi) nor the
 * error codes' words (common/err.h, td_err_vi), each kept once where it is
 * defined.  tests/integration/cli_text.sh checks that no English word is here.
 */
#ifndef TD_MSG_H
#define TD_MSG_H

/* ---- arguments: "PROG CMD: <text>" then TD_MSG_SEE_HELP (common/cli.h) ---- */
#define TD_MSG_OPT_BAD "tùy chọn không hợp lệ: %s"
#define TD_MSG_OPT_NEEDS_VALUE "tùy chọn %s cần một giá trị"
#define TD_MSG_OPT_BEFORE_CMD " (tùy chọn đặt sau tên lệnh)"
#define TD_MSG_EXTRA_ARG "tham số thừa \"%s\""
#define TD_MSG_NO_CMD "lệnh không tồn tại: \"%s\""
#define TD_MSG_NO_SUBCMD "lệnh con không tồn tại: \"%s\""
#define TD_MSG_SEE_HELP "Xem: %s --help"
#define TD_MSG_TOO_MANY_ARGS "quá nhiều tham số"
/* words and values many commands take (the wrong word follows the text) */
#define TD_MSG_PERIOD_BAD "--period phải có dạng MM/YYYY hoặc YYYY-MM (ví dụ 06/2025): "
#define TD_MSG_PERIOD_MISSING "thiếu --period MM/YYYY (kỳ báo cáo, ví dụ 06/2025)"
#define TD_MSG_TASK_MISSING "thiếu số thứ tự nhiệm vụ"
#define TD_MSG_TASK_BAD "số thứ tự nhiệm vụ phải là số nguyên dương: "
/* the last lines of every --help */
#define TD_MSG_EXIT_CODES "Mã thoát: 0 thành công, 1 lỗi, 2 sai cú pháp lệnh.\n"

/* ---- memory and files ---- */
#define TD_MSG_NOMEM "hết bộ nhớ"
#define TD_MSG_FILE_WRITE "không ghi được %s: %s"
#define TD_MSG_FILE_READ "không đọc được %s: %s"
#define TD_MSG_FILE_OPEN "không mở được tệp \"%s\""
/* a system failure: the path, then the Vietnamese reason (common/oserr.h) */
#define TD_MSG_DIR_CREATE "không tạo được thư mục %s: %s"
#define TD_MSG_FILE_MODE "không đặt được quyền riêng %s cho %s: %s"
#define TD_MSG_FILE_EXISTS "tệp %s đã có, không ghi đè"
#define TD_MSG_FILE_LOCK "không khóa được %s: %s"
#define TD_MSG_NOT_FILE "%s không phải tệp thường"
/* a database: its path, then the Vietnamese reason (common/oserr.h) */
#define TD_MSG_DB_FAIL "cơ sở dữ liệu %s: %s"

/* ---- the connection to the server: server address, Vietnamese reason, its full stop ---- */
#define TD_MSG_CONNECT "không kết nối được máy chủ %s: %s%s"

/* ---- certificates ---- */
#define TD_MSG_CERT_EXPIRED "chứng thư số đã hết hạn"
#define TD_MSG_CERT_REVOKED "chứng thư số đã bị thu hồi"

/* ---- a report's state (ReportState of proto/log.proto) ---- */
#define TD_MSG_STATE_NOT_STARTED "chưa triển khai"
#define TD_MSG_STATE_IN_PROGRESS "đang thực hiện"
#define TD_MSG_STATE_DONE "đã hoàn thành"
/* a review not yet given */
#define TD_MSG_REVIEW_PENDING "Chờ thẩm định"

/* A report state's name (TD_MSG_STATE_*), or none for any other value. */
const char *td_msg_report_state(int state, const char *none);

/* A count as people write it, thousands grouped by '.' ("16.384"), into
 * buf (TD_MSG_NUM_MAX bytes); returns buf.  For the limits a text names. */
#define TD_MSG_NUM_MAX 32
char *td_msg_num(char *buf, unsigned long long v);

#endif
