/*
 * ui.c — `tiendo ui`: the local web interface's server (libmicrohttpd, one
 * internal thread serving every request in turn), its security checks
 * (ui.h), and the background sync in the main thread (the `tiendo sync
 * --watch` loop: tdc_app_sync, back-off after failures, "Gửi ngay" wakes
 * it; after a sync that applied entries it also makes the monthly report
 * /mreport last served, from its own state).  The inspector's verification
 * runs in a thread of its own (ui_central.c).  The pages are ui_pages.c.
 */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "grow.h"
#include "cmds.h"
#include "link.h"
#include "log.h"
#include "ui.h"
#include "utf8.h"
#include "oserr.h"
#include "msg.h"

/* libmicrohttpd is loaded by `tiendo ui` when it starts, not linked into the program: linked, every command
 * loaded it and the TLS libraries it depends on (GnuTLS and eight others) at its start, about 5 ms of each
 * `tiendo status` on the reference machine for a library only this command uses (docs/ARCHITECTURE.md, "What a
 * command costs at its start").  The library's file name (its soname) comes from the build. */
#ifndef TDC_MHD_SONAME
#error "TDC_MHD_SONAME: set by CMakeLists.txt from the libmicrohttpd the build found"
#endif
static struct {
    __typeof__(MHD_add_response_header) *add_response_header;
    __typeof__(MHD_create_post_processor) *create_post_processor;
    __typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
    __typeof__(MHD_destroy_post_processor) *destroy_post_processor;
    __typeof__(MHD_destroy_response) *destroy_response;
    __typeof__(MHD_get_connection_values) *get_connection_values;
    __typeof__(MHD_get_daemon_info) *get_daemon_info;
    __typeof__(MHD_lookup_connection_value) *lookup_connection_value;
    __typeof__(MHD_post_process) *post_process;
    __typeof__(MHD_queue_response) *queue_response;
    __typeof__(MHD_start_daemon) *start_daemon;
    __typeof__(MHD_stop_daemon) *stop_daemon;
} tdc__mhd;

/* 0, or 1 after saying on stderr what could not be loaded. */
static int tdc__mhd_load(void)
{
    void *h;
    const char *miss = NULL;
    if (tdc__mhd.stop_daemon) return 0;
    if (!(h = dlopen(TDC_MHD_SONAME, RTLD_NOW | RTLD_LOCAL))) {
        const char *why = dlerror();
        fprintf(stderr, "tiendo ui: " TD_MSG_UI_MHD_LOAD "\n", TDC_MHD_SONAME, why ? why : "?");
        return 1;
    }
#define TDC__MHD_SYM(f)                                                          \
    if (!miss && !(*(void **)&tdc__mhd.f = dlsym(h, "MHD_" #f))) miss = "MHD_" #f
    TDC__MHD_SYM(add_response_header);
    TDC__MHD_SYM(create_post_processor);
    TDC__MHD_SYM(create_response_from_buffer);
    TDC__MHD_SYM(destroy_post_processor);
    TDC__MHD_SYM(destroy_response);
    TDC__MHD_SYM(get_connection_values);
    TDC__MHD_SYM(get_daemon_info);
    TDC__MHD_SYM(lookup_connection_value);
    TDC__MHD_SYM(post_process);
    TDC__MHD_SYM(queue_response);
    TDC__MHD_SYM(start_daemon);
    TDC__MHD_SYM(stop_daemon);
#undef TDC__MHD_SYM
    if (miss) {
        fprintf(stderr, "tiendo ui: " TD_MSG_UI_MHD_LOAD "\n", TDC_MHD_SONAME, miss);
        memset(&tdc__mhd, 0, sizeof tdc__mhd);
        dlclose(h);
        return 1;
    }
    return 0;   /* h stays open until the process ends */
}

/* Syncthing's port is 8384; ours starts next to it and tries a few more
 * when another program (or another office's `tiendo ui`) holds it. */
#define TDC_UI_PORT 8385
#define TDC_UI_PORT_TRIES 10
/* A form is a report: a few pages of text; far below this. */
#define TDC_UI_FORM_MAX (512u * 1024)
#define TDC_UI_FIELDS_MAX 512
/* Background sync: as `tiendo sync --watch`. */
#define TDC_UI_INTERVAL_S 60
#define TDC_UI_BACKOFF_BASE_MS 1000
#define TDC_UI_BACKOFF_CAP_MS (300 * 1000)
#define TDC_UI_COOKIE "tiendo_ui"
#define TDC_UI_SECRET_FILE "ui.secret"

static volatile sig_atomic_t tdc__ui_stop;

static void tdc__ui_on_signal(int sig)
{
    (void)sig;
    tdc__ui_stop = 1;
}

/* ---- the secret ------------------------------------------------------------ */

static void tdc__hex(const unsigned char *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* DEVDIR/ui.secret: 32 random bytes as hex, created 0600 on first use. */
static int tdc__ui_secret(tdc_ui *ui, td_error *e)
{
    char path[PATH_MAX + 32];
    unsigned char raw[32], mac[32];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", ui->ctx.dev.dir, TDC_UI_SECRET_FILE);
    f = fopen(path, "r");
    if (f) {
        size_t k = fread(ui->secret, 1, 64, f);
        fclose(f);
        ui->secret[k] = 0;
        if (k != 64 || strspn(ui->secret, "0123456789abcdef") != 64)
            return td_error_set(e, TD_EPARSE, TD_MSG_UI_TOKEN_FILE_CORRUPT, path);
    } else {
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd < 0) return td_error_set(e, TD_EIO, TD_MSG_FILE_WRITE, path, td_errno_vi_log(errno, path));
        randombytes_buf(raw, sizeof raw);
        tdc__hex(raw, sizeof raw, ui->secret);
        if (write(fd, ui->secret, 64) != 64 || fsync(fd) || close(fd)) {
            unlink(path);
            return td_error_set(e, TD_EIO, TD_MSG_UI_WRITE_FAILED, path);
        }
    }
    /* the CSRF token: keyed hash of a fixed label, so it is stable across
     * restarts (a page left open keeps working) and says nothing of the
     * secret */
    crypto_generichash(mac, sizeof mac, (const unsigned char *)"tiendo-ui csrf", 14, (const unsigned char *)ui->secret,
                       64);
    tdc__hex(mac, sizeof mac, ui->csrf);
    return 0;
}

static int tdc__eq_secret(const char *a, const char *b)
{
    size_t n = strlen(b);
    return a && strlen(a) == n && sodium_memcmp(a, b, n) == 0;
}

/* ---- request plumbing --------------------------------------------------------- */

typedef struct tdc__req {
    tdc_ui_form form;
    struct MHD_PostProcessor *pp;
    int too_big;
    /* files uploaded (multipart field "attach"), kept in a private
     * temporary directory under their own names until the request ends */
    char tmpdir[PATH_MAX];
    FILE *upload;
    uint64_t upload_bytes;
} tdc__req;

/* One uploaded file: the attachment limit (blob.c checks it exactly) with
 * room for the check to say "too big" rather than the upload failing. */
#define TDC_UI_UPLOAD_MAX (16u * 1024 * 1024)

const char *tdc_ui_form_get(const tdc_ui_form *f, const char *key)
{
    const char *hit = NULL;
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->v[i].key, key)) hit = f->v[i].val;
    return hit;
}

static int tdc__form_add(tdc_ui_form *f, const char *key, const char *val, size_t vlen, int append)
{
    if (append && f->n && !strcmp(f->v[f->n - 1].key, key)) {
        tdc_ui_field *x = &f->v[f->n - 1];
        size_t old = strlen(x->val);
        char *nv = realloc(x->val, old + vlen + 1);
        if (!nv) return -1;
        memcpy(nv + old, val, vlen);
        nv[old + vlen] = 0;
        x->val = nv;
        f->bytes += vlen;
        return 0;
    }
    if (f->n >= TDC_UI_FIELDS_MAX) return -1;
    if (TD_GROW_ONE(f->v, f->n)) return -1;
    f->v[f->n].key = strdup(key);
    f->v[f->n].val = td_strndup(val ? val : "", val ? vlen : 0);
    if (!f->v[f->n].key || !f->v[f->n].val) {
        free(f->v[f->n].key);
        free(f->v[f->n].val);
        return -1;
    }
    f->n++;
    f->bytes += vlen + strlen(key);
    return 0;
}

static void tdc__form_free(tdc_ui_form *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->v[i].key);
        free(f->v[i].val);
    }
    free(f->v);
    memset(f, 0, sizeof *f);
}

static enum MHD_Result tdc__post_it(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
                                    const char *content_type, const char *transfer_encoding, const char *data,
                                    uint64_t off, size_t size)
{
    tdc__req *r = cls;
    (void)kind;
    (void)content_type;
    (void)transfer_encoding;
    if (filename) {
        if (strcmp(key, "attach") || !*filename) return MHD_YES;   /* an empty file input */
        if (off == 0) {
            char path[PATH_MAX + 300], name[256];
            const char *base = strrchr(filename, '/');
            if (r->upload) fclose(r->upload);
            r->upload = NULL;
            if (!r->tmpdir[0]) {
                const char *t = getenv("TMPDIR");
                snprintf(r->tmpdir, sizeof r->tmpdir, "%s/tiendo-ui-XXXXXX", t && *t ? t : "/tmp");
                if (!mkdtemp(r->tmpdir)) {
                    r->tmpdir[0] = 0;
                    r->too_big = 1;
                    return MHD_NO;
                }
            }
            /* the name the clerk's file had (a browser may send a path) */
            snprintf(name, sizeof name, "%s", base ? base + 1 : filename);
            for (char *p = name; *p; p++)
                if (*p == '\\' || *p == '/') *p = '_';
            if (!strcmp(name, ".") || !strcmp(name, "..")) snprintf(name, sizeof name, "tep");
            snprintf(path, sizeof path, "%s/%s", r->tmpdir, name);
            if (!(r->upload = fopen(path, "wbx")) || tdc__form_add(&r->form, "attach_file", path, strlen(path), 0)) {
                r->too_big = 1;
                return MHD_NO;
            }
            r->upload_bytes = 0;
        }
        if (!r->upload || (r->upload_bytes += size) > TDC_UI_UPLOAD_MAX || fwrite(data, 1, size, r->upload) != size) {
            r->too_big = 1;
            return MHD_NO;
        }
        return MHD_YES;
    }
    if (r->form.bytes + size > TDC_UI_FORM_MAX || tdc__form_add(&r->form, key, data, size, off > 0)) {
        r->too_big = 1;
        return MHD_NO;
    }
    return MHD_YES;
}

static enum MHD_Result tdc__query_it(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    tdc__form_add(cls, key, value, value ? strlen(value) : 0, 0);
    return MHD_YES;
}

static void tdc__req_done(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    tdc__req *r = *con_cls;
    (void)cls;
    (void)c;
    (void)toe;
    if (!r) return;
    if (r->pp) tdc__mhd.destroy_post_processor(r->pp);
    if (r->upload) fclose(r->upload);
    for (size_t i = 0; i < r->form.n; i++)
        if (!strcmp(r->form.v[i].key, "attach_file")) unlink(r->form.v[i].val);
    if (r->tmpdir[0]) rmdir(r->tmpdir);
    tdc__form_free(&r->form);
    free(r);
    *con_cls = NULL;
}

static const char tdc__csp[] = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

static enum MHD_Result tdc__send(struct MHD_Connection *conn, unsigned status, const char *type, char *body,
                                 size_t len, const char *location, const char *cookie, const char *filename,
                                 const char *csp)
{
    struct MHD_Response *resp = tdc__mhd.create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    enum MHD_Result rc;
    if (!resp) {
        free(body);
        return MHD_NO;
    }
    tdc__mhd.add_response_header(resp, "Content-Type", type);
    tdc__mhd.add_response_header(resp, "Content-Security-Policy", csp ? csp : tdc__csp);
    tdc__mhd.add_response_header(resp, "X-Content-Type-Options", "nosniff");
    tdc__mhd.add_response_header(resp, "X-Frame-Options", "DENY");
    /* the first URL carries the secret: never send it on as a Referer */
    tdc__mhd.add_response_header(resp, "Referrer-Policy", "no-referrer");
    tdc__mhd.add_response_header(resp, "Cache-Control", "no-store");
    if (location) tdc__mhd.add_response_header(resp, "Location", location);
    if (cookie) tdc__mhd.add_response_header(resp, "Set-Cookie", cookie);
    if (filename) {
        char cd[256];
        snprintf(cd, sizeof cd, "attachment; filename=\"%s\"", filename);
        tdc__mhd.add_response_header(resp, "Content-Disposition", cd);
    }
    rc = tdc__mhd.queue_response(conn, status, resp);
    tdc__mhd.destroy_response(resp);
    return rc;
}

/* A short Vietnamese page for a refusal. */
static enum MHD_Result tdc__refuse(struct MHD_Connection *conn, unsigned status, const char *title, const char *text)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return MHD_NO;
    fprintf(f, "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>");
    tdc_ui_esc(f, title);
    fprintf(f, "</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head><body><main><h1>");
    tdc_ui_esc(f, title);
    fprintf(f, "</h1><p>");
    tdc_ui_esc(f, text);
    fprintf(f, "</p></main></body></html>\n");
    fclose(f);
    return tdc__send(conn, status, "text/html; charset=utf-8", buf, len, NULL, NULL, NULL, NULL);
}

/* Host: a loopback name or address, with or without a port. */
static int tdc__host_ok(const char *host)
{
    char h[256];
    const char *colon;
    size_t n;
    if (!host || !*host || strlen(host) >= sizeof h) return 0;
    if (host[0] == '[') {
        const char *end = strchr(host, ']');
        if (!end) return 0;
        n = (size_t)(end - host - 1);
        memcpy(h, host + 1, n);
        h[n] = 0;
        if (end[1] && end[1] != ':') return 0;
        return !strcmp(h, "::1");
    }
    colon = strchr(host, ':');
    n = colon ? (size_t)(colon - host) : strlen(host);
    memcpy(h, host, n);
    h[n] = 0;
    if (colon && strspn(colon + 1, "0123456789") != strlen(colon + 1)) return 0;
    if (!strcasecmp(h, "localhost")) return 1;
    {
        struct in_addr a;
        if (inet_pton(AF_INET, h, &a) == 1) return (ntohl(a.s_addr) >> 24) == 127;
    }
    return 0;
}

static enum MHD_Result tdc__handler(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                    const char *version, const char *upload_data, size_t *upload_data_size,
                                    void **con_cls)
{
    tdc_ui *ui = cls;
    tdc__req *r = *con_cls;
    const char *host, *cookie, *token, *type;
    int is_post = !strcmp(method, "POST");
    tdc_ui_resp out;
    (void)version;

    if (!r) {
        if (!(r = calloc(1, sizeof *r))) return MHD_NO;
        *con_cls = r;
        if (is_post) r->pp = tdc__mhd.create_post_processor(conn, 16 * 1024, tdc__post_it, r);
        return MHD_YES;
    }
    if (is_post && *upload_data_size) {
        if (r->pp && !r->too_big) tdc__mhd.post_process(r->pp, upload_data, *upload_data_size);
        else r->too_big = 1;
        *upload_data_size = 0;
        return MHD_YES;
    }
    /* 1. DNS rebinding: a page of another site resolved to 127.0.0.1 */
    host = tdc__mhd.lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
    if (!tdc__host_ok(host))
        return tdc__refuse(conn, MHD_HTTP_FORBIDDEN, TD_MSG_UI_REFUSED_TITLE,
                           TD_MSG_UI_HOST_NOT_LOCAL);
    if (strcmp(method, "GET") && !is_post)
        return tdc__refuse(conn, MHD_HTTP_METHOD_NOT_ALLOWED, TD_MSG_UI_METHOD_TITLE, TD_MSG_UI_METHOD_ONLY_GET_POST);
    /* 2. static files need no secret (they hold none) */
    if (!strncmp(url, "/static/", 8) && !is_post) {
        const char *a = tdc_ui_asset(url, &type);
        char *copy;
        if (!a) return tdc__refuse(conn, MHD_HTTP_NOT_FOUND, TD_MSG_UI_NOT_FOUND_TITLE, TD_MSG_UI_NOT_FOUND);
        if (!(copy = strdup(a))) return MHD_NO;
        return tdc__send(conn, MHD_HTTP_OK, type, copy, strlen(copy), NULL, NULL, NULL, NULL);
    }
    if (r->upload) {
        fclose(r->upload);
        r->upload = NULL;
    }
    /* 3. the secret: from the printed URL once, then the cookie */
    token = tdc__mhd.lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "token");
    if (token && !is_post) {
        char set[200], *empty = strdup("");
        if (!tdc__eq_secret(token, ui->secret)) {
            free(empty);
            return tdc__refuse(conn, MHD_HTTP_FORBIDDEN, TD_MSG_UI_TOKEN_WRONG_TITLE,
                               TD_MSG_UI_TOKEN_WRONG);
        }
        snprintf(set, sizeof set, "%s=%s; Path=/; HttpOnly; SameSite=Strict", TDC_UI_COOKIE, ui->secret);
        return tdc__send(conn, MHD_HTTP_SEE_OTHER, "text/plain", empty, 0, url, set, NULL, NULL);
    }
    cookie = tdc__mhd.lookup_connection_value(conn, MHD_COOKIE_KIND, TDC_UI_COOKIE);
    if (!tdc__eq_secret(cookie, ui->secret))
        return tdc__refuse(conn, MHD_HTTP_FORBIDDEN, TD_MSG_UI_TOKEN_NEEDED_TITLE,
                           TD_MSG_UI_TOKEN_NEEDED);
    /* 4. CSRF: every state-changing request carries the token */
    if (is_post) {
        const char *t = tdc_ui_form_get(&r->form, "csrf");
        if (r->too_big)
            return tdc__refuse(conn, 413, TD_MSG_UI_TOO_LARGE_TITLE,
                               TD_MSG_UI_FORM_TOO_LARGE);
        if (!tdc__eq_secret(t, ui->csrf))
            return tdc__refuse(conn, MHD_HTTP_FORBIDDEN, TD_MSG_UI_REQUEST_REFUSED_TITLE,
                               TD_MSG_UI_CSRF_BAD);
    } else {
        tdc__mhd.get_connection_values(conn, MHD_GET_ARGUMENT_KIND, tdc__query_it, &r->form);
    }
    /* the pages' context follows the background sync */
    {
        unsigned gen;
        pthread_mutex_lock(&ui->lock);
        gen = ui->generation;
        pthread_mutex_unlock(&ui->lock);
        if (gen != ui->seen_generation) {
            /* fold only what the sync stored (tdc_replica_refresh); open
             * anew only if that fails */
            td_error e;
            tdc_ctx fresh;
            if (tdc_ctx_refresh(&ui->ctx, &e) == 0) {
                ui->seen_generation = gen;
            } else if (tdc_app_open(&fresh, ui->dir, &e) == 0) {
                tdc_ctx_close(&ui->ctx);
                ui->ctx = fresh;
                ui->seen_generation = gen;
            } else {
                td_log_warn("ui: reopening the replica failed: %s", e.msg);
            }
        }
    }
    memset(&out, 0, sizeof out);
    tdc_ui_route(ui, method, url, &r->form, &out);
    if (!out.body) {
        out.body = strdup("");
        out.len = 0;
    }
    return tdc__send(conn, out.status ? out.status : MHD_HTTP_OK,
                     out.type ? out.type : "text/html; charset=utf-8", out.body, out.len,
                     out.location[0] ? out.location : NULL, NULL, out.filename[0] ? out.filename : NULL,
                     out.csp);
}

/* ---- the background sync ------------------------------------------------------- */

static void tdc__sync_loop(tdc_ui *ui)
{
    tdc_ctx sc;
    td_error e;
    int have_ctx = 0;
    int64_t next = 0;
    while (!tdc__ui_stop) {
        int now_asked;
        int64_t now = td_clock_mono_ms();
        pthread_mutex_lock(&ui->lock);
        now_asked = ui->sync_now;
        ui->sync_now = 0;
        pthread_mutex_unlock(&ui->lock);
        if (!now_asked && now < next) {
            struct timespec ts = {0, 100 * 1000000L};
            nanosleep(&ts, NULL);
            continue;
        }
        /* the sync's context is kept and brought up to the database
         * (other processes, `tiendo report`) before each attempt */
        if (have_ctx && tdc_ctx_refresh(&sc, &e)) {
            td_log_warn("ui: sync: %s", e.msg);
            tdc_ctx_close(&sc);
            have_ctx = 0;
        }
        if (!have_ctx) {
            if (tdc_app_open(&sc, ui->dir, &e)) {
                td_log_warn("ui: sync: %s", e.msg);
                next = now + TDC_UI_BACKOFF_CAP_MS;
                continue;
            }
            have_ctx = 1;
        }
        pthread_mutex_lock(&ui->lock);
        ui->sync.running = 1;
        ui->sync.last_attempt_ms = td_clock_now_ms();
        pthread_mutex_unlock(&ui->lock);
        {
            tdc_sync_stats s;
            int rc = tdc_app_sync(&sc, ui->server, NULL, NULL, &s, &e);
            uint64_t wait;
            char why[sizeof ui->sync.last_error];
            /* entries applied: the monthly report the pages serve, made
             * here before the pages see the new state (ui_pages.c) */
            if (rc == 0 && s.pulled) tdc_ui_mreport_prepare(ui, tdc_replica_state(sc.rep));
            /* a stop on an alarm is named by its kind, not by the sync
             * layer's generic "bad signature" */
            if (rc != 0 && s.alarm_id)
                snprintf(why, sizeof why, TD_MSG_UI_SYNC_STOPPED_ALARM, (long long)s.alarm_id,
                         tdc_app_alarm_what(&sc, s.alarm_id));
            else if (rc != 0)
                snprintf(why, sizeof why, "%s", tdc_link_vi(&e));
            pthread_mutex_lock(&ui->lock);
            ui->sync.running = 0;
            if (rc == 0) {
                ui->sync.last_ok = 1;
                ui->sync.last_ok_ms = td_clock_now_ms();
                ui->sync.failures = 0;
                ui->sync.last_error[0] = 0;
                ui->sync.sent = s.stored + s.duplicate;
                ui->sync.pulled = s.pulled;
                ui->sync.refused = s.refused;
                wait = ui->interval_s * 1000;
            } else {
                ui->sync.last_ok = 0;
                ui->sync.failures++;
                snprintf(ui->sync.last_error, sizeof ui->sync.last_error, "%s", why);
                if (s.alarm_id) ui->sync.alarm_id = s.alarm_id;
                wait = tdc_sync_backoff_ms(ui->sync.failures - 1, TDC_UI_BACKOFF_BASE_MS, ui->max_backoff_ms, NULL);
                td_log_info("ui: sync failed (%u in a row): %s", ui->sync.failures, e.msg);
            }
            ui->generation++;
            ui->sync.next_ms = td_clock_now_ms() + (int64_t)wait;
            pthread_mutex_unlock(&ui->lock);
            if (s.alarm_id) {
                /* stopped until the alarm is acknowledged (ui_alarm.c clears
                 * sync.alarm_id); a server still lying raises a new one */
                int waiting = 1;
                unsigned ticks = 0;
                td_log_warn("ui: checkpoint alarm %lld: background sync stopped", (long long)s.alarm_id);
                while (waiting && !tdc__ui_stop) {
                    struct timespec ts = {0, 200 * 1000000L};
                    nanosleep(&ts, NULL);
                    if (++ticks % 25 == 0) {
                        /* acknowledged by `tiendo status --clear-alarm` meanwhile? */
                        tdc_alarm *open = NULL;
                        size_t n_open = 0, still = 0;
                        if (!tdc_replica_alarm_list(sc.rep, 0, &open, &n_open, &e)) {
                            for (size_t k = 0; k < n_open; k++) still += open[k].id == s.alarm_id;
                            tdc_alarms_free(open, n_open);
                            if (!still) {
                                pthread_mutex_lock(&ui->lock);
                                if (ui->sync.alarm_id == s.alarm_id) ui->sync.alarm_id = 0;
                                pthread_mutex_unlock(&ui->lock);
                            }
                        }
                    }
                    pthread_mutex_lock(&ui->lock);
                    waiting = ui->sync.alarm_id != 0;
                    pthread_mutex_unlock(&ui->lock);
                }
                if (!tdc__ui_stop) td_log_info("ui: alarm %lld acknowledged: background sync resumes", (long long)s.alarm_id);
                next = 0;
                continue;
            }
            next = td_clock_mono_ms() + (int64_t)wait;
        }
    }
    if (have_ctx) tdc_ctx_close(&sc);
}

/* ---- tiendo ui ------------------------------------------------------------------- */

static const td_cli_opt tdc__ui_opts[] = {
    {"port", required_argument, 'p', "CỔNG", "cổng (mặc định 8385, bận thì thử các cổng tiếp theo; 0 = cổng bất kỳ)"},
    {"listen", required_argument, 'l', "ĐỊA_CHỈ",
     "chỉ 127.0.0.1 hoặc ::1 (mặc định 127.0.0.1); địa chỉ khác cần TLS, chưa hỗ trợ"},
    {"no-browser", no_argument, 'B', NULL, "không tự mở trình duyệt"},
    {"server", required_argument, 's', "MÁY:CỔNG", "máy chủ để đồng bộ (mặc định: như lúc đăng ký thiết bị)"},
    {"interval", required_argument, 'i', "GIÂY", "nghỉ giữa hai lần đồng bộ thành công (mặc định 60)"},
    {"max-backoff", required_argument, 'm', "GIÂY", "chờ tối đa trước khi thử lại sau lỗi (mặc định 300)"},
    {"url-file", required_argument, 'u', "TỆP", "ghi địa chỉ (có mã truy cập) vào TỆP, quyền 0600 (cho tập lệnh)"},
    TDC_OPT_DIR('d'),
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_spec tdc__ui_spec = {
    .prog = "tiendo",
    .cmd = "ui",
    .about = "Mở giao diện web trên máy này: việc cần làm, danh sách nhiệm vụ, nhập báo cáo (bản nháp được lưu khi "
             "đang gõ), thẩm định (Sở KH&CN). Trong lúc chạy, dữ liệu được đồng bộ nền với máy chủ (như `tiendo sync "
             "--watch`); nút \"Gửi ngay\" đồng bộ ngay.",
    .opts = {tdc__ui_opts},
    .footer = "Địa chỉ in ra có mã truy cập riêng của máy này (tệp ui.secret trong thư mục thiết bị); đừng gửi địa chỉ "
              "đó cho người khác. Dừng bằng Ctrl-C.\n",
};
static void tdc__ui_usage(FILE *f) { td_cli_help(&tdc__ui_spec, f); }

static void tdc__open_browser(const char *url)
{
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, STDIN_FILENO);
            dup2(null, STDOUT_FILENO);
            dup2(null, STDERR_FILENO);
        }
        execlp("xdg-open", "xdg-open", url, (char *)NULL);
        _exit(127);
    }
}

int tdc_cmd_ui(int argc, char **argv)
{
    struct option opts[TD_CLI_OPTS_MAX];
    const char *cmd = "ui", *listen = "127.0.0.1", *url_file = NULL;
    long port = TDC_UI_PORT, interval = TDC_UI_INTERVAL_S, max_backoff = TDC_UI_BACKOFF_CAP_MS / 1000;
    int opt, no_browser = 0, port_given = 0, v6;
    struct MHD_Daemon *d = NULL;
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;
    char url[256];
    td_error e;
    tdc_ui *ui = calloc(1, sizeof *ui);
    struct sigaction sa;

    if (!ui) return 1;
    optind = 1;
    if (td_cli_longopts(&tdc__ui_spec, opts, TD_CLI_OPTS_MAX)) {
        free(ui);
        return 1;
    }
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': ui->dir = optarg; break;
        case 'p':
            if (!tdc_int(optarg, &port) || port < 0 || port > 65535) {
                free(ui);
                return tdc_usage_err(cmd, TD_MSG_UI_PORT_BAD, optarg);
            }
            port_given = 1;
            break;
        case 'l': listen = optarg; break;
        case 'B': no_browser = 1; break;
        case 's': ui->server = optarg; break;
        case 'i':
            if (!tdc_int(optarg, &interval) || interval < 1 || interval > 86400) {
                free(ui);
                return tdc_usage_err(cmd, TD_MSG_UI_INTERVAL_BAD, optarg);
            }
            break;
        case 'u': url_file = optarg; break;
        case 'm':
            if (!tdc_int(optarg, &max_backoff) || max_backoff < 1 || max_backoff > 86400) {
                free(ui);
                return tdc_usage_err(cmd, TD_MSG_UI_MAX_BACKOFF_BAD, optarg);
            }
            break;
        case 'h': tdc__ui_usage(stdout); free(ui); return 0;
        default: free(ui); return td_cli_opt_err("tiendo", "ui", opt, argv);
        }
    }
    if (optind < argc) {
        free(ui);
        return td_cli_extra("tiendo", cmd, argv[optind]);
    }
    memset(&sin, 0, sizeof sin);
    memset(&sin6, 0, sizeof sin6);
    v6 = !strcmp(listen, "::1") || !strcmp(listen, "[::1]");
    if (!v6 && (inet_pton(AF_INET, listen, &sin.sin_addr) != 1 || (ntohl(sin.sin_addr.s_addr) >> 24) != 127)) {
        fprintf(stderr, "tiendo ui: " TD_MSG_UI_LISTEN_LOCAL_ONLY "\n", listen);
        free(ui);
        return 2;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "tiendo ui: " TD_MSG_UI_CRYPTO_INIT_FAILED "\n");
        free(ui);
        return 1;
    }
    if (tdc__mhd_load()) {
        free(ui);
        return 1;
    }
    tdc_replica_use_images(0);   /* it reads every report's texts at its start (replica.h) */
    ui->interval_s = (uint64_t)interval;
    ui->max_backoff_ms = (uint64_t)max_backoff * 1000;
    if (tdc_app_open(&ui->ctx, ui->dir, &e)) {
        fprintf(stderr, "tiendo ui: %s\n", td_error_vi(&e));
        free(ui);
        return 1;
    }
    tdc_ui_warm(&ui->ctx);
    if (tdc__ui_secret(ui, &e)) {
        fprintf(stderr, "tiendo ui: %s\n", td_error_vi(&e));
        tdc_ctx_close(&ui->ctx);
        free(ui);
        return 1;
    }
    pthread_mutex_init(&ui->lock, NULL);
    pthread_cond_init(&ui->wake, NULL);
    signal(SIGPIPE, SIG_IGN);
    for (int k = 0; k < (port_given ? 1 : TDC_UI_PORT_TRIES) && !d; k++) {
        unsigned p = (unsigned)port + (unsigned)k;
        if (v6) {
            sin6.sin6_family = AF_INET6;
            sin6.sin6_addr = in6addr_loopback;
            sin6.sin6_port = htons((uint16_t)p);
        } else {
            sin.sin_family = AF_INET;
            sin.sin_port = htons((uint16_t)p);
        }
        d = tdc__mhd.start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | (v6 ? MHD_USE_IPv6 : 0), (uint16_t)p, NULL, NULL,
                             tdc__handler, ui, MHD_OPTION_SOCK_ADDR,
                             v6 ? (struct sockaddr *)&sin6 : (struct sockaddr *)&sin, MHD_OPTION_NOTIFY_COMPLETED,
                             tdc__req_done, NULL, MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
                             MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_END);
    }
    if (!d) {
        fprintf(stderr, "tiendo ui: " TD_MSG_UI_PORT_BUSY "\n",
                port, port_given ? "" : TD_MSG_UI_AND_NEXT_PORTS, listen);
        tdc_ctx_close(&ui->ctx);
        free(ui);
        return 1;
    }
    {
        const union MHD_DaemonInfo *di = tdc__mhd.get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
        ui->port = di ? di->port : (unsigned)port;
    }
    snprintf(url, sizeof url, "http://%s:%u/?token=%s", v6 ? "[::1]" : listen, ui->port, ui->secret);
    if (url_file) {
        int fd = open(url_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0 || write(fd, url, strlen(url)) != (ssize_t)strlen(url) || write(fd, "\n", 1) != 1) {
            fprintf(stderr, "tiendo ui: " TD_MSG_UI_WRITE_FAILED "\n", url_file);
        }
        if (fd >= 0) close(fd);
    }
    printf(TD_MSG_UI_RUNNING_AT "\n",
           ui->ctx.id.subject.agency, url);
    fflush(stdout);
    if (!no_browser) tdc__open_browser(url);

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = tdc__ui_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    tdc_link_stop_on(&tdc__ui_stop);   /* a sync waiting on a silent server ends at once */
    tdc__sync_loop(ui);

    tdc__mhd.stop_daemon(d);
    tdc_ui_audit_shutdown();
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    tdc_ctx_close(&ui->ctx);
    tdc_ui_mr_free(ui->mr);
    pthread_mutex_destroy(&ui->lock);
    pthread_cond_destroy(&ui->wake);
    printf(TD_MSG_UI_STOPPED "\n");
    free(ui);
    return 0;
}
