"""The foundation: a running berthd answers LXD's transport and envelope contract on its unix socket
and (untrusted) on TCP, takes its state directory exclusively, tells a service manager when it is
ready and stopping, and shuts down cleanly.

Expected values come from real LXD 5.0.2 (shared/reference/lxd-anchor.md, lxd-traces/) unless a
comment says Berth deliberately differs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import socket
import stat
import subprocess
import time
import uuid

import pytest
import yaml

from conftest import HTTPConnection

SYNC_PREFIX = (
    b'{"type":"sync","status":"Success","status_code":200,"operation":"","error_code":0,"error":"","metadata":'
)
ENVELOPE_KEYS = ["type", "status", "status_code", "operation", "error_code", "error", "metadata"]
UNTRUSTED_KEYS = ["api_extensions", "api_status", "api_version", "auth", "public", "auth_methods"]


def error_envelope(code: int, message: str) -> dict:
    return {
        "type": "error", "status": "", "status_code": 0, "operation": "",
        "error_code": code, "error": message, "metadata": None,
    }


def assert_error(response, code: int, message: str):
    assert response.status == code, response.text
    assert response.headers["content-type"] == "application/json"
    assert list(response.json) == ENVELOPE_KEYS
    assert response.json == error_envelope(code, message)


# --- unix socket: envelopes and /1.0 --------------------------------------------------------------


def test_curl_get_1_0_is_a_sync_envelope_in_lxd_field_order(berthd):
    result = berthd.curl("-i", "http://b/1.0")
    assert result.returncode == 0, result.stderr
    head, _, body = result.stdout.partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 200 OK\r\n"), head
    headers = {line.split(":", 1)[0].lower(): line.split(":", 1)[1].strip() for line in head.split("\r\n")[1:]}
    assert headers["content-type"] == "application/json"
    assert re.fullmatch(r'"[0-9a-f]{64}"', headers["etag"]), headers.get("etag")
    # The raw bytes, not a re-encoding: all seven fields, in LXD's order, compact like LXD.
    raw = body.encode()
    assert raw.startswith(SYNC_PREFIX), raw[:200]
    envelope = json.loads(raw)
    assert list(envelope) == ENVELOPE_KEYS
    metadata = envelope["metadata"]
    # LXD 5.0.2's order: config, the untrusted part, environment.
    assert list(metadata) == ["config", *UNTRUSTED_KEYS, "environment"]
    assert metadata["api_status"] == "stable"
    assert metadata["api_version"] == "1.0"
    assert metadata["auth"] == "trusted"
    assert metadata["public"] is False
    assert metadata["auth_methods"] == ["tls"]
    assert metadata["config"] == {}
    assert isinstance(metadata["api_extensions"], list)
    assert all(isinstance(name, str) for name in metadata["api_extensions"])
    environment = metadata["environment"]
    assert environment["server"] == "berth"
    assert environment["server_pid"] == berthd.pid
    assert environment["server_name"] == socket.gethostname()
    assert environment["kernel"] == os.uname().sysname
    assert environment["kernel_version"] == os.uname().release
    assert environment["kernel_architecture"] == os.uname().machine
    assert environment["project"] == "default"
    assert environment["server_clustered"] is False
    assert environment["addresses"] == []


def test_get_1_0_names_the_runtimes_and_their_versions_as_their_tools_report_them(berthd):
    environment = berthd.request("GET", "/1.0").json["metadata"]["environment"]
    lxc = subprocess.run(["lxc-start", "--version"], capture_output=True, text=True, check=True).stdout.strip()
    qemu = shutil.which("qemu-system-x86_64")
    if qemu is None:
        assert (environment["driver"], environment["driver_version"]) == ("lxc", lxc)
        return
    banner = subprocess.run([qemu, "--version"], capture_output=True, text=True, check=True).stdout
    qemu_version = banner.split()[3]
    assert (environment["driver"], environment["driver_version"]) == ("lxc | qemu", f"{lxc} | {qemu_version}")


def test_etag_is_stable_between_requests(berthd):
    first = berthd.request("GET", "/1.0")
    second = berthd.request("GET", "/1.0")
    assert first.status == second.status == 200
    assert first.headers["etag"] == second.headers["etag"]


def test_every_reply_has_a_date_header(berthd):
    for path in ("/", "/1.0", "/nope"):
        response = berthd.request("GET", path)
        assert re.fullmatch(
            r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
            r"\d\d:\d\d:\d\d GMT",
            response.headers.get("date", ""),
        ), (path, response.header_list)


def test_lxc_info_reads_the_server(berthd):
    result = berthd.lxc("info")
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert 'api_version: "1.0"' in result.stdout.splitlines()
    info = yaml.safe_load(result.stdout)
    assert info["api_status"] == "stable"
    assert info["api_version"] == "1.0"
    assert info["auth"] == "trusted"
    assert info["public"] is False
    assert info["environment"]["server"] == "berth"
    assert info["environment"]["server_pid"] == berthd.pid
    assert info["environment"]["kernel_version"] == os.uname().release


def test_get_root_lists_1_0(berthd):
    response = berthd.request("GET", "/")
    assert response.status == 200
    assert response.body == SYNC_PREFIX + b'["/1.0"]}'


def test_root_answers_every_method_like_lxd(berthd):
    # LXD 5.0.2 answers `/` with the same sync ["/1.0"] whatever the method (checked against the
    # real daemon: PUT, POST and DELETE on / all give 200).
    for method in ("PUT", "POST", "DELETE"):
        response = berthd.request(method, "/", body={})
        assert response.status == 200, (method, response.text)
        assert response.json["metadata"] == ["/1.0"]


@pytest.mark.parametrize("path", ["/nope", "/1.0/nope", "/2.0", "/1.0/instances/x/bogus/deeper"])
def test_unknown_path_is_404_not_found(berthd, path):
    response = berthd.request("GET", path)
    assert_error(response, 404, "not found")
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("method", ["DELETE", "POST"])
def test_unsupported_method_on_1_0_is_501(berthd, method):
    response = berthd.request(method, "/1.0", body={})
    assert_error(response, 501, "not implemented")


def test_unknown_project_is_404(berthd):
    # Real LXD 5.0.2 ignores ?project= on GET /1.0; Berth has only the default project and says so.
    assert_error(berthd.request("GET", "/1.0?project=nope"), 404, "Project not found")
    assert berthd.request("GET", "/1.0?project=default").status == 200


def test_put_1_0_with_empty_config_returns_empty_sync(berthd):
    response = berthd.request("PUT", "/1.0", body={"config": {}})
    assert response.status == 200, response.text
    assert response.body == SYNC_PREFIX + b"{}}"


def test_patch_1_0_rejects_unknown_key(berthd):
    response = berthd.request("PATCH", "/1.0", body={"config": {"foo.bar": "x"}})
    assert_error(response, 400, "cannot set 'foo.bar' to 'x': unknown key")
    assert berthd.request("GET", "/1.0").json["metadata"]["config"] == {}


def test_put_1_0_with_stale_etag_is_412(berthd):
    etag = berthd.request("GET", "/1.0").headers["etag"].strip('"')
    response = berthd.request("PUT", "/1.0", body={"config": {}}, headers={"If-Match": '"0000"'})
    assert_error(response, 412, f"ETag doesn't match: {etag} vs 0000")
    ok = berthd.request("PUT", "/1.0", body={"config": {}}, headers={"If-Match": f'"{etag}"'})
    assert ok.status == 200, ok.text


def test_put_1_0_with_bad_json_is_400(berthd):
    response = berthd.request("PUT", "/1.0", body="{not json")
    assert response.status == 400, response.text
    assert response.json["type"] == "error"
    assert response.json["error_code"] == 400
    assert response.json["error"] != ""


# --- the state directory ------------------------------------------------------------------------


def test_state_directory_layout_and_socket_mode(berthd):
    mode = os.stat(berthd.socket).st_mode
    assert stat.S_ISSOCK(mode)
    assert stat.S_IMODE(mode) == 0o660
    assert (berthd.state_dir / "berth.db").is_file()
    assert (berthd.state_dir / "berthd.lock").is_file()


def test_second_daemon_on_same_state_dir_refuses_and_first_keeps_serving(berthd):
    second = subprocess.run(
        [str(berthd.binary), "--state-dir", str(berthd.state_dir)],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=15,
    )
    assert second.returncode == 1, second
    assert "already running" in second.stderr, second.stderr
    # The loser must not have removed or replaced the winner's socket.
    response = berthd.request("GET", "/1.0")
    assert response.status == 200
    assert response.json["metadata"]["environment"]["server_pid"] == berthd.pid


def test_sigterm_exits_0_and_stops_answering(berthd):
    assert berthd.answers()
    assert berthd.stop(signal.SIGTERM) == 0, berthd.log
    with pytest.raises(OSError):
        HTTPConnection.unix(berthd.socket, timeout=2).request("GET", "/1.0")


def test_sigint_exits_0(berthd):
    assert berthd.stop(signal.SIGINT) == 0, berthd.log


def test_sigterm_finishes_an_in_flight_request(berthd):
    # The request is half-sent when SIGTERM arrives: it is still answered (with Connection: close),
    # then the daemon exits 0.
    with berthd.connect() as connection:
        body = b'{"config": {}}'
        connection.send(
            b"PUT /1.0 HTTP/1.1\r\nHost: unix.socket\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:5]
        )
        time.sleep(0.2)
        berthd.process.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        assert berthd.process.poll() is None, "berthd exited with a request in flight"
        connection.send(body[5:])
        response = connection.read_response()
        assert response.status == 200, response.text
        assert response.json["metadata"] == {}
        assert response.headers.get("connection", "").lower() == "close"
        assert connection.closed_by_peer(timeout=5)
    assert berthd.stop() == 0


def test_sigterm_closes_idle_keep_alive_connections_and_exits_promptly(berthd):
    with berthd.connect() as connection:
        assert connection.request("GET", "/1.0").status == 200
        started = time.monotonic()
        berthd.process.send_signal(signal.SIGTERM)
        assert connection.closed_by_peer(timeout=5)
        berthd.process.wait(timeout=5)
        assert time.monotonic() - started < 5
    assert berthd.stop() == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["after-sigterm", "after-sigkill"])
def test_restart_on_the_same_state_dir(berthd, sig):
    # After a clean stop, and after kill -9 (stale socket file and lock file left behind), a new
    # berthd takes the state directory over and serves.
    first_pid = berthd.pid
    berthd.stop(sig)
    berthd.start()
    assert berthd.pid != first_pid
    response = berthd.request("GET", "/1.0")
    assert response.status == 200
    assert response.json["metadata"]["environment"]["server_pid"] == berthd.pid
    assert stat.S_IMODE(os.stat(berthd.socket).st_mode) == 0o660


def test_a_database_from_a_newer_berthd_is_refused_and_left_untouched(berthd):
    # Migrations run at start; a schema newer than this binary knows means a newer berthd wrote
    # it, and touching it could corrupt it. berthd must refuse with a clear message and exit 1.
    berthd.stop()
    database = berthd.state_dir / "berth.db"
    # Closed explicitly (a `with` block only commits), so the WAL is checkpointed into the file
    # before its bytes are taken.
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA user_version = 999")
    connection.commit()
    connection.close()
    before = database.read_bytes()
    result = subprocess.run(
        [str(berthd.binary), "--state-dir", str(berthd.state_dir)],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=15,
    )
    assert result.returncode == 1, result
    assert "schema version 999" in result.stderr, result.stderr
    assert "refusing to start" in result.stderr, result.stderr
    assert database.read_bytes() == before
    assert not berthd.socket.exists()


def test_waitready_times_out_on_a_directory_without_daemon(berthd_binary, tmp_path):
    started = time.monotonic()
    result = subprocess.run(
        [str(berthd_binary), "waitready", "--state-dir", str(tmp_path), "--timeout", "1"],
        capture_output=True, text=True, timeout=30,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result
    assert 0.9 <= elapsed < 10, elapsed


def test_log_lines_are_logfmt_and_debug_logs_requests(berthd):
    assert berthd.request("GET", "/1.0").status == 200
    value = r'(?:"(?:[^"\\]|\\.)*"|[^\s"]*)'
    line_pattern = re.compile(
        rf"time=\S+ level=(debug|info|warn|error) msg={value}(?: [A-Za-z0-9_.\-]+={value})*"
    )
    berthd.wait_for_log(r"level=debug .*/1\.0.*status=200")
    lines = [line for line in berthd.log.splitlines() if line]
    assert lines, "berthd logged nothing"
    for line in lines:
        assert line_pattern.fullmatch(line), line
    assert any("level=debug" in line and "/1.0" in line and "status=200" in line for line in lines), lines


# --- systemd notification ---------------------------------------------------------------------


def _receive_until(sock: socket.socket, wanted: str, timeout: float = 30) -> list[str]:
    messages = []
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"no {wanted} within {timeout}s; got {messages}")
        sock.settimeout(remaining)
        message = sock.recv(4096).decode()
        messages.append(message)
        if wanted in message.split("\n"):
            return messages


@pytest.mark.parametrize("kind", ["path", "abstract"])
def test_notify_socket_gets_ready_and_stopping(berthd_factory, tmp_path, kind):
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if kind == "path":
        address = str(tmp_path / "notify.sock")
        listener.bind(address)
        notify = address
    else:
        name = f"berth-e2e-{uuid.uuid4().hex}"
        listener.bind("\0" + name)
        notify = "@" + name
    with listener:
        daemon = berthd_factory(env={"NOTIFY_SOCKET": notify}, wait=False)
        _receive_until(listener, "READY=1")
        # READY=1 promises the socket is serving: no retry here.
        assert daemon.request("GET", "/1.0").status == 200
        daemon.process.send_signal(signal.SIGTERM)
        _receive_until(listener, "STOPPING=1")
        assert daemon.stop() == 0


# --- HTTP transport on the unix socket ----------------------------------------------------------


def test_keep_alive_serves_two_requests_on_one_connection(berthd):
    with berthd.connect() as connection:
        first = connection.request("GET", "/1.0")
        second = connection.request("GET", "/")
        assert first.status == 200
        assert first.json["metadata"]["api_version"] == "1.0"
        assert second.status == 200
        assert second.json["metadata"] == ["/1.0"]
        assert not connection.closed_by_peer(timeout=0.5)


def test_pipelined_requests_get_responses_in_order(berthd):
    with berthd.connect() as connection:
        connection.send(
            HTTPConnection.encode_request("GET", "/1.0", "unix.socket")
            + HTTPConnection.encode_request("GET", "/nope", "unix.socket")
            + HTTPConnection.encode_request("GET", "/", "unix.socket")
        )
        first = connection.read_response()
        second = connection.read_response()
        third = connection.read_response()
    assert first.status == 200
    assert first.json["metadata"]["api_version"] == "1.0"
    assert_error(second, 404, "not found")
    assert third.status == 200
    assert third.json["metadata"] == ["/1.0"]


def test_connection_close_is_honoured(berthd):
    with berthd.connect() as connection:
        response = connection.request("GET", "/1.0", headers={"Connection": "close"})
        assert response.status == 200
        assert response.headers.get("connection", "").lower() == "close"
        assert connection.closed_by_peer(timeout=5)


def test_oversized_headers_get_431(berthd):
    with berthd.connect() as connection:
        request = HTTPConnection.encode_request("GET", "/1.0", "unix.socket", headers={"X-Filler": "a" * 20480})
        try:
            connection.send(request)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before reading everything
        response = connection.read_response()
        assert response.status == 431, response.text
        assert response.json["type"] == "error"
        assert response.json["error_code"] == 431
        assert connection.closed_by_peer(timeout=5)
    assert berthd.answers()


def test_headers_just_under_the_limit_are_accepted(berthd):
    response = berthd.request("GET", "/1.0", headers={"X-Filler": "a" * 15000})
    assert response.status == 200


def test_incomplete_request_head_times_out_with_408(berthd):
    # The head never completes (slowloris): the server gives up with 408 and closes, after its
    # header timeout (10 s today) but not at once.
    with berthd.connect(timeout=40) as connection:
        started = time.monotonic()
        connection.send(b"GET /1.0 HTTP/1.1\r\nHost: unix.socket\r\nX-Slow: ")
        response = connection.read_response()
        elapsed = time.monotonic() - started
        assert response.status == 408, response.text
        assert response.json["type"] == "error"
        assert response.json["error_code"] == 408
        assert connection.closed_by_peer(timeout=5)
    assert 5 <= elapsed <= 35, elapsed
    assert berthd.answers()


def test_many_concurrent_connections_are_all_served(berthd):
    connections = [berthd.connect() for _ in range(200)]
    try:
        for connection in connections:
            connection.send_request("GET", "/1.0")
        for connection in connections:
            response = connection.read_response()
            assert response.status == 200
            assert response.json["metadata"]["environment"]["server_pid"] == berthd.pid
    finally:
        for connection in connections:
            connection.close()


def test_body_over_the_cap_gets_413_before_the_body_is_sent(berthd):
    with berthd.connect() as connection:
        connection.send(
            b"PUT /1.0 HTTP/1.1\r\nHost: unix.socket\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1099511627776\r\n\r\n{"
        )
        response = connection.read_response()
        assert response.status == 413, response.text
        assert response.json["type"] == "error"
        assert response.json["error_code"] == 413
        assert connection.closed_by_peer(timeout=5)


# --- TCP: untrusted callers -----------------------------------------------------------------------


def test_tcp_get_1_0_is_the_untrusted_subset(berthd_tcp):
    response = berthd_tcp.request("GET", "/1.0", tcp=True)
    assert response.status == 200, response.text
    assert response.body.startswith(SYNC_PREFIX)
    metadata = response.json["metadata"]
    assert list(metadata) == UNTRUSTED_KEYS
    assert metadata["auth"] == "untrusted"
    assert metadata["api_version"] == "1.0"
    assert metadata["public"] is False


def test_tcp_get_root(berthd_tcp):
    response = berthd_tcp.request("GET", "/", tcp=True)
    assert response.status == 200
    assert response.json["metadata"] == ["/1.0"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("GET", "/1.0/instances", None), ("PUT", "/1.0", {"config": {}}), ("PATCH", "/1.0", {"config": {}})],
)
def test_tcp_everything_else_is_403(berthd_tcp, method, path, body):
    response = berthd_tcp.request(method, path, body=body, tcp=True)
    assert_error(response, 403, "not authorized")


def test_unix_socket_reports_tcp_address(berthd_tcp):
    environment = berthd_tcp.request("GET", "/1.0").json["metadata"]["environment"]
    assert environment["addresses"] == [berthd_tcp.tcp_address]


def test_tcp_keep_alive_and_pipelining(berthd_tcp):
    with berthd_tcp.connect(tcp=True) as connection:
        host = berthd_tcp.tcp_address
        connection.send(
            HTTPConnection.encode_request("GET", "/", host) + HTTPConnection.encode_request("GET", "/1.0", host)
        )
        first = connection.read_response()
        second = connection.read_response()
        third = connection.request("GET", "/")
    assert [first.status, second.status, third.status] == [200, 200, 200]
    assert first.json["metadata"] == ["/1.0"]
    assert second.json["metadata"]["auth"] == "untrusted"
