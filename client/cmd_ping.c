/*
 * cmd_ping.c — `tiendo ping`: connect, complete the handshake, print who the
 * server is, the negotiated protocol version and the round-trip time.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cmds.h"
#include "frame.h"
#include "link.h"
#include "log.h"
#include "msg.h"

/* Pings averaged for the round-trip figure. */
#define TDC_PING_COUNT 3

static double tdc__now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static const td_cli_opt tdc__ping_opts[] = {
    TDC_OPT_DIR('d'),
    TDC_OPT_SERVER('s'),
    {"count", required_argument, 'n', "N", "số lần đo (mặc định 3)"},
    {"alpn", required_argument, 'a', "TÊN", "(kiểm thử) giao thức ALPN gửi đi"},
    {"proto-max", required_argument, 'p', "N", "(kiểm thử) phiên bản giao thức cao nhất"},
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_spec tdc__ping_spec = {
    .prog = "tiendo",
    .cmd = "ping",
    .about = "Kết nối tới máy chủ, bắt tay TLS 1.3, in danh tính máy chủ, phiên bản giao thức và thời gian khứ hồi.",
    .opts = {tdc__ping_opts},
};
static void tdc__ping_usage(FILE *f) { td_cli_help(&tdc__ping_spec, f); }

int tdc_cmd_ping(int argc, char **argv)
{
    struct option opts[TD_CLI_OPTS_MAX];
    const char *dir = NULL, *server = NULL, *alpn = NULL;
    int count = TDC_PING_COUNT, opt;
    uint32_t proto_max = 0;
    tdc_device dev;
    tdc_link_opts lo;
    tdc_link *l;
    td_error err;
    double t0, best = 1e18, sum = 0;
    const Tiendo__Welcome *w;

    optind = 1;
    if (td_cli_longopts(&tdc__ping_spec, opts, TD_CLI_OPTS_MAX)) return 1;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': dir = optarg; break;
        case 's': server = optarg; break;
        case 'a': alpn = optarg; break;
        case 'n':
            count = atoi(optarg);
            if (count < 1 || count > 1000) {
                fprintf(stderr, "tiendo ping: " TD_MSG_PING_COUNT_BAD "\n");
                return 2;
            }
            break;
        case 'p': proto_max = (uint32_t)strtoul(optarg, NULL, 10); break;
        case 'h': tdc__ping_usage(stdout); return 0;
        default: return td_cli_opt_err("tiendo", "ping", opt, argv);
        }
    }
    if (optind < argc) {
        td_cli_extra("tiendo", "ping", argv[optind]);
        return 2;
    }
    if (tdc_device_load(&dev, dir, &err)) {
        fprintf(stderr, "tiendo ping: " TD_MSG_PING_NOT_ENROLLED "\n", td_error_vi(&err));
        return 1;
    }
    memset(&lo, 0, sizeof lo);
    lo.dev = &dev;
    lo.server = server;
    lo.alpn = alpn;
    lo.max_version = proto_max;
    if (proto_max) lo.min_version = proto_max;
    t0 = tdc__now();
    l = tdc_link_open(&lo, &err);
    if (!l) {
        tdc_link_fail("tiendo ping", server ? server : dev.server, &err);
        return 1;
    }
    {
        double handshake = tdc__now() - t0;
        w = tdc_link_welcome(l);
        printf(TD_MSG_PING_CONNECTED "\n", server ? server : dev.server,
               w->server_name && *w->server_name ? w->server_name : "?");
        printf(TD_MSG_PING_SERVER_SOFTWARE "\n", w->software ? w->software : "?");
        printf(TD_MSG_PING_PROTOCOL_VERSION "\n", w->version);
        printf(TD_MSG_PING_SEEN_AS "\n", w->agency ? w->agency : "?",
               w->role ? w->role : "?");
        printf(TD_MSG_PING_HANDSHAKE_TIME "\n", handshake);
    }
    for (int i = 0; i < count; i++) {
        Tiendo__Frame f = TIENDO__FRAME__INIT, *reply = NULL;
        Tiendo__Ping p = TIENDO__PING__INIT;
        double t, rtt;
        p.nonce = (uint64_t)i + 1;
        f.body_case = TIENDO__FRAME__BODY_PING;
        f.ping = &p;
        t = tdc__now();
        if (tdc_link_send(l, &f, &err) || tdc_link_recv(l, &reply, 0, &err)) {
            fprintf(stderr, "tiendo ping: " TD_MSG_PING_CONNECTION_LOST "\n", tdc_link_vi(&err), td_error_vi(&err));
            tdc_link_close(l);
            return 1;
        }
        rtt = tdc__now() - t;
        if (reply->body_case != TIENDO__FRAME__BODY_PONG || reply->pong->nonce != p.nonce) {
            fprintf(stderr, "tiendo ping: " TD_MSG_PING_BAD_REPLY "\n", td_frame_name(reply));
            td_frame_free(reply);
            tdc_link_close(l);
            return 1;
        }
        td_frame_free(reply);
        sum += rtt;
        if (rtt < best) best = rtt;
    }
    printf(TD_MSG_PING_ROUND_TRIP "\n", sum / count, best,
           count);
    tdc_link_close(l);
    return 0;
}
