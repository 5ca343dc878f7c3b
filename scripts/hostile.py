#!/usr/bin/env python3
"""A hostile client against a live `footfall serve` on loopback: every probe of the security
issue, each with the answer Footfall must give. Run by scripts/hostile.sh (which starts the
server with short timeouts and a small per-address cap); exits non-zero on the first failure.

No verdict depends on a sleep racing the server: waits are for the server to act (close a
connection, count a crossing), bounded only so that a hang fails instead of blocking CI.
"""
import datetime
import http.client
import json
import os
import socket
import sys
import time
import urllib.parse

PORT = int(os.environ["FOOTFALL_HOSTILE_PORT"])
PASSWORD = os.environ["FOOTFALL_HOSTILE_PASSWORD"]
TIMEOUT = float(os.environ.get("FOOTFALL_HOSTILE_TIMEOUT", "3"))  # the server's header, idle and request timeouts
CAP = int(os.environ.get("FOOTFALL_HOSTILE_CAP", "40"))  # connections per address
BOUND = 60  # seconds before a wait counts as a hang

checks = 0


def ok(what):
    global checks
    checks += 1
    print(f"ok {checks} - {what}", flush=True)


def fail(what):
    print(f"not ok - {what}", flush=True)
    sys.exit(1)


def expect(condition, what):
    if not condition:
        fail(what)
    ok(what)


def request(method, path, body=None, token=None, headers=None, source="127.0.0.1"):
    """One request on its own connection; returns (status, headers, body bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=BOUND, source_address=(source, 0))
    all_headers = dict(headers or {})
    if token:
        all_headers["Authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        all_headers.setdefault("Content-Type", "application/json")
    connection.request(method, path, body=data, headers=all_headers)
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, payload


def json_of(payload):
    try:
        return json.loads(payload)
    except ValueError:
        return {}


def raw(data, source="127.0.0.1"):
    """Sends `data` on a new connection and reads until the server closes it."""
    sock = socket.create_connection(("127.0.0.1", PORT), timeout=BOUND, source_address=(source, 0))
    if data:
        sock.sendall(data)
    received = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        received += chunk
    sock.close()
    return received


def closed_by_server(sock):
    """Waits (bounded) until the server closes `sock`; true when it did."""
    sock.settimeout(BOUND)
    try:
        while sock.recv(65536):
            pass
        return True
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True


def stamp(seconds_from_now):
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds_from_now)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def frames(times, xs):
    return {"frames": [{"time": t, "people": [{"x": x, "y": 150, "width": 40, "height": 100}]} for t, x in zip(times, xs)]}


def live_totals(token):
    status, _, payload = request("GET", "/api/v1/live", token=token)
    for camera in json_of(payload).get("cameras", []):
        if camera["id"] == "door":
            return camera
    return None


def main():
    status, _, payload = request("POST", "/api/v1/sessions", {"username": "admin", "password": PASSWORD})
    expect(status == 201, "the administrator signs in")
    admin = json_of(payload)["token"]

    # A camera that counts what it is pushed: a vertical line at x = 200.
    status, _, _ = request("POST", "/api/v1/cameras", {"id": "door", "name": "Door", "source": "external"}, token=admin)
    expect(status == 201, "a pushed camera is added")
    status, _, _ = request("PUT", "/api/v1/cameras/door/geometry",
                           {"lines": [{"name": "entrance", "a": [200, 0], "b": [200, 400]}], "zones": []}, token=admin)
    expect(status == 200, "its counting line is drawn")
    status, _, payload = request("POST", "/api/v1/tokens", {"name": "door camera", "camera": "door"}, token=admin)
    expect(status == 201, "the camera gets a token of its own")
    camera_token = json_of(payload)["token"]

    # Forged counts and CSRF.
    genuine_path = "/api/v1/cameras/door/detections"
    status, _, _ = request("POST", genuine_path, frames([stamp(-1)], [10]))
    expect(status == 401, "an anonymous push is refused (401)")
    status, _, _ = request("POST", genuine_path, json.dumps(frames([stamp(-1)], [10])).encode(), token=camera_token,
                           headers={"Content-Type": "text/plain"})
    expect(status == 415, "a text/plain push, which any web page can send, is refused (415)")
    status, _, _ = request("POST", "/api/v1/cameras", {"id": "evil", "name": "Evil", "source": "external"}, token=admin,
                           headers={"Origin": "http://evil.example"})
    expect(status == 403, "a change sent by another site's page is refused (403 naming Origin)")
    status, _, _ = request("GET", "/api/v1/cameras", token=camera_token)
    expect(status == 403, "the camera's token reads nothing (403)")

    # The pipeline takes pushes once it runs: wait for the first genuine push to be taken.
    # Poisoning first: none of these may be taken or move the camera's counting.
    deadline = time.monotonic() + BOUND
    while True:
        status, _, payload = request("POST", genuine_path, frames(["9999-12-31T00:00:00Z"], [10]), token=camera_token)
        if status != 409 or time.monotonic() > deadline:
            break
        time.sleep(0.2)  # the camera's pipeline starting: the verdict below does not depend on how long
    expect(status == 422 and json_of(payload)["error"]["field"] == "frames[0].time",
           "a frame stamped 9999-12-31 is refused (422 naming frames[0].time)")
    for label, when in [("1970", "1970-01-01T00:00:00Z"), ("a minute ahead", stamp(60)), ("a minute old", stamp(-60))]:
        status, _, _ = request("POST", genuine_path, frames([when], [10]), token=camera_token)
        expect(status == 422, f"a frame {label} is refused (422)")

    # Genuine frames after the attack: a person walks across the line, 10 frames a second.
    times = [stamp(-2.5 + 0.1 * i) for i in range(24)]
    xs = [40 + 14 * i for i in range(24)]
    walk = frames(times, xs)
    status, _, payload = request("POST", genuine_path, walk, token=camera_token)
    expect(status == 202 and json_of(payload).get("frames") == 24, "genuine frames after the attack are taken (202)")
    status, _, _ = request("POST", genuine_path, walk, token=camera_token)
    expect(status == 422, "the same frames sent again are refused, not counted twice (422)")
    counted = None
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        camera = live_totals(admin)
        lines = (camera or {}).get("lines", [])
        counted = sum(line["in"] + line["out"] for line in lines)
        if counted:
            break
        time.sleep(0.2)
    expect(counted == 1, f"the walk is counted once after the poisoning (counted {counted})")
    updated = (live_totals(admin) or {}).get("updated")
    expect(updated is not None and updated[:4] != "9999", "the camera's time was never moved to 9999")

    # Limits.
    line = b"GET /" + b"a" * (100 << 10) + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    expect(raw(line).startswith(b"HTTP/1.1 414"), "a 100 KB request line is refused (414) and closed")
    slow = socket.create_connection(("127.0.0.1", PORT), timeout=BOUND)
    slow.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    expect(closed_by_server(slow), f"slow headers are closed (header timeout {TIMEOUT:g} s)")
    idle = socket.create_connection(("127.0.0.1", PORT), timeout=BOUND)
    idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    expect(idle.recv(65536).startswith(b"HTTP/1.1 200"), "a kept-alive connection is answered")
    expect(closed_by_server(idle), f"then closed when idle (idle timeout {TIMEOUT:g} s)")
    trickle = socket.create_connection(("127.0.0.1", PORT), timeout=BOUND)
    trickle.sendall(f"POST {genuine_path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    f"Authorization: Bearer {camera_token}\r\nContent-Length: 100000\r\n\r\n".encode())
    closed = False
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        try:
            trickle.sendall(b" ")
        except OSError:
            closed = True
            break
        trickle.settimeout(TIMEOUT / 4)
        try:
            if trickle.recv(65536) == b"":
                closed = True
                break
        except socket.timeout:
            pass
        except OSError:
            closed = True
            break
    expect(closed, f"a body trickled in a byte at a time is closed (request timeout {TIMEOUT:g} s)")

    held = []
    refusal = b""
    for _ in range(CAP + 5):
        sock = socket.create_connection(("127.0.0.1", PORT), timeout=BOUND)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        answer = sock.recv(65536)
        held.append(sock)
        if answer.startswith(b"HTTP/1.1 503"):
            refusal = answer
            break
    expect(refusal.startswith(b"HTTP/1.1 503") and b"Retry-After" in refusal,
           f"beyond {CAP} connections from one address a new one gets 503 with Retry-After")
    status, _, _ = request("GET", "/healthz", source="127.0.0.2")
    expect(status == 200, "/healthz still answers another address while the cap holds")
    for sock in held:
        sock.close()
    # The server frees their places once it sees them closed, on its own time.
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        try:
            if request("GET", "/healthz")[0] == 200:
                break
        except OSError:
            pass
        time.sleep(0.1)

    # Browsers.
    def upgrade(origin):
        sock = socket.create_connection(("127.0.0.1", PORT), timeout=BOUND)
        sock.sendall(b"GET /api/v1/live/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                     + (b"Origin: " + origin + b"\r\n" if origin else b"")
                     + b"Authorization: Bearer " + admin.encode() + b"\r\n\r\n")
        answer = sock.recv(65536)
        sock.close()
        return answer
    expect(upgrade(None).startswith(b"HTTP/1.1 101"), "the live WebSocket opens for a client that is not a web page")
    answer = upgrade(b"http://evil.example")
    # Refused at the upgrade: the HTTP server answers a refused upgrade with 400, never 101.
    expect(answer.startswith(b"HTTP/1.1 4") and not answer.startswith(b"HTTP/1.1 101"),
           f"a WebSocket opened by another site's page is refused ({answer[:24]!r})")
    rebound = raw(b"GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
    expect(rebound.startswith(b"HTTP/1.1 421") and b'"field":"Host"' in rebound,
           "a request under a rebound DNS name is refused (421 naming Host)")
    status, _, _ = request("GET", "/api/v1/cameras/%64oor", token=admin)
    expect(status == 200, "a percent-encoded camera id is found")
    status, headers, _ = request("GET", "/")
    expect(status == 200 and "frame-ancestors 'none'" in headers.get("content-security-policy", "")
           and headers.get("x-content-type-options") == "nosniff" and headers.get("referrer-policy") == "no-referrer",
           "the dashboard carries its security headers")
    status, headers, payload = request("POST", "/api/v1/cameras", b"x" * (300 << 10), token=admin)
    expect(status == 413 and "error" in json_of(payload), "an oversized body gets 413 with a JSON error")
    garbage = raw(b"NOT HTTP AT ALL\r\n\r\n")
    expect(garbage.startswith(b"HTTP/1.1 400") and b'{"error":' in garbage,
           f"a request that is not HTTP gets 400 with a JSON error ({garbage[:24]!r})")
    status, _, _ = request("GET", "/metrics")
    expect(status == 401, "/metrics is not public")
    status, _, _ = request("GET", "/api/v1/cameras/door/snapshot.jpg")
    expect(status == 401, "the snapshot is not public")
    status, _, _ = request("HEAD", "/")
    expect(status == 200, "HEAD / is answered")
    print(f"hostile: {checks} checks passed", flush=True)


if __name__ == "__main__":
    main()
