/*
 * conf.h — the one config-file format of tiendo: UTF-8 text, one
 * `key = value` per line, `#` starts a comment line, blank lines ignored.
 * Keys are [a-z0-9_-]+; values are trimmed of surrounding blanks.
 * Used for the server's config file and the device's enrolment config.
 */
#ifndef TD_CONF_H
#define TD_CONF_H

#include <stddef.h>

#include "err.h"

#define TD_CONF_MAX_ITEMS 64
#define TD_CONF_MAX_LINE 1024

typedef struct td_conf_item {
    char *key;
    char *value;
    int line;      /* line number in the file, from 1 */
} td_conf_item;

typedef struct td_conf {
    char *path;
    td_conf_item items[TD_CONF_MAX_ITEMS];
    size_t n;
} td_conf;

/* Read a config file.  TD_EPARSE with "path:line: ..." on a bad line;
 * a key given twice is an error too. */
int td_conf_load(td_conf *c, const char *path, td_error *err);
/* The value of key, or NULL. */
const char *td_conf_get(const td_conf *c, const char *key);
void td_conf_free(td_conf *c);
/* Write items atomically (temp file + rename), mode given (e.g. 0644). */
int td_conf_write(const char *path, const char *const *keys, const char *const *values,
                  size_t n, int mode, td_error *err);

#endif
