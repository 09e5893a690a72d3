#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes docs/man3/scm-HEADER.3, the section-3 page of each public header
of libscm, from the header itself: its opening comment is the page's
description, each declaration with the comment before it an entry.  The
headers are written for people, so the pages say what they say and cannot
drift from them.  Run after changing a header:

    scripts/gen-man3.py [OUTDIR]   (default: docs/man3)

meson installs the pages and, through scripts/install-man3-links.sh, one
`.so` page per function named in each page's NAME, so `man 3 scm_connect`
opens scm-client(3).  test_library checks every exported function has one.
"""
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEADERS = {
    "client": "connect to scmd, start, stop, query, create, delete and list services",
    "manage": "read and change services' configuration, failure actions, privileges and logs",
    "notify": "service status notifications (NotifyServiceStatusChange)",
    "service": "the service side: dispatcher, control handler, status reports",
    "params": "a service's parameters, the registry way",
    "tasks": "scheduled tasks",
    "resources": "a service's resource limits and usage",
    "activation": "a service's listening sockets (socket activation)",
    "triggers": "the events that start or stop a service (service triggers)",
    "raw": "any method of the scm protocol as JSON (the escape hatch)",
    "error": "libscm's return values and the Win32 error names",
    "types": "service states, types, start types and controls, and their names",
}
SEE_ALSO = ["scctl (1)", "scmd (8)", "scm-protocol (7)"]


def roff(text):
    text = text.replace("\\", "\\e")
    lines = []
    for line in text.split("\n"):
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def comment_text(c):
    c = re.sub(r"^/\*+\s?|\s*\*/$", "", c.strip())
    return "\n".join(re.sub(r"^\s*\* ?", "", l) for l in c.split("\n")).strip()


def parse(path):
    src = open(path).read()
    first = re.search(r"/\*.*?\*/\s*/\*(.*?)\*/", src, re.S)
    intro = comment_text("/*" + first.group(1) + "*/") if first else ""
    entries = []  # (comment, declaration, [function names])
    body = src[first.end():] if first else src
    pending = ""
    pos = 0
    token = re.compile(r"/\*.*?\*/|#(?:[^\n\\]|\\\n|\\.)*|\s*static inline[^{;]*\{[^}]*\}"
                       r"|[^;{}/#]*(?:\{[^}]*\}[^;]*)?;|\n|.", re.S)
    while pos < len(body):
        m = token.match(body, pos)
        pos = m.end()
        t = m.group(0)
        if t.startswith("/*"):
            pending = (pending + "\n\n" if pending else "") + comment_text(t)
        elif t.startswith("#"):
            words = t.split()
            if t.startswith("#define SCM_") and not words[1].endswith("_H"):
                entries.append((pending, " ".join(t.replace("\\\n", " ").split()), []))
            pending = ""
        elif t.strip().startswith("static inline"):
            decl = " ".join(t.split("{")[0].split()) + ";"
            entries.append((pending, decl, re.findall(r"\b(scm_\w+)\s*\(", decl)[:1]))
            pending = ""
        elif t.endswith(";") and t.strip() != ";":
            decl = " ".join(t.split())
            if "{" in t:  # a struct or enum: as the header lays it out
                decl = t.strip()
            names = re.findall(r"\b(scm_\w+)\s*\(", decl)
            names = [n for n in names if not re.search(r"typedef", decl)] [:1]
            entries.append((pending, decl, names))
            pending = ""
        elif t == "\n" and body[pos:pos + 1] == "\n":
            pass
    return intro, entries


def page(name, summary, intro, entries):
    funcs = [n for _, _, ns in entries for n in ns]
    out = [".\\\" SPDX-License-Identifier: MIT",
           ".\\\" Made by scripts/gen-man3.py from include/scm/%s.h: edit the header, then run it." % name,
           '.TH SCM-%s 3 "2026" "scm" "Library Functions"' % name.upper(), ".SH NAME",
           "scm-%s%s \\- %s" % (name, (", " + ", ".join(funcs)) if funcs else "", summary),
           ".SH SYNOPSIS", ".nf", ".B #include <scm/%s.h>" % name, ".PP"]
    for _, decl, _ in entries:
        out.append(roff(decl))
    libs = "scm jansson" if name == "raw" else "scm"
    out += [".fi", ".PP", "Link with", '.BR "pkg-config --cflags --libs %s" .' % libs,
            ".SH DESCRIPTION", roff(intro)]
    for comment, decl, names in entries:
        if not comment:
            continue
        section = re.match(r"---- (.*) ----\s*", comment)
        if section:
            out.append(".SS " + roff(section.group(1)))
            comment = comment[section.end():]
            if not comment:
                continue
        out += [".TP", ".B " + (names[0] + "()" if names else roff(decl.split("{")[0].strip().rstrip(";"))),
                roff(comment)]
    out += [".SH RETURN VALUE",
            "Unless said otherwise above, a function returns a value >= 0 on success,",
            "a negative errno value for a local failure, and",
            ".BI SCM_ERR( win32 )",
            "for an error the SCM reported (see",
            ".BR scm-error (3));",
            "then",
            ".BR scm_client_error_message ()",
            "has the SCM's sentence.",
            ".SH EXAMPLES",
            "The source tree's",
            ".I examples/%s" % ("native-counter.c" if name == "service" else "libscm/"),
            "has a complete program for this header; the project's test suite builds it",
            "against an installed tree and runs it.",
            ".SH SEE ALSO"]
    others = ["scm-%s (3)" % h for h in HEADERS if h != name]
    out.append(",\n".join(".BR " + s for s in others + SEE_ALSO))
    return "\n".join(out) + "\n"


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "docs", "man3")
    for name, summary in HEADERS.items():
        intro, entries = parse(os.path.join(TOP, "include", "scm", name + ".h"))
        path = os.path.join(outdir, "scm-%s.3" % name)
        with open(path, "w") as f:
            f.write(page(name, summary, intro, entries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
