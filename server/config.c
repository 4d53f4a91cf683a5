/* config.c — see config.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "conf.h"
#include "err.h"
#include "frame.h"
#include "log.h"
#include "msg.h"
#include "netaddr.h"
#include "status.h"
#include "renew.h"

/*
 * The flags (and config-file keys) of the server, one row each
 * (common/cli.h): the getopt table of every command is made from these rows
 * joined with the command's own (tds_config_getopt_spec), and so is the
 * part of --help and of the man page that describes them.  The codes are
 * TDS_OPT_CONFIG + row, over both tables; tds_config_serve_opts only `serve`
 * takes.
 */
const td_cli_opt tds_config_opts[] = {
    {"config", required_argument, TDS_OPT_CONFIG + 0, "TỆP",
     "tệp cấu hình (mỗi dòng: khóa = giá trị; khóa giống tên tham số)"},
    {"data", required_argument, TDS_OPT_CONFIG + 1, "THƯ_MỤC",
     "thư mục dữ liệu chứa server.db (mặc định: $TIENDO_DATA, nếu không có thì " TDS_DEFAULT_DATA ")"},
    {"ca", required_argument, TDS_OPT_CONFIG + 2, "TỆP", "chứng thư CA của tỉnh"},
    {"cert", required_argument, TDS_OPT_CONFIG + 3, "TỆP", "chứng thư của máy chủ"},
    {"key", required_argument, TDS_OPT_CONFIG + 4, "TỆP",
     "khóa riêng của máy chủ (quyền 0600): khóa ký các bản ghi của máy chủ"},
    {"crl", required_argument, TDS_OPT_CONFIG + 5, "TỆP",
     "danh sách thu hồi (CRL); máy chủ đang chạy nạp lại khi nhận SIGHUP"},
    {"origin", required_argument, TDS_OPT_CONFIG + 6, "TÊN",
     "tên nguồn (origin) của các điểm kiểm (checkpoint) của sổ nhật ký (mặc định: tên đang dùng, nếu chưa có thì "
     "tiendo/<CN của máy chủ>)"},
    {"log-level", required_argument, TDS_OPT_CONFIG + 7, "MỨC",
     "mức của nhật ký vận hành: error, warn, info (mặc định), debug"},
    {"report-day", required_argument, TDS_OPT_CONFIG + 8, "N",
     "ngày hạn nộp báo cáo trong tháng, cho báo cáo tháng (mặc định 18)"},
    {"due-soon-days", required_argument, TDS_OPT_CONFIG + 9, "N",
     "số ngày cảnh báo \"sắp đến hạn\", cho báo cáo tháng (mặc định 7)"},
    {NULL, 0, 0, NULL, NULL}};
#define TDS__NCOMMON 10
const td_cli_opt tds_config_serve_opts[] = {
    {"listen", required_argument, TDS_OPT_CONFIG + 10, "MÁY:CỔNG", "địa chỉ lắng nghe (mặc định " TDS_DEFAULT_LISTEN ")"},
    {"port-file", required_argument, TDS_OPT_CONFIG + 11, "TỆP", "ghi cổng thực tế vào TỆP (dùng với cổng 0)"},
    {"max-conns", required_argument, TDS_OPT_CONFIG + 12, "N", "số kết nối tối đa (mặc định 1000)"},
    {"max-frame", required_argument, TDS_OPT_CONFIG + 13, "BYTE", "kích thước gói tối đa (mặc định 4194304)"},
    {"handshake-timeout", required_argument, TDS_OPT_CONFIG + 14, "GIÂY", "thời gian chờ bắt tay TLS (mặc định 10)"},
    {"idle-timeout", required_argument, TDS_OPT_CONFIG + 15, "GIÂY",
     "đóng phiên không hoạt động sau chừng ấy giây (mặc định 300)"},
    {"stall-timeout", required_argument, TDS_OPT_CONFIG + 16, "GIÂY",
     "đóng phiên khi máy khách không nhận dữ liệu đang chờ gửi (hàng đợi vượt ngưỡng) trong chừng ấy giây (mặc định "
     "60)"},
    {"push-rate", required_argument, TDS_OPT_CONFIG + 17, "N",
     "mỗi thiết bị gửi tối đa N mục/giây (0: không giới hạn; mặc định 2000)"},
    {"push-burst", required_argument, TDS_OPT_CONFIG + 18, "N",
     "...nhưng được gửi dồn tới N mục một lúc (mặc định 100000)"},
    {"renew-ca-dir", required_argument, TDS_OPT_CONFIG + 19, "THƯ_MỤC",
     "thư mục CA (tiendo-pki) để cấp lại chứng thư trực tuyến (không có: mọi yêu cầu cấp lại qua cán bộ quản lý CA)"},
    {"renew-days", required_argument, TDS_OPT_CONFIG + 20, "NGÀY", "thời hạn chứng thư mới (mặc định 730)"},
    {"renew-window", required_argument, TDS_OPT_CONFIG + 21, "NGÀY",
     "chỉ cấp lại khi chứng thư còn dưới chừng ấy ngày (mặc định 60)"},
    {"renew-roles", required_argument, TDS_OPT_CONFIG + 22, "DS",
     "vai trò được cấp lại trực tuyến: office, central, inspector (mặc định office)"},
    {NULL, 0, 0, NULL, NULL}};
#define TDS__NFLAGS 23

/* The config key of a getopt code, or NULL if the code is not a config flag's. */
static const char *tds__key_of(int c)
{
    for (const td_cli_opt *o = tds_config_opts; o->name; o++)
        if (o->val == c) return o->name;
    for (const td_cli_opt *o = tds_config_serve_opts; o->name; o++)
        if (o->val == c) return o->name;
    return NULL;
}

const char *tds_config_usage_text(int serve_keys)
{
    static char text[2][8192];
    char *out = text[serve_keys ? 1 : 0];
    FILE *f;
    td_cli_spec s = {.prog = "tiendo-server", .cmd = "", .opts = {tds_config_opts, serve_keys ? tds_config_serve_opts : NULL}};
    if (*out || !(f = fmemopen(out, sizeof text[0], "w"))) return out;
    setbuf(f, NULL);
    td_cli_help_rows(&s, f);
    fclose(f);
    out[sizeof text[0] - 1] = 0;
    return out;
}

void tds_config_init(tds_config *cfg, const char *prog)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->prog = prog;
    snprintf(cfg->listen, sizeof cfg->listen, "%s", TDS_DEFAULT_LISTEN);
    cfg->handshake_ms = TDS_DEFAULT_HANDSHAKE_MS;
    cfg->idle_ms = TDS_DEFAULT_IDLE_MS;
    cfg->max_conns = TDS_DEFAULT_MAX_CONNS;
    cfg->max_frame = TD_FRAME_MAX_DEFAULT;
    cfg->renew_days = TDS_RENEW_DAYS_DEFAULT;
    cfg->renew_window = TDS_RENEW_WINDOW_DAYS_DEFAULT;
    cfg->renew_roles = 1u << TD_ROLE_OFFICE;
    cfg->report_day = TD_STATUS_REPORT_DUE_DAY;
    cfg->due_soon_days = TD_STATUS_DUE_SOON_DAYS;
    cfg->stall_ms = TDS_DEFAULT_STALL_MS;
    cfg->push_rate = TDS_DEFAULT_PUSH_RATE;
    cfg->push_burst = TDS_DEFAULT_PUSH_BURST;
}

void tds_config_free(tds_config *cfg)
{
    free(cfg->ca);
    free(cfg->cert);
    free(cfg->key);
    free(cfg->crl);
    free(cfg->data);
    free(cfg->port_file);
    free(cfg->origin);
    free(cfg->renew_ca_dir);
    cfg->ca = cfg->cert = cfg->key = cfg->crl = cfg->data = cfg->port_file = cfg->origin = NULL;
    cfg->renew_ca_dir = NULL;
}

/* For a command table of struct option (tds_config_getopt): own, the config flags, --help. */
static int tds__build_opts(tds_config *cfg, const struct option *own, int serve_keys)
{
    struct option cf[TDS_CONFIG_OPTS_MAX];
    const struct option *const tables[] = {own, cf};
    td_cli_spec s = {.prog = cfg->prog, .cmd = "", .opts = {tds_config_opts, serve_keys ? tds_config_serve_opts : NULL}};
    if (td_cli_longopts(&s, cf, TDS_CONFIG_OPTS_MAX)) return -1;
    return td_cli_opts_join(cfg->opts, TDS_CONFIG_OPTS_MAX, tables, 2);
}

/* cfg->prog is "tiendo-server CMD" */
static int tds__opt_err(const tds_config *cfg, int c, char *const *argv)
{
    td_cli_opt_err(cfg->prog, "", c, argv);
    return TDS_OPT_BAD;
}

/* getopt_long over cfg->opts (built), the config flags kept in cfg. */
static int tds__getopt(tds_config *cfg, int argc, char **argv)
{
    int c;
    const char *key;
    while ((c = getopt_long(argc, argv, ":h", cfg->opts, NULL)) >= TDS_OPT_CONFIG &&
           c < TDS_OPT_CONFIG + TDS__NFLAGS && (key = tds__key_of(c))) {
        if (!strcmp(key, "config")) {
            cfg->file = optarg;
            continue;
        }
        if (cfg->nflags >= TDS_CONFIG_FLAGS_MAX) {
            fprintf(stderr, "%s: " TD_MSG_TOO_MANY_ARGS "\n", cfg->prog);
            return TDS_OPT_BAD;
        }
        cfg->flags[cfg->nflags].key = key;
        cfg->flags[cfg->nflags++].val = optarg;
    }
    if (c == '?' || c == ':') return tds__opt_err(cfg, c, argv);
    return c;
}

/* The first call: the table built, getopt reset. */
static int tds__start(tds_config *cfg, int rc)
{
    if (rc) {
        fprintf(stderr, "%s: " TD_MSG_TOO_MANY_ARGS "\n", cfg->prog);
        return TDS_OPT_BAD;
    }
    cfg->opts_ready = 1;
    optind = 1;
    opterr = 0;   /* getopt's own messages are English: td_cli_opt_err says it in Vietnamese */
    return 0;
}

int tds_config_getopt(tds_config *cfg, int argc, char **argv, const struct option *own, int serve_keys)
{
    if (!cfg->opts_ready && tds__start(cfg, tds__build_opts(cfg, own, serve_keys))) return TDS_OPT_BAD;
    return tds__getopt(cfg, argc, argv);
}

int tds_config_getopt_spec(tds_config *cfg, int argc, char **argv, const td_cli_spec *spec)
{
    if (!cfg->opts_ready && tds__start(cfg, td_cli_longopts(spec, cfg->opts, TDS_CONFIG_OPTS_MAX))) return TDS_OPT_BAD;
    return tds__getopt(cfg, argc, argv);
}

int tds_config_extra(const tds_config *cfg, const char *word)
{
    return td_cli_extra(cfg->prog, "", word);
}

/* Apply one setting (from flag or file); where names the source for errors. */
static int tds__set(tds_config *cfg, const char *key, const char *val, const char *where)
{
    char *end;
    unsigned long long n;
#define TDS_STR(k, field)                    \
    if (!strcmp(key, k)) {                   \
        free(cfg->field);                    \
        if (!(cfg->field = strdup(val))) {   \
            fprintf(stderr, "%s: " TD_MSG_NOMEM "\n", cfg->prog); \
            return -1;                       \
        }                                    \
        return 0;                            \
    }
    TDS_STR("ca", ca) TDS_STR("cert", cert) TDS_STR("key", key) TDS_STR("crl", crl)
    TDS_STR("data", data) TDS_STR("port-file", port_file) TDS_STR("origin", origin)
    TDS_STR("renew-ca-dir", renew_ca_dir)
#undef TDS_STR
    if (!strcmp(key, "listen")) {
        char host[TD_HOST_MAX + 1];
        int port;
        td_error err;
        if (td_hostport_parse(val, host, &port, &err)) {
            fprintf(stderr, "%s: %s: listen: %s\n", cfg->prog, where, err.msg);
            return -1;
        }
        snprintf(cfg->listen, sizeof cfg->listen, "%s", val);
        return 0;
    }
    if (!strcmp(key, "renew-roles")) {
        if (tds_renew_roles_parse(val, &cfg->renew_roles)) {
            fprintf(stderr, "%s: %s: renew-roles là danh sách office, central, inspector, không phải \"%s\"\n",
                    cfg->prog, where, val);
            return -1;
        }
        return 0;
    }
    if (!strcmp(key, "log-level")) {
        int l = td_log_level_parse(val);
        if (l < 0) {
            fprintf(stderr, "%s: %s: log-level phải là error|warn|info|debug, không phải \"%s\"\n", cfg->prog,
                    where, val);
            return -1;
        }
        td_log_set_level(l);
        return 0;
    }
    errno = 0;
    n = strtoull(val, &end, 10);
    if (!*val || *end || errno || *val == '-') {
        fprintf(stderr, "%s: %s: %s cần một số nguyên dương, không phải \"%s\"\n", cfg->prog, where, key, val);
        return -1;
    }
    if (!strcmp(key, "max-conns") && n >= 1 && n <= 100000) { cfg->max_conns = (int)n; return 0; }
    if (!strcmp(key, "max-frame") && n >= 1024 && n <= TD_FRAME_MAX_CEILING) { cfg->max_frame = (uint32_t)n; return 0; }
    if (!strcmp(key, "handshake-timeout") && n >= 1 && n <= 3600) { cfg->handshake_ms = n * 1000; return 0; }
    if (!strcmp(key, "idle-timeout") && n >= 1 && n <= 86400) { cfg->idle_ms = n * 1000; return 0; }
    if (!strcmp(key, "renew-days") && n >= 1 && n <= 36500) { cfg->renew_days = (int)n; return 0; }
    if (!strcmp(key, "renew-window") && n <= 36500) { cfg->renew_window = (int)n; return 0; }
    if (!strcmp(key, "report-day") && n >= 1 && n <= 31) { cfg->report_day = (int)n; return 0; }
    if (!strcmp(key, "due-soon-days") && n <= TD_STATUS_DUE_SOON_MAX) { cfg->due_soon_days = (int)n; return 0; }
    if (!strcmp(key, "stall-timeout") && n >= 1 && n <= 3600) { cfg->stall_ms = n * 1000; return 0; }
    if (!strcmp(key, "push-rate") && n <= 10000000) { cfg->push_rate = (uint32_t)n; return 0; }
    if (!strcmp(key, "push-burst") && n >= 1 && n <= 100000000) { cfg->push_burst = (uint32_t)n; return 0; }
    if (!strcmp(key, "max-conns") || !strcmp(key, "max-frame") || !strcmp(key, "handshake-timeout") ||
        !strcmp(key, "idle-timeout") || !strcmp(key, "renew-days") || !strcmp(key, "renew-window") ||
        !strcmp(key, "report-day") || !strcmp(key, "due-soon-days") || !strcmp(key, "stall-timeout") ||
        !strcmp(key, "push-rate") || !strcmp(key, "push-burst")) {
        fprintf(stderr, "%s: %s: %s = %llu nằm ngoài giới hạn cho phép\n", cfg->prog, where, key, n);
        return -1;
    }
    fprintf(stderr, "%s: %s: không có tham số \"%s\"\n", cfg->prog, where, key);
    return -1;
}

int tds_config_finish(tds_config *cfg)
{
    if (cfg->file) {
        td_conf conf;
        td_error err;
        if (td_conf_load(&conf, cfg->file, &err)) {
            fprintf(stderr, "%s: không đọc được tệp cấu hình: %s\n", cfg->prog, err.msg);
            return 1;
        }
        for (size_t i = 0; i < conf.n; i++) {
            char where[600];
            snprintf(where, sizeof where, "%s:%d", cfg->file, conf.items[i].line);
            if (tds__set(cfg, conf.items[i].key, conf.items[i].value, where)) {
                td_conf_free(&conf);
                return 1;
            }
        }
        td_conf_free(&conf);
    }
    for (int i = 0; i < cfg->nflags; i++)
        if (tds__set(cfg, cfg->flags[i].key, cfg->flags[i].val, "tham số dòng lệnh")) return 2;
    if (!cfg->data) {
        const char *d = getenv("TIENDO_DATA");
        if (!(cfg->data = strdup(d && *d ? d : TDS_DEFAULT_DATA))) {
            fprintf(stderr, "%s: " TD_MSG_NOMEM "\n", cfg->prog);
            return 1;
        }
    }
    return 0;
}
