/* main.c — tiendo: the office client; the table of its commands (cli.h). */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmds.h"
#include "replica.h"

/* One row per command: dispatch, `tiendo --help` and the man page tiendo.1. */
static const td_cli_cmd tdc__cmds[] = {
    {"init", tdc_cmd_init, "tạo khóa và yêu cầu cấp chứng thư (CSR), hoặc nhập gói đăng ký"},
    {"ping", tdc_cmd_ping, "kiểm tra kết nối tới máy chủ"},
    {"report", tdc_cmd_report, "ghi báo cáo tiến độ một nhiệm vụ (không cần mạng)"},
    {"indicator", tdc_cmd_indicator, "ghi giá trị một chỉ tiêu (không cần mạng)"},
    {"todo", tdc_cmd_todo, "việc cần làm của cơ quan: còn nợ báo cáo, bị trả lại, sắp đến hạn, xung đột"},
    {"tasks", tdc_cmd_tasks, "danh sách nhiệm vụ cơ quan chủ trì, phối hợp, với trạng thái"},
    {"task", tdc_cmd_task, "chi tiết và lịch sử một nhiệm vụ"},
    {"review", tdc_cmd_review, "(Sở KH&CN) thẩm định báo cáo: chấp nhận hoặc trả lại"},
    {"condition", tdc_cmd_condition, "(Sở KH&CN) ghi nhận điều kiện của nhiệm vụ có điều kiện đã đáp ứng"},
    {"extend", tdc_cmd_extend, "(Sở KH&CN) gia hạn, thay đổi thời hạn một nhiệm vụ, kèm lý do"},
    {"draft", tdc_cmd_draft, "bản nháp báo cáo (chưa ký): list, show, submit, delete"},
    {"attachment", tdc_cmd_attachment, "tệp đính kèm của báo cáo: liệt kê, tải về (list, get)"},
    {"report-all", tdc_cmd_report_all, "(Sở KH&CN, thanh tra) báo cáo tổng hợp tháng: màn hình, CSV, HTML"},
    {"sync", tdc_cmd_sync, "đồng bộ với máy chủ (--watch: liên tục)"},
    {"status", tdc_cmd_status, "tình trạng bản sao: chờ gửi, bị từ chối, xung đột, cảnh báo nhật ký"},
    {"receipt", tdc_cmd_receipt, "lấy và kiểm tra biên nhận của một mục trong nhật ký máy chủ"},
    {"audit", tdc_cmd_audit, "kiểm toán nhật ký (thanh tra): verify, history"},
    {"renew", tdc_cmd_renew, "cấp lại chứng thư số (khóa mới), trực tuyến hoặc qua cán bộ CA"},
    {"ui", tdc_cmd_ui, "giao diện web trên máy này (trình duyệt là màn hình), đồng bộ nền"},
    /* new commands: one row each, above this comment */
};

static const td_cli_prog tdc__prog = {
    .name = "tiendo",
    .section = "1",
    .about = "Phần mềm theo dõi tiến độ thực hiện kế hoạch, dùng tại đơn vị.",
    .footer = "Tùy chọn chung: --verbose in nhật ký vận hành (tiếng Anh) ra màn hình; mặc định nhật ký "
              "được ghi vào tệp tiendo.log trong thư mục thiết bị.\n",
    .cmds = tdc__cmds,
    .n_cmds = sizeof tdc__cmds / sizeof tdc__cmds[0],
};

int main(int argc, char **argv)
{
    /* A cut link must be an error return from write, not a dead process. */
    signal(SIGPIPE, SIG_IGN);
    tdc_log_setup(&argc, argv);
    /* one command, then exit: the kernel frees the folded state faster (`ui` runs on) */
    if (argc < 2 || strcmp(argv[1], "ui")) tdc_replica_keep_state_at_exit();
    return td_cli_main(&tdc__prog, argc, argv);
}
