/*
 * main.c — tiendo-pki: the provincial CA officer's tool; the table of its
 * commands (cli.h), implemented in cmds.c; see pki.h for the CA directory.
 */
#include <stdlib.h>

#include "cli.h"
#include "log.h"
#include "pki.h"

/* One row per command: dispatch, `tiendo-pki --help` and the man page tiendo-pki.8. */
static const td_cli_cmd tdp__cmds[] = {
    {"init", tdp_cmd_init, "tạo CA mới"},
    {"issue-server", tdp_cmd_issue_server, "cấp khóa và chứng thư cho máy chủ"},
    {"sign", tdp_cmd_sign, "ký yêu cầu cấp chứng thư (CSR) của một thiết bị"},
    {"renew", tdp_cmd_renew, "cấp lại chứng thư cho thiết bị (cùng khóa hoặc khóa mới), thời hạn mới"},
    {"bundle", tdp_cmd_bundle, "tạo gói đăng ký một tệp (khóa + chứng thư) cho đơn vị"},
    {"revoke", tdp_cmd_revoke, "thu hồi một chứng thư"},
    {"crl", tdp_cmd_crl, "phát hành danh sách thu hồi (CRL)"},
    {"list", tdp_cmd_list, "liệt kê các chứng thư đã cấp"},
};

static const td_cli_prog tdp__prog = {
    .name = "tiendo-pki",
    .section = "8",
    .about = "Công cụ của cán bộ quản lý CA cấp tỉnh (Sở KH&CN): tạo CA, cấp và thu hồi chứng thư số,\n"
             "phát hành danh sách thu hồi (CRL).",
    .footer = NULL,
    .cmds = tdp__cmds,
    .n_cmds = sizeof tdp__cmds / sizeof tdp__cmds[0],
};

int main(int argc, char **argv)
{
    /* The officer reads Vietnamese; the operator log (English) only with TIENDO_LOG. */
    const char *log = getenv("TIENDO_LOG");
    if (!log || !*log) td_log_set_path(NULL);
    return td_cli_main(&tdp__prog, argc, argv);
}
