/* datalock.c — see datalock.h. */
#include "datalock.h"
#include "oserr.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

int tds_datalock_take(const char *datadir, int *fd, long *holder, td_error *err)
{
    char path[4096], buf[32];
    ssize_t n;
    int f;

    *fd = -1;
    *holder = 0;
    if (mkdir(datadir, 0700) != 0 && errno != EEXIST)
        return td_error_set(err, TD_EIO, TD_MSG_DIR_CREATE, datadir, td_errno_vi_log(errno, datadir));
    snprintf(path, sizeof path, "%s/%s", datadir, TDS_DATALOCK_FILE);
    if ((f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
        return td_error_set(err, TD_EIO, TD_MSG_FILE_LOCK, path, td_errno_vi_log(errno, path));
    if (flock(f, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        if (e == EWOULDBLOCK) {
            n = pread(f, buf, sizeof buf - 1, 0);
            if (n > 0) {
                buf[n] = '\0';
                *holder = strtol(buf, NULL, 10);
            }
            close(f);
            return td_error_set(err, TD_EBUSY, "%s: held by a running tiendo-server (pid %ld)", path, *holder);
        }
        close(f);
        return td_error_set(err, TD_EIO, TD_MSG_FILE_LOCK, path, td_errno_vi_log(e, path));
    }
    n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
    if (ftruncate(f, 0) != 0 || pwrite(f, buf, (size_t)n, 0) != n) {
        int e = errno;
        close(f);
        return td_error_set(err, TD_EIO, TD_MSG_FILE_LOCK, path, td_errno_vi_log(e, path));
    }
    *fd = f;
    return 0;
}

void tds_datalock_release(int fd)
{
    if (fd >= 0) close(fd);
}
