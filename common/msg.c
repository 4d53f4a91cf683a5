/* msg.c — see msg.h. */
#include "msg.h"

#include "log.pb-c.h"

const char *td_msg_report_state(int state, const char *none)
{
    switch (state) {
    case TIENDO__REPORT_STATE__REPORT_NOT_STARTED: return TD_MSG_STATE_NOT_STARTED;
    case TIENDO__REPORT_STATE__REPORT_IN_PROGRESS: return TD_MSG_STATE_IN_PROGRESS;
    case TIENDO__REPORT_STATE__REPORT_DONE: return TD_MSG_STATE_DONE;
    default: return none;
    }
}
