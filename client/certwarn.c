/* certwarn.c — see certwarn.h. */
#include "clock.h"
#include "certwarn.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "msg.h"
#include "x509util.h"

int tdc_cert_warn_days(const tdc_device *dev)
{
    td_conf conf;
    const char *v;
    int days = TDC_RENEW_WARN_DAYS;
    if (td_conf_load(&conf, dev->config_path, NULL)) return days;
    if ((v = td_conf_get(&conf, "renew-warn-days"))) {
        char *end;
        long n = strtol(v, &end, 10);
        if (*v && !*end && n >= 0 && n <= 3650) days = (int)n;
    }
    td_conf_free(&conf);
    return days;
}

static void tdc__date(long long s, char out[16])
{
    td_clock_fmt_date(s * 1000, out, 16);
}

void tdc_cert_state_get(const tdc_device *dev, X509 *cert, long long now_s, tdc_cert_state *out)
{
    int64_t nb = 0, na = 0;
    memset(out, 0, sizeof *out);
    if (!cert || td_x509_time_unix(X509_get0_notAfter(cert), &na, NULL) ||
        td_x509_time_unix(X509_get0_notBefore(cert), &nb, NULL))
        return;
    out->not_before_s = nb;
    out->not_after_s = na;
    if (now_s < nb) {
        out->kind = TDC_CERT_NOT_YET;
        return;
    }
    if (now_s > na) {
        out->kind = TDC_CERT_EXPIRED;
        return;
    }
    out->warn_days = tdc_cert_warn_days(dev);
    out->days_left = (na - now_s) / 86400;
    if (na - now_s <= (long long)out->warn_days * 86400) out->kind = TDC_CERT_SOON;
}

int tdc_cert_check(const tdc_device *dev, X509 *cert, long long now_s, unsigned long long pending, FILE *f,
                   const char *cmd)
{
    tdc_cert_state cs;
    char d[16];
    tdc_cert_state_get(dev, cert, now_s, &cs);
    tdc__date(cs.not_after_s, d);
    if (cs.kind == TDC_CERT_NOT_YET) {
        /* A certificate is installed right after it is issued: "not yet
         * valid" on the device means the PC's clock is behind, a clock
         * fault that a new certificate would not cure. */
        char today[16];
        tdc__date(cs.not_before_s, d);
        tdc__date(now_s, today);
        fprintf(f,
                TD_MSG_CERT_CLOCK_WRONG,
                cmd, today, d, pending);
        return 1;
    }
    if (cs.kind == TDC_CERT_EXPIRED) {
        fprintf(f,
                TD_MSG_CERT_UNUSABLE,
                cmd, TD_MSG_CERT_WORD_EXPIRED_SINCE, d, pending, dev->dir, "device.crt",
                dev->cert_path, dev->dir, dev->dir);
        return 1;
    }
    if (cs.kind == TDC_CERT_SOON)
        fprintf(f,
                TD_MSG_CERT_EXPIRES_SOON,
                cmd, d, cs.days_left, dev->dir, dev->dir);
    return 0;
}
