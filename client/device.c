/* device.c — see device.h. */
#include "device.h"

#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "status.h"
#include "msg.h"

void tdc_device_paths(tdc_device *d, const char *dir)
{
    memset(d, 0, sizeof *d);
    if (!dir) dir = getenv("TIENDO_HOME");
    if (dir) {
        snprintf(d->dir, sizeof d->dir, "%s", dir);
    } else {
        const char *home = getenv("HOME");
        snprintf(d->dir, sizeof d->dir, "%s/.tiendo", home ? home : ".");
    }
    snprintf(d->key_path, sizeof d->key_path, "%s/device.key", d->dir);
    snprintf(d->cert_path, sizeof d->cert_path, "%s/device.crt", d->dir);
    snprintf(d->ca_path, sizeof d->ca_path, "%s/ca.crt", d->dir);
    snprintf(d->config_path, sizeof d->config_path, "%s/config", d->dir);
}

/* Operator logs (English) on the terminal only when asked for. */
static int tdc__log_terminal;

void tdc_log_setup(int *argc, char **argv)
{
    int j = 1;
    const char *env = getenv("TIENDO_LOG");
    tdc__log_terminal = env && *env;
    for (int i = 1; i < *argc; i++) {
        if (!strcmp(argv[i], "--")) {
            for (; i < *argc; i++) argv[j++] = argv[i];
            break;
        }
        if (!strcmp(argv[i], "--verbose")) {
            tdc__log_terminal = 1;
            continue;
        }
        argv[j++] = argv[i];
    }
    argv[j] = NULL;
    *argc = j;
    if (!tdc__log_terminal) td_log_set_path(NULL);   /* until the device directory is known */
}

int tdc_device_load(tdc_device *d, const char *dir, td_error *err)
{
    td_conf conf;
    const char *server;

    tdc_device_paths(d, dir);
    if (access(d->config_path, R_OK) != 0 || access(d->cert_path, R_OK) != 0)
        return td_error_set(err, TD_ENOTFOUND,
                            TD_MSG_DEVICE_NOT_ENROLLED,
                            d->dir);
    if (td_conf_load(&conf, d->config_path, err)) return err ? err->code : TD_EPARSE;
    server = td_conf_get(&conf, "server");
    if (!server) {
        td_conf_free(&conf);
        return td_error_set(err, TD_EPARSE, "%s: " TD_MSG_DEVICE_SERVER_LINE_MISSING, d->config_path);
    }
    snprintf(d->server, sizeof d->server, "%s", server);
    td_conf_free(&conf);
    if (!tdc__log_terminal) {
        char path[sizeof d->dir + 16];
        snprintf(path, sizeof path, "%s/%s", d->dir, TDC_LOG_FILE);
        td_log_set_path(path);
    }
    return TD_OK;
}

/* One integer key of the config within [lo, hi]; *v unchanged when absent or bad. */
static void tdc__conf_int(const td_conf *conf, const char *path, const char *key, int lo, int hi, int *v)
{
    const char *s = td_conf_get(conf, key);
    char *end;
    long n;
    if (!s) return;
    n = strtol(s, &end, 10);
    if (end == s || *end || n < lo || n > hi) {
        fprintf(stderr, "tiendo: " TD_MSG_DEVICE_CONFIG_INT_BAD "\n",
                path, key, lo, hi, s, *v);
        return;
    }
    *v = (int)n;
}

void tdc_device_status_opts(const tdc_device *d, td_status_opts *o)
{
    td_conf conf;
    td_status_opts_default(o);
    if (td_conf_load(&conf, d->config_path, NULL)) return;
    tdc__conf_int(&conf, d->config_path, "report-day", 1, 31, &o->report_due_day);
    tdc__conf_int(&conf, d->config_path, "due-soon-days", 0, TD_STATUS_DUE_SOON_MAX, &o->due_soon_days);
    td_conf_free(&conf);
}
