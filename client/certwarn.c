/* certwarn.c — see certwarn.h. */
#include "clock.h"
#include "certwarn.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
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
                "tiendo %s: LỖI ĐỒNG HỒ MÁY TÍNH: ngày giờ của máy đang là %s, sớm hơn ngày chứng thư số của thiết\n"
                "  bị bắt đầu có hiệu lực (%s): đồng hồ máy tính đang chạy chậm. Chứng thư không có lỗi, không cần\n"
                "  cấp lại. Máy chủ sẽ không nhận kết nối và các bản ghi ký lúc này mang ngày sai.\n"
                "  Cách sửa: chỉnh ngày giờ của máy tính cho đúng (hoặc bật \"đồng bộ giờ tự động\"), rồi chạy lại\n"
                "  lệnh. %llu bản ghi chưa gửi vẫn nằm trong hộp thư đi.\n",
                cmd, today, d, pending);
        return 1;
    }
    if (cs.kind == TDC_CERT_EXPIRED) {
        fprintf(f,
                "tiendo %s: chứng thư số của thiết bị %s ngày %s: máy chủ sẽ không nhận kết nối.\n"
                "  Dữ liệu không bị mất: %llu bản ghi chưa gửi vẫn nằm trong hộp thư đi và sẽ được gửi\n"
                "  sau khi có chứng thư mới (các bản ghi đã ký khi chứng thư còn hạn vẫn hợp lệ).\n"
                "  Cách khôi phục:\n"
                "    1. tiendo renew --dir %s --csr-out yeu-cau-cap-lai.csr\n"
                "    2. gửi tệp yeu-cau-cap-lai.csr cho cán bộ quản lý CA của Sở KH&CN, người chạy:\n"
                "         tiendo-pki renew --dir THƯ_MỤC_CA --cert %s --csr yeu-cau-cap-lai.csr --out moi.crt\n"
                "       (gửi kèm tệp %s)\n"
                "    3. tiendo renew --dir %s --import moi.crt\n"
                "    4. tiendo sync --dir %s\n",
                cmd, "đã hết hạn từ", d, pending, dev->dir, "device.crt",
                dev->cert_path, dev->dir, dev->dir);
        return 1;
    }
    if (cs.kind == TDC_CERT_SOON)
        fprintf(f,
                "tiendo %s: CHÚ Ý: chứng thư số của thiết bị hết hạn ngày %s (còn %lld ngày).\n"
                "  Hãy cấp lại trước ngày đó: tiendo renew --dir %s\n"
                "  (nếu máy chủ không cấp trực tuyến: tiendo renew --dir %s --csr-out TỆP và gửi TỆP cho cán bộ CA).\n",
                cmd, d, cs.days_left, dev->dir, dev->dir);
    return 0;
}
