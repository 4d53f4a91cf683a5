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

#include <inttypes.h>

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

/* ---- what a peer or a file sent that does not read (common/): each "English | " TD_MSG_...,
 * naming the field, the value and the limit (limits as td_msg_num writes them) ---- */
/* a frame of the protocol (common/frame.c) */
#define TD_MSG_FRAME_TOO_BIG "khung dữ liệu dài %s byte, quá giới hạn %s byte"
#define TD_MSG_FRAME_UNDECODABLE "khung dữ liệu %s byte không giải mã được (không phải tiendo.Frame)"
#define TD_MSG_FRAME_NO_BODY "khung dữ liệu không có nội dung nào đã biết (máy bên kia dùng phiên bản mới hơn, hoặc dữ liệu hỏng)"
#define TD_MSG_FRAME_FAILED "luồng dữ liệu đã hỏng từ một khung trước, không đọc tiếp được"
/* a signed entry of the log (common/entry.c) */
#define TD_MSG_ENTRY_TOO_BIG "bản ghi đã ký dài %s byte, quá giới hạn %s byte"
#define TD_MSG_ENTRY_UNDECODABLE "bản ghi đã ký không giải mã được (không phải tiendo.SignedEntry)"
#define TD_MSG_ENTRY_SIG_LEN "chữ ký của bản ghi dài %zu byte, cần đúng %d byte"
#define TD_MSG_ENTRY_BODY_UNDECODABLE "phần thân của bản ghi không giải mã được (không phải tiendo.Entry)"
#define TD_MSG_ENTRY_AUTHOR_LEN "khóa tác giả của bản ghi dài %zu byte, cần đúng 32 byte"
#define TD_MSG_ENTRY_SEQ_ZERO "số thứ tự (seq) của bản ghi là 0, phải từ 1 trở lên"
#define TD_MSG_ENTRY_PAYLOAD_TOO_BIG "nội dung bản ghi dài %s byte, quá giới hạn %s byte"
#define TD_MSG_ENTRY_PAYLOAD_OVER "nội dung bản ghi quá giới hạn %s byte"
#define TD_MSG_ENTRY_SIG_BAD "chữ ký của bản ghi số %llu (theo tác giả) không khớp: bản ghi đã bị sửa hoặc không do tác giả ký"
/* the keys of signed notes: "khóa công khai"/"khóa bí mật" and its name (common/note.c) */
#define TD_MSG_KEY_NAME_BAD "tên khóa không hợp lệ"
#define TD_MSG_KEY_TYPE "khóa %s: loại chữ ký 0x%02x không được hỗ trợ"
#define TD_MSG_KEY_DERIVE "khóa %s: không tạo được cặp khóa từ khóa bí mật"
#define TD_MSG_KEY_PAIR_MISMATCH "khóa %s: khóa bí mật không khớp với khóa công khai đi kèm"
#define TD_MSG_KEY_NO_PLUS_NAME "%s: thiếu dấu '+' sau tên khóa"
#define TD_MSG_KEY_NO_PLUS_ID "%s: thiếu dấu '+' sau mã khóa"
#define TD_MSG_KEY_NAME_BAD_IN "%s: tên khóa không hợp lệ"
#define TD_MSG_KEY_ID_NOT_HEX "%s: mã khóa không phải 8 chữ số hex"
#define TD_MSG_KEY_NOT_BASE64 "%s: phần khóa không phải base64 hợp lệ"
#define TD_MSG_KEY_TYPE_IN "%s: loại chữ ký 0x%02x không được hỗ trợ"
#define TD_MSG_KEY_LEN "%s: khóa Ed25519 dài %ld byte, cần đúng 32 byte"
#define TD_MSG_KEY_ID_MISMATCH "%s %s: mã khóa %08" PRIx32 " không khớp với khóa"
#define TD_MSG_KEY_PRIVATE_PREFIX "khóa bí mật không bắt đầu bằng PRIVATE+KEY+"
#define TD_MSG_KEY_PUBLIC "khóa công khai"
#define TD_MSG_KEY_PRIVATE "khóa bí mật"
/* a signature line of a signed note */
#define TD_MSG_SIG_NO_DASH "dòng chữ ký không bắt đầu bằng dấu gạch dài \"—\" và một dấu cách"
#define TD_MSG_SIG_NO_SPACE "dòng chữ ký thiếu dấu cách sau tên khóa"
#define TD_MSG_SIG_NAME_BAD "dòng chữ ký có tên khóa không hợp lệ"
#define TD_MSG_SIG_TOO_BIG "chữ ký của %.*s dài quá %s byte"
#define TD_MSG_SIG_NOT_BASE64 "chữ ký của %.*s không phải base64 của mã khóa và chữ ký"
#define TD_MSG_SIG_NO_NEWLINE "dòng chữ ký không kết thúc bằng dấu xuống dòng"
#define TD_MSG_SIG_BAD_CHAR "dòng chữ ký có ký tự điều khiển hoặc không phải UTF-8 hợp lệ"
#define TD_MSG_SIG_LEN "chữ ký của %s dài %zu byte, ngoài khoảng cho phép"
#define TD_MSG_SIG_INVALID "chữ ký của khóa %s+%08" PRIx32 " không đúng: văn bản đã bị sửa hoặc không do khóa này ký"
/* a signed note: its text, its signatures */
#define TD_MSG_NOTE_TEXT_EMPTY "nội dung văn bản ký trống"
#define TD_MSG_NOTE_TEXT_TOO_BIG "nội dung văn bản ký dài %s byte, quá giới hạn %s byte"
#define TD_MSG_NOTE_TEXT_BAD_CHAR "nội dung văn bản ký có ký tự điều khiển hoặc UTF-8 sai ở byte thứ %zu"
#define TD_MSG_NOTE_TEXT_NO_NEWLINE "nội dung văn bản ký không kết thúc bằng dấu xuống dòng"
#define TD_MSG_NOTE_TOO_BIG "văn bản ký dài %s byte, quá giới hạn %s byte"
#define TD_MSG_NOTE_BAD_CHAR "văn bản ký có ký tự điều khiển hoặc UTF-8 sai ở byte thứ %zu"
#define TD_MSG_NOTE_NO_BLANK "văn bản ký thiếu dòng trống trước các chữ ký"
#define TD_MSG_NOTE_NO_SIGS "văn bản ký không có dòng chữ ký nào"
#define TD_MSG_NOTE_LAST_NO_NEWLINE "dòng chữ ký cuối của văn bản ký không kết thúc bằng dấu xuống dòng"
#define TD_MSG_NOTE_TOO_MANY_SIGS "văn bản ký có %zu chữ ký, quá giới hạn %u"
#define TD_MSG_NOTE_SIG_AT "văn bản ký, chữ ký thứ %zu: "
#define TD_MSG_NOTE_FORMAT_TEXT "không ghép được văn bản ký: nội dung không hợp lệ"
#define TD_MSG_NOTE_FORMAT_NO_SIGS "không ghép được văn bản ký: chưa có chữ ký nào"
#define TD_MSG_NOTE_FORMAT_TOO_MANY "không ghép được văn bản ký: %zu chữ ký, quá giới hạn %u"
#define TD_MSG_NOTE_SIGN_TYPE "không ký được: loại chữ ký 0x%02x không được hỗ trợ"
#define TD_MSG_NOTE_SIGN_FAILED "khóa %s không ký được (Ed25519)"
#define TD_MSG_NOTE_SIGN_NO_TEXT "không ký được: văn bản chưa có nội dung"
#define TD_MSG_NOTE_SIGN_FULL "không ký thêm được: văn bản đã có %u chữ ký, là số tối đa"
#define TD_MSG_NOTE_VERIFY_TYPE "không kiểm tra được chữ ký: loại chữ ký 0x%02x không được hỗ trợ"
#define TD_MSG_NOTE_VERIFY_NO_TEXT "không kiểm tra được chữ ký: văn bản chưa có nội dung"
#define TD_MSG_NOTE_KEY_TWICE "khóa %s+%08" PRIx32 " có hai lần trong danh sách khóa tin cậy"
#define TD_MSG_NOTE_NO_KNOWN_SIG "văn bản ký không có chữ ký nào của khóa tin cậy"
/* a checkpoint of the log (a signed note) */
#define TD_MSG_CKPT_AT "điểm kiểm tra: "
#define TD_MSG_CKPT_LINES "điểm kiểm tra chỉ có %d trong 3 dòng bắt buộc (nguồn gốc, cỡ cây, mã băm gốc)"
#define TD_MSG_CKPT_ORIGIN_EMPTY "điểm kiểm tra có dòng nguồn gốc (origin) trống"
#define TD_MSG_CKPT_ORIGIN_TOO_BIG "nguồn gốc (origin) của điểm kiểm tra dài %zu byte, quá giới hạn %u byte"
#define TD_MSG_CKPT_SIZE_BAD "điểm kiểm tra %.*s: cỡ cây \"%.*s\" không phải số thập phân (không có số 0 ở đầu)"
#define TD_MSG_CKPT_ROOT_BAD "điểm kiểm tra %.*s: mã băm gốc không phải base64 của 32 byte"
#define TD_MSG_CKPT_EXT_EMPTY "điểm kiểm tra %.*s: có dòng mở rộng trống"
#define TD_MSG_CKPT_FORMAT_ORIGIN "không ghép được điểm kiểm tra: nguồn gốc (origin) trống, quá dài hoặc có dấu xuống dòng"
#define TD_MSG_CKPT_FORMAT_EXT "không ghép được điểm kiểm tra: các dòng mở rộng không khớp độ dài đã ghi"
#define TD_MSG_CKPT_FORMAT_REREAD "không ghép được điểm kiểm tra: văn bản ghép ra không đọc lại được"
#define TD_MSG_CKPT_SIGN_TYPE "không ký được điểm kiểm tra: khóa %s không phải loại 0x01 (Ed25519)"
#define TD_MSG_CKPT_ORIGIN_OTHER "điểm kiểm tra có nguồn gốc (origin) \"%s\", cần \"%s\""
/* a cosignature of a checkpoint by a witness */
#define TD_MSG_COSIG_TIME_BAD "chữ ký đồng ký: dấu thời gian %" PRIu64 " vượt quá 2^63-1"
#define TD_MSG_COSIG_KEY_TYPE "khóa chứng kiến %s không phải loại 0x04 (đồng ký)"
#define TD_MSG_COSIG_LEN "chữ ký đồng ký của %s dài %zu byte, cần đúng %d byte"
#define TD_MSG_COSIG_OTHER_KEY "chữ ký đồng ký không phải của %s+%08" PRIx32
#define TD_MSG_COSIG_TIME_OVER "chữ ký đồng ký của %s: dấu thời gian vượt quá 2^63-1"
#define TD_MSG_COSIG_NOT_CKPT "chữ ký đồng ký của %s: văn bản được đồng ký không phải điểm kiểm tra"
#define TD_MSG_COSIG_INVALID "chữ ký đồng ký của khóa %s+%08" PRIx32 " không đúng"
#define TD_MSG_COSIG_NONE "không có chữ ký đồng ký của %s+%08" PRIx32
/* the Merkle tree of the log and its proofs (common/merkle.c) */
#define TD_MSG_MERKLE_STORE_READ "cây Merkle: không đọc được mã băm nhánh (tầng %u, vị trí %" PRIu64 "): %s"
#define TD_MSG_MERKLE_STORE_WRITE "cây Merkle: không lưu được mã băm nhánh (tầng %u, vị trí %" PRIu64 "): %s"
#define TD_MSG_MERKLE_FULL "cây Merkle đã đầy (%s lá)"
#define TD_MSG_MERKLE_SIZE_TOO_BIG "cây Merkle: cỡ %s quá lớn"
#define TD_MSG_MERKLE_INDEX_OUT "cây Merkle: mục %s không nằm trong cây cỡ %s"
#define TD_MSG_MERKLE_PROOF_TOO_LONG "bằng chứng Merkle dài hơn %d mã băm"
#define TD_MSG_MERKLE_FROM_EMPTY "không có bằng chứng nhất quán từ cây rỗng"
#define TD_MSG_MERKLE_SIZES_ORDER "bằng chứng nhất quán: cỡ đầu %s lớn hơn cỡ sau %s"
#define TD_MSG_MERKLE_INCL_COUNT "bằng chứng thuộc cây có %zu mã băm, cần %u cho mục %s của cây cỡ %s"
#define TD_MSG_MERKLE_INCL_LONG "bằng chứng thuộc cây thừa mã băm"
#define TD_MSG_MERKLE_INCL_SHORT "bằng chứng thuộc cây thiếu mã băm"
#define TD_MSG_MERKLE_INCL_ROOT "bằng chứng thuộc cây của mục %s không dẫn tới gốc của cây cỡ %s"
#define TD_MSG_MERKLE_EQUAL_NOT_EMPTY "bằng chứng nhất quán giữa hai cỡ bằng nhau phải rỗng"
#define TD_MSG_MERKLE_TWO_ROOTS "hai mã băm gốc khác nhau cho cùng cỡ cây %s"
#define TD_MSG_MERKLE_CONS_EMPTY "bằng chứng nhất quán giữa cỡ %s và %s bị rỗng"
#define TD_MSG_MERKLE_CONS_COUNT "bằng chứng nhất quán có %zu mã băm, cần %zu cho cỡ %s đến %s"
#define TD_MSG_MERKLE_CONS_LONG "bằng chứng nhất quán thừa mã băm"
#define TD_MSG_MERKLE_CONS_SHORT "bằng chứng nhất quán thiếu mã băm"
#define TD_MSG_MERKLE_CONS_ROOT "bằng chứng nhất quán không tạo lại được gốc của cây cỡ %s"
#define TD_MSG_MERKLE_BATCH_NONE "bằng chứng nhiều mục: không có mục nào"
#define TD_MSG_MERKLE_BATCH_ORDER "bằng chứng nhiều mục: mục %s đứng sau mục %s (phải tăng dần)"
#define TD_MSG_MERKLE_BATCH_ROOM "bằng chứng nhiều mục cần %zu mã băm, chỉ có chỗ cho %zu"
#define TD_MSG_MERKLE_BATCH_COUNT "bằng chứng nhiều mục có %zu mã băm, %zu mục trong cây cỡ %s cần %zu"
#define TD_MSG_MERKLE_BATCH_ROOT "bằng chứng của %zu mục không dẫn tới gốc của cây"
/* the connection under the protocol (common/conn.c, common/tls.c); the caller names the peer */
#define TD_MSG_CONN_STALL "máy bên kia không nhận dữ liệu: %s byte chờ gửi trong %s mili giây"
#define TD_MSG_CONN_QUEUE_FULL "máy bên kia không nhận dữ liệu: %s byte chờ gửi, quá giới hạn %s byte"
#define TD_MSG_CONN_WRITE "lỗi đọc/ghi khi gửi dữ liệu: %s"
#define TD_MSG_CONN_READ "lỗi đọc/ghi khi nhận dữ liệu: %s"
#define TD_MSG_CONN_CLOSED_HANDSHAKE "kết nối đã đóng khi đang thiết lập kết nối bảo mật TLS"
#define TD_MSG_CONN_CLOSED "kết nối đã đóng đột ngột"
#define TD_MSG_CONN_NOT_OPENED "kết nối đã đóng"
#define TD_MSG_TLS_FILES "kết nối TLS cần tệp chứng thư số của CA, chứng thư số và khóa bí mật"
#define TD_MSG_TLS_ALPN_BAD "tên giao thức ALPN không hợp lệ"
#define TD_MSG_TLS_NO_CLIENT_CERT "thiết bị không gửi chứng thư số khi kết nối"
#define TD_MSG_TLS_FAILED "kết nối bảo mật TLS bị lỗi %s"
#define TD_MSG_TLS_CUT "kết nối TLS bị ngắt đột ngột %s"
#define TD_MSG_TLS_FAILED_CODE "kết nối bảo mật TLS bị lỗi %s (mã %d)"
#define TD_MSG_TLS_WHEN_HANDSHAKE "khi thiết lập"
#define TD_MSG_TLS_WHEN_READ "khi nhận dữ liệu"
#define TD_MSG_TLS_WHEN_WRITE "khi gửi dữ liệu"
#define TD_MSG_TLS_ALREADY_FAILED "kết nối bảo mật TLS đã hỏng trước đó"
#define TD_MSG_TLS_PEER_CLOSED "kết nối đã đóng (máy bên kia kết thúc phiên TLS)"
#define TD_MSG_TLS_WRITE_CLOSED "kết nối đã đóng, không gửi được dữ liệu"
/* what this device keeps for itself (the fold's snapshot) or stored in the log (a plan, an agency change) */
#define TD_MSG_SNAP_NOT "bản chụp trạng thái không hợp lệ (%zu byte, không có phần đầu TDSNAP)"
#define TD_MSG_SNAP_FORMAT "bản chụp trạng thái định dạng %u, phiên bản này đọc định dạng %u"
#define TD_MSG_SNAP_LAYOUT "bản chụp trạng thái do một phiên bản khác của chương trình ghi"
#define TD_MSG_SNAP_BODY_LEN "bản chụp trạng thái có phần thân %zu byte, phần đầu ghi %llu byte"
#define TD_MSG_SNAP_HEADER_READ "không đọc được phần đầu của bản chụp trạng thái"
#define TD_MSG_SNAP_BAD_AT "bản chụp trạng thái hỏng ở byte %zu trên %zu: %s"
#define TD_MSG_SNAP_UNDECODABLE "không giải mã được"
#define TD_MSG_SNAP_UNREADABLE "không đọc được"
#define TD_MSG_SNAP_TEXTS "phần văn bản báo cáo của bản chụp trạng thái %s"
#define TD_MSG_SNAP_TEXTS_CHANGED "đã được ghi lại sau khi nạp"
#define TD_MSG_SNAP_TEXTS_BAD "hỏng"
#define TD_MSG_SNAP_TEXTS_REFOLD "không khớp với trạng thái tính lại từ sổ cái"
#define TD_MSG_STORED_PLAN_TOO_BIG "kế hoạch lưu trong nhật ký dài %s byte, quá giới hạn %s byte"
#define TD_MSG_STORED_PLAN_UNDECODABLE "kế hoạch lưu trong nhật ký không giải mã được (không phải tiendo.PlanChange)"
#define TD_MSG_STORED_PLAN_EMPTY "bản ghi thay đổi kế hoạch trong nhật ký không có kế hoạch"
#define TD_MSG_STORED_AGENCY_TOO_BIG "thay đổi danh sách cơ quan lưu trong nhật ký dài %s byte, quá giới hạn %s byte"
#define TD_MSG_STORED_AGENCY_UNDECODABLE "thay đổi danh sách cơ quan lưu trong nhật ký không giải mã được " \
    "(không phải tiendo.AgencyChange)"
/* the fold of the log into state (common/derive.c), its options (common/status.c) */
#define TD_MSG_FOLD_ORDER "mục nhật ký số %llu không đứng sau mục đã xử lý cuối cùng (số %llu)"
#define TD_MSG_FOLD_FAILED "%s khi xử lý mục nhật ký số %llu"
#define TD_MSG_STATUS_DUE_SOON_BAD "số ngày báo trước hạn (%d) không được âm"
#define TD_MSG_X509_NOTHING "không ghi được %s: không có gì để ghi"
#define TD_MSG_STATUS_DUE_DAY_BAD "ngày hạn nộp báo cáo hằng tháng (%d) phải từ 1 đến 31"

/* A report state's name (TD_MSG_STATE_*), or none for any other value. */
const char *td_msg_report_state(int state, const char *none);

/* A count as people write it, thousands grouped by '.' ("16.384"), into
 * buf (TD_MSG_NUM_MAX bytes); returns buf.  For the limits a text names. */
#define TD_MSG_NUM_MAX 32
char *td_msg_num(char *buf, unsigned long long v);
/* td_msg_num of v in a buffer of its own, for an argument of a call: the
 * buffer lives until the end of the enclosing block. */
#define TD_MSG_NUM(v) td_msg_num((char[TD_MSG_NUM_MAX]){0}, (unsigned long long)(v))

#endif
