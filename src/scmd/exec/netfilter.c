/* SPDX-License-Identifier: MIT */
/*
 * A service's network rules (config/net_rules.h), enforced by the kernel
 * on its cgroup, for every process of the service whatever its uid:
 *
 *   - addresses: a BPF_PROG_TYPE_CGROUP_SKB program on egress (the
 *     destination) and one on ingress (the source), IPv4 and IPv6.  The
 *     address is loaded from the packet (bpf_skb_load_bytes) and compared,
 *     masked, with each rule: an allow rule that names it passes the
 *     packet, else a deny rule drops it, else it passes; and, so that a
 *     connect() or an unconnected UDP send to a denied address fails at
 *     once with EPERM rather than timing out, a CGROUP_SOCK_ADDR program
 *     on connect4/6 and sendmsg4/6 judges the address the same way;
 *   - binds: a BPF_PROG_TYPE_CGROUP_SOCK_ADDR program on bind4 and bind6
 *     compares the port (and the protocol) the same way; a refused bind
 *     fails with EPERM.
 *
 * The programs are assembled here, a few instructions per rule, and
 * loaded with the bpf() system call: scm needs no BPF compiler and no
 * library for it.  They are attached without BPF_F_ALLOW_OVERRIDE or
 * _MULTI, so nothing below the service's cgroup can add its own, and
 * attached again (replacing) at each start.  Detaching them needs
 * CAP_NET_ADMIN or CAP_SYS_ADMIN (CAP_BPF), which a service with rules
 * is not given (exec/security.c).
 *
 * Why cgroup BPF and not nftables: nftables' `socket cgroupv2` match
 * names the cgroup when the rule is loaded (the folder must exist first,
 * and a rule per start), sees packets but never a bind, lives in the
 * network namespace's tables, which any holder of CAP_NET_ADMIN there may
 * flush, and needs the nft tool or libnftables; a cgroup program goes with
 * the cgroup, sees binds, and costs one descriptor-free attach per start.
 */
#include "netfilter.h"

#include <errno.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fence_config.h"
#include "net_rules.h"

#define INSNS_MAX 4096

enum label { L_PASS, L_DROP, L_V4, L_V6, _L_MAX };

struct prog {
        struct bpf_insn insn[INSNS_MAX];
        int n;
        int label_at[_L_MAX]; /* where each label is, -1 not yet */
        int fixups[INSNS_MAX], fixup_to[INSNS_MAX], n_fixups;
        int next_rule_fixups[8], n_next; /* jumps to the next rule */
        bool used[_L_MAX];               /* some jump goes to the label */
        bool dead;                       /* after an unconditional jump, until a label: the verifier
                                          * refuses code nothing reaches, so none is emitted */
        bool full;
};

static void emit(struct prog *p, struct bpf_insn i) {
        if (p->dead)
                return;
        if (p->n >= INSNS_MAX) {
                p->full = true;
                return;
        }
        p->insn[p->n++] = i;
}

static struct bpf_insn ins(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
        return (struct bpf_insn){
                .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

/* A jump whose offset is filled in once label is placed. */
static void jump_to(struct prog *p, uint8_t code, uint8_t dst, int32_t imm, enum label to) {
        if (p->dead)
                return;
        p->used[to] = true;
        if (p->n_fixups < INSNS_MAX) {
                p->fixups[p->n_fixups] = p->n;
                p->fixup_to[p->n_fixups++] = to;
        }
        emit(p, ins(code, dst, 0, 0, imm));
}

/* A jump to the start of the next rule (next_rule() places it). */
static void jump_next(struct prog *p, uint8_t code, uint8_t dst, int32_t imm) {
        if (p->dead)
                return;
        if (p->n_next < 8)
                p->next_rule_fixups[p->n_next++] = p->n;
        else
                p->full = true;
        emit(p, ins(code, dst, 0, 0, imm));
}

/* After a rule's jump to its verdict: the next rule begins here, reached
 * by the rule's failed comparisons; a rule without any (a catch-all such
 * as "any") leaves nothing after it reachable until the next label. */
static void next_rule(struct prog *p) {
        if (p->n_next == 0) {
                p->dead = true;
                return;
        }
        for (int i = 0; i < p->n_next; i++)
                p->insn[p->next_rule_fixups[i]].off = (int16_t)(p->n - p->next_rule_fixups[i] - 1);
        p->n_next = 0;
}

static void place(struct prog *p, enum label l) {
        p->dead = false;
        p->label_at[l] = p->n;
}

static void resolve(struct prog *p) {
        for (int i = 0; i < p->n_fixups; i++)
                p->insn[p->fixups[i]].off =
                        (int16_t)(p->label_at[p->fixup_to[i]] - p->fixups[i] - 1);
}

/* The two ends, each only when a jump goes there. */
static void verdicts(struct prog *p) {
        bool pass = p->used[L_PASS], drop = p->used[L_DROP];
        if (pass) {
                place(p, L_PASS);
                emit(p, ins(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 1));
                emit(p, ins(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
        }
        if (drop) {
                place(p, L_DROP);
                emit(p, ins(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0));
                emit(p, ins(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
        }
}

/* ---- addresses (CGROUP_SKB) ------------------------------------------------ */

/* The 32-bit word i of a's network bits as a little-endian load sees them,
 * and its mask. */
static void word_of(const struct ip_rule *r, int i, uint32_t *net, uint32_t *mask) {
        uint8_t m[4];
        for (int b = 0; b < 4; b++) {
                int bit = (i * 4 + b) * 8, left = r->prefix - bit;
                m[b] = left >= 8 ? 0xff : left <= 0 ? 0 : (uint8_t)(0xff << (8 - left));
        }
        memcpy(mask, m, 4);
        memcpy(net, r->addr + i * 4, 4);
        *net &= *mask;
}

/* The address is on the stack at r10-16 (4 or 16 bytes).  If it is in r's
 * network, jump to verdict; else fall through to the next rule. */
static void match_ip(struct prog *p, const struct ip_rule *r, enum label verdict) {
        int words = r->family == 4 ? 1 : 4;
        for (int i = 0; i < words; i++) {
                uint32_t net, mask;
                word_of(r, i, &net, &mask);
                if (!mask)
                        continue;
                emit(p, ins(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_10,
                            (int16_t)(-16 + 4 * i), 0));
                emit(p, ins(BPF_ALU | BPF_AND | BPF_K, BPF_REG_2, 0, 0, (int32_t)mask));
                jump_next(p, BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_2, (int32_t)net);
        }
        jump_to(p, BPF_JMP | BPF_JA, 0, 0, verdict);
        next_rule(p);
}

/* Each rule of texts of the family, jumping to verdict on a match. */
static int rules_ip(struct prog *p, char *const *texts, int family, enum label verdict,
                    char **ret_why) {
        for (; texts && *texts; texts++) {
                struct ip_rule r[2];
                int n = ip_rule_parse(*texts, r, ret_why);
                if (n < 0)
                        return n;
                for (int i = 0; i < n; i++)
                        if (r[i].family == family)
                                match_ip(p, &r[i], verdict);
        }
        return 0;
}

/* Loads len bytes of the packet at off onto the stack at r10-16; a load
 * that fails passes the packet (it is not IP enough to judge). */
static void load_address(struct prog *p, int off, int len) {
        emit(p, ins(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_6, 0, 0));
        emit(p, ins(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_2, 0, 0, off));
        emit(p, ins(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_10, 0, 0));
        emit(p, ins(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_3, 0, 0, -16));
        emit(p, ins(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_4, 0, 0, len));
        emit(p, ins(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_skb_load_bytes));
        jump_to(p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_0, 0, L_PASS);
}

static int family_part(struct prog *p, const struct service_fences *f, int family, bool egress,
                       char **ret_why) {
        /* The other end: the destination going out, the source coming in. */
        int off = family == 4 ? (egress ? 16 : 12) : (egress ? 24 : 8);
        load_address(p, off, family == 4 ? 4 : 16);
        int r = rules_ip(p, f->ip_allow, family, L_PASS, ret_why);
        if (r >= 0)
                r = rules_ip(p, f->ip_deny, family, L_DROP, ret_why);
        jump_to(p, BPF_JMP | BPF_JA, 0, 0, L_PASS);
        return r;
}

static int build_skb(struct prog *p, const struct service_fences *f, bool egress, char **ret_why) {
        emit(p, ins(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_1, 0, 0));
        emit(p, ins(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_6,
                    offsetof(struct __sk_buff, protocol), 0));
        /* skb->protocol is in network order: ETH_P_IP 0x0800, ETH_P_IPV6 0x86DD. */
        jump_to(p, BPF_JMP32 | BPF_JEQ | BPF_K, BPF_REG_2, (int32_t)htons(0x0800), L_V4);
        jump_to(p, BPF_JMP32 | BPF_JEQ | BPF_K, BPF_REG_2, (int32_t)htons(0x86DD), L_V6);
        jump_to(p, BPF_JMP | BPF_JA, 0, 0, L_PASS);
        place(p, L_V4);
        int r = family_part(p, f, 4, egress, ret_why);
        place(p, L_V6);
        if (r >= 0)
                r = family_part(p, f, 6, egress, ret_why);
        verdicts(p);
        resolve(p);
        return r;
}

/* ---- connect and send (CGROUP_SOCK_ADDR) ----------------------------------- */

/* A connect() or an unconnected send to a denied address fails at once
 * with EPERM, where the dropped packet alone would leave a TCP connect to
 * time out.  The address is copied from the context onto the stack, where
 * match_ip() reads it. */
static int build_connect(struct prog *p, const struct service_fences *f, int family,
                         char **ret_why) {
        int words = family == 4 ? 1 : 4;
        for (int i = 0; i < words; i++) {
                int16_t off = family == 4 ? (int16_t)offsetof(struct bpf_sock_addr, user_ip4)
                                          : (int16_t)(offsetof(struct bpf_sock_addr, user_ip6) +
                                                      4 * (size_t)i);
                emit(p, ins(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, off, 0));
                emit(p, ins(BPF_STX | BPF_MEM | BPF_W, BPF_REG_10, BPF_REG_2,
                            (int16_t)(-16 + 4 * i), 0));
        }
        int r = rules_ip(p, f->ip_allow, family, L_PASS, ret_why);
        if (r >= 0)
                r = rules_ip(p, f->ip_deny, family, L_DROP, ret_why);
        jump_to(p, BPF_JMP | BPF_JA, 0, 0, L_PASS);
        verdicts(p);
        resolve(p);
        return r;
}

/* ---- binds (CGROUP_SOCK_ADDR) ---------------------------------------------- */

/* r2 holds the port (host order), r3 the protocol. */
static void match_bind(struct prog *p, const struct bind_rule *b, enum label verdict) {
        if (b->proto)
                jump_next(p, BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_3, b->proto);
        jump_next(p, BPF_JMP32 | BPF_JLT | BPF_K, BPF_REG_2, b->lo);
        jump_next(p, BPF_JMP32 | BPF_JGT | BPF_K, BPF_REG_2, b->hi);
        jump_to(p, BPF_JMP | BPF_JA, 0, 0, verdict);
        next_rule(p);
}

static int rules_bind(struct prog *p, char *const *texts, int family, enum label verdict,
                      char **ret_why) {
        for (; texts && *texts; texts++) {
                struct bind_rule b;
                int r = bind_rule_parse(*texts, &b, ret_why);
                if (r < 0)
                        return r;
                if (!b.family || b.family == family)
                        match_bind(p, &b, verdict);
        }
        return 0;
}

static int build_bind(struct prog *p, const struct service_fences *f, int family, char **ret_why) {
        emit(p, ins(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1,
                    offsetof(struct bpf_sock_addr, user_port), 0));
        emit(p, ins(BPF_ALU | BPF_END | BPF_TO_BE, BPF_REG_2, 0, 0, 16)); /* to host order */
        emit(p, ins(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_3, BPF_REG_1,
                    offsetof(struct bpf_sock_addr, protocol), 0));
        int r = rules_bind(p, f->bind_allow, family, L_PASS, ret_why);
        if (r >= 0)
                r = rules_bind(p, f->bind_deny, family, L_DROP, ret_why);
        jump_to(p, BPF_JMP | BPF_JA, 0, 0, L_PASS);
        verdicts(p);
        resolve(p);
        return r;
}

/* ---- loading and attaching --------------------------------------------------- */

static int say(char **ret_why, int e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int say(char **ret_why, int e, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(ret_why, fmt, ap) < 0)
                *ret_why = NULL;
        va_end(ap);
        return -e;
}

static int bpf(int cmd, union bpf_attr *a) {
        return (int)syscall(__NR_bpf, cmd, a, sizeof(*a));
}

static int load_attach(int cgroup_fd, const struct prog *p, enum bpf_prog_type type,
                       enum bpf_attach_type attach, char **ret_why) {
        if (p->full)
                return say(ret_why, E2BIG, "its network rules make a program too large");
        static char log[4096];
        log[0] = '\0';
        union bpf_attr a = {0};
        a.prog_type = type;
        a.expected_attach_type = attach;
        a.insns = (uint64_t)(uintptr_t)p->insn;
        a.insn_cnt = (uint32_t)p->n;
        a.license = (uint64_t)(uintptr_t) "GPL";
        a.log_buf = (uint64_t)(uintptr_t)log;
        a.log_size = sizeof(log);
        a.log_level = 1;
        int fd = bpf(BPF_PROG_LOAD, &a);
        for (char *nl; (nl = strchr(log, '\n'));) /* one line for scmd's log */
                *nl = ' ';
        if (fd < 0) {
                int e = errno;
                return say(ret_why, e, "the kernel refused its network rules' program (%s)%s%s",
                           strerror(e), log[0] ? ": " : "", log);
        }
        a = (union bpf_attr){0};
        a.target_fd = (uint32_t)cgroup_fd;
        a.attach_bpf_fd = (uint32_t)fd;
        a.attach_type = attach;
        int r = bpf(BPF_PROG_ATTACH, &a);
        int e = errno;
        close(fd);
        if (r < 0)
                return say(ret_why, e, "cannot attach its network rules to its cgroup: %s",
                           strerror(e));
        return 0;
}

int netfilter_attach(int cgroup_fd, const struct service_fences *f, char **ret_why) {
        *ret_why = NULL;
        if (!service_fences_network(f))
                return 0;
        if (cgroup_fd < 0)
                return say(ret_why, EOPNOTSUPP,
                           "network rules are enforced on a service's cgroup, and this scmd has "
                           "none (cgroup v2 unavailable, or a user's scmd)");
        struct prog *p = malloc(sizeof(*p));
        if (!p)
                return -ENOMEM;
        int r = 0;
        if (f->ip_allow || f->ip_deny)
                for (int egress = 0; r >= 0 && egress < 2; egress++) {
                        memset(p, 0, sizeof(*p));
                        r = build_skb(p, f, egress, ret_why);
                        if (r >= 0)
                                r = load_attach(cgroup_fd, p, BPF_PROG_TYPE_CGROUP_SKB,
                                                egress ? BPF_CGROUP_INET_EGRESS
                                                       : BPF_CGROUP_INET_INGRESS,
                                                ret_why);
                }
        static const enum bpf_attach_type hooks[] = {
                BPF_CGROUP_INET4_CONNECT, BPF_CGROUP_INET6_CONNECT, BPF_CGROUP_UDP4_SENDMSG,
                BPF_CGROUP_UDP6_SENDMSG};
        for (size_t i = 0; r >= 0 && (f->ip_allow || f->ip_deny) && i < 4; i++) {
                int family = i % 2 ? 6 : 4;
                memset(p, 0, sizeof(*p));
                r = build_connect(p, f, family, ret_why);
                if (r >= 0)
                        r = load_attach(cgroup_fd, p, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, hooks[i],
                                        ret_why);
        }
        if (f->bind_allow || f->bind_deny)
                for (int family = 4; r >= 0 && family <= 6; family += 2) {
                        memset(p, 0, sizeof(*p));
                        r = build_bind(p, f, family, ret_why);
                        if (r >= 0)
                                r = load_attach(cgroup_fd, p, BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
                                                family == 4 ? BPF_CGROUP_INET4_BIND
                                                            : BPF_CGROUP_INET6_BIND,
                                                ret_why);
                }
        free(p);
        return r;
}
