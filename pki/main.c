/*
 * main.c — tiendo-pki: the provincial CA officer's tool (DESIGN §3).
 * Dispatches to a subcommand (cmds.c); see pki.h for the CA directory.
 */
#include <stdio.h>
#include <string.h>

#include "pki.h"

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
} tdp__cmds[] = {
    {"init", tdp_cmd_init},   {"issue-server", tdp_cmd_issue_server}, {"sign", tdp_cmd_sign},
    {"bundle", tdp_cmd_bundle}, {"revoke", tdp_cmd_revoke},           {"crl", tdp_cmd_crl},
    {"list", tdp_cmd_list},   {"renew", tdp_cmd_renew},
};

static void tdp__usage(FILE *f)
{
    fputs("Cách dùng: tiendo-pki LỆNH [tham số]\n"
          "\n"
          "Công cụ của cán bộ quản lý CA cấp tỉnh (Sở KH&CN): tạo CA, cấp và thu hồi chứng thư số,\n"
          "phát hành danh sách thu hồi (CRL).\n"
          "\n"
          "Lệnh:\n"
          "  init          tạo CA mới\n"
          "  issue-server  cấp khóa và chứng thư cho máy chủ\n"
          "  sign          ký yêu cầu cấp chứng thư (CSR) của một thiết bị\n"
          "  renew         cấp lại chứng thư cho thiết bị (cùng khóa hoặc khóa mới), thời hạn mới\n"
          "  bundle        tạo gói đăng ký một tệp (khóa + chứng thư) cho đơn vị\n"
          "  revoke        thu hồi một chứng thư\n"
          "  crl           phát hành danh sách thu hồi (CRL)\n"
          "  list          liệt kê các chứng thư đã cấp\n"
          "  version       in phiên bản\n"
          "\n"
          "Mỗi lệnh có --help.\n",
          f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        tdp__usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        tdp__usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
        printf("tiendo-pki %s\n", TD_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof tdp__cmds / sizeof tdp__cmds[0]; i++)
        if (!strcmp(argv[1], tdp__cmds[i].name)) return tdp__cmds[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "tiendo-pki: lệnh không tồn tại: \"%s\"\n\n", argv[1]);
    tdp__usage(stderr);
    return 2;
}
