#!/usr/bin/env python3
"""Replays issue 11's cheap attacks against a running AEIC server on this machine (not a test; loopback only).

    python3 server/bench/attacks.py [--port 8080] [--image IMG] [--n 18] [--slow-seconds 20]

For each attack it prints what a normal client gets while the attack runs and afterwards, and /health:
  abandoned  N complete bodies holding an unterminated multipart part; the client gives up after 2 s (curl -m2)
  partial    N requests declaring Content-Length: 100 that send 2 bytes, hold the connection, then close
  slow       N connections sending a body at 1 byte/s; a normal compress is sent meanwhile
  http       protocol edge cases: status, Content-Type, and whether the connection stays open
Every loop is bounded in count and time; it only talks to 127.0.0.1.
"""
import argparse
import http.client
import json
import socket
import threading
import time

HOST = "127.0.0.1"


def health(port):
    c = http.client.HTTPConnection(HOST, port, timeout=10)
    c.request("GET", "/health")
    r = c.getresponse()
    body = json.loads(r.read() or b"{}")
    c.close()
    return {k: body.get(k) for k in ("busy", "queued", "status")}


def compress(port, body, timeout=60):
    t0 = time.monotonic()
    try:
        c = http.client.HTTPConnection(HOST, port, timeout=timeout)
        c.request("POST", "/v1/compress?quality=4", body=body, headers={"Content-Type": "application/octet-stream"})
        r = c.getresponse()
        r.read()
        c.close()
        return r.status, time.monotonic() - t0
    except Exception as e:  # noqa: BLE001 - report anything as the outcome
        return type(e).__name__, time.monotonic() - t0


def raw(port, data, hold=0.0, read=True, timeout=10):
    """Sends bytes on a fresh connection; returns (first status line or '', header block, closed by server)."""
    s = socket.create_connection((HOST, port), timeout=timeout)
    try:
        s.sendall(data)
        if hold:
            time.sleep(hold)
        if not read:
            return "", "", False
        buf = b""
        closed = False
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                closed = True
                break
            buf += chunk
            if b"\r\n\r\n" in buf:
                head, _, rest = buf.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    k, _, v = line.partition(b":")
                    if k.strip().lower() == b"content-length":
                        length = int(v.strip())
                if len(rest) >= length:
                    s.settimeout(1.0)  # does the server close after this answer?
                    try:
                        closed = s.recv(1) == b""
                    except socket.timeout:
                        closed = False
                    break
        text = buf.decode("latin-1")
        return text.split("\r\n", 1)[0], text, closed
    finally:
        s.close()


def abandoned(port, n, img):
    part = (b"--B\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n"
            b"Content-Type: image/png\r\n\r\nxxxx")
    head = (f"POST /v1/compress HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=B\r\n"
            f"Content-Length: {len(part)}\r\n\r\n").encode()
    threads = [threading.Thread(target=raw, args=(port, head + part, 2.0, False)) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    time.sleep(3)
    print(f"abandoned: {n} multipart uploads given up after 2 s; 3 s later /health {health(port)};"
          f" a normal compress: {fmt(compress(port, img))}")


def partial(port, n, img, hold):
    data = b"POST /v1/compress HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: 100\r\n\r\nxx"
    results = []
    threads = [threading.Thread(target=lambda: results.append(raw(port, data, 0, True, hold)))
               for _ in range(n)]
    for t in threads:
        t.start()
    time.sleep(1)
    during = compress(port, img, timeout=hold + 30)
    for t in threads:
        t.join()
    time.sleep(2)
    answers = sorted({r[0] for r in results})
    print(f"partial: {n} bodies of 2 of 100 bytes; they got {answers}; a normal compress meanwhile: {fmt(during)};"
          f" afterwards /health {health(port)}, a normal compress: {fmt(compress(port, img))}")


def slow(port, n, img, seconds):
    stop = time.monotonic() + seconds
    outcome = []

    def trickle():
        try:
            s = socket.create_connection((HOST, port), timeout=seconds + 10)
            s.sendall(b"POST /v1/compress HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
                      b"Content-Length: 100000\r\n\r\n")
            sent = 0
            while time.monotonic() < stop:
                s.sendall(b"x")
                sent += 1
                time.sleep(1)
            outcome.append(f"alive after {sent} bytes")
            s.close()
        except OSError as e:
            outcome.append(f"closed by server ({type(e).__name__})")

    threads = [threading.Thread(target=trickle) for _ in range(n)]
    for t in threads:
        t.start()
    time.sleep(min(3, seconds / 2))
    during = compress(port, img, timeout=seconds + 60)
    for t in threads:
        t.join()
    summary = {}
    for o in outcome:
        key = o.split(" after")[0] if o.startswith("alive") else o
        summary[key] = summary.get(key, 0) + 1
    print(f"slow: {n} clients at 1 byte/s for {seconds} s -> {summary}; a normal compress meanwhile: {fmt(during)};"
          f" afterwards /health {health(port)}")


def fmt(r):
    status, secs = r
    return f"{status} in {secs:.2f} s"


def http_cases(port):
    cases = {
        "HEAD /health": b"HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n",
        "DELETE /health": b"DELETE /health HTTP/1.1\r\nHost: x\r\n\r\n",
        "Content-Length: -5": b"POST /v1/compress HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        "Content-Length: 1e23": b"POST /v1/compress HTTP/1.1\r\nHost: x\r\nContent-Length: 1e23\r\n\r\n",
        "CL + TE, then a pipelined GET": (b"POST /v1/compress HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                                          b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                                          b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"),
        "URI of 10 kB (HTTP/1.0)": b"GET /" + b"a" * 10000 + b" HTTP/1.0\r\n\r\n",
        "headers of 20 kB (HTTP/1.0)": b"GET /health HTTP/1.0\r\nX-A: " + b"a" * 20000 + b"\r\n\r\n",
        "quality=0x1p2": b"POST /v1/compress?quality=0x1p2 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
        "quality=4d": b"POST /v1/compress?quality=4d HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
    }
    for name, data in cases.items():
        line, text, closed = raw(port, data)
        head = text.split("\r\n\r\n", 1)[0].lower()
        ctype = next((h.split(":", 1)[1].strip() for h in head.split("\r\n") if h.startswith("content-type:")), "-")
        allow = next((h.split(":", 1)[1].strip() for h in head.split("\r\n") if h.startswith("allow:")), "-")
        print(f"http: {name:32s} -> {line or '(nothing)':28s} type {ctype:26s} allow {allow:10s}"
              f" {'closed' if closed else 'kept open'}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--image", default="../shared/datasets/kodak/kodim01.png")
    p.add_argument("--n", type=int, default=18)
    p.add_argument("--slow-seconds", type=int, default=20)
    p.add_argument("--partial-hold", type=int, default=12)
    p.add_argument("--only", default="abandoned,partial,slow,http")
    a = p.parse_args()
    img = open(a.image, "rb").read()
    print(f"before: /health {health(a.port)}, a normal compress: {fmt(compress(a.port, img))}")
    only = a.only.split(",")
    if "abandoned" in only:
        abandoned(a.port, a.n, img)
    if "partial" in only:
        partial(a.port, a.n, img, a.partial_hold)
    if "slow" in only:
        slow(a.port, a.n, img, a.slow_seconds)
    if "http" in only:
        http_cases(a.port)


if __name__ == "__main__":
    main()
