/*
 * msg.h — the catalogue of what tiendo says to people that the other
 * programs do not: its errors, warnings, confirmations and summaries on the
 * terminal, and the error texts of the web interface (tiendo ui).
 * Texts that several programs say are in common/msg.h (included here);
 * help texts are in the option tables (common/cli.h); the words of the web
 * pages stay in their page templates.  Each text is a string literal, so
 * printf formats are checked where they are used; the program's name
 * ("tiendo ...: ") and the final newline stay at the call.
 * tests/integration/cli_text.sh checks that no English word is here, and
 * that no message-printing call of client/ holds a Vietnamese text itself.
 */
#ifndef TDC_MSG_H
#define TDC_MSG_H

#include "../common/msg.h"

#define TD_MSG_APP_THIET_BI_CHUA_DUOC_DANG "thiết bị chưa được đăng ký hoặc thiếu tệp: %s\nHãy chạy `tiendo init` trước."
#define TD_MSG_APP_KHONG_DOC_DUOC_KHOA_HOAC "không đọc được khóa hoặc chứng thư của thiết bị: %s"
#define TD_MSG_APP_KHONG_DOC_DUOC_CHUNG_THU "không đọc được chứng thư CA %s"
#define TD_MSG_APP_KHONG_MO_DUOC_BAN_SAO "không mở được bản sao dữ liệu: %s"
#define TD_MSG_APP_KHONG_DOC_DUOC_BAN_SAO "không đọc được bản sao %s: %s"
#define TD_MSG_APP_KHONG_GHI_DUOC_VAO_HOP "không ghi được vào hộp thư đi: %s"
#define TD_MSG_APP_GHI_CHU_XU_LY_CANH "ghi chú xử lý cảnh báo %s"
#define TD_MSG_APP_GHI_CHU_XU_LY_CANH_2 "ghi chú xử lý cảnh báo có ký tự điều khiển (mã %d) ở vị trí %d"
#define TD_MSG_APP_CAN_GHI_CHU_KHI_DANH "cần ghi chú khi đánh dấu đã xử lý cảnh báo: đã kiểm tra gì, với ai (ví dụ \"đã " \
    "kiểm tra với Sở KH&CN, máy chủ được khôi phục từ bản sao lưu\")"
#define TD_MSG_APP_SO_CANH_BAO_KHONG_HOP "số cảnh báo không hợp lệ: %lld"
#define TD_MSG_APP_KHONG_GHI_DUOC_VAO_BAN "không ghi được vào bản sao dữ liệu: %s (%s)"
#define TD_MSG_APP_CANH_BAO_SO_DA_DUOC "cảnh báo số %lld đã được đánh dấu xử lý lúc %s (%s)"
#define TD_MSG_APP_KHONG_RO_NGUOI_XU_LY "không rõ người xử lý"
#define TD_MSG_APP_KHONG_CO_CANH_BAO_SO "không có cảnh báo số %lld"

#define TD_MSG_AUDIT_CHUNG_THU_CUA_KHONG_PHAI "chứng thư của %s/%s không phải của thanh tra (vai trò inspector)"
#define TD_MSG_AUDIT_KHONG_PHAI_BAN_SAO_DU "không phải bản sao dữ liệu của tiendo (%s)"

#define TD_MSG_CENTRAL_DAI_QUA_BYTE_HAY_VIET "%s dài quá %d byte. Hãy viết ngắn lại."
#define TD_MSG_CENTRAL_KHONG_PHAI_VAN_BAN_UTF "%s không phải văn bản UTF-8 hợp lệ. Hãy kiểm tra bảng mã của thiết bị."
#define TD_MSG_CENTRAL_CHI_THIET_BI_CUA_SO "chỉ thiết bị của Sở Khoa học và Công nghệ (chứng thư vai trò trung tâm) được %s; thiết bị " \
    "này (%s/%s) có vai trò %s. Hãy thực hiện trên thiết bị của Sở KH&CN."
#define TD_MSG_CENTRAL_BAN_SAO_TREN_THIET_BI "bản sao trên thiết bị chưa có kế hoạch. Hãy đồng bộ trước: tiendo sync"
#define TD_MSG_CENTRAL_NHIEM_VU_SO_KHONG_CO "nhiệm vụ số %ld không có trong kế hoạch %s (%zu nhiệm vụ). Hãy kiểm tra số thứ tự (TT)."
#define TD_MSG_CENTRAL_THIEU_THOI_HAN_MOI "thiếu thời hạn mới"
#define TD_MSG_CENTRAL_THOI_HAN_MOI_QUA_DAI "thời hạn mới quá dài"
#define TD_MSG_CENTRAL_LY_DO_KHONG_DUOC_DE "lý do không được để trống: gia hạn phải có lý do"
#define TD_MSG_CENTRAL_KHONG_HIEU_THOI_HAN "không hiểu thời hạn \"%s\"."
#define TD_MSG_CENTRAL_NHIEM_VU_DA_CO_THOI "nhiệm vụ %ld đã có thời hạn \"%s\" (%s); không có gì thay đổi."
#define TD_MSG_CENTRAL_THIEU_NGAY_DIEU_KIEN_DUOC "thiếu ngày điều kiện được đáp ứng (dd/mm/yyyy)"
#define TD_MSG_CENTRAL_NGAY_DAP_UNG_DIEU_KIEN "ngày đáp ứng điều kiện ở tương lai: %s"
#define TD_MSG_CENTRAL_THANG_HOAN_THANH_TRUOC_NGAY "tháng hoàn thành %02d/%04d trước ngày đáp ứng điều kiện %s"
#define TD_MSG_CENTRAL_NHIEM_VU_CO_THOI_HAN "nhiệm vụ %ld có thời hạn \"%s\" (%s), không phải thời hạn có điều kiện; chỉ ghi nhận điều " \
    "kiện cho nhiệm vụ có thời hạn như \"Sau khi Trung ương ban hành\". Muốn đổi thời hạn, hãy " \
    "gia hạn nhiệm vụ."

#define TD_MSG_ATTACH_KHONG_CO_TEP_DINH_KEM "Không có tệp đính kèm nào trong các báo cáo của nhiệm vụ %u."
#define TD_MSG_ATTACH_KHONG_CO_TEP_DINH_KEM_2 "Không có tệp đính kèm nào trong các báo cáo."
#define TD_MSG_ATTACH_TEN_LOAI "TÊN (LOẠI)"

#define TD_MSG_AUDIT_NGUON "Nguồn: %s %s"
#define TD_MSG_AUDIT_BAN_SAO_CUA_THIET_BI "bản sao của thiết bị thanh tra,"
#define TD_MSG_AUDIT_BAN_SAO_CO_SO_DU "bản sao cơ sở dữ liệu máy chủ,"
#define TD_MSG_AUDIT_THU_MUC_MAC_DINH "thư mục mặc định"
#define TD_MSG_AUDIT_BAN_SAO_CUA_MOT_CO "(Bản sao của một cơ quan chỉ có phần nhật ký cơ quan đó được xem; hãy kiểm toán bằng bản sao của thiết bị\n" \
    " thanh tra, hoặc bản sao cơ sở dữ liệu máy chủ với --db.)"
#define TD_MSG_AUDIT_GOM_CA_CO_QUAN_TIEN "Gồm cả cơ quan tiền nhiệm: "
#define TD_MSG_AUDIT_MOI_MUC_GHI_TEN_CO " — mỗi mục ghi tên cơ quan và thiết bị đã ký."
#define TD_MSG_AUDIT_MUC_KY_NHAN "mục %s  ký %s  nhận %s  %s / %s  %s%s%s: %s"
#define TD_MSG_AUDIT_MAY_CHU "(máy chủ)"
#define TD_MSG_AUDIT_KY " kỳ "
#define TD_MSG_AUDIT_BI_TU_CHOI "    BỊ TỪ CHỐI: %s"
#define TD_MSG_AUDIT_CHI_SO_MUC_THOI_DIEM "\"Chỉ số mục\",\"Thời điểm ký\",\"Thời điểm máy chủ nhận\",\"Cơ quan\",\"Thiết bị\",\"Loại\",\"Kỳ\"," \
    "\"Nội dung\",\"Lý do bị từ chối\"\r"
#define TD_MSG_AUDIT_LICH_SU_NHIEM_VU_SO "Lịch sử nhiệm vụ số %lld:"
#define TD_MSG_AUDIT_LICH_SU_CO_QUAN "Lịch sử cơ quan %s:"
#define TD_MSG_AUDIT_TONG_CONG "Tổng cộng: %"
#define TD_MSG_AUDIT_MUC " mục."

#define TD_MSG_CENTRAL_DA_GHI_Y_KIEN_BAO "Đã ghi ý kiến %s báo cáo nhiệm vụ %ld của %s kỳ %s vào hộp thư đi; sẽ gửi khi đồng bộ (tiendo sync). " \
    "Số thứ tự của thiết bị: %llu."
#define TD_MSG_CENTRAL_CHAP_NHAN "chấp nhận"
#define TD_MSG_CENTRAL_TRA_LAI "trả lại"
#define TD_MSG_CENTRAL_DA_GHI_VAO_HOP_THU "Đã ghi %s vào hộp thư đi; sẽ gửi khi đồng bộ (tiendo sync). Số thứ tự của thiết bị: %llu."
#define TD_MSG_CENTRAL_DA_GHI_THAY_DOI_THOI "Đã ghi thay đổi thời hạn nhiệm vụ %s (%s → %s) vào hộp thư đi; sẽ gửi khi đồng bộ (tiendo sync). " \
    "Số thứ tự của thiết bị: %llu."

#define TD_MSG_INIT_DA_DANG_KY_THIET_BI "Đã đăng ký thiết bị trong %s\n" \
    "  Cơ quan:       %s\n" \
    "  Thiết bị:      %s\n" \
    "  Vai trò:       %s\n" \
    "  Hiệu lực đến:  %s\n" \
    "  Máy chủ:       %s"
#define TD_MSG_INIT_DA_TAO_KHOA_THIET_BI "Đã tạo khóa thiết bị %s (quyền 0600) và yêu cầu cấp chứng thư %s\n" \
    "  Cơ quan:   %s\n" \
    "  Thiết bị:  %s\n" \
    "  Mã khóa:   %s\n" \
    "Gửi tệp %s cho Sở KH&CN.  Khi nhận được chứng thư, chạy:\n" \
    "  tiendo init --dir %s --cert TỆP_CHỨNG_THƯ --ca TỆP_CA --server MÁY_CHỦ:CỔNG"
/* the address given to --server */
#define TD_MSG_INIT_SERVER_ADDR_BAD "địa chỉ máy chủ \"%s\" không hợp lệ: cần dạng MÁY_CHỦ:CỔNG, ví dụ 10.0.0.5:7443"
#define TD_MSG_INIT_HAY_XOA_TEP_GOI_NO "Hãy xóa tệp gói %s: nó chứa khóa bí mật, nay đã nằm trong %s."

#define TD_MSG_PING_DA_KET_NOI_TOI_MAY "Đã kết nối tới máy chủ %s (%s)"
#define TD_MSG_PING_PHAN_MEM_MAY_CHU "  Phần mềm máy chủ: %s"
#define TD_MSG_PING_PHIEN_BAN_GIAO_THUC "  Phiên bản giao thức: %u"
#define TD_MSG_PING_THIET_BI_DUOC_NHAN_LA "  Thiết bị được nhận là: cơ quan %s, vai trò %s"
#define TD_MSG_PING_BAT_TAY_TLS_CHAO_HOI "  Bắt tay TLS 1.3 + chào hỏi: %.1f ms"
#define TD_MSG_PING_THOI_GIAN_KHU_HOI_TRUNG "  Thời gian khứ hồi: trung bình %.2f ms, nhỏ nhất %.2f ms (%d lần)"

#define TD_MSG_RECEIPT_BIEN_NHAN_DA_XAC_MINH "Biên nhận đã xác minh: mục số %llu của nhật ký %s"
#define TD_MSG_RECEIPT_TAC_GIA_KHOA_CO_QUAN "  Tác giả: khóa %s, cơ quan %s"
#define TD_MSG_RECEIPT_LOAI_SO_THU_TU_CUA "  Loại: %s (số thứ tự %llu của tác giả)"
#define TD_MSG_RECEIPT_KY_LUC "  Ký lúc: %s"
#define TD_MSG_RECEIPT_THUOC_DIEM_KIEM_TRA_CO "  Thuộc điểm kiểm tra có chữ ký của máy chủ: %llu mục, gốc %s"

#define TD_MSG_RENEW_DA_CAI_CHUNG_THU_MOI "Đã cài chứng thư mới cho thiết bị %s của cơ quan %s, hiệu lực đến %s."
#define TD_MSG_RENEW_KHOA_KHONG_DOI_CHUNG_THU "Khóa không đổi; chứng thư cũ giữ ở %s."
#define TD_MSG_RENEW_KHOA_MOI_DA_THAY_KHOA "Khóa mới đã thay khóa cũ; khóa và chứng thư cũ giữ ở %s và %s."
#define TD_MSG_RENEW_HOP_THU_DI_GIU_NGUYEN "Hộp thư đi giữ nguyên. Chạy \"tiendo sync --dir %s\" để gửi các bản ghi chờ."
#define TD_MSG_RENEW_KHOA_MOI_MA_KHOA_VA "%s khóa mới %s/%s (mã khóa %s) và ghi yêu cầu cấp lại vào %s."
#define TD_MSG_RENEW_DA_TAO "Đã tạo"
#define TD_MSG_RENEW_DUNG_LAI "Dùng lại"
#define TD_MSG_RENEW_GUI_VA_CHO_CAN_BO "Gửi %s và %s cho cán bộ quản lý CA; cán bộ chạy:\n" \
    "  tiendo-pki renew --dir THƯ_MỤC_CA --cert device.crt --csr %s --out moi.crt\n" \
    "Khi nhận được moi.crt: tiendo renew --dir %s --import moi.crt"
#define TD_MSG_RENEW_MAY_CHU_DA_GHI_CHUNG "Máy chủ đã ghi chứng thư mới vào nhật ký (mục số %llu)."

#define TD_MSG_REPORT_TRONG "(trống)"
#define TD_MSG_REPORT_DA_GHI_BAO_CAO_NHIEM "Đã ghi báo cáo nhiệm vụ %u kỳ %s của %s vào hộp thư đi; sẽ gửi khi đồng bộ (tiendo sync). " \
    "Số thứ tự của thiết bị: %llu."
#define TD_MSG_REPORT_DONG_NHIEM_VU_KY_SO "  dòng %d: nhiệm vụ %u, kỳ %s: %s, %d%% (số thứ tự %llu)"
#define TD_MSG_REPORT_DA_GHI_BAO_CAO_TU "Đã ghi %d báo cáo từ %s vào hộp thư đi.\n%s"
#define TD_MSG_REPORT_BAO_CAO_NHIEM_VU_KY "Báo cáo nhiệm vụ %u, kỳ %s, của %s (bản ghi số %llu, ký lúc %s):"
#define TD_MSG_REPORT_VAN_BAN "  Văn bản: %s%s%s%s%s"
#define TD_MSG_REPORT_NGAY ", ngày "
#define TD_MSG_REPORT_TEP_DINH_KEM_BYTE_SHA256 "  Tệp đính kèm: %s (%s, %llu byte, sha256 %s…)"
#define TD_MSG_REPORT_THAM_DINH_DA_CHAP_NHAN "  Thẩm định: đã chấp nhận%s%s"
#define TD_MSG_REPORT_THAM_DINH_BI_TRA_LAI "  Thẩm định: bị trả lại: %s"
#define TD_MSG_REPORT_THAM_DINH_CHUA "  Thẩm định: chưa"
#define TD_MSG_REPORT_DA_BAN_NHAP_BAO_CAO "Đã %s bản nháp báo cáo nhiệm vụ %u kỳ %s (CHƯA ký, chưa gửi):"
#define TD_MSG_REPORT_CAP_NHAT "cập nhật"
#define TD_MSG_REPORT_LUU "lưu"
#define TD_MSG_REPORT_BUOC_TIEP_THEO_SUA_TIEP "Bước tiếp theo: sửa tiếp bằng `tiendo report %u --period %s ... --draft`; khi xong, nộp bằng " \
    "`tiendo draft submit %u --period %s` (ký và đưa vào hộp thư đi)."
#define TD_MSG_REPORT_BAN_NHAP_CUA_NHIEM_VU "Bản nháp của nhiệm vụ %u kỳ %s đã được dùng và xóa."
#define TD_MSG_REPORT_KHONG_CO_BAN_NHAP_NAO "Không có bản nháp nào."
#define TD_MSG_REPORT_BAN_NHAP_CHUA_KY_CHUA "Bản nháp (chưa ký, chưa gửi): %zu"
#define TD_MSG_REPORT_HONG_KHONG_DOC_DUOC_XOA "  %s: (hỏng, không đọc được; xóa bằng tiendo draft delete)"
#define TD_MSG_REPORT_NHIEM_VU_KY "  nhiệm vụ %u, kỳ %s: %s"
#define TD_MSG_REPORT_SUA_LAN_CUOI " — sửa lần cuối %s"
#define TD_MSG_REPORT_NOP_MOT_BAN_NHAP_TIENDO "Nộp một bản nháp: tiendo draft submit SỐ --period MM/YYYY"
#define TD_MSG_REPORT_DA_XOA_BAN_NHAP_CUA "Đã xóa bản nháp của nhiệm vụ %ld kỳ %s (không ký, không gửi gì)."
#define TD_MSG_REPORT_BAN_NHAP_BAO_CAO_NHIEM "Bản nháp báo cáo nhiệm vụ %u, kỳ %s (CHƯA ký; sửa lần cuối %s):"
#define TD_MSG_REPORT_NOP_TIENDO_DRAFT_SUBMIT_PERIOD "Nộp: tiendo draft submit %u --period %s"
#define TD_MSG_REPORT_BAN_NHAP_DA_DUOC_NOP "Bản nháp đã được nộp và xóa."
#define TD_MSG_REPORT_DA_GHI_GIA_TRI_CHI "Đã ghi giá trị chỉ tiêu %s kỳ %s của %s vào hộp thư đi; sẽ gửi khi đồng bộ (tiendo sync). " \
    "Số thứ tự của thiết bị: %llu."
#define TD_MSG_REPORT_GIA_TRI "  Giá trị: %s"
#define TD_MSG_REPORT_GHI_CHU "Ghi chú"
#define TD_MSG_REPORT_KET_QUA "Kết quả"

#define TD_MSG_STATUS_SO "  - %s số %llu (%s): %s"
#define TD_MSG_STATUS_DA_KY_LAI "đã ký lại:"
#define TD_MSG_STATUS_MAY_CHU_TU_CHOI "máy chủ từ chối"
#define TD_MSG_STATUS_KHONG_DUOC_TINH_KHI_TONG "  - không được tính khi tổng hợp: %s, số %llu (mục nhật ký %llu"
#define TD_MSG_STATUS_NHIEM_VU ", nhiệm vụ %u"
#define TD_MSG_STATUS_VA_CAC_MUC_KHAC_TIENDO "  ... và các mục khác: tiendo status"
#define TD_MSG_STATUS_CHO_GUI_MUC "Chờ gửi: %llu mục"
#define TD_MSG_STATUS_SO_GHI_LUC "  - số %llu, ghi lúc %s: %s"
#define TD_MSG_STATUS_VA_MUC_KHAC "  ... và %llu mục khác"
#define TD_MSG_STATUS_DA_GUI_VA_DUOC_MAY "Đã gửi và được máy chủ lưu: %llu mục"
#define TD_MSG_STATUS_BI_TU_CHOI_MAY_CHU "Bị từ chối (máy chủ không nhận, hoặc không được tính khi tổng hợp):"
#define TD_MSG_STATUS_TONG_SO_MUC_BI_TU "Tổng số mục bị từ chối: %zu"
#define TD_MSG_STATUS_BI_TU_CHOI_KHI_TONG "Bị từ chối khi tổng hợp (mục của thiết bị này trong nhật ký, mọi khóa): %zu mục"
#define TD_MSG_STATUS_XUNG_DOT_HAI_THIET_BI "Xung đột (hai thiết bị cùng báo cáo một nhiệm vụ, một kỳ): %zu"
#define TD_MSG_STATUS_NHIEM_VU_KY_BAO_CAO "  - nhiệm vụ %u, kỳ %s: báo cáo ở mục nhật ký %llu được dùng, mục %llu bị thay; cần người xem lại"
#define TD_MSG_STATUS_CANH_BAO_CANH_BAO_VE "CẢNH BÁO: %zu cảnh báo về nhật ký máy chủ chưa được xử lý:"
#define TD_MSG_STATUS_CANH_BAO_SO_LUC_DIEM "  - cảnh báo số %lld, lúc %s: %s; điểm kiểm tra đã xác minh có %llu mục, máy chủ đưa ra %llu " \
    "mục."
#define TD_MSG_STATUS_BANG_CHUNG_DUOC_LUU_TRONG "  Bằng chứng được lưu trong bản sao. Báo cho thanh tra, sau đó: tiendo status --clear-alarm SỐ " \
    "--note \"đã kiểm tra gì, với ai\""
#define TD_MSG_STATUS_CANH_BAO_SO_DA_XU "Cảnh báo số %lld (%s): đã xử lý lúc %s, bởi %s; ghi chú: %s"
#define TD_MSG_STATUS_KHONG_RO "không rõ"
#define TD_MSG_STATUS_KHONG_CO "(không có)"
#define TD_MSG_STATUS_DIEM_KIEM_TRA_NHAT_KY "Điểm kiểm tra nhật ký đã xác minh gần nhất: %llu mục (lúc %s)"
#define TD_MSG_STATUS_DIEM_KIEM_TRA_NHAT_KY_2 "Điểm kiểm tra nhật ký: chưa xác minh lần nào"
#define TD_MSG_STATUS_DA_DONG_KY_DIEM_KIEM "Đã đồng ký điểm kiểm tra đến cỡ %llu"
#define TD_MSG_STATUS_DA_DANH_DAU_XU_LY "Đã đánh dấu xử lý cảnh báo số %s; ghi chú đã được lưu, bằng chứng vẫn được giữ trong bản sao."
#define TD_MSG_STATUS_THIET_BI_CUA_CO_QUAN "Thiết bị %s của cơ quan %s (%s), máy chủ %s"
#define TD_MSG_STATUS_LAN_DONG_BO_THANH_CONG "Lần đồng bộ thành công gần nhất: %s"
#define TD_MSG_STATUS_KE_HOACH_NHIEM_VU_CHI "Kế hoạch: %s (%zu nhiệm vụ, %zu chỉ tiêu)"
#define TD_MSG_STATUS_KHONG_SO "(không số)"
#define TD_MSG_STATUS_KE_HOACH_CHUA_CO_HAY "Kế hoạch: chưa có (hãy chạy tiendo sync)"
#define TD_MSG_STATUS_DA_NHAN_TU_MAY_CHU "Đã nhận từ máy chủ: %llu mục nhật ký (đến mục %llu; máy chủ có %llu mục ở lần đồng bộ gần nhất)"

#define TD_MSG_SYNC_DONG_BO_XONG_GUI_NHAN "Đồng bộ xong: gửi %llu, nhận %llu, bị từ chối %llu."
#define TD_MSG_SYNC_DA_KY_LAI_MUC_MAY "Đã ký lại %llu mục máy chủ chưa nhận vì trùng số thứ tự (thiết bị được cài đặt lại): nội dung giữ " \
    "nguyên, đã gửi lại với số thứ tự mới."
#define TD_MSG_SYNC_CAC_MUC_BI_TU_CHOI "Các mục bị từ chối và việc cần làm:"
#define TD_MSG_SYNC_DA_DONG_KY_DIEM_KIEM "Đã đồng ký điểm kiểm tra cỡ %llu."
#define TD_MSG_SYNC_DA_DUNG_DONG_BO_LIEN "Đã dừng đồng bộ liên tục."

#define TD_MSG_TASKS_BANG_RUT_GON_COT_BANG "(Bảng rút gọn 80 cột; bảng đầy đủ: tiendo tasks --wide)"
#define TD_MSG_TASKS_NHIEM_VU_CO_QUAN_TRANG "Nhiệm vụ %s — cơ quan %s (%s)\nTrạng thái tại ngày %s%s%s"
#define TD_MSG_TASKS_CUA_KE_HOACH "của kế hoạch"
#define TD_MSG_TASKS_CHU_TRI_PHOI_HOP "chủ trì, phối hợp"
#define TD_MSG_TASKS_KY ", kỳ "
#define TD_MSG_TASKS_KHONG_CO_NHIEM_VU_NAO "Không có nhiệm vụ nào phù hợp%s."
#define TD_MSG_TASKS_CO_QUAN_KHONG_CHU_TRI " (cơ quan không chủ trì, phối hợp nhiệm vụ nào thỏa điều kiện lọc; xem mọi " \
    "nhiệm vụ: tiendo tasks --all)"
#define TD_MSG_TASKS_NHIEM_VU_CHU_TRI_PHOI "%zu nhiệm vụ (chủ trì %zu, phối hợp %zu). Chi tiết một nhiệm vụ: tiendo task SỐ"
#define TD_MSG_TASKS_KHONG_CO_NHOM_MO_HOAC "không có (nhóm mở hoặc không xác định)"
#define TD_MSG_TASKS_VA_CO_QUAN_KHAC " và %zu cơ quan khác"
#define TD_MSG_TASKS_NHIEM_VU_KE_HOACH "Nhiệm vụ %u — kế hoạch %s"
#define TD_MSG_TASKS_MUC "Mục %s%s%s"
#define TD_MSG_TASKS_TEN_NHIEM_VU "Tên nhiệm vụ: %s"
#define TD_MSG_TASKS_SAN_PHAM "Sản phẩm: %s"
#define TD_MSG_TASKS_CO_QUAN_CHU_TRI_THEO "Cơ quan chủ trì (theo kế hoạch): %s"
#define TD_MSG_TASKS_THEO_TO_CHUC_TAI_NGAY "  theo tổ chức tại ngày %s: "
#define TD_MSG_TASKS_CO_QUAN_PHOI_HOP_THEO "Cơ quan phối hợp (theo kế hoạch): %s"
#define TD_MSG_TASKS_VAI_TRO_CUA "Vai trò của %s: %s"
#define TD_MSG_TASKS_CHU_TRI "chủ trì"
#define TD_MSG_TASKS_PHOI_HOP "phối hợp"
#define TD_MSG_TASKS_KHONG_CHU_TRI_KHONG_PHOI "không chủ trì, không phối hợp"
#define TD_MSG_TASKS_THOI_HAN "Thời hạn%s: "
#define TD_MSG_TASKS_TAI_NGAY_DANG_XET " tại ngày đang xét"
#define TD_MSG_TASKS_HIEN_NAY "; hiện nay: "
#define TD_MSG_TASKS_THAY_DOI_THOI_HAN_NGAY "  Thay đổi thời hạn ngày %s (mục nhật ký %llu): "
#define TD_MSG_TASKS_LY_DO "    Lý do: %s"
#define TD_MSG_TASKS_KE_HOACH_MOI_DUOC_NHAP "(kế hoạch mới được nhập)"
#define TD_MSG_TASKS_DIEU_KIEN_DA_DAP_UNG "Điều kiện%s: đã đáp ứng ngày %s"
#define TD_MSG_TASKS_THAY_BANG_GHI_NHAN_SAU " (thay bằng ghi nhận sau)"
#define TD_MSG_TASKS_HAN_HOAN_THANH_THANG "; hạn hoàn thành: tháng %02d/%04d"
#define TD_MSG_TASKS_CHUA_CO_HAN_HOAN_THANH "; chưa có hạn hoàn thành"
#define TD_MSG_TASKS_SO_KH_CN_GHI_NHAN " (Sở KH&CN ghi nhận ngày %s)"
#define TD_MSG_TASKS_GHI_CHU "  Ghi chú: %s"
#define TD_MSG_TASKS_DIEU_KIEN_CHUA_DUOC_SO "Điều kiện: chưa được Sở KH&CN ghi nhận là đã đáp ứng (chưa có hạn hoàn thành)"
#define TD_MSG_TASKS_TRANG_THAI_TAI_NGAY "\nTrạng thái tại ngày %s: %s"
#define TD_MSG_TASKS_HAN "; hạn %s"
#define TD_MSG_TASKS_CHUA_CO_HAN "; chưa có hạn"
#define TD_MSG_TASKS_KY_2 "; kỳ %s"
#define TD_MSG_TASKS_BAO_CAO_GAN_NHAT_KY "; báo cáo gần nhất ký ngày %s (%s, %u%%)"
#define TD_MSG_TASKS_CHUA_BAO_CAO "; chưa báo cáo"
#define TD_MSG_TASKS_HOAN_THANH_NGAY "; hoàn thành ngày %s"
#define TD_MSG_TASKS_BI_TRA_LAI_LY_DO "      Bị trả lại, lý do: %s"
#define TD_MSG_TASKS_KHONG_GHI "(không ghi)"
#define TD_MSG_TASKS_LICH_SU_BAO_CAO_PHIEN "\nLịch sử báo cáo (%zu phiên bản trên thiết bị này):"
#define TD_MSG_TASKS_KY_MUC_NHAT_KY "  - Kỳ %s, %s: %s, %u%% (mục nhật ký %llu%s)"
#define TD_MSG_TASKS_HIEN_HANH ", hiện hành"
#define TD_MSG_TASKS_DA_DUOC_THAY ", đã được thay"
#define TD_MSG_TASKS_KY_LUC_MAY_CHU_NHAN "      Ký lúc %s; máy chủ nhận ngày %s"
#define TD_MSG_TASKS_LUU_Y_GIO_KY_NGAY "      Lưu ý giờ ký: %s; ngày ký được tính là %s"
#define TD_MSG_TASKS_THAM_DINH_NGAY "      Thẩm định ngày %s: %s%s%s"
#define TD_MSG_TASKS_TRA_LAI "TRẢ LẠI"
#define TD_MSG_TASKS_Y_KIEN ". Ý kiến: "
#define TD_MSG_TASKS_CHUA_CO_BAO_CAO_NAO "  (chưa có báo cáo nào)"
#define TD_MSG_TASKS_NOI_DUNG_BAO_CAO_HIEN "\nNội dung báo cáo hiện hành (kỳ gần nhất của mỗi cơ quan):"
#define TD_MSG_TASKS_KY_3 "  - %s, kỳ %s: %s, %u%%"
#define TD_MSG_TASKS_HOAN_THANH_NGAY_2 ", hoàn thành ngày %s"
#define TD_MSG_TASKS_DA_DUOC_CHAP_NHAN "đã được chấp nhận"
#define TD_MSG_TASKS_BI_TRA_LAI "bị trả lại"
#define TD_MSG_TASKS_CHUA_THAM_DINH "chưa thẩm định"
#define TD_MSG_TASKS_VAN_BAN "      Văn bản: %s%s%s%s%s"
#define TD_MSG_TASKS_NGAY " ngày "
#define TD_MSG_TASKS_TEP_DINH_KEM_BYTE "      Tệp đính kèm: %s (%s, %llu byte, %s…)"
#define TD_MSG_TASKS_TREN_THIET_BI_NAY_CHUA "\nTrên thiết bị này, chưa đồng bộ:"
#define TD_MSG_TASKS_SO_CHO_GUI "  - số %llu: %s — chờ gửi"
#define TD_MSG_TASKS_GUI_BANG_TIENDO_SYNC "Gửi bằng: tiendo sync"
#define TD_MSG_TASKS_VIEC_CAN_LAM_NGAY "Việc cần làm — %s (%s), ngày %s"
#define TD_MSG_TASKS_THIET_BI_CHUA_CO_KE "\nThiết bị chưa có kế hoạch: hãy đồng bộ (tiendo sync) để nhận danh sách nhiệm vụ."
#define TD_MSG_TASKS_TOAN_KE_HOACH_NHIEM_VU "\nToàn kế hoạch (%zu nhiệm vụ):"
#define TD_MSG_TASKS_MUC_BI_TU_CHOI_TRONG "Mục bị từ chối trong nhật ký (mọi cơ quan): %zu"
#define TD_MSG_TASKS_THIET_BI_THANH_TRA_CHI "Thiết bị thanh tra chỉ xem, không ghi báo cáo."
#define TD_MSG_TASKS_BAO_CAO_KY_HAN_NHIEM "\nBáo cáo kỳ %s (hạn %s): %zu nhiệm vụ phải báo cáo; đã gửi %zu"
#define TD_MSG_TASKS_MUON " (muộn %zu)"
#define TD_MSG_TASKS_DA_GHI_CHO_GUI_CON "; đã ghi, chờ gửi %zu; còn thiếu %zu"
#define TD_MSG_TASKS_DA_GHI_CHO_GUI "  Đã ghi, chờ gửi:"
#define TD_MSG_TASKS_CON_THIEU "  Còn thiếu:"
#define TD_MSG_TASKS_VA_NHIEM_VU_KHAC "  ... và %zu nhiệm vụ khác"
#define TD_MSG_TASKS_DA_BAO_CAO_DU "  Đã báo cáo đủ."
#define TD_MSG_TASKS_BI_TRA_LAI_CAN_SUA "\nBị trả lại, cần sửa và báo cáo lại:"
#define TD_MSG_TASKS_LY_DO_2 "  - %s\n      Lý do: %s"
#define TD_MSG_TASKS_DA_GHI_BAO_CAO_SUA "      (đã ghi báo cáo sửa, chờ gửi)"
#define TD_MSG_TASKS_XUNG_DOT_BAO_CAO_HAI "\nXung đột báo cáo (hai thiết bị cùng báo cáo một nhiệm vụ, một kỳ):"
#define TD_MSG_TASKS_KY_4 "  - %s, kỳ %s:"
#define TD_MSG_TASKS_THIET_BI_GHI_LUC_MUC "      %s thiết bị %s%s, ghi lúc %s: %s, %u%% (mục nhật ký %llu)"
#define TD_MSG_TASKS_DANG_DUNG "đang dùng:"
#define TD_MSG_TASKS_BI_THAY "bị thay: "
#define TD_MSG_TASKS_MAY_NAY " (máy này)"
#define TD_MSG_TASKS_CACH_GIAI_QUYET_THONG_NHAT "      Cách giải quyết: thống nhất nội dung giữa hai thiết bị, rồi ghi lại báo cáo trên một\n" \
    "      thiết bị: tiendo report %s --period %s (bản mới thay cả hai); xem: tiendo task %s"
#define TD_MSG_TASKS_VA_XUNG_DOT_KHAC "  ... và %zu xung đột khác"
#define TD_MSG_TASKS_SAP_DEN_HAN_QUA_HAN "\nSắp đến hạn: %zu; quá hạn chưa hoàn thành: %zu"
#define TD_MSG_TASKS_HAN_2 ", hạn "
#define TD_MSG_TASKS_DA_GHI_BAO_CAO_CHO " (đã ghi báo cáo, chờ gửi)"
#define TD_MSG_TASKS_VA_NHIEM_VU_KHAC_TIENDO "  ... và %zu nhiệm vụ khác (tiendo tasks --status ongoing-late, --status never-reported)"
#define TD_MSG_TASKS_BAO_CAO_HOAN_THANH_CHO "\nBáo cáo hoàn thành chờ thẩm định:"
#define TD_MSG_TASKS_KY_5 "  - %s — %s, kỳ %s"
#define TD_MSG_TASKS_VA_BAO_CAO_KHAC "  ... và %zu báo cáo khác"
#define TD_MSG_TASKS_BAO_CAO_HOAN_THANH_CHO_2 "%sBáo cáo hoàn thành chờ thẩm định: %zu"
#define TD_MSG_TASKS_CHO_GUI_MUC "\nChờ gửi: %zu mục"
#define TD_MSG_TASKS_BAO_CAO " (%zu báo cáo)"
#define TD_MSG_TASKS_DONG_BO_LAN_CUOI "; đồng bộ lần cuối: %s"
#define TD_MSG_TASKS_BI_TU_CHOI "Bị từ chối:"
#define TD_MSG_TASKS_SO_MUC_BI_TU_CHOI "Số mục bị từ chối: %zu (cần ghi lại theo hướng dẫn trên)"
#define TD_MSG_TASKS_VIEC_TIEP_THEO "Việc tiếp theo: %s%s"
#define TD_MSG_TASKS_KHONG_CON_VIEC_NAO_TRONG "không còn việc nào trong kỳ này"
#define TD_MSG_TASKS_ROI_GUI_DI_TIENDO_SYNC "; rồi gửi đi: tiendo sync"

#define TD_MSG_DEVICE_THU_MUC_CHUA_CO_TEP "thư mục %s chưa có tệp config hoặc device.crt"
#define TD_MSG_DEVICE_THIEU_DONG_SERVER_MAY_CONG "thiếu dòng \"server = MÁY:CỔNG\""

#define TD_MSG_LINK_CHUNG_THU_SO_CUA_THIET "  Chứng thư số của thiết bị này đã bị thu hồi, nên đồng bộ lại cũng không được. Hãy liên hệ\n" \
    "  Sở KH&CN (cán bộ quản lý CA) để được cấp chứng thư mới, với khóa mới:\n" \
    "    1. tiendo renew --csr-out yeu-cau.csr   (tạo khóa mới và yêu cầu cấp chứng thư)\n" \
    "    2. gửi tệp yeu-cau.csr cho cán bộ CA của Sở KH&CN; cán bộ CA ký và gửi lại tệp chứng thư\n" \
    "    3. tiendo renew --import TỆP_CHỨNG_THƯ, rồi tiendo sync\n" \
    "  Các báo cáo đã ghi mà chưa gửi vẫn được giữ trong hộp thư đi."

#define TD_MSG_REPLICA_BAN_SAO_VUA_DUOC_MOT "bản sao vừa được một chương trình khác thay đổi (vị trí %lld, cần %llu)"
#define TD_MSG_REPLICA_CAU_TRUC_DU_LIEU_PHIEN "cấu trúc dữ liệu phiên bản %d, mới hơn của chương trình này (%d): hãy cập nhật tiendo"

#define TD_MSG_ENTRY_KHONG_LUU_DUOC_BAN_NHAP "không lưu được bản nháp: %s"
#define TD_MSG_ENTRY_KHONG_DOC_DUOC_BAN_NHAP "không đọc được bản nháp: %s"
#define TD_MSG_ENTRY_BAN_NHAP_HONG_KHONG_GIAI "bản nháp %s hỏng (không giải mã được); xóa bằng `tiendo draft delete %u " \
    "--period %s` rồi ghi lại."
#define TD_MSG_ENTRY_TRA_LAI_BAO_CAO_CAN "trả lại báo cáo cần lý do: hãy ghi lý do để cơ quan biết cần sửa gì"

/* after "English | ": the Vietnamese part of an error (common/err.h td_error_vi) */
#define TD_MSG_SYNC_ATTACHMENT_MISSING "Báo cáo số thứ tự " \
    "%llu trong hộp thư đi có tệp đính kèm (mã %.12s…) không còn trong bản sao dữ liệu của " \
    "máy này nên chưa gửi được; hãy chép lại bản sao dữ liệu (replica.db) từ bản lưu, hoặc " \
    "báo cho cán bộ quản trị"
#define TD_MSG_SYNC_MAY_CHU_KHONG_NHAN_TEP "Máy chủ không nhận tệp đính kèm"
#define TD_MSG_SYNC_SERVER_NO_ATTACHMENTS "Máy chủ " \
    "chưa hỗ trợ tệp đính kèm nên báo cáo có tệp đính kèm (và các mục ghi sau nó) " \
    "chưa được gửi; các mục trước đó đã gửi. Hãy báo Sở Khoa học và Công nghệ cập " \
    "nhật máy chủ"

#define TD_MSG_UI_TEP_HONG_KHONG_PHAI_CHU "tệp %s hỏng (không phải 64 chữ số hex); xóa tệp để tạo mã mới"
#define TD_MSG_UI_KHONG_GHI_DUOC "không ghi được %s"
#define TD_MSG_UI_GIAO_DIEN_TIENDO_CUA_DANG "Giao diện tiendo của %s đang chạy tại:\n  %s\n" \
    "(Địa chỉ có mã truy cập riêng của máy này; đừng gửi cho người khác. Dừng: Ctrl-C.)"
#define TD_MSG_UI_DA_DUNG_GIAO_DIEN "Đã dừng giao diện."

#define TD_MSG_APP_TIENDO_DATE_PHAI_LA_NGAY "tiendo %s: --date phải là ngày dd/mm/yyyy (nhận được \"%s\").\nXem: tiendo %s --help"

#define TD_MSG_ATTACH_KHONG_DOC_DUOC_BAN_SAO "không đọc được bản sao dữ liệu: %s"
#define TD_MSG_ATTACH_KHONG_PHAI_MA_BAM_HOP "\"%s\" không phải mã băm hợp lệ. Hãy ghi đủ 64 chữ số thập lục phân " \
    "hoặc ít nhất %d chữ số đầu (xem: tiendo attachment list)."
#define TD_MSG_ATTACH_CO_NHIEU_TEP_CO_MA "có nhiều tệp có mã băm bắt đầu bằng \"%s\". Hãy ghi thêm chữ số " \
    "(xem: tiendo attachment list)."
#define TD_MSG_ATTACH_KHONG_CO_BAO_CAO_NAO "không có báo cáo nào trong bản sao dữ liệu có tệp đính kèm mã băm " \
    "\"%s\". Hãy đồng bộ (tiendo sync) rồi xem lại: tiendo attachment list."
#define TD_MSG_ATTACH_TEP_KHONG_CO_TREN_MAY "tệp không có trên máy này và "
#define TD_MSG_ATTACH_MAY_CHU_CHUA_HO_TRO "máy chủ chưa hỗ trợ tệp đính kèm (giao thức %u). Hãy báo Sở Khoa học " \
    "và Công nghệ cập nhật máy chủ."
#define TD_MSG_ATTACH_MAY_CHU_KHONG_CHO_TAI "máy chủ không cho tải tệp này: tệp không có trên máy chủ hoặc không " \
    "thuộc phạm vi cơ quan được xem."
#define TD_MSG_ATTACH_TAI_TEP_TU_MAY_CHU "tải tệp từ máy chủ không thành công: %s%s"
#define TD_MSG_ATTACH_CANH_BAO_KHONG_LUU_DUOC "(cảnh báo) không lưu được tệp vào bản sao dữ liệu: %s"
#define TD_MSG_ATTACH_KHONG_GHI_DUOC_RA_MAN "không ghi được ra màn hình: %s"
#define TD_MSG_ATTACH_KHONG_TAO_DUOC_TEP_HAY "không tạo được tệp \"%s\": %s. Hãy chọn tên khác bằng --out."
#define TD_MSG_ATTACH_TEP_DA_CO_KHONG_GHI "tệp đã có (không ghi đè)"
#define TD_MSG_ATTACH_GHI_TEP_LOI "ghi tệp \"%s\" lỗi: %s"
#define TD_MSG_ATTACH_TASK_PHAI_LA_SO_NHIEM "--task phải là số nhiệm vụ (ví dụ 27), không phải \"%s\"."
#define TD_MSG_ATTACH_CAN_DUNG_MOT_MA_BAM "cần đúng một mã băm (xem: tiendo attachment list)."
#define TD_MSG_ATTACH_KHONG_DOC_DUOC_TEP_TRONG "không đọc được tệp trong bản sao dữ liệu: %s"
#define TD_MSG_ATTACH_DA_GHI_BYTE_SHA_RA "Đã ghi %s (%llu byte, %s, SHA-256 %.16s…) ra \"%s\"."
#define TD_MSG_ATTACH_TEP "tệp"

#define TD_MSG_AUDIT_SO_NHIEM_VU_KHONG_HOP "số nhiệm vụ không hợp lệ: \"%s\""
#define TD_MSG_AUDIT_QUA_WITNESS_CERT "quá %d --witness-cert"
#define TD_MSG_AUDIT_CHI_DUNG_MOT_TRONG_DIR "chỉ dùng một trong --dir và --db"
#define TD_MSG_AUDIT_DB_CAN_CA_CHUNG_THU "--db cần --ca (chứng thư CA của tỉnh, lấy độc lập với máy chủ)"
#define TD_MSG_AUDIT_KHONG_DOC_DUOC_CHUNG_THU "không đọc được chứng thư CA %s: %s"
#define TD_MSG_AUDIT_KHONG_MO_DUOC "không mở được %s: %s"
#define TD_MSG_AUDIT_CHUNG_THU_CHUNG_KIEN_KHONG "chứng thư chứng kiến %s không dùng được: %s"
#define TD_MSG_AUDIT_TASK_AGENCY_CSV_CHI_DUNG "--task, --agency, --csv chỉ dùng với history"
#define TD_MSG_AUDIT_KHONG_DOC_HET_DUOC_NHAT "không đọc hết được nhật ký: %s"
#define TD_MSG_AUDIT_CAN_DUNG_MOT_TRONG_TASK "cần đúng một trong --task SỐ và --agency MÃ"
#define TD_MSG_AUDIT_ORIGIN_WITNESS_CERT_CHI_DUNG "--origin, --witness-cert chỉ dùng với verify"

#define TD_MSG_CENTRAL_TIENDO_NHIEM_VU_SO_KHONG "tiendo %s: nhiệm vụ số %ld không có trong kế hoạch %s (%zu nhiệm vụ). " \
    "Hãy kiểm tra số thứ tự (TT): tiendo tasks --all"
#define TD_MSG_CENTRAL_BAN_SAO_KHONG_CO_BAO "bản sao không có báo cáo của %s về nhiệm vụ %ld kỳ %s. " \
    "Hãy đồng bộ trước: tiendo sync (và kiểm tra mã cơ quan, kỳ: tiendo task %ld)"
#define TD_MSG_CENTRAL_LUU_Y_PHIEN_BAN_BAO "lưu ý: phiên bản báo cáo này đã được %s; ý kiến mới sẽ thay ý kiến cũ."
#define TD_MSG_CENTRAL_LUU_Y_BAO_CAO_NAY "lưu ý: báo cáo này chưa báo \"đã hoàn thành\" (%u%%); chấp nhận không làm " \
    "nhiệm vụ thành hoàn thành."
#define TD_MSG_CENTRAL_NHIEM_VU_VAN_GHI_THAY "nhiệm vụ %s: %s.\nVẫn ghi thay đổi này? Gõ \"có\" để ghi, Enter để thôi: "
#define TD_MSG_CENTRAL_KHONG_GHI_GI "không ghi gì."
#define TD_MSG_CENTRAL_NHIEM_VU_NEU_DUNG_LA "nhiệm vụ %s: %s.\n" \
    "Nếu đúng là như vậy, chạy lại lệnh với --yes; nếu ghi nhầm, hãy sửa --deadline. Không ghi gì."

#define TD_MSG_PING_COUNT_PHAI_TU_DEN "--count phải từ 1 đến 1000"
#define TD_MSG_PING_THIET_BI_CHUA_DUOC_DANG "thiết bị chưa được đăng ký hoặc thiếu tệp: %s\n" \
    "Hãy chạy `tiendo init` trước."
#define TD_MSG_PING_MAT_KET_NOI "mất kết nối: %s (%s)"
#define TD_MSG_PING_MAY_CHU_TRA_LOI_SAI "máy chủ trả lời sai (%s)"

#define TD_MSG_RECEIPT_PHAI_LA_SO_NGUYEN_DUONG "%s phải là số nguyên dương: \"%s\""
#define TD_MSG_RECEIPT_KHONG_XAC_MINH_DUOC_BIEN "KHÔNG xác minh được biên nhận: %s%s%s%s"
#define TD_MSG_RECEIPT_KHONG_DOC_DUOC_HOP_THU "không đọc được hộp thư đi: %s"
#define TD_MSG_RECEIPT_MUC_SO_DA_BI_MAY "mục số %llu đã bị máy chủ từ chối: %s"
#define TD_MSG_RECEIPT_MUC_SO_CHUA_DUOC_MAY "mục số %llu chưa được máy chủ nhận; hãy chạy tiendo sync"
#define TD_MSG_RECEIPT_THIET_BI_KHONG_CO_MUC "thiết bị không có mục số %llu"
#define TD_MSG_RECEIPT_THIET_BI_CHUA_GHI_MUC "thiết bị chưa ghi mục nào"
#define TD_MSG_RECEIPT_CANH_BAO_MAY_CHU_DUA "CẢNH BÁO: máy chủ đưa ra lịch sử nhật ký không nhất quán với lần đồng bộ " \
    "trước (cảnh báo số %lld, bằng chứng đã lưu; xem tiendo status)."
#define TD_MSG_RECEIPT_MUC_CHUA_NAM_TRONG_DIEM "mục %llu chưa nằm trong điểm kiểm tra mới nhất (%llu mục); thử lại sau"
#define TD_MSG_RECEIPT_MAY_CHU_KHONG_TRA_LOI "máy chủ không trả lời yêu cầu biên nhận: %s"
#define TD_MSG_RECEIPT_CAN_DUNG_MOT_TRONG_SEQ "cần đúng một trong --seq hoặc --index\nXem: tiendo receipt --help"

#define TD_MSG_RENEW_KHONG_DOC_DUOC_KHOA_CHUNG "không đọc được khóa/chứng thư hiện tại: %s"
#define TD_MSG_RENEW_CHUNG_THU_MOI "chứng thư mới %s: %s"
#define TD_MSG_RENEW_DA_HET_HAN_HOAC_CHUA "đã hết hạn hoặc chưa có hiệu lực"
#define TD_MSG_RENEW_KHONG_DO_CA_CUA_TINH "không do CA của tỉnh cấp"
#define TD_MSG_RENEW_CHUNG_THU_MOI_KHONG_CUNG "chứng thư mới không cùng cơ quan/thiết bị/vai trò với chứng thư hiện tại " \
    "(%s/%s, %s)"
#define TD_MSG_RENEW_CHUNG_THU_MOI_KHONG_KHOP "chứng thư mới không khớp với khóa đang chờ (%s) hay khóa hiện tại; " \
    "chạy lại \"tiendo renew --csr-out\" và gửi yêu cầu mới cho cán bộ CA"
#define TD_MSG_RENEW_DUONG_DAN_THU_MUC_THIET "đường dẫn thư mục thiết bị quá dài: %s"
#define TD_MSG_RENEW_DA_CO_QUA_NHIEU_CHUNG "đã có quá nhiều chứng thư cũ cùng thời điểm %s trong %s"
#define TD_MSG_RENEW_KHONG_GIU_LAI_DUOC "không giữ lại được %s: %s"
#define TD_MSG_RENEW_KHONG_THAY_DUOC_KHOA_KHOA "không thay được khóa: %s (khóa cũ: %s)"
#define TD_MSG_RENEW_KHONG_TAO_DUOC_YEU_CAU "không tạo được yêu cầu cấp lại: %s"
#define TD_MSG_RENEW_CHUNG_THU_DA_HET_HAN "chứng thư đã hết hạn nên không cấp lại trực tuyến được; làm theo các bước trên."
#define TD_MSG_RENEW_KHONG_TAO_DUOC_KHOA_YEU "không tạo được khóa/yêu cầu: %s"
#define TD_MSG_RENEW_KHONG_MA_HOA_DUOC_YEU "không mã hóa được yêu cầu"
#define TD_MSG_RENEW_CO_THE_LAM_NGOAI_TUYEN "  Có thể làm ngoại tuyến: tiendo renew --dir %s --csr-out TỆP"
#define TD_MSG_RENEW_MAY_CHU_KHONG_TRA_LOI "máy chủ không trả lời yêu cầu cấp lại: %s"
#define TD_MSG_RENEW_MAY_CHU_TRA_LOI_KHONG "máy chủ trả lời không đúng giao thức (khung %d); máy chủ có thể quá cũ"
#define TD_MSG_RENEW_MAY_CHU_KHONG_CAP_LAI "máy chủ không cấp lại: %s\n" \
    "  Cách khác: tiendo renew --dir %s --csr-out TỆP rồi gửi TỆP cho cán bộ CA."
#define TD_MSG_RENEW_KHONG_RO_LY_DO "không rõ lý do"
#define TD_MSG_RENEW_CHUNG_THU_MAY_CHU_GUI "chứng thư máy chủ gửi về bị hỏng"
#define TD_MSG_RENEW_THAM_SO_THUA "tham số thừa"
#define TD_MSG_RENEW_CSR_OUT_VA_IMPORT_KHONG "--csr-out và --import không dùng cùng nhau"
#define TD_MSG_RENEW_THIET_BI_CHUA_DUOC_DANG "thiết bị chưa được đăng ký: %s"
#define TD_MSG_RENEW_KHONG_DOC_DUOC_CHUNG_THU "không đọc được chứng thư %s: %s"

#define TD_MSG_REPORT_NOI_DUNG_DANG_CO_GO "Nội dung đang có:\n%s\nGõ nội dung mới, hoặc gõ ngay một dòng chỉ có dấu chấm \".\" để giữ nguyên."
#define TD_MSG_REPORT_GO_NOI_DUNG_NHIEU_DONG "Gõ nội dung (nhiều dòng được), kết thúc bằng một dòng chỉ có dấu chấm \".\"; " \
    "để trống thì gõ \".\" ngay.\n(Đặt biến EDITOR, ví dụ EDITOR=nano, để soạn bằng trình soạn thảo.)"
#define TD_MSG_REPORT_HET_BO_NHO "hết bộ nhớ"
#define TD_MSG_REPORT_KHONG_TAO_DUOC_TEP_TAM "không tạo được tệp tạm %s: %s"
#define TD_MSG_REPORT_KHONG_GHI_DUOC_TEP_TAM "không ghi được tệp tạm %s"
#define TD_MSG_REPORT_TRINH_SOAN_THAO_KHONG_CHAY "trình soạn thảo \"%s\" không chạy được hoặc thoát với lỗi (mã %d); " \
    "không ghi gì. Hãy kiểm tra biến EDITOR/VISUAL."
#define TD_MSG_REPORT_KHONG_DOC_LAI_DUOC_TEP "không đọc lại được tệp %s (mất tệp hoặc quá %d byte)"
#define TD_MSG_REPORT_KHONG_DOC_LAI_DUOC_TEP_2 "không đọc lại được tệp soạn thảo"
#define TD_MSG_REPORT_NOI_DUNG_TOI_DA_BYTE "%s: nội dung %s (tối đa %d byte)"
#define TD_MSG_REPORT_HAY_GO_HOAC_HOAC_CHUA "  Hãy gõ 1, 2 hoặc 3 (hoặc chua, dang, xong)."
#define TD_MSG_REPORT_PHAN_TRAM_LA_SO_NGUYEN "  Phần trăm là số nguyên từ 0 đến 100."
#define TD_MSG_REPORT_NGAY_CO_DANG_DD_MM "  Ngày có dạng dd/mm/yyyy và không ở sau hôm nay."
#define TD_MSG_REPORT_KET_QUA_THUC_HIEN_LA "  Kết quả thực hiện là BẮT BUỘC khi báo cáo \"%s\": hãy ghi kết quả đã đạt được " \
    "(Ctrl-C để dừng và lưu bản nháp)."
#define TD_MSG_REPORT_TIENDO_BAN_SAO_CHUA_CO "tiendo %s: (bản sao chưa có kế hoạch: chưa kiểm tra được nhiệm vụ %u; máy chủ sẽ kiểm tra " \
    "khi đồng bộ)"
#define TD_MSG_REPORT_TIENDO_TEP_LON_QUA_MB "tiendo %s: tệp %s lớn quá %u MB; hãy chia thành nhiều tệp."
#define TD_MSG_REPORT_TIENDO_KHONG_DOC_DUOC_TEP "tiendo %s: không đọc được tệp %s: %s"
#define TD_MSG_REPORT_COT "%s:%d: cột %s: %s"
#define TD_MSG_REPORT_VA_LOI_KHAC "... và %d lỗi khác."
#define TD_MSG_REPORT_TIENDO_TEP_CO_LOI_KHONG "tiendo %s: tệp %s có %d lỗi; KHÔNG ghi báo cáo nào. Hãy sửa tệp rồi chạy lại."
#define TD_MSG_REPORT_TIENDO_BAN_SAO_CHUA_CO_2 "tiendo %s: (bản sao chưa có kế hoạch: chưa kiểm tra được các nhiệm vụ; máy chủ sẽ kiểm tra " \
    "khi đồng bộ)"
#define TD_MSG_REPORT_TIENDO_TIENDO_DUNG_O_DONG "tiendo %s: %s\ntiendo %s: dừng ở dòng %d: đã ghi %d báo cáo đầu, các dòng từ %d trở đi " \
    "CHƯA được ghi."
#define TD_MSG_REPORT_BAN_SAO_CHUA_CO_BAO "bản sao chưa có báo cáo của %s về nhiệm vụ %ld kỳ %s. " \
    "Báo cáo mới ghi chỉ có ở đây sau khi đồng bộ (tiendo sync); bản nháp: tiendo draft list."
#define TD_MSG_REPORT_NHUNG_GI_DA_GO_DUOC "Những gì đã gõ được lưu thành bản nháp (chưa ký, chưa gửi). Tiếp tục: `tiendo report %u --period " \
    "%s` (bắt đầu từ bản nháp); xem: `tiendo draft show %u --period %s`."
#define TD_MSG_REPORT_PHAN_TRAM_HOAN_THANH_PHAI "phần trăm hoàn thành phải là số nguyên từ 0 đến 100 (nhận được " \
    "\"%s\"). Ví dụ: --percent 40.\nXem: tiendo report --help"
#define TD_MSG_REPORT_TOI_DA_BYTE "--%s: %s (tối đa %d byte)."
#define TD_MSG_REPORT_BAT_DAU_TU_BAN_NHAP "bắt đầu từ bản nháp đã lưu của nhiệm vụ %u kỳ %s."
#define TD_MSG_REPORT_BAO_CAO_NHIEM_VU_KY_2 "báo cáo nhiệm vụ %u kỳ %s đã bị Sở KH&CN TRẢ LẠI.\n  Lý do: %s\n" \
    "  Nội dung đã gửi được điền sẵn: sửa chỗ cần sửa, Enter (hoặc \".\") để giữ nguyên."
#define TD_MSG_REPORT_KHI_DANG_HOI_BAO_CAO "%s khi đang hỏi; báo cáo CHƯA được ký."
#define TD_MSG_REPORT_DA_DUNG_CTRL_C_HOAC "đã dừng (Ctrl-C hoặc màn hình bị đóng)"
#define TD_MSG_REPORT_HET_DU_LIEU_NHAP "hết dữ liệu nhập"
#define TD_MSG_REPORT_KHONG_HOI_VI_DAU_VAO "(Không hỏi vì đầu vào không phải màn hình; --prompt để được hỏi. Lưu tạm: --draft.)"
#define TD_MSG_REPORT_CANH_BAO_BAO_CAO_DA "cảnh báo: báo cáo đã ghi nhưng chưa xóa được bản nháp (%s); " \
    "xóa bằng `tiendo draft delete %u --period %s`."
#define TD_MSG_REPORT_KHONG_CO_BAN_NHAP_CUA "không có bản nháp của nhiệm vụ %ld kỳ %s. Xem các bản nháp: tiendo draft list"
#define TD_MSG_REPORT_KHONG_XOA_DUOC_BAN_NHAP "không xóa được bản nháp: %s"
#define TD_MSG_REPORT_BAN_NHAP_HONG_KHONG_GIAI "bản nháp %s hỏng (không giải mã được); xóa bằng `tiendo draft delete %ld " \
    "--period %s`."
#define TD_MSG_REPORT_BAN_NHAP_NHIEM_VU_KY "bản nháp nhiệm vụ %u kỳ %s chưa nộp được: %s"
#define TD_MSG_REPORT_CANH_BAO_BAO_CAO_DA_2 "cảnh báo: báo cáo đã ký nhưng chưa xóa được bản nháp (%s); " \
    "xóa bằng `tiendo draft delete %u --period %s`, ĐỪNG nộp lại."
#define TD_MSG_REPORT_VALUE_KHONG_HOP_LE_VI "--value \"%s\" không hợp lệ: %s. Ví dụ: --value 42,5"
#define TD_MSG_REPORT_TEXT_NOTE_TOI_DA_BYTE "--text/--note: %s (tối đa %d byte)"
#define TD_MSG_REPORT_CANH_BAO "cảnh báo: %s"

#define TD_MSG_REPORT_ALL_THIEU_PERIOD_HAY_GHI_KY "thiếu --period. Hãy ghi kỳ báo cáo, ví dụ --period 2025-06."
#define TD_MSG_REPORT_ALL_THIET_BI_NAY_THUOC_BAN "thiết bị này thuộc %s (%s): bản sao của văn phòng đơn vị chỉ có phần sổ nhật ký cơ quan " \
    "được xem, nên không lập được báo cáo tổng hợp. Hãy chạy lệnh trên thiết bị của Sở KH&CN hoặc " \
    "Thanh tra tỉnh, hoặc dùng tiendo-server report trên máy chủ."

#define TD_MSG_SYNC_DA_GUI_MUC "Đã gửi %llu/%llu mục"
#define TD_MSG_SYNC_DANG_NHAN_MUC "Đang nhận: %llu mục..."
#define TD_MSG_SYNC_TRUOC_KHI_GIAN_DOAN_DA "(trước khi gián đoạn đã gửi %llu, nhận %llu mục: đã được lưu)"
/* the UI's sync box when a sync stopped on an alarm: its number, what it is about */
#define TD_MSG_UI_SYNC_STOPPED_ALARM "đồng bộ đã dừng vì cảnh báo số %lld: %s."
/* the alarm's number, then what it is about (app.h tdc_app_alarm_what) */
#define TD_MSG_SYNC_CANH_BAO_MAY_CHU_DUA "CẢNH BÁO số %lld: %s.\n" \
    "  Đồng bộ đã dừng, không gửi và không nhận gì. Bằng chứng (hai điểm kiểm tra và bằng chứng\n" \
    "  nhất quán) đã được lưu. Hãy báo cho bộ phận thanh tra; xem: tiendo status"
#define TD_MSG_SYNC_DONG_BO_VOI_KHONG_THANH "đồng bộ với %s không thành công: %s%s"
#define TD_MSG_SYNC_THU_LAI_LUC_SAU_GIAY "  Thử lại lúc %s (sau %.1f giây; lần lỗi liên tiếp thứ %u)."
#define TD_MSG_SYNC_PHAI_LA_SO_GIAY_TU "%s phải là số giây từ %llu đến %d: \"%s\"\nXem: tiendo sync --help"
#define TD_MSG_SYNC_INTERVAL_VA_MAX_BACKOFF_CHI "--interval và --max-backoff chỉ dùng với --watch"
#define TD_MSG_SYNC_PHAN_DA_GUI_DA_NHAN "  Phần đã gửi, đã nhận được giữ lại; chạy lại `tiendo sync` để tiếp tục."

#define TD_MSG_TASKS_TIENDO_BAN_SAO_TREN_THIET "tiendo %s: bản sao trên thiết bị chưa có kế hoạch. Hãy đồng bộ trước: tiendo sync"
#define TD_MSG_TASKS_KE_HOACH_KHONG_CO_MUC "kế hoạch không có mục \"%s\". Các mục:"
#define TD_MSG_TASKS_KHONG_TINH_DUOC_TRANG_THAI "không tính được trạng thái: %s"
#define TD_MSG_TASKS_NHIEM_VU_SO_KHONG_CO "nhiệm vụ số %ld không có trong kế hoạch %s (%zu nhiệm vụ). " \
    "Xem danh sách: tiendo tasks --all"
#define TD_MSG_TASKS_KHONG_DOC_DUOC_BAN_SAO "không đọc được bản sao hoặc không tính được trạng thái: %s"

#define TD_MSG_DEVICE_PHAI_LA_SO_NGUYEN_TU "%s: %s phải là số nguyên từ %d đến %d, không phải \"%s\"; dùng mặc định %d."

#define TD_MSG_UI_CHI_NGHE_DUOC_TREN_DIA "chỉ nghe được trên địa chỉ của chính máy này (127.0.0.1 hoặc ::1), không phải " \
    "\"%s\": mở giao diện cho máy khác cần mã hóa TLS, chưa được hỗ trợ. Muốn dùng từ máy khác, " \
    "hãy cài tiendo trên máy đó."
#define TD_MSG_UI_KHONG_KHOI_TAO_DUOC_THU_VIEN "không khởi tạo được thư viện mật mã"
#define TD_MSG_UI_KHONG_MO_DUOC_CONG_TREN "không mở được cổng %ld%s trên %s (đang bận?): hãy chọn cổng khác bằng --port."
#define TD_MSG_UI_VA_CAC_CONG_KE_TIEP " và các cổng kế tiếp"

/* ---- audit verify: what a checkpoint or an entry of the log breaks (audit.c) ---- */
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

/* ---- tiendo receipt: what the server's proof breaks (cmd_receipt.c) ---- */
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

/* ---- report --from-file: what is wrong with the file (report_entry.c) ---- */
#define TD_MSG_BATCH_EMPTY_FILE "tệp trống: dòng đầu phải là tên các cột (task,period,state,...)"
#define TD_MSG_BATCH_NO_TASK_PERIOD_COLUMN "thiếu cột task hoặc period (dòng đầu phải có tên các cột)"
#define TD_MSG_BATCH_TASK_MISSING "thiếu số thứ tự nhiệm vụ"
#define TD_MSG_BATCH_PERIOD_MISSING "thiếu kỳ báo cáo (2025-06)"
#define TD_MSG_BATCH_NO_REPORTS "tệp không có báo cáo nào (chỉ có dòng tiêu đề)"

/* ---- tiendo ui: refused requests (title, text) and wrong arguments (ui.c) ---- */
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

/* ---- tiendo ui, central pages: refused forms and pages (ui_central.c) ---- */
#define TD_MSG_UI_CONFIRM_NEEDED "Cần xác nhận:"
#define TD_MSG_UI_NOT_SAVED "Chưa ghi được:"
#define TD_MSG_UI_TASK_NUMBER_BAD "số nhiệm vụ không hợp lệ"
#define TD_MSG_UI_MET_DATE_BAD "ngày điều kiện được đáp ứng phải có dạng dd/mm/yyyy"
#define TD_MSG_UI_DUE_MONTH_BAD "tháng hoàn thành phải có dạng MM/YYYY, ví dụ 12/2027"
#define TD_MSG_UI_STATUS_FAILED "Không tính được trạng thái:"
#define TD_MSG_UI_CENTRAL_ONLY "Trang tổng hợp dành cho Sở KH&amp;CN và thanh tra; bản sao của một cơ quan chỉ có phần " \
    "của cơ quan đó."
#define TD_MSG_UI_HISTORY_ONLY "Lịch sử nhật ký dành cho thanh tra và Sở KH&amp;CN."

/* ---- review, condition, extend: wrong arguments (cmd_central.c) ---- */
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

/* ---- tiendo init: what cannot be installed, wrong arguments (cmd_init.c) ---- */
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

/* ---- tiendo tasks: wrong arguments (cmd_tasks.c) ---- */
#define TD_MSG_TASKS_DATE_BAD "--date phải là ngày dd/mm/yyyy: "
#define TD_MSG_TASKS_STATUS_UNKNOWN "--status không rõ; dùng done-on-time, done-late, ongoing, ongoing-late, " \
    "never-reported, not-started, due-soon hoặc awaiting-review: "
#define TD_MSG_TASKS_PERIOD_FUTURE "--period sau tháng hiện tại; chọn kỳ đến tháng này: "

/* ---- tiendo status: wrong arguments (cmd_status.c) ---- */
#define TD_MSG_STATUS_ALARM_NUMBER_BAD "số cảnh báo không hợp lệ: "
#define TD_MSG_STATUS_CLEAR_NEEDS_NOTE "--clear-alarm cần --note \"đã kiểm tra gì, với ai\": "
#define TD_MSG_STATUS_NOTE_NEEDS_CLEAR "--note chỉ dùng cùng --clear-alarm: "

/* ---- report, draft, indicator: wrong arguments (cmd_report.c) ---- */
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

#endif
