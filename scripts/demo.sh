#!/bin/bash
# demo.sh — the demo command of README.md.  In a temporary directory:
# create the provincial CA, the server certificate and one office device
# (key and CSR on the device, signed by the CA officer), start the server,
# check the link with `tiendo ping`, import Kế hoạch 726 and show a few
# tasks; two offices record reports (one syncs at once, the other stays
# offline until the end, then syncs), then stop the server.  Set TD_DEMO_KEEP=1 to keep the directory.
set -euo pipefail
TD_ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$TD_ROOT/scripts/deps.sh"
td_install_deps
if [ ! -x "$TD_ROOT/build/tiendo-server" ] || [ -n "$(find "$TD_ROOT/common" "$TD_ROOT/server" "$TD_ROOT/client" "$TD_ROOT/pki" "$TD_ROOT/proto" -newer "$TD_ROOT/build/tiendo-server" 2>/dev/null | head -1)" ]; then
    echo "== biên dịch"
    td_build "$TD_ROOT/build"
fi
B=$TD_ROOT/build
W=$(mktemp -d /tmp/tiendo-demo-XXXXXX)
SERVER_PID=
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID"
        wait "$SERVER_PID" || true
    fi
    if [ -z "${TD_DEMO_KEEP:-}" ]; then rm -rf "$W"; else echo "(giữ lại thư mục $W)"; fi
}
trap cleanup EXIT
export TZ=Asia/Ho_Chi_Minh
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1. Cán bộ CA của Sở KH&CN tạo CA của tỉnh"
"$B/tiendo-pki" init --dir "$W/ca" --name "CA tỉnh Hải Dương (demo)"

step "2. Cấp chứng thư cho máy chủ (127.0.0.1)"
"$B/tiendo-pki" issue-server --dir "$W/ca" --name tiendo-server --ip 127.0.0.1 \
    --out-key "$W/server.key" --out-cert "$W/server.crt"

step "3. Máy chủ: nhập Kế hoạch 726/KH-UBND (chạy thử, rồi lưu)"
"$B/tiendo-server" plan import "$TD_ROOT/data/plans/726-KH-UBND.txt" --data "$W/data" | head -20
# --apply signs the plan entry with the server's key (the same key as its TLS certificate)
"$B/tiendo-server" plan import "$TD_ROOT/data/plans/726-KH-UBND.txt" --data "$W/data" --apply \
    --ca "$W/ca/ca.crt" --cert "$W/server.crt" --key "$W/server.key" | tail -3

step "4. Khởi động máy chủ"
"$B/tiendo-server" serve --listen 127.0.0.1:0 --port-file "$W/port" --ca "$W/ca/ca.crt" \
    --cert "$W/server.crt" --key "$W/server.key" --crl "$W/ca/crl.pem" --data "$W/data" \
    2>"$W/server.log" &
SERVER_PID=$!
for _ in $(seq 100); do [ -s "$W/port" ] && break; sleep 0.05; done
PORT=$(cat "$W/port")
echo "Máy chủ đang chạy trên 127.0.0.1:$PORT (PID $SERVER_PID)"

step "5. Văn thư UBND TP Chí Linh: tạo khóa và yêu cầu cấp chứng thư trên máy của mình"
"$B/tiendo" init --dir "$W/chi-linh" --agency ubnd-chi-linh --device vanthu-01

step "6. Cán bộ CA ký yêu cầu, đơn vị cài chứng thư"
"$B/tiendo-pki" sign --dir "$W/ca" --agency ubnd-chi-linh --role office "$W/chi-linh/device.csr" \
    --out "$W/vanthu-01.crt"
"$B/tiendo" init --dir "$W/chi-linh" --cert "$W/vanthu-01.crt" --ca "$W/ca/ca.crt" \
    --server "127.0.0.1:$PORT"

step "7. Kiểm tra kết nối: tiendo ping"
"$B/tiendo" ping --dir "$W/chi-linh"

step "8. Danh sách chứng thư đã cấp"
"$B/tiendo-pki" list --dir "$W/ca"

step "9. Một vài nhiệm vụ của kế hoạch"
# head closes the pipe early: plan show then dies of SIGPIPE, which pipefail would report.
"$B/tiendo-server" plan show --data "$W/data" | head -12 || true
echo "..."
"$B/tiendo-server" plan show 34 --data "$W/data"

step "10. Sở Y tế nhận gói đăng ký một tệp (không gửi CSR được): khóa và chứng thư do CA tạo"
"$B/tiendo-pki" bundle --dir "$W/ca" --agency so-y-te --device vanthu-yt --role office \
    --server "127.0.0.1:$PORT" --out "$W/so-y-te.bundle"
"$B/tiendo" init --dir "$W/so-y-te" --bundle "$W/so-y-te.bundle"
rm -f "$W/so-y-te.bundle"

step "11. UBND TP Chí Linh: đồng bộ (nhận kế hoạch), báo cáo nhiệm vụ 26 (phối hợp), đồng bộ ngay"
"$B/tiendo" sync --dir "$W/chi-linh"
"$B/tiendo" report --dir "$W/chi-linh" --task 26 --period 2025-05 --state dang --percent 60 \
    --result "Đã rà soát 312 thủ tục hành chính, 85% cung cấp trực tuyến toàn trình" \
    --difficulties "Một số xã thiếu máy quét tài liệu" --evidence "Báo cáo số 45/BC-UBND ngày 15/05/2025"
"$B/tiendo" report --dir "$W/chi-linh" --task 999 --period 2025-05 || echo "(đúng: nhiệm vụ 999 không có trong kế hoạch nên bị từ chối ngay trên máy)"
"$B/tiendo" sync --dir "$W/chi-linh"

step "12. Sở Y tế làm việc không có mạng: ghi báo cáo nhiệm vụ 22 và 27 (chủ trì) vào hộp thư đi"
"$B/tiendo" report --dir "$W/so-y-te" --task 22 --period 2025-05 --state xong --done-date 16/05/2025 \
    --result "100% thủ tục hành chính của ngành y tế liên quan đến doanh nghiệp đã thực hiện trực tuyến" \
    --evidence "Quyết định số 210/QĐ-SYT"
"$B/tiendo" report --dir "$W/so-y-te" --task 27 --period 2025-05 --state dang --percent 70 \
    --result "Đã số hóa 70% hồ sơ khám chữa bệnh" --proposals "Bổ sung kinh phí số hóa năm 2025"
"$B/tiendo" status --dir "$W/so-y-te"

step "13. Trong lúc đó, trên máy UBND TP Chí Linh: không còn gì chờ gửi"
"$B/tiendo" status --dir "$W/chi-linh"

step "14. Sở Y tế có mạng trở lại: một lần tiendo sync gửi hết hộp thư đi và nhận kế hoạch"
"$B/tiendo" sync --dir "$W/so-y-te"
"$B/tiendo" status --dir "$W/so-y-te"

step "15. Máy chủ: trạng thái tổng hợp từ sổ nhật ký; bản sao của Sở Y tế khớp với phần máy chủ cho Sở Y tế xem"
"$B/tiendo-server" state --data "$W/data"
echo "Bản sao Sở Y tế:        $("$B/tiendo" status --dir "$W/so-y-te" --digest)"
echo "Máy chủ (phần Sở Y tế): $("$B/tiendo-server" state --data "$W/data" --agency so-y-te --digest | grep '^digest:')"

step "16. Sở Y tế lấy biên nhận: bằng chứng (Merkle) rằng báo cáo của mình nằm trong nhật ký đã ký"
"$B/tiendo" receipt --dir "$W/so-y-te" --seq 2

step "17. Thanh tra tỉnh: thiết bị thanh tra (CSR, vai trò inspector) nhận toàn bộ nhật ký, kiểm tra điểm kiểm tra và đồng ký"
"$B/tiendo" init --dir "$W/thanh-tra" --agency thanh-tra --device thanhtra-01 >/dev/null
"$B/tiendo-pki" sign --dir "$W/ca" --agency thanh-tra --role inspector "$W/thanh-tra/device.csr" \
    --out "$W/thanhtra-01.crt" >/dev/null
"$B/tiendo" init --dir "$W/thanh-tra" --cert "$W/thanhtra-01.crt" --ca "$W/ca/ca.crt" \
    --server "127.0.0.1:$PORT" >/dev/null
"$B/tiendo" sync --dir "$W/thanh-tra"
"$B/tiendo-server" checkpoint --data "$W/data"

step "18. Thanh tra kiểm toán độc lập: chữ ký từng mục, cây Merkle, điểm kiểm tra đã ký, trạng thái suy ra lại"
"$B/tiendo" audit verify --dir "$W/thanh-tra"
echo
echo "Kiểm toán trên bản sao cơ sở dữ liệu của máy chủ (không cần tin người vận hành máy chủ):"
sqlite3 "$W/data/server.db" ".backup '$W/server-copy.db'"   # a consistent copy of the live database
"$B/tiendo" audit verify --db "$W/server-copy.db" --ca "$W/ca/ca.crt" --witness-cert "$W/thanhtra-01.crt"

step "19. Thanh tra: ai đã ghi gì, khi nào, về nhiệm vụ 27"
"$B/tiendo" audit history --dir "$W/thanh-tra" --task 27

step "20. Dừng máy chủ (SIGTERM)"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" && echo "Máy chủ đã dừng."
SERVER_PID=
echo
echo "Nhật ký máy chủ (tiếng Anh, cho kỹ thuật viên):"
sed 's/^/  /' "$W/server.log"
