"""GET /1.0/events end to end: LXD's websocket (handshake, keepalive pings, the pong deadline), the
NDJSON and Server-Sent Events forms, parameter errors decided before any upgrade, replay with
`since` / `Last-Event-ID`, and real operation events from the test daemon's queue.

The websocket client is a few lines of RFC 6455 over a plain socket (masked client frames, §5.3),
so the suite needs no extra package."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
import struct
import subprocess
import threading
import time

import pytest

from conftest import HTTPConnection, Response
from test_openapi import validate

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OP_TEXT, OP_CLOSE, OP_PING, OP_PONG = 0x1, 0x8, 0x9, 0xA
SUBMIT = "/1.0/testing/operations"


# --- a minimal RFC 6455 client ------------------------------------------------------------------


class WebSocket:
    """A client websocket on an upgraded `HTTPConnection`."""

    def __init__(self, connection: HTTPConnection, response: Response):
        self.connection = connection
        self.response = response

    @classmethod
    def open(cls, daemon, path: str = "/1.0/events", timeout: float = 10) -> WebSocket:
        connection = daemon.connect(timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        connection.send_request(
            "GET", path,
            headers={
                "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
                "Sec-WebSocket-Key": key,
            },
        )
        response = connection.read_response()
        if response.status != 101:
            connection.close()
            raise AssertionError(f"no upgrade: {response.status} {response.text}")
        expected = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
        assert response.headers["sec-websocket-accept"] == expected
        return cls(connection, response)

    def close(self):
        self.connection.close()

    def send(self, opcode: int, payload: bytes = b""):
        mask = os.urandom(4)
        head = bytes([0x80 | opcode])
        if len(payload) < 126:
            head += bytes([0x80 | len(payload)])
        elif len(payload) < 1 << 16:
            head += bytes([0x80 | 126]) + struct.pack("!H", len(payload))
        else:
            head += bytes([0x80 | 127]) + struct.pack("!Q", len(payload))
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.connection.send(head + mask + masked)

    def receive(self, timeout: float = 5) -> tuple[int, bytes]:
        """The next frame as (opcode, payload); raises TimeoutError if none comes in time and
        ConnectionError at EOF."""
        self.connection.sock.settimeout(timeout)
        head = self.connection._read_exactly(2)
        assert head[0] & 0x80, "fragmented frames are not expected here"
        assert not head[1] & 0x80, "server frames must not be masked (RFC 6455 §5.1)"
        length = head[1] & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", self.connection._read_exactly(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", self.connection._read_exactly(8))
        return head[0] & 0x0F, self.connection._read_exactly(length)

    def next_data(self, timeout: float = 5, answer_pings: bool = True) -> tuple[int, bytes]:
        """The next text or close frame; pings on the way are answered (as `lxc` does)."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no data frame")
            opcode, payload = self.receive(remaining)
            if opcode == OP_PING:
                if answer_pings:
                    self.send(OP_PONG, payload)
                continue
            return opcode, payload

    def next_event(self, timeout: float = 5) -> dict:
        opcode, payload = self.next_data(timeout)
        assert opcode == OP_TEXT, f"expected a text frame, got opcode {opcode}: {payload!r}"
        return json.loads(payload)


def close_code(payload: bytes) -> tuple[int, str]:
    return struct.unpack("!H", payload[:2])[0], payload[2:].decode()


# --- streamed forms -----------------------------------------------------------------------------


class Stream:
    """A chunked NDJSON or SSE response read incrementally."""

    def __init__(self, connection: HTTPConnection):
        self.connection = connection
        self.text = ""

    @classmethod
    def open(cls, daemon, path: str, accept: str, headers: dict | None = None) -> tuple[Stream, Response]:
        connection = daemon.connect()
        connection.send_request("GET", path, headers={"Accept": accept, **(headers or {})})
        head = connection._read_until(b"\r\n\r\n").decode("latin-1")
        status_line, *lines = head.split("\r\n")
        headers_list = [tuple(part.strip() for part in line.split(":", 1)) for line in lines]
        response = Response(int(status_line.split(" ")[1]), "", headers_list, b"")
        return cls(connection), response

    def close(self):
        self.connection.close()

    def read_chunk(self, timeout: float = 5) -> str | None:
        """The next chunk's text; None at the final chunk."""
        self.connection.sock.settimeout(timeout)
        size = int(self.connection._read_until(b"\r\n").split(b";")[0], 16)
        if size == 0:
            return None
        data = self.connection._read_exactly(size)
        self.connection._read_exactly(2)
        return data.decode()

    def read_until(self, separator: str, timeout: float = 5) -> str:
        """Chunks until `separator` is in the text; returns the text up to and including it."""
        deadline = time.monotonic() + timeout
        while separator not in self.text:
            chunk = self.read_chunk(max(0.01, deadline - time.monotonic()))
            if chunk is None:
                raise ConnectionError(f"stream ended; have {self.text!r}")
            self.text += chunk
        head, self.text = self.text.split(separator, 1)
        return head + separator

    def silent_for(self, seconds: float) -> bool:
        """True when nothing arrives for `seconds` and the connection stays open."""
        assert not self.connection.buffer and not self.text
        self.connection.sock.settimeout(seconds)
        try:
            data = self.connection.sock.recv(65536)
        except TimeoutError:
            return True
        if data:
            raise AssertionError(f"unexpected bytes: {data[:200]!r}")
        return False


def ndjson_event(stream: Stream, timeout: float = 5) -> dict:
    return json.loads(stream.read_until("\n", timeout))


def sse_event(stream: Stream, timeout: float = 5) -> dict[str, str]:
    """The next SSE event's fields; keepalive comments are skipped."""
    while True:
        block = stream.read_until("\n\n", timeout)
        fields = {}
        for line in block.strip("\n").split("\n"):
            if line.startswith(":"):
                continue
            name, _, value = line.partition(": ")
            fields[name] = value
        if fields:
            return fields


# --- errors before any upgrade ------------------------------------------------------------------

UPGRADE = {
    "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
}


@pytest.mark.parametrize("headers", [UPGRADE, {"Accept": "application/x-ndjson"}], ids=["websocket", "ndjson"])
def test_an_unknown_type_is_refused_before_the_upgrade_as_lxd_does(berthd, headers):
    # LXD 5.0.2 answers 500 here (checked against the real daemon), not the 400 its source suggests.
    status, _, body = berthd.request("GET", "/1.0/events?type=operation,bogus", headers=headers)
    assert status == 500
    assert body["type"] == "error" and body["error_code"] == 500
    assert body["error"] == '"bogus" isn\'t a supported event type'


def test_all_projects_with_a_project_is_refused_as_lxd_does(berthd):
    status, _, body = berthd.request("GET", "/1.0/events?all-projects=true&project=default", headers=UPGRADE)
    assert status == 500
    assert body["error"] == "Cannot specify a project when requesting all projects"


def test_an_unknown_project_is_404(berthd):
    status, _, body = berthd.request("GET", "/1.0/events?project=nope", headers=UPGRADE)
    assert status == 404 and body["error"] == "Project not found"


@pytest.mark.parametrize("since", ["abc", "-1", "1e3"])
def test_an_invalid_since_is_400(berthd, since):
    status, _, body = berthd.request("GET", f"/1.0/events?since={since}", headers={"Accept": "application/x-ndjson"})
    assert status == 400
    assert body["error"].startswith(f'Invalid since "{since}"')


def test_a_plain_get_is_400_naming_the_three_forms(berthd):
    status, _, body = berthd.request("GET", "/1.0/events", headers={"Accept": "*/*"})
    assert status == 400
    for form in ("WebSocket", "application/x-ndjson", "text/event-stream"):
        assert form in body["error"]


def test_untrusted_callers_get_403(berthd_tcp):
    response = berthd_tcp.request("GET", "/1.0/events", headers=UPGRADE, tcp=True)
    assert response.status == 403


# --- the websocket ------------------------------------------------------------------------------


def test_the_websocket_pings_keepalive_right_after_the_upgrade(berthd):
    started = time.monotonic()
    ws = WebSocket.open(berthd)
    try:
        opcode, payload = ws.receive(timeout=2)
        assert (opcode, payload) == (OP_PING, b"keepalive")
        assert time.monotonic() - started < 2
        # Frames from the client are ignored; a pong is just a sign of life.
        ws.send(OP_PONG, b"keepalive")
        ws.send(OP_TEXT, b'{"type":"logging"}')
        with pytest.raises(TimeoutError):
            ws.receive(timeout=1)
    finally:
        ws.close()


def test_the_websocket_ends_with_a_clean_close_handshake(berthd):
    ws = WebSocket.open(berthd)
    try:
        assert ws.receive(timeout=2)[0] == OP_PING
        ws.send(OP_CLOSE, struct.pack("!H", 1000))
        opcode, payload = ws.receive(timeout=2)
        assert opcode == OP_CLOSE and close_code(payload)[0] == 1000
        assert ws.connection.closed_by_peer(timeout=2)
    finally:
        ws.close()
    berthd.wait_for_log(r"event listener stopped.*reason=closed.*subscribers=0")


def test_a_client_that_never_answers_pings_is_dropped_after_30_seconds(berthd):
    silent = WebSocket.open(berthd, timeout=45)
    alive = WebSocket.open(berthd, timeout=45)
    stop = threading.Event()
    alive_log: list[str] = []

    def answer_pings():
        # What lxc does: every ping gets its pong.
        while not stop.is_set():
            try:
                opcode, payload = alive.receive(timeout=0.5)
            except TimeoutError:
                continue
            except OSError:
                alive_log.append("error")
                return
            if opcode == OP_PING:
                alive.send(OP_PONG, payload)
                alive_log.append("ping")
            else:
                alive_log.append(f"opcode {opcode}")
                return

    answering = threading.Thread(target=answer_pings, daemon=True)
    answering.start()
    try:
        started = time.monotonic()
        pings = 0
        while True:
            opcode, payload = silent.receive(timeout=40)
            if opcode == OP_CLOSE:
                break
            assert (opcode, payload) == (OP_PING, b"keepalive")
            pings += 1
        elapsed = time.monotonic() - started
        assert 29 <= elapsed <= 34, elapsed
        assert pings == 3  # at 0, 10 and 20 s
        code, reason = close_code(payload)
        assert code == 1008 and "pong" in reason.lower()
        assert silent.connection.closed_by_peer(timeout=5)

        # The answering client outlives the deadline (its fourth ping came at 30 s).
        time.sleep(3)
        assert answering.is_alive()
        assert len(alive_log) >= 4 and set(alive_log) == {"ping"}, alive_log
    finally:
        stop.set()
        answering.join(timeout=5)
        silent.close()
        alive.close()


# --- NDJSON and SSE -----------------------------------------------------------------------------


def test_ndjson_is_a_chunked_stream_that_stays_open(berthd):
    stream, head = Stream.open(berthd, "/1.0/events?since=0", "application/x-ndjson")
    try:
        assert head.status == 200
        assert head.headers["content-type"] == "application/x-ndjson"
        assert head.headers["transfer-encoding"] == "chunked"
        # No stored events: nothing to replay, and the stream waits for live ones.
        assert stream.silent_for(1.5)
    finally:
        stream.close()
    berthd.wait_for_log(r"event listener stopped.*subscribers=0")


def test_server_sent_events_have_their_head_and_a_keepalive_comment(berthd):
    stream, head = Stream.open(berthd, "/1.0/events", "text/event-stream", {"Last-Event-ID": "0"})
    try:
        assert head.status == 200
        assert head.headers["content-type"] == "text/event-stream"
        assert head.headers["cache-control"] == "no-cache"
        started = time.monotonic()
        assert stream.read_chunk(timeout=12) == ": keepalive\n\n"
        assert 9 <= time.monotonic() - started <= 11.5
    finally:
        stream.close()


def test_closing_the_connection_ends_the_listener(berthd):
    for _ in range(20):
        stream, head = Stream.open(berthd, "/1.0/events", "application/x-ndjson")
        assert head.status == 200
        stream.close()
    ws = WebSocket.open(berthd)
    ws.close()
    deadline = time.monotonic() + 5
    while len([line for line in berthd.log.splitlines() if "event listener stopped" in line]) < 21:
        assert time.monotonic() < deadline, "a listener outlived its connection"
        time.sleep(0.05)
    berthd.wait_for_log(r"event listener stopped.*subscribers=0")
    assert berthd.answers()


# --- real events from the queue -----------------------------------------------------------------


def submit(daemon, kind="test.noop", payload=None):
    response = daemon.request("POST", SUBMIT, body={"type": kind, "queue": "events", "payload": payload or {}})
    assert response.status == 202, response.text
    return response.json["metadata"]["id"]


def until_final(receive, op_id):
    """Operation events of `op_id` until the final one."""
    events = []
    while True:
        event = receive()
        if event["type"] != "operation" or event["metadata"]["id"] != op_id:
            continue
        events.append(event)
        if event["metadata"]["status_code"] >= 200:
            return events


def test_operation_events_reach_a_websocket_subscribed_before_the_post(testing_daemon_factory):
    daemon = testing_daemon_factory()
    ws = WebSocket.open(daemon, "/1.0/events?type=operation")
    try:
        op_id = submit(daemon)
        events = until_final(ws.next_event, op_id)
        statuses = [event["metadata"]["status"] for event in events]
        assert statuses[0] == "Pending" and statuses[-1] == "Success"
        for event in events:
            validate(event, "Event")
            validate(event["metadata"], "Operation")
            assert list(event)[:5] == ["type", "timestamp", "metadata", "location", "project"]
            assert event["location"] == "none" and event["project"] == "default"
        ids = [event["id"] for event in events]
        assert ids == sorted(ids) and len(set(ids)) == len(ids)
    finally:
        ws.close()


def test_type_filter_keeps_other_types_out(testing_daemon_factory):
    daemon = testing_daemon_factory()
    stream, _ = Stream.open(daemon, "/1.0/events?type=lifecycle", "application/x-ndjson")
    try:
        submit(daemon)
        op_id = submit(daemon)
        daemon.request("GET", f"/1.0/operations/{op_id}/wait", timeout=30)
        stream.connection.sock.settimeout(1)
        while True:
            try:
                event = ndjson_event(stream, timeout=1)
            except (TimeoutError, socket.timeout):
                break
            assert event["type"] == "lifecycle"
    finally:
        stream.close()


def test_since_replays_what_a_client_missed_then_continues_live(testing_daemon_factory):
    daemon = testing_daemon_factory()
    first = submit(daemon)
    assert daemon.request("GET", f"/1.0/operations/{first}/wait", timeout=30).status == 200

    stream, head = Stream.open(daemon, "/1.0/events?type=operation&since=0", "application/x-ndjson")
    try:
        assert head.status == 200
        replayed = until_final(lambda: ndjson_event(stream), first)
        assert replayed[0]["metadata"]["status"] == "Pending"
        assert replayed[-1]["metadata"]["status"] == "Success"
        # Then live, with higher ids and no duplicate.
        second = submit(daemon)
        live = until_final(lambda: ndjson_event(stream), second)
        all_ids = [event["id"] for event in replayed + live]
        assert all_ids == sorted(all_ids) and len(set(all_ids)) == len(all_ids)
    finally:
        stream.close()

    # `since` at the last id replays nothing.
    last = all_ids[-1]
    stream, _ = Stream.open(daemon, f"/1.0/events?type=operation&since={last}", "application/x-ndjson")
    try:
        assert stream.silent_for(1)
    finally:
        stream.close()


def test_server_sent_events_resume_from_last_event_id(testing_daemon_factory):
    daemon = testing_daemon_factory()
    op_id = submit(daemon)
    assert daemon.request("GET", f"/1.0/operations/{op_id}/wait", timeout=30).status == 200

    stream, _ = Stream.open(daemon, "/1.0/events?type=operation&since=0", "text/event-stream")
    try:
        events = [sse_event(stream)]
        while json.loads(events[-1]["data"])["metadata"]["status_code"] < 200:
            events.append(sse_event(stream))
    finally:
        stream.close()
    for fields in events:
        assert fields["event"] == "operation"
        assert int(fields["id"]) == json.loads(fields["data"])["id"]
    assert len(events) >= 3

    # A reconnecting EventSource sends the last id it saw: only what came after is replayed.
    stream, _ = Stream.open(
        daemon, "/1.0/events?type=operation&since=0", "text/event-stream", {"Last-Event-ID": events[0]["id"]}
    )
    try:
        resumed = [sse_event(stream) for _ in range(len(events) - 1)]
    finally:
        stream.close()
    assert [fields["id"] for fields in resumed] == [fields["id"] for fields in events[1:]]


def test_lxc_monitor_shows_operation_events(testing_daemon_factory):
    daemon = testing_daemon_factory()
    monitor = subprocess.Popen(
        ["lxc", "monitor", "--type=operation", "--format=json"], env=daemon.client_env(),
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        # lxc opens the websocket before anything is published; wait until the daemon has its listener.
        daemon.wait_for_log(r"event listener started.*form=webSocket")
        op_id = submit(daemon)
        statuses = []
        deadline = time.monotonic() + 15
        while not statuses or statuses[-1] not in ("Success", "Failure"):
            assert time.monotonic() < deadline, statuses
            line = monitor.stdout.readline()
            assert line, f"lxc monitor exited: {monitor.stderr.read()}"
            if not line.strip():
                continue  # lxc separates events with an empty line
            event = json.loads(line)
            assert event["type"] == "operation"
            if event["metadata"]["id"] == op_id:
                statuses.append(event["metadata"]["status"])
        assert statuses[0] == "Pending" and statuses[-1] == "Success"
    finally:
        monitor.kill()
        monitor.wait()
        monitor.stdout.close()
        monitor.stderr.close()


def test_a_server_config_change_is_a_config_updated_lifecycle_event(berthd):
    assert berthd.request("PATCH", "/1.0", {"config": {"operations.workers": "4"}}).status == 200
    refused = berthd.request("PATCH", "/1.0", {"config": {"no.such.key": "1"}})
    assert (refused.status, refused.json["error"]) == (400, "cannot set 'no.such.key' to '1': unknown key")
    stream, head = Stream.open(berthd, "/1.0/events?type=lifecycle&since=0", "application/x-ndjson")
    try:
        assert head.status == 200
        event = ndjson_event(stream, timeout=5)
        assert (event["metadata"]["action"], event["metadata"]["source"]) == ("config-updated", "/1.0")
        assert event["metadata"]["context"] == {"keys": ["operations.workers"]}
        # The refused change emitted nothing.
        stream.connection.sock.settimeout(1)
        with pytest.raises((TimeoutError, socket.timeout)):
            ndjson_event(stream, timeout=1)
    finally:
        stream.close()
