/*
 * td_tamper — forgeries for the audit tamper matrix (audit_tamper.sh), made
 * with a fresh random Ed25519 key that no certificate in any log names:
 *
 *   td_tamper forge [--agency A] [--task T] [--period P] [--seq S]
 *       prints "<author hex> <seq> <kind> <SignedEntry hex>": a well-formed
 *       progress report, correctly signed by the random key (so only the
 *       missing certificate gives it away);
 *   td_tamper resign < NOTE
 *       reads a signed checkpoint, keeps its text and prints it signed by a
 *       random key under the same name (the origin line): a checkpoint an
 *       attacker without the server's key would substitute.
 * Exit 0 on success, 1 on failure, 2 on bad usage.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "entry.h"
#include "log.pb-c.h"
#include "note.h"

static void hex_print(const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
}

static int forge(int argc, char **argv)
{
    Tiendo__ReportPayload p = TIENDO__REPORT_PAYLOAD__INIT;
    unsigned char pk[32], sk[64];
    uint8_t buf[512], *out;
    size_t pn, n;
    td_entry_fields f;
    td_error e = {0};
    const char *agency = "so-y-te", *period = "2025-06";
    unsigned long task = 1, seq = 1;
    int64_t now = td_clock_now_ms();
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc) return 2;
        if (!strcmp(argv[i], "--agency")) agency = argv[++i];
        else if (!strcmp(argv[i], "--task")) task = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--period")) period = argv[++i];
        else if (!strcmp(argv[i], "--seq")) seq = strtoul(argv[++i], NULL, 10);
        else return 2;
    }
    crypto_sign_keypair(pk, sk);
    p.task = (uint32_t)task;
    p.agency = (char *)agency;
    p.period = (char *)period;
    p.state = TIENDO__REPORT_STATE__REPORT_DONE;
    p.percent = 100;
    p.result = "đã hoàn thành (giả mạo)";
    pn = tiendo__report_payload__pack(&p, buf);
    f = (td_entry_fields){TIENDO__ENTRY_KIND__ENTRY_REPORT, seq, td_hlc_next(0, now), now, agency, buf, pn};
    if (td_entry_sign_raw(pk, sk, &f, &out, &n, &e)) {
        fprintf(stderr, "td_tamper forge: %s\n", e.msg);
        return 1;
    }
    hex_print(pk, 32);
    printf(" %lu %d ", seq, TIENDO__ENTRY_KIND__ENTRY_REPORT);
    hex_print(out, n);
    printf("\n");
    free(out);
    return 0;
}

static int resign(void)
{
    static char in[TD_NOTE_MAX + 1];
    size_t n = fread(in, 1, sizeof in - 1, stdin);
    char *blank, *nl, name[TD_NOTE_NAME_MAX + 1], *out;
    size_t outlen;
    unsigned char pk[32], sk[64];
    td_note_signer s;
    td_error e = {0};
    in[n] = '\0';
    if (!(blank = strstr(in, "\n\n")) || !(nl = strchr(in, '\n')) || (size_t)(nl - in) > TD_NOTE_NAME_MAX) {
        fprintf(stderr, "td_tamper resign: stdin is not a signed note\n");
        return 1;
    }
    memcpy(name, in, (size_t)(nl - in));
    name[nl - in] = '\0';
    crypto_sign_keypair(pk, sk);
    if (td_note_signer_init(&s, name, TD_NOTE_TYPE_ED25519, sk, &e) ||
        td_note_sign(in, (size_t)(blank - in) + 1, &s, &out, &outlen, &e)) {
        fprintf(stderr, "td_tamper resign: %s\n", e.msg);
        return 1;
    }
    fwrite(out, 1, outlen, stdout);
    free(out);
    td_note_signer_wipe(&s);
    return 0;
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0) return 1;
    if (argc >= 2 && !strcmp(argv[1], "forge")) return forge(argc - 1, argv + 1);
    if (argc == 2 && !strcmp(argv[1], "resign")) return resign();
    fprintf(stderr, "usage: td_tamper forge [--agency A] [--task T] [--period P] [--seq S]\n"
                    "       td_tamper resign < NOTE\n");
    return 2;
}
