/* tpack.h — the payloads of test entries, packed as a device would sign
 * them: a certificate, a report, an indicator value, a review, a condition,
 * a revocation, an agency rename.  Each returns a malloc'd buffer and its
 * size in *n.  Header-only, like testcerts.h. */
#ifndef TPACK_H
#define TPACK_H

#include <stdint.h>
#include <stdlib.h>

#include "agency.h"
#include "log.pb-c.h"
#include "testcerts.h"

static uint8_t *pack_cert(X509 *x, size_t *n)
{
    Tiendo__CertPayload p = TIENDO__CERT_PAYLOAD__INIT;
    unsigned char *der = NULL;
    uint8_t *out;
    int len = i2d_X509(x, &der);
    p.der.data = der;
    p.der.len = (size_t)len;
    *n = tiendo__cert_payload__get_packed_size(&p);
    out = malloc(*n);
    tiendo__cert_payload__pack(&p, out);
    OPENSSL_free(der);
    return out;
}

static uint8_t *pack_report(uint32_t task, const char *agency, const char *period, int state, uint32_t pct,
                            const char *result, size_t *n)
{
    Tiendo__ReportPayload p = TIENDO__REPORT_PAYLOAD__INIT;
    uint8_t *out;
    p.task = task;
    p.agency = (char *)agency;
    p.period = (char *)period;
    p.state = (Tiendo__ReportState)state;
    p.percent = pct;
    p.result = (char *)result;
    *n = tiendo__report_payload__get_packed_size(&p);
    out = malloc(*n ? *n : 1);
    tiendo__report_payload__pack(&p, out);
    return out;
}

static uint8_t *pack_indicator(const char *code, const char *agency, const char *period, double v, size_t *n)
{
    Tiendo__IndicatorPayload p = TIENDO__INDICATOR_PAYLOAD__INIT;
    uint8_t *out;
    p.code = (char *)code;
    p.agency = (char *)agency;
    p.period = (char *)period;
    p.value = v;
    p.has_value = 1;
    *n = tiendo__indicator_payload__get_packed_size(&p);
    out = malloc(*n ? *n : 1);
    tiendo__indicator_payload__pack(&p, out);
    return out;
}

static uint8_t *pack_review(const unsigned char *author, uint64_t seq, uint32_t task, const char *agency, int accept,
                            const char *comment, size_t *n)
{
    Tiendo__ReviewPayload p = TIENDO__REVIEW_PAYLOAD__INIT;
    uint8_t *out;
    p.report_author.data = (uint8_t *)author;
    p.report_author.len = 32;
    p.report_seq = seq;
    p.task = task;
    p.agency = (char *)agency;
    p.accept = accept;
    p.comment = (char *)comment;
    *n = tiendo__review_payload__get_packed_size(&p);
    out = malloc(*n ? *n : 1);
    tiendo__review_payload__pack(&p, out);
    return out;
}

static uint8_t *pack_condition(uint32_t task, int met, int y, int m, size_t *n)
{
    Tiendo__ConditionPayload p = TIENDO__CONDITION_PAYLOAD__INIT;
    uint8_t *out;
    p.task = task;
    p.met_date = met;
    p.due_year = y;
    p.due_month = m;
    p.note = "Nghị định 01/2025/NĐ-CP";
    *n = tiendo__condition_payload__get_packed_size(&p);
    out = malloc(*n ? *n : 1);
    tiendo__condition_payload__pack(&p, out);
    return out;
}

static uint8_t *pack_revocation(const unsigned char *key, int64_t when, size_t *n)
{
    Tiendo__RevocationPayload p = TIENDO__REVOCATION_PAYLOAD__INIT;
    uint8_t serial = 7, *out;
    p.serial.data = &serial;
    p.serial.len = 1;
    p.key.data = (uint8_t *)key;
    p.key.len = 32;
    p.revoked_ms = when;
    p.reason = 1;
    *n = tiendo__revocation_payload__get_packed_size(&p);
    out = malloc(*n);
    tiendo__revocation_payload__pack(&p, out);
    return out;
}

/* RENAME from -> to on `date`. */
static uint8_t *pack_rename(const char *from, const char *to, const char *name, int date, size_t *n)
{
    char *fv[1] = {(char *)from};
    td_agency a = {(char *)to, (char *)name, TD_AGENCY_DEPT, 0, 0};
    td_agency_change ch = {0};
    uint8_t *out;
    ch.kind = TD_CHANGE_RENAME;
    ch.date = date;
    ch.from = fv;
    ch.n_from = 1;
    ch.to = &a;
    ch.n_to = 1;
    if (td_agency_change_pb_encode(&ch, &out, n)) exit(1);
    return out;
}

#endif
