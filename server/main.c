/* main.c — tiendo-server: dispatch to a subcommand. */
#include <stdio.h>
#include <string.h>

#include "cmds.h"

static void usage(FILE *f)
{
    fputs("Cách dùng: tiendo-server LỆNH [tham số]\n"
          "\n"
          "Máy chủ trung tâm của tiendo (Sở Khoa học và Công nghệ).\n"
          "\n"
          "Lệnh:\n"
          "  serve     chạy máy chủ TLS (xem: tiendo-server serve --help)\n"
          "  plan      nhập, xem, xuất kế hoạch (xem: tiendo-server plan --help)\n"
          "  agency    danh mục cơ quan, đổi tên, sáp nhập, chia tách\n"
          "  state     trạng thái suy ra từ sổ nhật ký (xem: tiendo-server state --help)\n"
          "  report    báo cáo tổng hợp tháng: màn hình, CSV, HTML (xem: tiendo-server report --help)\n"
          "  checkpoint  điểm kiểm đã ký mới nhất và các nhân chứng (xem: tiendo-server checkpoint --help)\n"
          "  backup    sao lưu sổ nhật ký khi máy chủ đang chạy (xem: tiendo-server backup --help)\n"
          "  restore   khôi phục sổ nhật ký từ bản sao lưu (xem: tiendo-server restore --help)\n"
          "  version   in phiên bản\n"
          "\n"
          "Tệp cấu hình mặc định khi cài bằng gói: /etc/tiendo/server.conf (--config).\n"
          "Mỗi lệnh có --help. Mã thoát: 0 thành công, 1 lỗi, 2 sai cú pháp lệnh.\n",
          f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
        printf("tiendo-server %s\n", TD_VERSION);
        return 0;
    }
    if (!strcmp(argv[1], "serve")) return tds_cmd_serve(argc - 1, argv + 1);
    if (!strcmp(argv[1], "plan")) return tds_cmd_plan(argc - 1, argv + 1);
    if (!strcmp(argv[1], "agency")) return tds_cmd_agency(argc - 1, argv + 1);
    if (!strcmp(argv[1], "state")) return tds_cmd_state(argc - 1, argv + 1);
    if (!strcmp(argv[1], "report")) return tds_cmd_report(argc - 1, argv + 1);
    if (!strcmp(argv[1], "checkpoint")) return tds_cmd_checkpoint(argc - 1, argv + 1);
    if (!strcmp(argv[1], "backup")) return tds_cmd_backup(argc - 1, argv + 1);
    if (!strcmp(argv[1], "restore")) return tds_cmd_restore(argc - 1, argv + 1);
    fprintf(stderr, "tiendo-server: lệnh không tồn tại: \"%s\"\n\n", argv[1]);
    usage(stderr);
    return 2;
}
