#!/bin/bash
# demo.sh — the demo command of README.md.  In a temporary directory:
# create the provincial CA, the server certificate and one office device
# (key and CSR on the device, signed by the CA officer), start the server,
# check the link with `tiendo ping`, import Kế hoạch 726 and show a few
# tasks; two offices record reports (one syncs at once, the other stays
# offline until the end, then syncs); a month of work (todo, reports with
# evidence, central returns one, the office corrects it, central accepts,
# a deadline extension); the monthly report in HTML; the inspector's audit;
# then stop the server.  Set TD_DEMO_KEEP=1 to keep the directory.
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
# enroll NAME AGENCY DEVICE ROLE: the steps of step 6 without their output: the
# device makes its key and CSR in $W/NAME, the CA signs it, the device takes
# the certificate.
enroll() {
    "$B/tiendo" init --dir "$W/$1" --agency "$2" --device "$3" >/dev/null
    "$B/tiendo-pki" sign --dir "$W/ca" --agency "$2" --role "$4" "$W/$1/device.csr" --out "$W/$3.crt" >/dev/null
    "$B/tiendo" init --dir "$W/$1" --cert "$W/$3.crt" --ca "$W/ca/ca.crt" --server "127.0.0.1:$PORT" >/dev/null
}

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

# ---- a month of work: reports, a return and a correction, an acceptance ----
CUR=$(date +%Y-%m)          # this month: reports for it are due on the 18th
CUR_VI=$(date +%m/%Y)

step "17. Sở KH&CN (vai trò central, thẩm định báo cáo): đăng ký thiết bị"
enroll so-khcn so-khcn thamdinh-01 central
"$B/tiendo" sync --dir "$W/so-khcn" --quiet

step "18. Văn thư Sở Y tế mở máy đầu tháng: tiendo todo — việc còn phải làm kỳ $CUR_VI"
"$B/tiendo" todo --dir "$W/so-y-te" | head -30 || true

step "19. Sở Y tế báo cáo kỳ $CUR_VI (không cần mạng), kèm văn bản và tệp minh chứng, rồi đồng bộ"
printf '%%PDF-1.4\n%% Biên bản nghiệm thu hệ thống bệnh án điện tử (bản chụp, demo)\n%%%%EOF\n' >"$W/bien-ban.pdf"
"$B/tiendo" report 22 --dir "$W/so-y-te" --period "$CUR" --state xong --no-prompt \
    --result "Hoàn thành kết nối liên thông dữ liệu khám chữa bệnh của 12 bệnh viện tuyến huyện" \
    --attach "$W/bien-ban.pdf"
"$B/tiendo" report 27 --dir "$W/so-y-te" --period "$CUR" --state dang --percent 85 --no-prompt \
    --result "Đã số hóa 85% hồ sơ khám chữa bệnh" --difficulties "Thiếu nhân lực công nghệ thông tin" \
    --doc "312/BC-SYT,$(date +%d/%m/%Y),Báo cáo tiến độ chuyển đổi số ngành y tế"
"$B/tiendo" indicator set 25 --dir "$W/so-y-te" --period "$CUR" --value 130 \
    || echo "(đúng: chỉ tiêu tính bằng % không thể là 130)"
"$B/tiendo" sync --dir "$W/so-y-te"

step "20. Sở KH&CN nhận báo cáo, thẩm định: trả lại nhiệm vụ 22 (thiếu văn bản), chấp nhận nhiệm vụ 27; gia hạn nhiệm vụ 27"
"$B/tiendo" sync --dir "$W/so-khcn" --quiet
"$B/tiendo" todo --dir "$W/so-khcn" | head -20 || true
"$B/tiendo" review 22 --dir "$W/so-khcn" --agency so-y-te --period "$CUR" \
    --return "Đề nghị bổ sung số hiệu và ngày của quyết định nghiệm thu"
"$B/tiendo" review 27 --dir "$W/so-khcn" --agency so-y-te --period "$CUR" --accept --comment "Đạt tiến độ"
"$B/tiendo" extend 27 --dir "$W/so-khcn" --deadline "12/$(( $(date +%Y) + 1 ))" \
    --reason "Công văn 55/UBND-VP: lùi thời hạn do chờ kinh phí số hóa"
"$B/tiendo" sync --dir "$W/so-khcn" --quiet

step "21. Văn thư Sở Y tế đồng bộ: thấy báo cáo bị trả lại và lý do, sửa và gửi lại"
"$B/tiendo" sync --dir "$W/so-y-te" --quiet
"$B/tiendo" todo --dir "$W/so-y-te" | head -30 || true
"$B/tiendo" report 22 --dir "$W/so-y-te" --period "$CUR" --state xong --no-prompt \
    --result "Hoàn thành kết nối liên thông dữ liệu khám chữa bệnh của 12 bệnh viện tuyến huyện" \
    --doc "415/QĐ-SYT,$(date +%d/%m/%Y),Quyết định nghiệm thu hệ thống bệnh án điện tử" \
    --attach "$W/bien-ban.pdf"
"$B/tiendo" sync --dir "$W/so-y-te" --quiet

step "22. Sở KH&CN chấp nhận báo cáo đã sửa; Sở Y tế xem trạng thái các nhiệm vụ của mình"
"$B/tiendo" sync --dir "$W/so-khcn" --quiet
"$B/tiendo" review 22 --dir "$W/so-khcn" --agency so-y-te --period "$CUR" --accept --comment "Đạt"
"$B/tiendo" sync --dir "$W/so-khcn" --quiet
"$B/tiendo" sync --dir "$W/so-y-te" --quiet
"$B/tiendo" tasks --dir "$W/so-y-te" | head -25 || true
"$B/tiendo" task 22 --dir "$W/so-y-te"

step "23. Báo cáo tổng hợp tháng $CUR_VI cho cuộc họp ngày 23 (văn bản, và HTML để in khổ A4 ngang)"
REPORT_HTML=${TD_DEMO_REPORT:-$PWD/tiendo-bao-cao-thang-$(date +%m-%Y).html}
"$B/tiendo-server" report --data "$W/data" --period "$CUR" --as-of "$(date +%d/%m/%Y)" | head -40 || true
"$B/tiendo-server" report --data "$W/data" --period "$CUR" --as-of "$(date +%d/%m/%Y)" --format html \
    --out "$REPORT_HTML"
echo "Báo cáo tổng hợp (HTML, mở bằng trình duyệt): $REPORT_HTML"

step "24. Thanh tra tỉnh: thiết bị thanh tra (CSR, vai trò inspector) nhận toàn bộ nhật ký, kiểm tra điểm kiểm tra và đồng ký"
enroll thanh-tra thanh-tra thanhtra-01 inspector
"$B/tiendo" sync --dir "$W/thanh-tra"
"$B/tiendo-server" checkpoint --data "$W/data"

step "25. Thanh tra kiểm toán độc lập: chữ ký từng mục, cây Merkle, điểm kiểm tra đã ký, trạng thái suy ra lại"
"$B/tiendo" audit verify --dir "$W/thanh-tra"
echo
echo "Kiểm toán trên bản sao cơ sở dữ liệu của máy chủ (không cần tin người vận hành máy chủ):"
sqlite3 "$W/data/server.db" ".backup '$W/server-copy.db'"   # a consistent copy of the live database
"$B/tiendo" audit verify --db "$W/server-copy.db" --ca "$W/ca/ca.crt" --witness-cert "$W/thanhtra-01.crt"

step "26. Thanh tra: ai đã ghi gì, khi nào, về nhiệm vụ 22"
"$B/tiendo" audit history --dir "$W/thanh-tra" --task 22

step "27. Giao diện web của Sở Y tế (tiendo ui): địa chỉ, và ảnh trang \"Việc cần làm\""
"$B/tiendo" ui --dir "$W/so-y-te" --port 0 --no-browser --url-file "$W/ui.url" --interval 5 >"$W/ui.log" 2>&1 &
UI_PID=$!
for _ in $(seq 100); do [ -s "$W/ui.url" ] && break; sleep 0.1; done
UI_URL=$(cat "$W/ui.url")
echo "Mở trình duyệt tại: $UI_URL"
SHOT=${TD_DEMO_SHOT:-$TD_ROOT/build/demo-viec-can-lam.png}
CHROME=$(command -v chromium || true)
if [ -n "$CHROME" ]; then
    # the first request carries the token, the redirect sets the cookie, then "/" is drawn
    HOME="$W" "$CHROME" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$W/chromium" \
        --window-size=1366,768 --screenshot="$SHOT" "$UI_URL" >/dev/null 2>&1 &&
        echo "Ảnh trang Việc cần làm: $SHOT" || echo "(chromium không chụp được ảnh)"
else
    echo "(không có chromium: bỏ qua ảnh)"
fi
kill -TERM "$UI_PID"
wait "$UI_PID" || true

step "28. Dừng máy chủ (SIGTERM)"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" && echo "Máy chủ đã dừng."
SERVER_PID=
echo
echo "Nhật ký máy chủ (tiếng Anh, cho kỹ thuật viên):"
sed 's/^/  /' "$W/server.log"
