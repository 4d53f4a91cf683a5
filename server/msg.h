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

#define TD_MSG_AGENCY_CO_QUAN_TON_TAI_NGAY "Cơ quan tồn tại ngày %s:"
#define TD_MSG_AGENCY_DANH_MUC_CO_QUAN_CO "Danh mục cơ quan (%zu cơ quan, %zu nhóm):"
#define TD_MSG_AGENCY_TU ", từ %s"
#define TD_MSG_AGENCY_NGUNG_TU_KE_NHIEM ", ngừng từ %s; kế nhiệm:"
#define TD_MSG_AGENCY_CO_QUAN_BAN_HANH_KE "Cơ quan ban hành kế hoạch từ %s: %s"
#define TD_MSG_AGENCY_NHOM "Nhóm:"
#define TD_MSG_AGENCY_KHONG_NEU_TEN_THANH_VIEN " (không nêu tên thành viên)"
#define TD_MSG_AGENCY_NHIEM_VU_CHUYEN_CO_QUAN "Nhiệm vụ chuyển cơ quan chịu trách nhiệm:"
#define TD_MSG_AGENCY_NHIEM_VU "  nhiệm vụ %s (%s): %s → %s"
#define TD_MSG_AGENCY_PHOI_HOP "phối hợp"
#define TD_MSG_AGENCY_CHU_TRI "chủ trì"
#define TD_MSG_AGENCY_KHONG_NHIEM_VU_NAO_CUA "Không nhiệm vụ nào của kế hoạch đã lưu do cơ quan cũ phụ trách."
#define TD_MSG_AGENCY_DA_LUU_BAN_GHI_SO "Đã lưu: %s (bản ghi số %llu của sổ nhật ký)."
#define TD_MSG_AGENCY_TEP_CO_QUAN_DA_CO "Tệp %s: %zu cơ quan; %zu đã có (không đổi), %zu mới."
#define TD_MSG_AGENCY_TU_2 ", từ "
#define TD_MSG_AGENCY_KHONG_CO_GI_THAY_DOI "Không có gì thay đổi: không ghi gì."
#define TD_MSG_AGENCY_CHAY_THU_CHUA_LUU_GI "Chạy thử: chưa lưu gì. Lưu bằng: tiendo-server agency import %s --apply"

#define TD_MSG_BACKUP_DA_SAO_LUU_VAO_TRANG "Đã sao lưu %s vào %s (%llu trang, %llu bước, %lld ms)."
#define TD_MSG_BACKUP_BAN_SAO_CO_MUC_GOC "Bản sao có %llu mục; gốc Merkle %s"
#define TD_MSG_BACKUP_DIEM_KIEM_DA_KY_MOI "Điểm kiểm đã ký mới nhất trong bản sao: kích thước %llu."
#define TD_MSG_BACKUP_KIEM_TRA_INTEGRITY_CHECK_TOT "Kiểm tra: integrity_check tốt; mọi mục khớp cây Merkle; gốc bằng gốc của máy chủ ở kích thước %llu."
#define TD_MSG_BACKUP_DA_KHOI_PHUC_TU_MUC "Đã khôi phục %s từ %s: %llu mục, gốc Merkle %s, điểm kiểm đã ký mới nhất: kích thước %llu."
#define TD_MSG_BACKUP_DU_LIEU_TRUOC_KHI_KHOI "Dữ liệu trước khi khôi phục được giữ ở %s."
#define TD_MSG_BACKUP_LUU_Y_DON_VI_NAO "Lưu ý: đơn vị nào đã xác minh điểm kiểm lớn hơn %llu sẽ báo động \"lùi lịch sử\" khi đồng bộ.\n" \
    "Trước khi mở lại cho các đơn vị, so sánh với điểm kiểm các đơn vị đang giữ (tiendo status)\n" \
    "và làm theo README, mục \"Sao lưu và khôi phục\". Các bản ghi còn trong hộp thư đi của đơn vị\n" \
    "sẽ được gửi lại ở lần đồng bộ sau."

#define TD_MSG_CHECKPOINT_TOI_KICH_THUOC_NHAN_LUC "  %-40s tới kích thước %llu (nhận lúc %s)"
#define TD_MSG_CHECKPOINT_SO_NHAT_KY_O_CHUA "Sổ nhật ký ở %s chưa có điểm kiểm nào (%llu bản ghi).\n" \
    "Máy chủ ký điểm kiểm đầu tiên khi khởi động (tiendo-server serve) hoặc khi ghi bản ghi mới."
#define TD_MSG_CHECKPOINT_DIEM_KIEM_MOI_NHAT_CUA "Điểm kiểm mới nhất của sổ nhật ký (%s):"
#define TD_MSG_CHECKPOINT_NGUON_ORIGIN "  nguồn (origin):        %s"
#define TD_MSG_CHECKPOINT_KICH_THUOC_CAY_BAN_GHI "  kích thước cây:        %llu bản ghi (sổ nhật ký có %llu)"
#define TD_MSG_CHECKPOINT_MA_BAM_GOC_SHA "  mã băm gốc (SHA-256):  %s"
#define TD_MSG_CHECKPOINT_GHI_CHU_DA_KY "  ghi chú đã ký:"
#define TD_MSG_CHECKPOINT_CHUA_CO_NHAN_CHUNG_NAO "Chưa có nhân chứng nào ký xác nhận điểm kiểm."
#define TD_MSG_CHECKPOINT_KICH_THUOC_LON_NHAT_DA "Kích thước lớn nhất đã được nhân chứng ký xác nhận: %llu%s"
#define TD_MSG_CHECKPOINT_DIEM_KIEM_MOI_NHAT " (điểm kiểm mới nhất)"
#define TD_MSG_CHECKPOINT_NHAN_CHUNG "Nhân chứng:"

#define TD_MSG_PLAN_KE_HOACH_SO "Kế hoạch số %s%s%s%s%s"
#define TD_MSG_PLAN_NGAY " ngày "
#define TD_MSG_PLAN_CUA " của "
#define TD_MSG_PLAN_NHIEM_VU_TRONG_MUC "Nhiệm vụ: %zu, trong %zu mục"
#define TD_MSG_PLAN_MUC_NHIEM_VU "  Mục %-5s %3zu nhiệm vụ"
#define TD_MSG_PLAN_CHI_TIEU_DONG "Chỉ tiêu: %zu dòng"
#define TD_MSG_PLAN_DEN_NAM_CHI_TIEU_DANH "  Đến năm %d: %zu chỉ tiêu đánh số; %zu chỉ tiêu có mục tiêu riêng (chỉ tiêu con tính " \
    "riêng, chỉ tiêu nhóm không tính)"
#define TD_MSG_PLAN_CHI_TIEU_KHONG_CO "Chỉ tiêu: không có"
#define TD_MSG_PLAN_KE_HOACH_CHUA_CO_TREN "Kế hoạch %s chưa có trên máy chủ: toàn bộ sẽ được nhập mới."
#define TD_MSG_PLAN_NHIEM_VU_MOI "Nhiệm vụ mới:"
#define TD_MSG_PLAN_NHIEM_VU_BI_BO "Nhiệm vụ bị bỏ:"
#define TD_MSG_PLAN_NHIEM_VU_THAY_DOI "Nhiệm vụ thay đổi:"
#define TD_MSG_PLAN_NHIEM_VU_THOI_HAN "      nhiệm vụ %d, thời hạn: \"%s\" → \"%s\""
#define TD_MSG_PLAN_BANG_CHI_TIEU_THAY_DOI "Bảng chỉ tiêu thay đổi."
#define TD_MSG_PLAN_KHONG_CO_GI_THAY_DOI "Không có gì thay đổi so với kế hoạch đã lưu."
#define TD_MSG_PLAN_HEADER_IS_NEITHER_THE_TASK "%s:1: header is neither the task layout (Mục, TT, Tên nhiệm vụ, ...) nor the " \
    "indicator layout (Mốc, Mã, Chỉ tiêu, ...)"
#define TD_MSG_PLAN_NHAP_TU "Nhập từ:"
#define TD_MSG_PLAN_TEN_CO_QUAN_CHUA_XAC "\nTên cơ quan chưa xác định được (%zu):"
#define TD_MSG_PLAN_DONG_NHIEM_VU "  dòng %d, nhiệm vụ %d, %s: \"%s\""
#define TD_MSG_PLAN_DONG_CHI_TIEU "  dòng %d, chỉ tiêu %s, %s: \"%s\""
#define TD_MSG_PLAN_KHONG_CO_THAY_DOI_KHONG "\nKhông có thay đổi: không ghi gì vào sổ nhật ký."
#define TD_MSG_PLAN_CHAY_THU_CHUA_LUU_GI "\nChạy thử: chưa lưu gì.  Thêm --apply để lưu kế hoạch này."
#define TD_MSG_PLAN_DA_LUU_BI_DANH_CO "\nĐã lưu %zu bí danh cơ quan."
#define TD_MSG_PLAN_DA_LUU_KE_HOACH_NHIEM "\nĐã lưu kế hoạch (%zu nhiệm vụ, %zu dòng chỉ tiêu): bản ghi số %llu của sổ nhật ký."
#define TD_MSG_PLAN_NHOM_KHONG_NEU_TEN ", nhóm không nêu tên"
#define TD_MSG_PLAN_NHOM ", nhóm"
#define TD_MSG_PLAN_NAY_LA " → nay là %s [%s]"
#define TD_MSG_PLAN_NHIEM_VU_MUC "Nhiệm vụ %d — Mục %s%s%s"
#define TD_MSG_PLAN_TEN_NHIEM_VU "  Tên nhiệm vụ:        %s"
#define TD_MSG_PLAN_CO_QUAN_CHU_TRI "  Cơ quan chủ trì:     %s"
#define TD_MSG_PLAN_CO_QUAN_PHOI_HOP "\n  Cơ quan phối hợp:    %s"
#define TD_MSG_PLAN_KHONG "(không)"
#define TD_MSG_PLAN_SAN_PHAM "  Sản phẩm:            %s"
#define TD_MSG_PLAN_THOI_GIAN_HOAN_THANH "  Thời gian hoàn thành: %s"
#define TD_MSG_PLAN_DONG_TRONG_VAN_BAN "  Dòng trong văn bản:  %d"
#define TD_MSG_PLAN_KE_HOACH_SO_NHIEM_VU "Kế hoạch số %s%s%s — %zu nhiệm vụ"
#define TD_MSG_PLAN_KHONG_SO "(không số)"

#define TD_MSG_STATE_BAN_GHI_SO_SEQ_CUOI "  %-16s %-24s %-10s bản ghi số %llu, seq cuối %llu%s"
#define TD_MSG_STATE_MAY_CHU "(máy chủ)"
#define TD_MSG_STATE_DA_THU_HOI ", ĐÃ THU HỒI"
#define TD_MSG_STATE_BAO_CAO_KHONG_CO "Báo cáo %s: không có"
#define TD_MSG_STATE_BAO_CAO_BAN_GHI_SO "Báo cáo %s: bản ghi số %llu, trạng thái %d, %u%%"
#define TD_MSG_STATE_KET_QUA_THUC_HIEN "  Kết quả thực hiện: %s"
#define TD_MSG_STATE_KHO_KHAN_VUONG_MAC "  Khó khăn, vướng mắc: %s"
#define TD_MSG_STATE_DE_XUAT_KIEN_NGHI "  Đề xuất, kiến nghị: %s"
#define TD_MSG_STATE_MINH_CHUNG "  Minh chứng: %s"
#define TD_MSG_STATE_VAN_BAN "  Văn bản: %s|%d|%s"
#define TD_MSG_STATE_TEP_DINH_KEM "  Tệp đính kèm: %s|%s|%llu"
#define TD_MSG_STATE_SO_NHAT_KY_TRONG_SERVER "Sổ nhật ký trống (%s/server.db)."
#define TD_MSG_STATE_SO_NHAT_KY_SERVER_DB "Sổ nhật ký %s/server.db: %llu bản ghi"
#define TD_MSG_STATE_GOC_NHIN_CUA_BAN_GHI "Góc nhìn của %s (%s): %llu bản ghi được xem"
#define TD_MSG_STATE_TRANG_THAI_SUY_RA_TU "Trạng thái suy ra từ %llu bản ghi (bản ghi cuối: số %llu)"
#define TD_MSG_STATE_KE_HOACH_NHIEM_VU "Kế hoạch: %s, %zu nhiệm vụ%s"
#define TD_MSG_STATE_KE_HOACH_MAC_DINH " (kế hoạch mặc định)"
#define TD_MSG_STATE_KE_HOACH_CHUA_CO "Kế hoạch: chưa có"
#define TD_MSG_STATE_THIET_BI_TAC_GIA_DA "Thiết bị (tác giả) đã đăng ký chứng thư:"
#define TD_MSG_STATE_CHUA_CO "  (chưa có)"
#define TD_MSG_STATE_BAO_CAO_TIEN_DO_HIEN "Báo cáo tiến độ hiện hành: %zu"
#define TD_MSG_STATE_GIA_TRI_CHI_TIEU "Giá trị chỉ tiêu: %zu"
#define TD_MSG_STATE_DIEU_KIEN_DA_DAP_UNG "Điều kiện đã đáp ứng: %zu"
#define TD_MSG_STATE_BAN_GHI_BI_TU_CHOI "Bản ghi bị từ chối: %zu"
#define TD_MSG_STATE_BAN_GHI_SO_CO_QUAN "  bản ghi số %llu (%s, cơ quan %s, seq %llu): %s"
#define TD_MSG_STATE_MAY_CHU_2 "máy chủ"
#define TD_MSG_STATE_XUNG_DOT_HAI_THIET_BI "Xung đột (hai thiết bị cùng báo cáo một nhiệm vụ, cơ quan, kỳ): %zu"
#define TD_MSG_STATE_NHIEM_VU_KY_BAN_GHI "  nhiệm vụ %u, %s, kỳ %s: bản ghi số %llu thắng, số %llu thua"

#define TD_MSG_UPGRADE_SO_NHAT_KY_O_DA "Sổ nhật ký ở %s đã dùng mã băm trạng thái phiên bản 2 (sau điểm kiểm kích thước %s); không thay " \
    "đổi gì."
#define TD_MSG_UPGRADE_DA_CHUYEN_SO_NHAT_KY "Đã chuyển sổ nhật ký ở %s sang mã băm trạng thái phiên bản 2: các điểm kiểm đến kích thước %s giữ " \
    "phiên bản 1, từ điểm kiểm kế tiếp là phiên bản 2."

#endif
