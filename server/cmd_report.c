/*
 * cmd_report.c — `tiendo-server report`: the consolidated monthly report
 * (docs/ARCHITECTURE.md §8; common/mreport.h) from the server's own log, folded the way
 * every server command folds it (tds_cmd_open_ledger, read-only).  The
 * same report, byte for byte, comes from `tiendo report-all` on a central
 * or inspector replica holding the same log prefix.
 */
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "mreport.h"
#include "msg.h"

static const td_cli_spec tds__report_spec = {
    .prog = "tiendo-server",
    .cmd = "report",
    .usage = "--period MM/YYYY [--config TỆP | --data THƯ_MỤC]",
    .about = "Báo cáo tổng hợp tiến độ tháng cho cuộc họp giao ban ngày 23: số nhiệm vụ theo trạng thái (toàn kế hoạch "
             "và theo phần, so với kỳ trước), từng nhiệm vụ, báo cáo của các cơ quan (đúng hạn, muộn, thiếu) và xếp "
             "hạng thi đua, nhiệm vụ quá hạn / sắp đến hạn / bị trả lại, chỉ tiêu so với mục tiêu, báo cáo có thời gian "
             "ký bất thường. Chỉ đọc sổ nhật ký, không ghi gì.",
    /* the report's own --report-day/--due-soon-days come first, so they win over the config flags' */
    .opts = {td_mreport_cli_opts, tds_config_opts},
    .synopsis_tables = 1,
};
static void tds__report_usage(FILE *f) { td_cli_help(&tds__report_spec, f); }

int tds_cmd_report(int argc, char **argv)
{
    const char *prog = "tiendo-server report";
    tds_config cfg;
    tds_ledger *lg = NULL;
    td_mreport_args a;
    int rc;

    int c;

    td_mreport_args_init(&a);
    tds_config_init(&cfg, prog);
    while ((c = tds_config_getopt_spec(&cfg, argc, argv, &tds__report_spec)) != -1) {
        if (c == 'h') {
            tds__report_usage(stdout);
            return 0;
        }
        if (c == TDS_OPT_BAD || td_mreport_args_opt(&a, prog, c, optarg) != 1) return 2;
    }
    if (optind < argc) return tds_config_extra(&cfg, argv[optind]);
    if (!a.period) {
        fprintf(stderr, "%s: " TD_MSG_REPORT_PERIOD_MISSING_HINT "\n", prog);
        tds_config_free(&cfg);
        return 2;
    }
    if ((rc = tds_config_finish(&cfg))) {
        tds_config_free(&cfg);
        return rc;
    }
    if (tds_cmd_open_ledger(&cfg, 0, &lg)) {
        tds_config_free(&cfg);
        return 1;
    }
    if (!a.report_day_given) a.opts.status.report_due_day = cfg.report_day;
    if (!a.due_soon_given) a.opts.status.due_soon_days = cfg.due_soon_days;
    rc = td_mreport_run(tds_ledger_state(lg), prog, &a);
    tds_ledger_close(lg);
    tds_config_free(&cfg);
    return rc;
}
