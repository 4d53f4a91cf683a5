/* main.c — tiendo-server: the table of its commands (cli.h). */
#include "cli.h"
#include "cmds.h"
#include "msg.h"

/* One row per command: dispatch, `tiendo-server --help` and the man page tiendo-server.8. */
static const td_cli_cmd tds__cmds[] = {
    {"serve", tds_cmd_serve, "chạy máy chủ TLS"},
    {"plan", tds_cmd_plan, "nhập, xem, xuất kế hoạch"},
    {"agency", tds_cmd_agency, "danh mục cơ quan, đổi tên, sáp nhập, chia tách"},
    {"state", tds_cmd_state, "trạng thái suy ra từ sổ nhật ký"},
    {"report", tds_cmd_report, "báo cáo tổng hợp tháng: màn hình, CSV, HTML"},
    {"checkpoint", tds_cmd_checkpoint, "điểm kiểm đã ký mới nhất và các nhân chứng"},
    {"backup", tds_cmd_backup, "sao lưu sổ nhật ký khi máy chủ đang chạy"},
    {"restore", tds_cmd_restore, "khôi phục sổ nhật ký từ bản sao lưu"},
    {"upgrade-digest", tds_cmd_upgrade_digest, "chuyển sổ nhật ký cũ sang mã băm trạng thái phiên bản 2"},
};

static const td_cli_prog tds__prog = {
    .name = "tiendo-server",
    .section = "8",
    .about = "Máy chủ trung tâm của tiendo (Sở Khoa học và Công nghệ).",
    .footer = "Tệp cấu hình mặc định khi cài bằng gói: /etc/tiendo/server.conf (--config).\n"
              TD_MSG_EXIT_CODES,
    .cmds = tds__cmds,
    .n_cmds = sizeof tds__cmds / sizeof tds__cmds[0],
};

int main(int argc, char **argv) { return td_cli_main(&tds__prog, argc, argv); }
