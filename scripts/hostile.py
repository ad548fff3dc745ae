#!/usr/bin/env python3
"""Hostile input against a running service (standard library only).

    python3 scripts/hostile.py --url http://127.0.0.1:8080 --token TOKEN --pid PID

Sends the requests an attacker holding any valid token would: fragment fan-out, alias
amplification, deep nesting, huge pages, NUL bytes, huge bodies (sized and chunked), a huge
cursor, and slow (slowloris-style) headers and bodies, while a thread polls /healthz. Prints
each case with its status, time and answer size, the slowest /healthz answer, and the server's
RSS before and after (from /proc/PID/status). Exits 1 when a request took 1 s or more, got a
5xx or an error without a code, /healthz stalled for 1 s or more, or RSS grew by more than 50 MB.
"""

import argparse
import http.client
import json
import socket
import sys
import threading
import time
import urllib.parse


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Health(threading.Thread):
    """Polls /healthz until stopped; keeps the slowest answer."""

    def __init__(self, host, port):
        super().__init__(daemon=True)
        self.host, self.port = host, port
        self.slowest = 0.0
        self.failures = 0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                connection = http.client.HTTPConnection(self.host, self.port, timeout=5)
                connection.request("GET", "/healthz")
                ok = connection.getresponse().status == 200
                connection.close()
            except OSError:
                ok = False
            self.slowest = max(self.slowest, time.monotonic() - started)
            self.failures += 0 if ok else 1
            time.sleep(0.05)


def post(host, port, token, body, chunked=False, content_type="application/json"):
    """Sends one POST /graphql; returns (status, seconds, bytes, first error code)."""
    started = time.monotonic()
    connection = http.client.HTTPConnection(host, port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type,
               "Accept": "application/graphql-response+json"}
    def chunks():
        for start in range(0, len(body), 64 * 1024):
            yield body[start:start + 64 * 1024]
    try:
        if chunked:
            connection.request("POST", "/graphql", body=chunks(), headers=headers, encode_chunked=True)
        else:
            connection.request("POST", "/graphql", body=body, headers=headers)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered (413) and closed before the whole body was sent
    response = connection.getresponse()
    data = response.read()
    connection.close()
    seconds = time.monotonic() - started
    code = None
    try:
        answer = json.loads(data)
        errors = answer.get("errors") or []
        code = errors[0].get("extensions", {}).get("code", "NO CODE") if errors else None
    except (ValueError, AttributeError):
        code = "NOT JSON"
    return response.status, seconds, len(data), code


def graphql(query, variables=None):
    return json.dumps({"query": query, "variables": variables or {}}).encode()


def cases():
    fan_out = "{ ...F0 } " + " ".join(
        f"fragment F{n} on Query {{ ...F{n + 1} ...F{n + 1} }}" for n in range(30)) + " fragment F30 on Query { __typename }"
    aliases = "{ " + " ".join(f"a{n}: people(first: 100) {{ edges {{ node {{ name }} }} }}" for n in range(4999)) + " }"
    deep = "{ viewer { person { " + "manager { " * 90 + "name" + " }" * 90 + " } } }"
    yield "fragment fan-out, 30 levels", graphql(fan_out), False
    yield "4,999 aliased pages of 100", graphql(aliases), False
    yield "1,000 createSkill mutations", graphql("mutation { " + " ".join(
        f"s{n}: createSkill(input: {{ name: \"S{n}\", category: OTHER }}) {{ id }}" for n in range(1000)) + " }"), False
    yield "nesting 90 deep", graphql(deep), False
    yield "a page of 1,000,000", graphql("{ people(first: 1000000) { edges { node { name } } } }"), False
    yield "nested pages 100 x 100", graphql(
        "{ programs(first: 100) { nodes { enrollments(first: 100) { nodes { person { name email } } } } } }"), False
    yield "NUL in a variable", graphql("mutation($n: String!) { createSkill(input: { name: $n, category: OTHER }) { id } }",
                                       {"n": "a\u0000b"}), False
    yield "NUL in a literal", graphql("{ person(employeeId: \"E1\\u0000\") { name } }"), False
    yield "100 KB cursor", graphql("query($c: String) { people(after: $c) { nodes { name } } }", {"c": "A" * 100_000}), False
    big = graphql("{ viewer { org } } #" + "x" * 10_000_000)
    yield "10 MB body", big, False
    yield "10 MB chunked body", big, True


def slow_clients(host, port, token, count, seconds):
    """Opens `count` connections that dribble headers or a body for `seconds`."""
    sockets = []
    for n in range(count):
        try:
            s = socket.create_connection((host, port), timeout=5)
        except OSError:
            continue
        if n % 2 == 0:
            s.sendall(b"POST /graphql HTTP/1.1\r\nHost: x\r\n")
        else:
            s.sendall(f"POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
                      "Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{".encode())
        sockets.append(s)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for s in sockets:
            try:
                s.sendall(b"X-a: b\r\n" if sockets.index(s) % 2 == 0 else b" ")
            except OSError:
                pass
        time.sleep(1)
    for s in sockets:
        s.close()
    return len(sockets)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--slow-seconds", type=int, default=8)
    args = parser.parse_args()
    url = urllib.parse.urlparse(args.url)
    host, port = url.hostname, url.port or 80
    health = Health(host, port)
    before = rss_mb(args.pid)
    health.start()
    failed = False
    print(f"{'case':32} {'status':>6} {'seconds':>8} {'bytes':>9}  code")
    for name, body, chunked in cases():
        status, seconds, size, code = post(host, port, args.token, body, chunked)
        bad = seconds >= 1.0 or status >= 500 or code in ("NO CODE", "NOT JSON")
        failed |= bad
        print(f"{name:32} {status:>6} {seconds:>8.3f} {size:>9}  {code}{'  <-- FAIL' if bad else ''}")
    opened = slow_clients(host, port, args.token, 200, args.slow_seconds)
    print(f"{'slow headers and bodies':32} {opened:>6} connections for {args.slow_seconds} s")
    time.sleep(1)
    health.stop.set()
    health.join()
    after = rss_mb(args.pid)
    print(f"/healthz slowest answer: {health.slowest:.3f} s, failures: {health.failures}")
    print(f"RSS before {before:.1f} MB, after {after:.1f} MB, growth {after - before:+.1f} MB")
    failed |= health.slowest >= 1.0 or health.failures > 0 or after - before > 50
    print("FAILED" if failed else "passed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
