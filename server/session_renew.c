/*
 * session_renew.c — RenewRequest -> RenewResponse (docs/PROTOCOL.md §8), kept apart
 * from session.c: the decision is the backend's (ledger.h tds_ledger_renew,
 * renew.h); this only carries it.  A refusal is an answer, not the end of
 * the session: the device then writes its request to a file for the CA
 * officer.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "session.h"

int tds_session_on_renew(tds_session *s, const Tiendo__RenewRequest *r)
{
    Tiendo__Frame f = TIENDO__FRAME__INIT;
    Tiendo__RenewResponse a = TIENDO__RENEW_RESPONSE__INIT;
    tds_renew_result res;
    td_error err = {0};
    int rc;

    memset(&res, 0, sizeof res);
    if (!s->be || !s->be->renew) {
        snprintf(res.reason, sizeof res.reason, "this server does not renew certificates");
        snprintf(res.reason_vi, sizeof res.reason_vi,
                 "Máy chủ này không cấp lại chứng thư trực tuyến; hãy gửi yêu cầu cho cán bộ quản lý CA.");
    } else if ((rc = s->be->renew(s->be->ctx, &s->pk_peer, r->csr.data, r->csr.len, &res, &err))) {
        return tds_session_fail(s, rc == TD_EBUSY ? TIENDO__ERROR_CODE__ERR_BUSY : TIENDO__ERROR_CODE__ERR_INTERNAL,
                                rc, err.msg, "Máy chủ chưa cấp lại được chứng thư; hãy thử lại sau.");
    }
    if (!res.issued)
        td_log_info("session %s/%s: renewal refused: %s", s->peer.agency, s->peer.device, res.reason);
    a.issued = res.issued != 0;
    a.cert.data = res.cert_der;
    a.cert.len = res.cert_len;
    a.reason = res.reason;
    a.reason_vi = res.reason_vi;
    a.cert_index = res.index;
    f.body_case = TIENDO__FRAME__BODY_RENEW_RESPONSE;
    f.renew_response = &a;
    rc = s->io.send(s->io.arg, &f);
    free(res.cert_der);
    return rc;
}
