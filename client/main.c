/* main.c — tiendo: the office client; dispatch to a subcommand. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cmds.h"

static void usage(FILE *f)
{
    fputs("Cách dùng: tiendo LỆNH [tham số]\n"
          "\n"
          "Phần mềm theo dõi tiến độ thực hiện kế hoạch, dùng tại đơn vị.\n"
          "\n"
          "Lệnh:\n"
          "  init      tạo khóa và yêu cầu cấp chứng thư (CSR), hoặc nhập gói đăng ký\n"
          "  ping      kiểm tra kết nối tới máy chủ\n"
          "  report    ghi báo cáo tiến độ một nhiệm vụ (không cần mạng)\n"
          "  indicator ghi giá trị một chỉ tiêu (không cần mạng)\n"
          "  todo      việc cần làm của cơ quan: còn nợ báo cáo, bị trả lại, sắp đến hạn\n"
          "  tasks     danh sách nhiệm vụ cơ quan chủ trì, phối hợp, với trạng thái\n"
          "  task      chi tiết và lịch sử một nhiệm vụ\n"
          "  review    (Sở KH&CN) thẩm định báo cáo: chấp nhận hoặc trả lại\n"
          "  condition (Sở KH&CN) ghi nhận điều kiện của nhiệm vụ có điều kiện đã đáp ứng\n"
          "  extend    (Sở KH&CN) gia hạn, thay đổi thời hạn một nhiệm vụ, kèm lý do\n"
          "  draft     bản nháp báo cáo (chưa ký): list, show, submit, delete\n"
          "  attachment tệp đính kèm của báo cáo: liệt kê, tải về (list, get)\n"
          "  report-all (Sở KH&CN, thanh tra) báo cáo tổng hợp tháng: màn hình, CSV, HTML\n"
          /* usage lines of new commands: one line each, above this comment */
          "  sync      đồng bộ với máy chủ (--watch: liên tục)\n"
          "  status    tình trạng bản sao: chờ gửi, bị từ chối, xung đột, cảnh báo nhật ký\n"
          "  receipt   lấy và kiểm tra biên nhận của một mục trong nhật ký máy chủ\n"
          "  audit     kiểm toán nhật ký (thanh tra): verify, history\n"
          "  renew     cấp lại chứng thư số (khóa mới), trực tuyến hoặc qua cán bộ CA\n"
          "  ui        giao diện web trên máy này (việc cần làm, nhập báo cáo, thẩm định)\n"
          "  version   in phiên bản\n"
          "\n"
          "Mỗi lệnh có --help.\n",
          f);
}

int main(int argc, char **argv)
{
    /* A cut link must be an error return from write, not a dead process. */
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
        printf("tiendo %s\n", TD_VERSION);
        return 0;
    }
    if (!strcmp(argv[1], "init")) return tdc_cmd_init(argc - 1, argv + 1);
    if (!strcmp(argv[1], "ping")) return tdc_cmd_ping(argc - 1, argv + 1);
    if (!strcmp(argv[1], "report")) return tdc_cmd_report(argc - 1, argv + 1);
    if (!strcmp(argv[1], "indicator")) return tdc_cmd_indicator(argc - 1, argv + 1);
    if (!strcmp(argv[1], "sync")) return tdc_cmd_sync(argc - 1, argv + 1);
    if (!strcmp(argv[1], "status")) return tdc_cmd_status(argc - 1, argv + 1);
    if (!strcmp(argv[1], "receipt")) return tdc_cmd_receipt(argc - 1, argv + 1);
    if (!strcmp(argv[1], "audit")) return tdc_cmd_audit(argc - 1, argv + 1);
    if (!strcmp(argv[1], "tasks")) return tdc_cmd_tasks(argc - 1, argv + 1);
    if (!strcmp(argv[1], "task")) return tdc_cmd_task(argc - 1, argv + 1);
    if (!strcmp(argv[1], "todo")) return tdc_cmd_todo(argc - 1, argv + 1);
    if (!strcmp(argv[1], "review")) return tdc_cmd_review(argc - 1, argv + 1);
    if (!strcmp(argv[1], "condition")) return tdc_cmd_condition(argc - 1, argv + 1);
    if (!strcmp(argv[1], "extend")) return tdc_cmd_extend(argc - 1, argv + 1);
    if (!strcmp(argv[1], "draft")) return tdc_cmd_draft(argc - 1, argv + 1);
    if (!strcmp(argv[1], "attachment")) return tdc_cmd_attachment(argc - 1, argv + 1);
    if (!strcmp(argv[1], "report-all")) return tdc_cmd_report_all(argc - 1, argv + 1);
    if (!strcmp(argv[1], "renew")) return tdc_cmd_renew(argc - 1, argv + 1);
    if (!strcmp(argv[1], "ui")) return tdc_cmd_ui(argc - 1, argv + 1);
    /* dispatch of new commands: one line each, above this comment */
    fprintf(stderr, "tiendo: lệnh không tồn tại: \"%s\"\n\n", argv[1]);
    usage(stderr);
    return 2;
}
