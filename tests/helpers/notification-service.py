#!/usr/bin/python3
# SPDX-License-Identifier: MIT
#
# notification-service.py BUS: a desktop's notification service for the
# tests, on a real session bus.  It connects to the bus at the Unix socket
# BUS as its own user, owns org.freedesktop.Notifications, answers every
# Notify call with a notification id, and prints a line "SUMMARY<TAB>BODY"
# for each, after a first line "ready" once it owns the name.  No desktop runs here to show a notification, and no D-Bus binding
# for Python is needed: it speaks the few messages it needs itself.
import os
import socket
import struct
import sys
import time

NAME = "org.freedesktop.Notifications"


class Writer:
    def __init__(self, data=b""):
        self.b = data

    def align(self, n):
        self.b += b"\0" * ((-len(self.b)) % n)

    def u8(self, v):
        self.b += bytes([v])

    def u32(self, v):
        self.align(4)
        self.b += struct.pack("<I", v)

    def string(self, v):
        e = v.encode()
        self.u32(len(e))
        self.b += e + b"\0"

    def signature(self, v):
        e = v.encode()
        self.u8(len(e))
        self.b += e + b"\0"


class Reader:
    def __init__(self, data, pos=0):
        self.b, self.p = data, pos

    def align(self, n):
        self.p += (-self.p) % n

    def u8(self):
        self.p += 1
        return self.b[self.p - 1]

    def u32(self):
        self.align(4)
        self.p += 4
        return struct.unpack_from("<I", self.b, self.p - 4)[0]

    def string(self):
        n = self.u32()
        self.p += n + 1
        return self.b[self.p - n - 1:self.p - 1].decode()

    def signature(self):
        n = self.u8()
        self.p += n + 1
        return self.b[self.p - n - 1:self.p - 1].decode()


def message(kind, serial, fields, sig, body):
    """kind 1 call, 2 return; fields: (code, type, value) with type o, s, u."""
    w = Writer(b"l" + bytes([kind, 0, 1]) + struct.pack("<III", len(body), serial, 0))
    for code, t, v in fields + ([(8, "g", sig)] if sig else []):
        w.align(8)
        w.u8(code)
        w.signature(t)
        if t == "g":
            w.signature(v)
        elif t == "u":
            w.u32(v)
        else:
            w.string(v)
    w.b = w.b[:12] + struct.pack("<I", len(w.b) - 16) + w.b[16:]
    w.align(8)
    return w.b + body


def parse(buf):
    """(kind, serial, fields, body, length) of the first message, or None."""
    if len(buf) < 16:
        return None
    if buf[0:1] != b"l":
        sys.exit("notification-service: the bus speaks big-endian")
    body_len, serial, flen = struct.unpack_from("<III", buf, 4)
    start = 16 + flen + ((-(16 + flen)) % 8)
    if len(buf) < start + body_len:
        return None
    r, fields = Reader(buf, 16), {}
    while r.p < 16 + flen:
        r.align(8)
        code, t = r.u8(), r.signature()
        fields[code] = r.signature() if t == "g" else r.u32() if t == "u" else r.string()
    return buf[1], serial, fields, buf[start:start + body_len], start + body_len


def bus_call(serial, member, sig="", body=b""):
    return message(1, serial, [(1, "o", "/org/freedesktop/DBus"), (2, "s", "org.freedesktop.DBus"),
                               (3, "s", member), (6, "s", "org.freedesktop.DBus")], sig, body)


def main():
    bus = sys.argv[1]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(bus)
    s.sendall(b"\0AUTH EXTERNAL " + str(os.getuid()).encode().hex().encode() + b"\r\n")
    if not s.recv(256).startswith(b"OK "):
        sys.exit("notification-service: the bus refused us")
    s.sendall(b"BEGIN\r\n")
    w = Writer()
    w.string(NAME)
    w.u32(4)  # DBUS_NAME_FLAG_DO_NOT_QUEUE
    s.sendall(bus_call(1, "Hello") + bus_call(2, "RequestName", "su", w.b))
    buf, next_serial, shown = b"", 3, 0
    end = time.time() + 300
    while time.time() < end:
        data = s.recv(65536)
        if not data:
            return
        buf += data
        while (m := parse(buf)) is not None:
            kind, serial, fields, body, length = m
            buf = buf[length:]
            if kind == 2 and fields.get(5) == 2:
                print("ready", flush=True)
            if kind == 1 and fields.get(3) == "Notify" and fields.get(2) == NAME:
                r = Reader(body)
                r.string(), r.u32(), r.string()
                summary, text = r.string(), r.string()
                print(summary + "\t" + text, flush=True)
                shown += 1
                reply = Writer()
                reply.u32(shown)
                s.sendall(message(2, next_serial, [(5, "u", serial), (6, "s", fields[7])], "u",
                                  reply.b))
                next_serial += 1


main()
