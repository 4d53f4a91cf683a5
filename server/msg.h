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
#define TD_MSG_PLAN_HEADER_UNKNOWN "%s:1: dòng tiêu đề không phải của bảng nhiệm vụ (Mục, TT, Tên nhiệm vụ, ...), " \
    "cũng không phải của bảng chỉ tiêu (Mốc, Mã, Chỉ tiêu, ...)"
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

#define TD_MSG_AGENCY_NGAY_KHONG_HOP_LE_CAN "ngày không hợp lệ \"%s\" (cần dd/mm/yyyy)"
#define TD_MSG_AGENCY_KHONG_LUU_DUOC_THAY_DOI "không lưu được thay đổi: %s"
#define TD_MSG_AGENCY_BAN_GHI_SO_BI_TU "bản ghi số %llu bị từ chối khi suy ra trạng thái: %s"
#define TD_MSG_AGENCY_TIENDO_SERVER_AGENCY_CAN_KHOA "tiendo-server agency %s: cần khóa và chứng thư của máy chủ để ký thay đổi:\n" \
    "  --key TỆP --cert TỆP (và --ca TỆP lần đầu), hoặc --config TỆP của máy chủ"
#define TD_MSG_AGENCY_TIENDO_SERVER_AGENCY_NGAY_KHONG "tiendo-server agency %s: ngày không hợp lệ \"%s\" (cần dd/mm/yyyy)"
#define TD_MSG_AGENCY_TIENDO_SERVER_AGENCY_LOAI_KHONG "tiendo-server agency %s: loại không hợp lệ \"%s\" ("
#define TD_MSG_AGENCY_TIENDO_SERVER_AGENCY_QUA_NHIEU "tiendo-server agency %s: quá nhiều --into"
#define TD_MSG_AGENCY_TASK_CAN_DANG_SO_SLUG "--task cần dạng SỐ=SLUG, không phải \"%s\""
#define TD_MSG_AGENCY_TIENDO_SERVER_AGENCY_QUA_NHIEU_2 "tiendo-server agency %s: quá nhiều tham số"
#define TD_MSG_AGENCY_TIENDO_SERVER_AGENCY_THIEU_DATE "tiendo-server agency %s: thiếu --date dd/mm/yyyy"
#define TD_MSG_AGENCY_CAN_SLUG_CU_SLUG_MOI "cần SLUG_CŨ SLUG_MỚI \"Tên mới\""
#define TD_MSG_AGENCY_CAN_SLUG_TEN_KIND_LOAI "cần SLUG \"Tên\" --kind LOẠI"
#define TD_MSG_AGENCY_THIEU_KIND_LOAI "thiếu --kind LOẠI ("
#define TD_MSG_AGENCY_CAN_TEN_CO_QUAN_BAN "cần \"Tên cơ quan ban hành\" --date dd/mm/yyyy"
#define TD_MSG_AGENCY_CAN_MOT_INTO_CO_QUAN "cần một --into (cơ quan tiếp nhận hoặc cơ quan mới)"
#define TD_MSG_AGENCY_CAN_IT_NHAT_MOT_CO "cần ít nhất một cơ quan được sáp nhập vào %s"
#define TD_MSG_AGENCY_CAN_MOT_CO_QUAN_VA "cần một cơ quan và hai --into SLUG \"Tên\" trở lên"
#define TD_MSG_AGENCY_INTO_THIEU_TEN_CO_QUAN "--into %s thiếu tên cơ quan"
#define TD_MSG_AGENCY_KHONG_CO_CO_QUAN_TRONG "không có cơ quan %s trong danh mục để tiếp nhận"
#define TD_MSG_AGENCY_LA_CO_QUAN_MOI_CAN "%s là cơ quan mới, cần tên: --into %s \"Tên\"\n" \
    "  (nếu định sáp nhập vào một cơ quan đã có, hãy ghi đúng slug của nó; xem: " \
    "tiendo-server agency list)"
#define TD_MSG_AGENCY_DA_CO_TEN_DOI_TEN "%s đã có tên \"%s\"; đổi tên là một lệnh rename riêng"
#define TD_MSG_AGENCY_TIENDO_SERVER_AGENCY_KHONG_THUC "tiendo-server agency %s: không thực hiện được: %s"
#define TD_MSG_AGENCY_KHONG_MO_DUOC_TEP "không mở được tệp %s: %s"
#define TD_MSG_AGENCY_LOI_DOC_TEP "lỗi đọc tệp"
#define TD_MSG_AGENCY_TEP_QUA_LON "tệp quá lớn"
#define TD_MSG_AGENCY_CHI_NHAN_MOT_TEP_CSV "chỉ nhận một tệp CSV"
#define TD_MSG_AGENCY_THIEU_TEP_CSV_COT_MA "thiếu TỆP.csv (cột Mã, Tên, Loại, Từ ngày)"
#define TD_MSG_AGENCY_DA_CO_TRONG_DANH_MUC "  %s: đã có trong danh mục là \"%s\" (%s); tệp ghi \"%s\" (%s) — đổi tên là lệnh rename"
#define TD_MSG_AGENCY_NGAY_BAT_DAU_KHAC_CAC "  %s: ngày bắt đầu khác các dòng trên; mỗi lần nhập một ngày (tách tệp)"
#define TD_MSG_AGENCY_DONG_KHONG_NHAP_DUOC_XEM "%zu dòng không nhập được (xem trên); không lưu gì"
#define TD_MSG_AGENCY_KHONG_THUC_HIEN_DUOC "không thực hiện được: %s"
#define TD_MSG_AGENCY_HET_BO_NHO_KHI_XUAT "hết bộ nhớ khi xuất"
#define TD_MSG_AGENCY_DA_GHI_DANH_MUC_CO "Đã ghi danh mục %zu cơ quan vào %s; trao tệp này cho cán bộ CA: tiendo-pki sign " \
    "--registry %s"

#define TD_MSG_BACKUP_CAN_MOT_SO_NGUYEN_KHONG "--%s cần một số nguyên không âm, không phải \"%s\""
#define TD_MSG_BACKUP_THIEU_TEP_DICH_DICH "thiếu tệp đích (ĐÍCH)"
#define TD_MSG_BACKUP_KHONG_CO_SO_NHAT_KY "không có sổ nhật ký %s (%s); kiểm tra --data hoặc tệp cấu hình"
#define TD_MSG_BACKUP_DA_TON_TAI_HAY_CHON "%s đã tồn tại; hãy chọn tên tệp mới (không ghi đè bản sao cũ)"
#define TD_MSG_BACKUP_KHONG_MO_DUOC "không mở được %s: %s"
#define TD_MSG_BACKUP_SAO_LUU_THAT_BAI "sao lưu thất bại: %s"
#define TD_MSG_BACKUP_BAN_SAO_KHONG_DAT_KIEM "bản sao %s KHÔNG đạt kiểm tra, đã xóa: %s"
#define TD_MSG_BACKUP_GOC_MERKLE_CUA_BAN_SAO "gốc Merkle của bản sao khác gốc của máy chủ ở kích thước %llu, " \
    "đã xóa bản sao: %s"
#define TD_MSG_BACKUP_THIEU_TEP_BAN_SAO_LUU "thiếu tệp bản sao lưu (NGUỒN)"
#define TD_MSG_BACKUP_CO_TEP_DI_KEM_DO "%s có tệp %s đi kèm: đó là cơ sở dữ liệu đang dùng, không phải bản " \
    "sao lưu; hãy tạo bản sao bằng tiendo-server backup"
#define TD_MSG_BACKUP_MAY_CHU_DANG_CHAY_TREN "máy chủ đang chạy trên %s (tiến trình số %ld); hãy dừng nó trước " \
    "(systemctl stop tiendo-server), không thay đổi gì"
#define TD_MSG_BACKUP_KHONG_KHOA_DUOC_THU_MUC "không khóa được thư mục dữ liệu %s: %s"
#define TD_MSG_BACKUP_BAN_SAO_LUU_KHONG_DUNG "bản sao lưu %s không dùng được, không thay đổi gì: %s"
#define TD_MSG_BACKUP_CO_SO_DU_LIEU_HIEN "cơ sở dữ liệu hiện có không đọc/kiểm tra được (%s); " \
    "nó sẽ được giữ lại bên cạnh"
#define TD_MSG_BACKUP_BAN_SAO_LUU_CU_HON "bản sao lưu CŨ HƠN dữ liệu hiện có: nó có %llu mục, còn máy chủ đã ký " \
    "điểm kiểm tới kích thước %llu.\n" \
    "Các đơn vị đã đồng bộ có thể đang giữ điểm kiểm lớn tới %llu: với dữ liệu khôi phục, họ sẽ báo " \
    "động \"lùi lịch sử\" và ngừng đồng bộ."
#define TD_MSG_BACKUP_KHONG_THAY_DOI_GI_HAY "Không thay đổi gì. Hãy dùng bản sao lưu mới hơn; nếu không có, chạy lại với --force và " \
    "làm theo README, mục \"Sao lưu và khôi phục\"."
#define TD_MSG_BACKUP_FORCE_VAN_KHOI_PHUC "--force: vẫn khôi phục."
#define TD_MSG_BACKUP_KHONG_GIU_LAI_DUOC_DU "không giữ lại được dữ liệu cũ: %s"
#define TD_MSG_BACKUP_CANH_BAO_KHONG_DOI_DUOC "cảnh báo: không đổi được chủ sở hữu của %s: %s"
#define TD_MSG_BACKUP_KHONG_DAT_DUOC_VAO_CHO "không đặt được %s vào chỗ: %s"

#define TD_MSG_CHECKPOINT_KHONG_DOC_DUOC_DIEM_KIEM "không đọc được điểm kiểm tra ở %s: %s"
#define TD_MSG_CHECKPOINT_SO_NHAT_KY_O_CHUA_2 "sổ nhật ký ở %s chưa có điểm kiểm nào"

#define TD_MSG_PLAN_TEP_QUA_LON_TREN_BYTE "%s: tệp quá lớn (trên %u byte)"
#define TD_MSG_PLAN_LOI_DOC_TEP "lỗi đọc tệp %s"
#define TD_MSG_PLAN_HET_BO_NHO_KHI_DOC "hết bộ nhớ khi đọc %s"
#define TD_MSG_PLAN_PLAN_SO_KE_HOACH_PHAI "--plan: số kế hoạch \"%s\" phải có 1..%d byte, không có ':'"
#define TD_MSG_PLAN_DATE_KHONG_PHAI_NGAY_DD "--date: \"%s\" không phải ngày dd/mm/yyyy"
#define TD_MSG_PLAN_FORMAT_PHAI_LA_TEXT_HOAC "--format phải là text hoặc csv, không phải \"%s\""
#define TD_MSG_PLAN_QUA_NHIEU_TEP_TOI_DA "quá nhiều tệp (tối đa %d)"
#define TD_MSG_PLAN_THIEU_TEP "thiếu TỆP"
#define TD_MSG_PLAN_APPLY_CAN_KHOA_VA_CHUNG "--apply cần khóa và chứng thư của máy chủ để ký bản ghi kế hoạch:\n" \
    "  --key TỆP --cert TỆP (và --ca TỆP lần đầu), hoặc --config TỆP của máy chủ"
#define TD_MSG_PLAN_TEP_BI_DANH_SAI "tệp bí danh sai: %s"
#define TD_MSG_PLAN_KHONG_NHAP_DUOC "không nhập được %s: %s"
#define TD_MSG_PLAN_HET_BO_NHO "hết bộ nhớ"
#define TD_MSG_PLAN_KE_HOACH_KHONG_CO_NHIEM "kế hoạch không có nhiệm vụ nào; cần bảng nhiệm vụ"
#define TD_MSG_PLAN_KHONG_NHAP_TEN_CO_QUAN "không nhập: %zu tên cơ quan chưa xác định.  Hãy ánh xạ từng tên trong một tệp\n" \
    "bí danh (mỗi dòng: tên trong văn bản = slug; danh sách slug: tiendo-server agency list)\n" \
    "rồi chạy lại với --aliases TỆP."
#define TD_MSG_PLAN_KHONG_LUU_DUOC_KE_HOACH "không lưu được kế hoạch: %s"
#define TD_MSG_PLAN_BAN_GHI_SO_BI_TU "bản ghi số %llu (%s) bị từ chối khi suy ra trạng thái: %s"
#define TD_MSG_PLAN_KHONG_CO_KE_HOACH_CAC "không có kế hoạch \"%s\"; các kế hoạch:"
#define TD_MSG_PLAN_CHUA_CO_KE_HOACH_NAO "chưa có kế hoạch nào (%s/server.db).  Nhập bằng: tiendo-server plan import " \
    "TỆP --apply"
#define TD_MSG_PLAN_THAM_SO_KHONG_HOP_LE "tham số không hợp lệ: %s (cần số thứ tự của một nhiệm vụ)"
#define TD_MSG_PLAN_KE_HOACH_KHONG_CO_NHIEM_2 "kế hoạch không có nhiệm vụ số %d (có %zu nhiệm vụ)"
#define TD_MSG_PLAN_CHI_MOT_TRONG_CSV_VA "chỉ một trong --csv và --indicators"
#define TD_MSG_PLAN_CAN_CSV_NHIEM_VU_HOAC "cần --csv (nhiệm vụ) hoặc --indicators (chỉ tiêu)"
#define TD_MSG_PLAN_DA_GHI_BYTE "Đã ghi %s (%zu byte)."

#define TD_MSG_REPORT_THIEU_PERIOD_HAY_GHI_KY "thiếu --period. Hãy ghi kỳ báo cáo, ví dụ --period 2025-06."

#define TD_MSG_STATE_KHONG_MO_DUOC_SO_NHAT "không mở được sổ nhật ký ở %s: %s"
#define TD_MSG_STATE_KHONG_PHAI_SLUG_CO_QUAN "\"%s\" không phải slug cơ quan hợp lệ"
#define TD_MSG_STATE_ROLE_PHAI_LA_OFFICE_CENTRAL "--role phải là office, central hoặc inspector"
#define TD_MSG_STATE_KHONG_DUNG_DUOC_GOC_NHIN "không dựng được góc nhìn của %s: %s"

#define TD_MSG_UPGRADE_KHONG_MO_DUOC_SO_NHAT "không mở được sổ nhật ký ở %s, không thay đổi gì: %s"
#define TD_MSG_UPGRADE_CAN_KHOA_VA_CHUNG_THU "cần khóa và chứng thư của máy chủ (--key, --cert) để mở sổ " \
    "nhật ký ở %s"
#define TD_MSG_UPGRADE_SO_NHAT_KY_O_CHUA "sổ nhật ký ở %s chưa ghi được việc chuyển sang phiên bản 2"
#define TD_MSG_UPGRADE_KHONG_DOC_DUOC_SO_NHAT "không đọc được sổ nhật ký ở %s: %s"

#endif
