/*
 * tdmem_bench.c — what this machine charges a new process for memory: the
 * figure that decides how a `tiendo` command on a large replica spends its
 * time (docs/ARCHITECTURE.md, "The records' image").  Not a timed test: it
 * prints figures.
 *
 *   tdmem_bench FILE [--mb N] [--pause MS]
 *
 * Each line is measured in a child process of its own (new memory, as a
 * command has), after a pause of MS ms (default 0; a virtual machine that
 * hands free memory back to its host charges more after a couple of idle
 * seconds):
 *   - new anonymous memory, N MB (default 48, the records of five years of
 *     plan 726), written one byte a page as it faults in;
 *   - the same mapped first in one call (MADV_POPULATE_WRITE, as the fold's
 *     decode does), then written one byte a cache line;
 *   - FILE (a fold file or a records' image: in the page cache once read)
 *     mapped private and read one byte a cache line, as a load reads an
 *     image;
 *   - the same with one byte a page written (each write copies its page).
 * Per MB, so that machines and sizes compare.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

enum { ANON_TOUCH, ANON_POPULATE, FILE_READ, FILE_WRITE, N_MODES };

static const char *const names[N_MODES] = {
    "new memory, faulted in a page at a time",
    "new memory, mapped in one call, then written",
    "a file in the page cache, mapped and read",
    "a file in the page cache, a byte a page written",
};

/* One measurement in this process: ms, or -1. */
static double run(int mode, size_t n, const char *file)
{
    volatile unsigned char *p;
    unsigned sum = 0;
    double t0 = bench_now_ms();
    if (mode == ANON_TOUCH || mode == ANON_POPULATE) {
        void *m = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) return -1;
        p = m;
#ifdef MADV_POPULATE_WRITE
        if (mode == ANON_POPULATE) (void)madvise(m, n, MADV_POPULATE_WRITE);
#endif
        for (size_t i = 0; i < n; i += mode == ANON_TOUCH ? 4096 : 64) p[i] = 1;
    } else {
        struct stat sb;
        int fd = open(file, O_RDONLY);
        void *m;
        if (fd < 0 || fstat(fd, &sb) || sb.st_size <= 0) return -1;
        n = (size_t)sb.st_size;
        m = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        close(fd);
        if (m == MAP_FAILED) return -1;
        p = m;
        if (mode == FILE_READ)
            for (size_t i = 0; i < n; i += 64) sum += p[i];
        else
            for (size_t i = 0; i < n; i += 4096) p[i] = (unsigned char)(p[i] + 1);
    }
    (void)sum;
    return bench_now_ms() - t0;
}

int main(int argc, char **argv)
{
    const char *file = NULL;
    size_t mb = 48;
    long pause = 0;
    struct stat sb;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--mb") && i + 1 < argc) mb = (size_t)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--pause") && i + 1 < argc) pause = strtol(argv[++i], NULL, 10);
        else if (argv[i][0] != '-' && !file) file = argv[i];
        else file = NULL, i = argc;
    }
    if (!file || !mb || mb > 4096 || pause < 0 || stat(file, &sb) || sb.st_size <= 0) {
        fprintf(stderr, "usage: tdmem_bench FILE [--mb N (1..4096)] [--pause MS]\n");
        return 2;
    }
    {
        /* the file into the page cache first, as a command finds a fold its sync wrote */
        char buf[1 << 16];
        int fd = open(file, O_RDONLY);
        while (fd >= 0 && read(fd, buf, sizeof buf) > 0) {
        }
        if (fd >= 0) close(fd);
    }
    for (int mode = 0; mode < N_MODES; mode++) {
        int fds[2];
        double ms = -1;
        pid_t pid;
        if (pause) usleep((useconds_t)pause * 1000);
        if (pipe(fds)) return 1;
        if ((pid = fork()) == 0) {
            double v = run(mode, mb << 20, file);
            if (write(fds[1], &v, sizeof v) != sizeof v) _exit(1);
            _exit(0);
        }
        close(fds[1]);
        if (pid < 0 || read(fds[0], &ms, sizeof ms) != sizeof ms) ms = -1;
        close(fds[0]);
        if (pid > 0) waitpid(pid, NULL, 0);
        {
            double size_mb = mode >= FILE_READ ? (double)sb.st_size / (1 << 20) : (double)mb;
            if (ms < 0) printf("%-48s failed\n", names[mode]);
            else printf("%-48s %8.1f ms for %6.1f MB = %6.2f ms/MB\n", names[mode], ms, size_mb, ms / size_mb);
        }
    }
    return 0;
}
