/* SPDX-License-Identifier: MIT */
/*
 * What has arrived at a listening socket while its service runs.  The
 * service accepts its connections and reads its datagrams itself, and
 * often before scmd's edge-triggered watch is looked at: the kernel then
 * finds the queue empty again and drops the wake-up, so a service with a
 * steady trickle of clients could look idle.  The kernel's own count does
 * not race: a small socket filter, attached to the socket, adds one to a
 * counter for each packet the socket receives and lets every packet
 * through whole.  The counter is one element of an array map that scmd
 * maps read-only, so looking at it is a read of memory, no system call
 * and no descriptor kept (the mapping and the socket hold the map and the
 * program).
 *
 * What is counted: a TCP client's first segment (SYN without ACK) at the
 * listener (the connections it accepts inherit the filter, but their
 * traffic has no such segment), each UDP or Unix datagram.  A Unix stream
 * listener's connections pass no filter: for those the watch (and the
 * connections open when the period is up) is all there is.
 */
#include "socket_arrivals.h"

#include "log.h"

#include <errno.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SO_ATTACH_BPF
#define SO_ATTACH_BPF 50
#endif
#ifndef SO_DETACH_BPF
#define SO_DETACH_BPF SO_DETACH_FILTER
#endif

static bool refused; /* the kernel said no once: not asked again */

static long sys_bpf(int cmd, union bpf_attr *attr) {
        return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/* An array of one counter, mappable. */
static int counter_map(void) {
        union bpf_attr attr;
        memset(&attr, 0, sizeof(attr));
        attr.map_type = BPF_MAP_TYPE_ARRAY;
        attr.key_size = sizeof(uint32_t);
        attr.value_size = sizeof(uint64_t);
        attr.max_entries = 1;
        attr.map_flags = BPF_F_MMAPABLE;
        return (int)sys_bpf(BPF_MAP_CREATE, &attr);
}

/* The filter: counter[0] += 1 (atomically), then keep the whole packet;
 * on a TCP socket, only for a segment with SYN and not ACK (a client's
 * first), so that the connections' traffic and ends are not counted. */
static int counting_filter(int map, bool tcp) {
        struct bpf_insn prog[] = {
                /* TCP: the header's flags byte, the packet's 14th (the
                 * kernel runs the filter with the data at the header) */
                {.code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_6, .src_reg = BPF_REG_1},
                {.code = BPF_LD | BPF_ABS | BPF_B, .imm = 13},
                {.code = BPF_ALU64 | BPF_AND | BPF_K, .dst_reg = BPF_REG_0, .imm = 0x12},
                {.code = BPF_JMP | BPF_JNE | BPF_K, .dst_reg = BPF_REG_0, .off = 9, .imm = 0x02},
                /* all: the count */
                {.code = BPF_ST | BPF_MEM | BPF_W, .dst_reg = BPF_REG_10, .off = -4, .imm = 0},
                {.code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_2, .src_reg = BPF_REG_10},
                {.code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = BPF_REG_2, .imm = -4},
                {.code = BPF_LD | BPF_DW | BPF_IMM,
                 .dst_reg = BPF_REG_1,
                 .src_reg = BPF_PSEUDO_MAP_FD,
                 .imm = map},
                {0}, /* the map's upper half */
                {.code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_map_lookup_elem},
                {.code = BPF_JMP | BPF_JEQ | BPF_K, .dst_reg = BPF_REG_0, .off = 2, .imm = 0},
                {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1, .imm = 1},
                {.code = BPF_STX | BPF_ATOMIC | BPF_DW,
                 .dst_reg = BPF_REG_0,
                 .src_reg = BPF_REG_1,
                 .imm = BPF_ADD},
                /* keep the packet */
                {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = -1},
                {.code = BPF_JMP | BPF_EXIT},
        };
        size_t skip = tcp ? 0 : 4;
        union bpf_attr attr;
        memset(&attr, 0, sizeof(attr));
        attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
        attr.insns = (uint64_t)(uintptr_t)(prog + skip);
        attr.insn_cnt = (uint32_t)(sizeof(prog) / sizeof(prog[0]) - skip);
        attr.license = (uint64_t)(uintptr_t) "MIT";
        return (int)sys_bpf(BPF_PROG_LOAD, &attr);
}

/* Counted: TCP (true in *tcp) and datagram sockets; not Unix streams. */
static bool counted_type(int fd, bool *tcp) {
        int type = 0, protocol = 0;
        socklen_t len = sizeof(type), plen = sizeof(protocol);
        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
            getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &plen) < 0)
                return false;
        *tcp = type == SOCK_STREAM && protocol == IPPROTO_TCP;
        return type == SOCK_DGRAM || *tcp;
}

static void detach(int fd) {
        int unused = 0; /* the kernel wants an int's length */
        (void)setsockopt(fd, SOL_SOCKET, SO_DETACH_BPF, &unused, sizeof(unused));
}

enum filter { FILTER_NONE, FILTER_CLASSIC, FILTER_EBPF };

/* The filter on fd: the kernel says a classic one's length, and EACCES
 * for an eBPF one (it cannot be read back). */
static enum filter filter_on(int fd) {
        struct sock_filter none;
        socklen_t len = 0;
        if (getsockopt(fd, SOL_SOCKET, SO_GET_FILTER, &none, &len) < 0)
                return FILTER_EBPF;
        return len > 0 ? FILTER_CLASSIC : FILTER_NONE;
}

bool socket_arrivals_count(struct socket_arrivals *a, int fd) {
        socket_arrivals_end(a);
        bool tcp = false;
        if (refused || !counted_type(fd, &tcp) || filter_on(fd) != FILTER_NONE)
                return false; /* the service's own filter is left alone */
        int map = counter_map(), prog = map < 0 ? -1 : counting_filter(map, tcp);
        if (prog < 0) {
                int err = errno;
                if (map >= 0)
                        close(map);
                refused = err == EPERM || err == ENOSYS || err == EINVAL || err == EACCES;
                if (refused)
                        log_info("activation: the kernel counts no arrivals at sockets (%s); an "
                                 "idle stop sees only the arrivals scmd is woken for",
                                 strerror(err));
                return false;
        }
        void *page = MAP_FAILED;
        if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_BPF, &prog, sizeof(prog)) == 0) {
                page = mmap(NULL, (size_t)sysconf(_SC_PAGESIZE), PROT_READ, MAP_SHARED, map, 0);
                if (page == MAP_FAILED)
                        detach(fd);
        }
        int err = errno;
        close(prog);
        close(map);
        if (page == MAP_FAILED) {
                log_debug("activation: a socket's arrivals are not counted: %s", strerror(err));
                return false;
        }
        a->count = page;
        a->seen = *a->count;
        return true;
}

void socket_arrivals_detach(struct socket_arrivals *a, int fd) {
        if (a->count && filter_on(fd) == FILTER_EBPF) /* scmd's, most likely */
                detach(fd);
        socket_arrivals_end(a);
}

bool socket_arrivals_new(struct socket_arrivals *a) {
        if (!a->count)
                return false;
        uint64_t now = *a->count;
        bool arrived = now != a->seen;
        a->seen = now;
        return arrived;
}

void socket_arrivals_end(struct socket_arrivals *a) {
        if (a->count)
                munmap((void *)(uintptr_t)a->count, (size_t)sysconf(_SC_PAGESIZE));
        a->count = NULL;
        a->seen = 0;
}
