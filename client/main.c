/* main.c — tiendo: the office client; dispatch to a subcommand. */
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
          "  version   in phiên bản\n"
          "\n"
          "Mỗi lệnh có --help.\n",
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
        printf("tiendo %s\n", TD_VERSION);
        return 0;
    }
    if (!strcmp(argv[1], "init")) return tdc_cmd_init(argc - 1, argv + 1);
    if (!strcmp(argv[1], "ping")) return tdc_cmd_ping(argc - 1, argv + 1);
    fprintf(stderr, "tiendo: lệnh không tồn tại: \"%s\"\n\n", argv[1]);
    usage(stderr);
    return 2;
}
