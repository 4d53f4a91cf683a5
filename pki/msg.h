/*
 * msg.h — the catalogue of what tiendo-pki says to people that the other
 * programs do not: its errors, warnings, confirmations and summaries on the
 * terminal.
 * Texts that several programs say are in common/msg.h (included here);
 * help texts are in the option tables (common/cli.h); the words of the web
 * pages stay in their page templates.  Each text is a string literal, so
 * printf formats are checked where they are used; the program's name
 * ("tiendo-pki ...: ") and the final newline stay at the call.
 * tests/integration/cli_text.sh checks that no English word is here, and
 * that no message-printing call of pki/ holds a Vietnamese text itself.
 */
#ifndef TDP_MSG_H
#define TDP_MSG_H

#include "../common/msg.h"

#define TD_MSG_PKI_INIT_DONE "Đã tạo CA \"%s\" trong %s\n" \
    "  Chứng thư CA:  %s (hiệu lực đến %s)\n" \
    "  Khóa bí mật:   %s (giữ kín, sao lưu ngoại tuyến)\n" \
    "  Sổ chứng thư:  %s\n" \
    "  CRL:           %s"
#define TD_MSG_PKI_ISSUE_SERVER_DONE "Đã cấp chứng thư máy chủ \"%s\"\n" \
    "  Số sê-ri:     %s\n" \
    "  Hiệu lực đến: %s\n" \
    "  Khóa:         %s (quyền 0600)\n" \
    "  Chứng thư:    %s"
#define TD_MSG_PKI_SIGN_DONE "Đã ký chứng thư cho thiết bị \"%s\" của cơ quan %s, vai trò %s (%s)\n" \
    "  Số sê-ri:     %s\n" \
    "  Mã khóa:      %s (đối chiếu với mã khóa \"tiendo init\" in ra ở đơn vị)\n" \
    "  Hiệu lực đến: %s\n" \
    "  Tệp:          %s\n" \
    "Gửi tệp này cùng chứng thư CA (%s) cho đơn vị để chạy \"tiendo init --cert\"."
#define TD_MSG_PKI_BUNDLE_DONE "Đã tạo gói đăng ký cho thiết bị \"%s\" của cơ quan %s, vai trò %s (%s)\n" \
    "  Số sê-ri:     %s\n" \
    "  Hiệu lực đến: %s\n" \
    "  Máy chủ:      %s\n" \
    "  Tệp:          %s (quyền 0600)\n" \
    "Tệp chứa khóa bí mật: chuyển cho đơn vị qua kênh an toàn, xóa sau khi đơn vị đã nhập."
#define TD_MSG_PKI_REVOKE_DONE "Đã thu hồi chứng thư số sê-ri %s%s%s.\n" \
    "Chạy \"tiendo-pki crl --dir %s\" để phát hành CRL mới cho máy chủ."
#define TD_MSG_PKI_WORD_REASON ", lý do "
#define TD_MSG_PKI_CRL_DONE "Đã phát hành CRL số %ld: %d chứng thư đã thu hồi, hiệu lực đến %s\n" \
    "  Tệp: %s"
#define TD_MSG_PKI_LIST_EMPTY "Chưa cấp chứng thư nào."
#define TD_MSG_PKI_LIST_EXPIRED "HẾT HẠN"
#define TD_MSG_PKI_LIST_TOTAL "\nTổng: %zu chứng thư (%zu còn hiệu lực, %zu đã thu hồi, %zu hết hạn)"
#define TD_MSG_PKI_RENEW_DONE "Đã cấp lại chứng thư cho thiết bị \"%s\" của cơ quan %s, vai trò %s (%s)\n" \
    "  Chứng thư cũ:  số sê-ri %s%s\n" \
    "  Số sê-ri mới:  %s\n" \
    "  Khóa:          %s (%s)\n" \
    "  Hiệu lực đến:  %s\n" \
    "  Tệp:          %s\n" \
    "Gửi tệp này cho đơn vị để chạy \"tiendo renew --import %s\"."
#define TD_MSG_PKI_RENEW_OLD_REVOKED " (đã thu hồi: chạy tiendo-pki crl)"
#define TD_MSG_PKI_WORD_NEW_KEY "khóa mới từ CSR"
#define TD_MSG_PKI_WORD_KEY_KEPT "giữ khóa cũ"

#define TD_MSG_PKI_SERIAL_NOT_HEX_VALUE "số hiệu \"%s\" không phải số thập lục phân"
#define TD_MSG_PKI_SERIAL_TOO_LONG "số hiệu \"%s\" dài quá %d chữ số thập lục phân"
#define TD_MSG_PKI_DIR_HAS_CA "thư mục %s đã có CA (đã có %s hoặc %s)"
#define TD_MSG_PKI_KEY_CERT_MISMATCH "%s không khớp với %s"
#define TD_MSG_PKI_CERT_NOT_YET_VALID "chứng thư số chưa đến ngày có hiệu lực"
#define TD_MSG_PKI_DNS_NAME_BAD "tên miền (DNS) \"%s\" không phải tên máy hợp lệ"
#define TD_MSG_PKI_VALUE_BAD "%s \"%s\" không hợp lệ"
#define TD_MSG_PKI_WORD_IP "địa chỉ IP"
#define TD_MSG_PKI_WORD_DNS "tên miền (DNS)"
#define TD_MSG_PKI_SUBJECT_KEY_NOT_ED25519 "khóa của chủ thể không phải Ed25519"
#define TD_MSG_PKI_DEVICE_NAME_BAD "tên \"%s\" không phải tên thiết bị hợp lệ ([A-Za-z0-9._-], 1..%d ký tự)"
#define TD_MSG_PKI_AGENCY_SLUG_BAD "mã cơ quan \"%s\" không hợp lệ (chữ thường không dấu, số, gạch ngang)"
#define TD_MSG_PKI_ROLE_MISSING "chưa có vai trò"
#define TD_MSG_PKI_SERIAL_REVOKED "số hiệu %s đã bị thu hồi (%s)"
#define TD_MSG_PKI_SERIAL_NOT_IN "số hiệu %s không có trong %s"

#define TD_MSG_PKI_AGENCY_UNKNOWN "%s: cơ quan \"%s\" không có trong danh mục cơ quan%s%s."
#define TD_MSG_PKI_REGISTRY_BUILTIN " dựng sẵn của kế hoạch"
#define TD_MSG_PKI_DID_YOU_MEAN "  Có phải là %s?"
#define TD_MSG_PKI_AGENCY_NEW_HINT "  Cơ quan mới (sau sắp xếp, sáp nhập) chỉ có trong danh mục của máy chủ. Lấy danh mục:\n" \
    "    tiendo-server agency export --out registry.csv   (trên máy chủ)\n" \
    "  rồi chép vào %s/"
#define TD_MSG_PKI_AGENCY_REGISTRY_HINT " hoặc ghi --registry registry.csv."
#define TD_MSG_PKI_ARG_CA_DIR "THƯ_MỤC_CA"
#define TD_MSG_PKI_AGENCY_REEXPORT_HINT "  Nếu cơ quan mới được thêm gần đây, xuất lại danh mục: tiendo-server agency export " \
    "--out registry.csv"
#define TD_MSG_PKI_AGENCY_ENDED "%s: cơ quan %s (%s) đã ngừng hoạt động từ %s."
#define TD_MSG_PKI_AGENCY_SUCCESSOR_HINT "  Cấp chứng thư cho cơ quan kế nhiệm (xem cột Kế nhiệm của %s)."
#define TD_MSG_PKI_WORD_REGISTRY "danh mục"

/* ---- cmds.c: tiendo-pki: wrong arguments, what cannot be issued or revoked; tiendo-pki: the CA and the files it
 * writes; assignments and returns of texts; column headings, field and action names. */
#define TD_MSG_PKI_DAYS_RANGE "%s phải là số ngày từ 0 đến %d, không phải \"%s\""
#define TD_MSG_PKI_DAYS_POSITIVE "--days phải lớn hơn 0"
#define TD_MSG_PKI_ROLE_BAD "vai trò không hợp lệ, phải là office, central hoặc inspector"
#define TD_MSG_PKI_AGENCY_BAD "mã cơ quan không hợp lệ: chỉ gồm chữ thường không dấu, số và dấu '-' (ví dụ so-khcn)"
#define TD_MSG_PKI_AGENCIES_UNREADABLE "không đọc được tệp danh mục cơ quan"
#define TD_MSG_PKI_AGENCIES_CORRUPT "tệp danh mục cơ quan hỏng (cần tệp do tiendo-server agency export ghi)"
#define TD_MSG_PKI_DEVICE_BAD "tên thiết bị không hợp lệ: chỉ gồm chữ không dấu, số và . _ -"
#define TD_MSG_PKI_TOO_MANY_DNS "quá %d --dns"
#define TD_MSG_PKI_TOO_MANY_IP "quá %d --ip"
#define TD_MSG_PKI_CA_NAME_BAD "tên CA không hợp lệ"
#define TD_MSG_PKI_CA_EXISTS "thư mục đã có CA, không ghi đè"
#define TD_MSG_PKI_ISSUE_SERVER_NEEDS "cần đủ --dir, --name, --out-key và --out-cert"
#define TD_MSG_PKI_KEY_EXISTS "tệp khóa đã có, không ghi đè"
#define TD_MSG_PKI_KEY_WRITE "không ghi được tệp khóa"
#define TD_MSG_PKI_HOST_BAD "tên miền hoặc địa chỉ IP không hợp lệ"
#define TD_MSG_PKI_ONE_CSR "cần đúng một TỆP_CSR"
#define TD_MSG_PKI_SIGN_NEEDS "cần đủ --dir, --agency, --role và --out"
#define TD_MSG_PKI_CSR_SIG_BAD "CSR không hợp lệ, chữ ký không khớp"
#define TD_MSG_PKI_CSR_KEY_NOT_ED25519 "khóa trong CSR không phải Ed25519"
#define TD_MSG_PKI_CSR_DEVICE_BAD "tên thiết bị (CN) trong CSR không hợp lệ"
#define TD_MSG_PKI_BUNDLE_NEEDS "cần đủ --dir, --agency, --device, --role, --server và --out"
#define TD_MSG_PKI_SERVER_ADDR_BAD "địa chỉ máy chủ phải có dạng MÁY_CHỦ:CỔNG"
#define TD_MSG_PKI_BUNDLE_EXISTS "tệp gói đăng ký đã có, không ghi đè"
#define TD_MSG_PKI_REVOKE_NEEDS "cần đủ --dir và --serial"
#define TD_MSG_PKI_SERIAL_NOT_HEX "số sê-ri phải là số hex"
#define TD_MSG_PKI_REVOKE_REASON_BAD "lý do thu hồi không hợp lệ (xem --help)"
#define TD_MSG_PKI_SERIAL_UNKNOWN "không có chứng thư với số sê-ri này trong sổ"
#define TD_MSG_PKI_ALREADY_REVOKED "chứng thư đã bị thu hồi trước đó"
#define TD_MSG_PKI_DIR_MISSING "thiếu --dir"
#define TD_MSG_PKI_RENEW_NEEDS "cần đủ --dir, --cert và --out"
#define TD_MSG_PKI_OLD_CERT_UNREADABLE "không đọc được chứng thư cũ"
#define TD_MSG_PKI_OLD_CERT_NOT_DEVICE "chứng thư cũ không phải chứng thư thiết bị (cơ quan, thiết bị, vai trò)"
#define TD_MSG_PKI_CSR_UNREADABLE "không đọc được tệp CSR"
#define TD_MSG_PKI_CSR_BAD "CSR không hợp lệ (chữ ký hoặc loại khóa)"
#define TD_MSG_PKI_OLD_CERT_OTHER_CA "chứng thư cũ không do CA này cấp"
#define TD_MSG_PKI_OLD_CERT_REVOKED "chứng thư cũ đã bị thu hồi (hoặc đã được cấp lại): thiết bị phải đăng ký lại " \
    "(tiendo-pki sign), không cấp lại"
#define TD_MSG_PKI_OLD_CERT_NOT_IN_INDEX "chứng thư cũ không có trong sổ của CA này"
#define TD_MSG_PKI_INDEX_UNREADABLE "không đọc được sổ chứng thư"
#define TD_MSG_PKI_OLD_REVOKE_FAILED "không thu hồi được chứng thư cũ"
#define TD_MSG_PKI_CA_OPEN_FAILED "không mở được CA trong thư mục %s"
#define TD_MSG_PKI_CA_EXPIRED "chứng thư CA đã hết hạn ngày %s, cần tạo CA mới"
#define TD_MSG_PKI_CA_NOT_YET_VALID "chứng thư CA chưa đến ngày có hiệu lực (kiểm tra đồng hồ máy)"
#define TD_MSG_PKI_CERT_FILE_WRITE "không ghi được tệp chứng thư (đã ghi sổ, số sê-ri %s)"
#define TD_MSG_PKI_ISSUE_SERVER_FAILED "không cấp được chứng thư máy chủ"
#define TD_MSG_PKI_CSR_FILE_UNREADABLE "không đọc được tệp CSR"
#define TD_MSG_PKI_CSR_FILE_CORRUPT "tệp CSR hỏng"
#define TD_MSG_PKI_BUNDLE_WRITE "không ghi được tệp gói đăng ký (chứng thư %s đã ghi sổ, nên thu hồi)"
#define TD_MSG_PKI_LIST_FAILED "không liệt kê được"
#define TD_MSG_PKI_ACTION_INIT "không tạo được CA"
#define TD_MSG_PKI_ACTION_SIGN "không ký được"
#define TD_MSG_PKI_ACTION_BUNDLE "không tạo được gói đăng ký"
#define TD_MSG_PKI_ACTION_REVOKE "không thu hồi được"
#define TD_MSG_PKI_ACTION_CRL "không phát hành được CRL"
#define TD_MSG_PKI_ACTION_RENEW "không cấp lại được"
#define TD_MSG_PKI_COL_SERIAL "SỐ SÊ-RI"
#define TD_MSG_PKI_COL_AGENCY "CƠ QUAN"
#define TD_MSG_PKI_COL_DEVICE "THIẾT BỊ"
#define TD_MSG_PKI_COL_ROLE "VAI TRÒ"
#define TD_MSG_PKI_COL_STATUS "TRẠNG THÁI"
#define TD_MSG_PKI_WORD_SERVER "máy chủ"

#endif
