/* conf.c — see conf.h. */
#include "conf.h"
#include "oserr.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *td__trim(char *s)
{
    char *e;
    while (*s == ' ' || *s == '\t') s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n')) *--e = '\0';
    return s;
}

int td_conf_load(td_conf *c, const char *path, td_error *err)
{
    char line[TD_CONF_MAX_LINE + 2];
    FILE *f;
    int lineno = 0;

    memset(c, 0, sizeof *c);
    f = fopen(path, "r");
    if (!f) return td_error_set(err, TD_EIO, TD_MSG_FILE_READ, path, td_errno_vi_log(errno, path));
    c->path = strdup(path);
    while (fgets(line, sizeof line, f)) {
        char *k, *v, *eq;
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            fclose(f);
            td_conf_free(c);
            return td_error_set(err, TD_EPARSE, "%s:%d: dòng dài quá %d byte", path, lineno,
                                TD_CONF_MAX_LINE);
        }
        k = td__trim(line);
        if (*k == '\0' || *k == '#') continue;
        eq = strchr(k, '=');
        if (!eq) {
            fclose(f);
            td_conf_free(c);
            return td_error_set(err, TD_EPARSE, "%s:%d: dòng phải có dạng \"khóa = giá trị\"", path, lineno);
        }
        *eq = '\0';
        v = td__trim(eq + 1);
        k = td__trim(k);
        for (const char *p = k; *p; p++) {
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-') ) {
                fclose(f);
                td_conf_free(c);
                return td_error_set(err, TD_EPARSE, "%s:%d: khóa \"%s\" không hợp lệ", path, lineno, k);
            }
        }
        if (*k == '\0' || td_conf_get(c, k)) {
            fclose(f);
            td_conf_free(c);
            return td_error_set(err, TD_EPARSE, "%s:%d: khóa \"%s\" %s", path, lineno, k,
                                *k ? "lặp lại" : "để trống");
        }
        if (c->n == TD_CONF_MAX_ITEMS) {
            fclose(f);
            td_conf_free(c);
            return td_error_set(err, TD_EPARSE, "%s:%d: quá %d dòng cấu hình", path, lineno,
                                TD_CONF_MAX_ITEMS);
        }
        c->items[c->n].key = strdup(k);
        c->items[c->n].value = strdup(v);
        c->items[c->n].line = lineno;
        c->n++;
    }
    fclose(f);
    return TD_OK;
}

const char *td_conf_get(const td_conf *c, const char *key)
{
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->items[i].key, key)) return c->items[i].value;
    return NULL;
}

void td_conf_free(td_conf *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->items[i].key);
        free(c->items[i].value);
    }
    free(c->path);
    memset(c, 0, sizeof *c);
}

int td_conf_write(const char *path, const char *const *keys, const char *const *values,
                  size_t n, int mode, td_error *err)
{
    char tmp[4096];
    FILE *f;
    int fd;

    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0) return td_error_set(err, TD_EIO, TD_MSG_FILE_WRITE, tmp, td_errno_vi_log(errno, tmp));
    f = fdopen(fd, "w");
    for (size_t i = 0; i < n; i++) fprintf(f, "%s = %s\n", keys[i], values[i]);
    if (fflush(f) != 0 || fsync(fd) != 0) {
        fclose(f);
        unlink(tmp);
        return td_error_set(err, TD_EIO, TD_MSG_FILE_WRITE, tmp, td_errno_vi_log(errno, tmp));
    }
    fclose(f);
    if (rename(tmp, path) != 0) {
        unlink(tmp);
        return td_error_set(err, TD_EIO, TD_MSG_FILE_WRITE, path, td_errno_vi_log(errno, path));
    }
    return TD_OK;
}
