/* msg.c — see msg.h. */
#include "msg.h"

#include "log.pb-c.h"

#include <stdio.h>

const char *td_msg_report_state(int state, const char *none)
{
    switch (state) {
    case TIENDO__REPORT_STATE__REPORT_NOT_STARTED: return TD_MSG_STATE_NOT_STARTED;
    case TIENDO__REPORT_STATE__REPORT_IN_PROGRESS: return TD_MSG_STATE_IN_PROGRESS;
    case TIENDO__REPORT_STATE__REPORT_DONE: return TD_MSG_STATE_DONE;
    default: return none;
    }
}

char *td_msg_num(char *buf, unsigned long long v)
{
    char num[24];
    int d = snprintf(num, sizeof num, "%llu", v), k = 0;
    for (int i = 0; i < d; i++) {
        if (i && (d - i) % 3 == 0) buf[k++] = '.';
        buf[k++] = num[i];
    }
    buf[k] = '\0';
    return buf;
}
