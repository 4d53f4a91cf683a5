/*
 * netaddr.h — "host:port" strings, as written in config files and flags.
 * IPv6 literals in brackets: "[::1]:7443".
 */
#ifndef TD_NETADDR_H
#define TD_NETADDR_H

#include "err.h"

#define TD_HOST_MAX 255

/* Split s into host and port.  TD_EARG with a message if malformed. */
int td_hostport_parse(const char *s, char host[TD_HOST_MAX + 1], int *port, td_error *err);

#endif
