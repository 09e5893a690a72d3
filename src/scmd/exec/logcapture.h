/* SPDX-License-Identifier: MIT */
/*
 * A service's stdout and stderr: a pipe read by the loop into a log file
 * rotated by size, open only while output is written.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "loop.h"

struct log_capture {
        struct loop *loop;
        const char *path; /* borrowed from the service */
        struct loop_io io;
        uint64_t file_size;
        int pipe_fd; /* read end, -1 when closed */
        int file_fd; /* open only while writing; -1 when closed */
        bool drop;   /* the file could not be had: the output is read and dropped */
        bool warned; /* this run's failure to open the file was logged */
        bool at_line_start;
};

void log_capture_init(struct log_capture *lc);
/* Opens the pipe and the log file at path (kept borrowed); *ret_write_fd
 * is the service's end, owned by the caller.  Returns 0 or -errno. */
int log_capture_open(struct log_capture *lc, struct loop *l, const char *path, int *ret_write_fd);
/* As log_capture_open() for a pipe made by an earlier scmd: pipe_fd is its
 * read end (taken over).  0 or -errno. */
int log_capture_adopt(struct log_capture *lc, struct loop *l, const char *path, int pipe_fd);
/* Reads what the pipe still holds, then closes it and the file. */
void log_capture_close(struct log_capture *lc);
void log_capture_set_limits(uint64_t max_size, unsigned keep);
