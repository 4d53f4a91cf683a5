/*
 * cmd_report_all.c — `tiendo report-all`: the consolidated monthly report
 * (docs/ARCHITECTURE.md §8; common/mreport.h) from this device's replica, for central (Sở
 * KH&CN) and the inspectorate, who hold the whole log.  An office's replica
 * holds only the entries it may see (docs/LOG.md §7): a report built from it
 * would be silently wrong, so offices are refused.  Fully offline; the
 * output equals `tiendo-server report` on the same log prefix, byte for
 * byte (same options, same code: common/mreport_cli.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmds.h"
#include "mreport.h"
#include "msg.h"

static const td_cli_opt tdc__report_all_opts[] = {TDC_OPT_DIR('d'), {NULL, 0, 0, NULL, NULL}};
static const td_cli_spec tdc__report_all_spec = {
    .prog = "tiendo",
    .cmd = "report-all",
    .usage = "--period MM/YYYY",
    .about = "Báo cáo tổng hợp tiến độ tháng (như tiendo-server report) lập từ bản sao trên thiết bị này, không cần "
             "mạng. Chỉ thiết bị của Sở KH&CN (trung tâm) hoặc Thanh tra tỉnh dùng được: bản sao của văn phòng đơn vị "
             "chỉ có một phần sổ nhật ký. Đồng bộ trước (tiendo sync) để có số liệu mới nhất.",
    .opts = {td_mreport_cli_opts, tdc__report_all_opts},
};
static void tdc__report_all_usage(FILE *f) { td_cli_help(&tdc__report_all_spec, f); }

int tdc_cmd_report_all(int argc, char **argv)
{
    const char *prog = "tiendo report-all", *dir = NULL;
    td_mreport_args a;
    tdc_ctx c;
    int rc;

    struct option opts[TD_CLI_OPTS_MAX];
    int opt;

    td_mreport_args_init(&a);
    if (td_cli_longopts(&tdc__report_all_spec, opts, TD_CLI_OPTS_MAX)) return 1;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        int t = td_mreport_args_opt(&a, prog, opt, optarg);
        if (t < 0) return 2;
        if (t) continue;
        switch (opt) {
        case 'd': dir = optarg; break;
        case 'h': tdc__report_all_usage(stdout); return 0;
        default: return td_cli_opt_err("tiendo", "report-all", opt, argv);
        }
    }
    if (optind < argc) return td_cli_extra("tiendo", "report-all", argv[optind]);
    if (!a.period) {
        fprintf(stderr, "%s: " TD_MSG_REPORT_ALL_PERIOD_MISSING "\n", prog);
        return 2;
    }
    if (tdc_ctx_open(&c, dir, "report-all")) return 1;
    {
        /* the device config's report-day / due-soon-days, unless given here */
        td_status_opts so;
        tdc_device_status_opts(&c.dev, &so);
        if (!a.due_soon_given) a.opts.status.due_soon_days = so.due_soon_days;
        if (!a.report_day_given) a.opts.status.report_due_day = so.report_due_day;
    }
    if (c.id.subject.role != TD_ROLE_CENTRAL && c.id.subject.role != TD_ROLE_INSPECTOR) {
        fprintf(stderr,
                "%s: " TD_MSG_REPORT_ALL_OFFICE_PARTIAL "\n",
                prog, c.id.subject.agency, td_role_vi(c.id.subject.role));
        tdc_ctx_close(&c);
        return 1;
    }
    rc = td_mreport_run(tdc_replica_state(c.rep), prog, &a);
    tdc_ctx_close(&c);
    return rc;
}
