/* netaddr.c — see netaddr.h. */
#include "netaddr.h"

#include <stdlib.h>
#include <string.h>

int td_hostport_parse(const char *s, char host[TD_HOST_MAX + 1], int *port, td_error *err)
{
    const char *colon, *h = s;
    size_t hl;
    char *end;
    long p;

    if (!s || !*s)
        return td_error_set(err, TD_EARG, "empty address (expected host:port) | địa chỉ máy chủ trống (cần dạng "
                            "máy:cổng, ví dụ 10.0.0.5:7443)");
    if (s[0] == '[') {
        const char *rb = strchr(s, ']');
        if (!rb || rb[1] != ':')
            return td_error_set(err, TD_EARG, "\"%.100s\": expected [ipv6]:port | địa chỉ \"%.100s\" không "
                                "hợp lệ: địa chỉ IPv6 phải có dạng [địa chỉ]:cổng", s, s);
        h = s + 1;
        hl = (size_t)(rb - h);
        colon = rb + 1;
    } else {
        colon = strrchr(s, ':');
        if (!colon)
            return td_error_set(err, TD_EARG, "\"%.100s\": expected host:port | địa chỉ \"%.100s\" thiếu cổng "
                                "(cần dạng máy:cổng, ví dụ 10.0.0.5:7443)", s, s);
        hl = (size_t)(colon - s);
    }
    if (hl == 0 || hl > TD_HOST_MAX)
        return td_error_set(err, TD_EARG, "\"%.100s\": bad host | địa chỉ \"%.100s\": tên máy %s", s, s,
                            hl ? "dài quá giới hạn" : "trống");
    p = strtol(colon + 1, &end, 10);
    if (*end || end == colon + 1 || p < 0 || p > 65535)
        return td_error_set(err, TD_EARG, "\"%.100s\": port must be 0..65535 | địa chỉ \"%.100s\": cổng "
                            "phải là số từ 0 đến 65535", s, s);
    memcpy(host, h, hl);
    host[hl] = '\0';
    *port = (int)p;
    return TD_OK;
}
