/*
 * test_session.c — the server's protocol state machine, fed frames without
 * any socket: order rules, version negotiation, ping, errors that name the
 * problem.  The server sources are compiled in (they are not a library).
 */
#include "frame.h"
#include "log.h"
#include "session.h"
#include "tt.h"

typedef struct out {
    int sent, ended;
    Tiendo__Frame *last;
} out;

static int cap_send(void *arg, const Tiendo__Frame *f)
{
    out *o = arg;
    uint8_t *buf;
    size_t n;
    td_error err;
    o->sent++;
    td_frame_free(o->last);
    TT_EQ_INT(td_frame_pack(f, 0, &buf, &n, &err), 0);
    o->last = td_frame_unpack(buf + 4, n - 4, &err);
    free(buf);
    return 0;
}
static void cap_end(void *arg) { ((out *)arg)->ended++; }

static tds_session S;
static out O;

static void start(void)
{
    td_subject subj = {.agency = "so-tu-phap", .device = "pc-7", .role = TD_ROLE_OFFICE};
    unsigned char pk[32] = {1};
    tds_session_io io = {cap_send, cap_end, &O};
    td_frame_free(O.last);
    memset(&O, 0, sizeof O);
    tds_session_init(&S, &subj, pk, "test-server", &io);
}

static int feed(const Tiendo__Frame *f)
{
    uint8_t *buf;
    size_t n;
    td_error err;
    int rc;
    td_frame_pack(f, 0, &buf, &n, &err);
    rc = tds_session_on_frame(&S, buf + 4, n - 4);
    free(buf);
    return rc;
}

static int hello(uint32_t lo, uint32_t hi)
{
    Tiendo__Frame f = TIENDO__FRAME__INIT;
    Tiendo__Hello h = TIENDO__HELLO__INIT;
    h.min_version = lo;
    h.max_version = hi;
    h.software = "test";
    f.body_case = TIENDO__FRAME__BODY_HELLO;
    f.hello = &h;
    return feed(&f);
}

static void test_hello_welcome_ping(void)
{
    Tiendo__Frame f = TIENDO__FRAME__INIT;
    Tiendo__Ping p = TIENDO__PING__INIT;
    start();
    TT_EQ_INT(hello(1, 5), 0);
    TT_EQ_INT(S.state, TDS_OPEN);
    TT_EQ_INT(O.last->body_case, TIENDO__FRAME__BODY_WELCOME);
    TT_EQ_INT(O.last->welcome->version, 1);
    TT_EQ_STR(O.last->welcome->agency, "so-tu-phap");
    TT_EQ_STR(O.last->welcome->role, "office");
    TT_EQ_STR(O.last->welcome->server_name, "test-server");
    p.nonce = 42;
    f.body_case = TIENDO__FRAME__BODY_PING;
    f.ping = &p;
    TT_EQ_INT(feed(&f), 0);
    TT_EQ_INT(O.last->body_case, TIENDO__FRAME__BODY_PONG);
    TT_EQ_INT(O.last->pong->nonce, 42);
    TT_EQ_INT(O.ended, 0);
}

static void test_ping_before_hello_refused(void)
{
    Tiendo__Frame f = TIENDO__FRAME__INIT;
    Tiendo__Ping p = TIENDO__PING__INIT;
    start();
    f.body_case = TIENDO__FRAME__BODY_PING;
    f.ping = &p;
    TT_EQ_INT(feed(&f), TD_EPROTO);
    TT_EQ_INT(O.last->body_case, TIENDO__FRAME__BODY_ERROR);
    TT_EQ_INT(O.last->error->code, TIENDO__ERROR_CODE__ERR_UNEXPECTED);
    TT_CHECK(strstr(O.last->error->message, "expected hello first, got ping") != NULL);
    TT_EQ_INT(O.ended, 1);
    TT_EQ_INT(S.state, TDS_ENDED);
    /* nothing more is answered */
    TT_EQ_INT(hello(1, 1), TD_ECLOSED);
    TT_EQ_INT(O.sent, 1);
}

static void test_version_too_old_and_too_new(void)
{
    start();
    TT_EQ_INT(hello(0, 0), TD_EVERSION);
    TT_EQ_INT(O.last->error->code, TIENDO__ERROR_CODE__ERR_VERSION);
    TT_CHECK(strstr(O.last->error->message, "client too old") != NULL);
    TT_CHECK(strstr(O.last->error->message_vi, "quá cũ") != NULL);
    start();
    TT_EQ_INT(hello(2, 3), TD_EVERSION);
    TT_CHECK(strstr(O.last->error->message, "server too old") != NULL);
}

static void test_garbage_and_double_hello(void)
{
    static const uint8_t junk[] = {0x0a, 0xff, 0xff, 0xff, 0xff, 0xff};
    start();
    TT_EQ_INT(tds_session_on_frame(&S, junk, sizeof junk), TD_EPARSE);
    TT_EQ_INT(O.last->error->code, TIENDO__ERROR_CODE__ERR_BAD_FRAME);
    TT_EQ_INT(O.ended, 1);
    start();
    TT_EQ_INT(hello(1, 1), 0);
    TT_EQ_INT(hello(1, 1), TD_EPROTO);
    TT_CHECK(strstr(O.last->error->message, "hello sent twice") != NULL);
}

static void test_server_only_messages_refused(void)
{
    Tiendo__Frame f = TIENDO__FRAME__INIT;
    Tiendo__Welcome w = TIENDO__WELCOME__INIT;
    start();
    TT_EQ_INT(hello(1, 1), 0);
    f.body_case = TIENDO__FRAME__BODY_WELCOME;
    f.welcome = &w;
    TT_EQ_INT(feed(&f), TD_EPROTO);
    TT_CHECK(strstr(O.last->error->message, "welcome is not accepted") != NULL);
}

int main(void)
{
    td_log_set_level(TD_LOG_ERROR);
    TT_RUN(test_hello_welcome_ping);
    TT_RUN(test_ping_before_hello_refused);
    TT_RUN(test_version_too_old_and_too_new);
    TT_RUN(test_garbage_and_double_hello);
    TT_RUN(test_server_only_messages_refused);
    td_frame_free(O.last);
    return tt_report();
}
