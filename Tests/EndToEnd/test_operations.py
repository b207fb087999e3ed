"""Durable operations end to end, on the test daemon (berthd's wiring plus test operation types):
the wire shapes, /wait, cancel, ?wait=N, Idempotency-Key, kill -9 recovery and 10,000 waiters."""

import os
import random
import re
import resource
import select
import signal
import socket
import time

import pytest

SUBMIT = "/1.0/testing/operations"


def submit(daemon, kind="test.noop", queue="q", payload=None, headers=None, query=""):
    response = daemon.request(
        "POST", SUBMIT + query, body={"type": kind, "queue": queue, "payload": payload or {}}, headers=headers
    )
    return response


def wait(daemon, op_id, query="", timeout=30):
    return daemon.request("GET", f"/1.0/operations/{op_id}/wait{query}", timeout=timeout)


def test_an_operation_is_accepted_as_lxd_does_and_stays_readable(testing_daemon_factory):
    daemon = testing_daemon_factory()
    response = submit(daemon, "test.sleep", payload={"ms": 50})
    assert response.status == 202
    envelope = response.json
    assert list(envelope) == ["type", "status", "status_code", "operation", "error_code", "error", "metadata"]
    assert envelope["type"] == "async" and envelope["status_code"] == 100
    op = envelope["metadata"]
    assert response.headers["location"] == f"/1.0/operations/{op['id']}" == envelope["operation"]
    assert list(op)[:12] == [
        "id", "class", "description", "created_at", "updated_at", "status", "status_code", "resources",
        "metadata", "may_cancel", "err", "location",
    ]
    assert op["class"] == "task" and op["description"] == "Sleeping" and op["location"] == "none"
    assert op["requestor"]["protocol"] == "unix"

    final = wait(daemon, op["id"])
    assert final.status == 200
    assert final.headers.get("x-content-type-options") == "nosniff"
    assert final.json["type"] == "sync"
    assert final.json["metadata"]["status"] == "Success" and final.json["metadata"]["status_code"] == 200

    # Long after LXD's 5 seconds would have dropped it: still there, listed and with its log.
    listed = daemon.request("GET", "/1.0/operations").json["metadata"]
    assert listed == {"success": [f"/1.0/operations/{op['id']}"]}
    full = daemon.request("GET", "/1.0/operations?recursion=1").json["metadata"]
    assert full["success"][0]["id"] == op["id"]
    log = daemon.request("GET", f"/1.0/operations/{op['id']}/log").json["metadata"]
    messages = [line["message"] for line in log]
    assert messages[0].startswith("created: test.sleep")
    assert "step sleep started" in messages
    assert messages[-1] == "Success: finished"


def test_unknown_operations_are_404(testing_daemon_factory):
    daemon = testing_daemon_factory()
    for path in ["/1.0/operations/00000000-0000-7000-8000-000000000000", "/1.0/operations/nope/wait",
                 "/1.0/operations/00000000-0000-7000-8000-000000000000/log"]:
        response = daemon.request("GET", path)
        assert response.status == 404, path
        assert response.json["error"] == "Operation not found"
    assert daemon.request("DELETE", "/1.0/operations/00000000-0000-7000-8000-000000000000").status == 404


def test_wait_timeouts(testing_daemon_factory):
    daemon = testing_daemon_factory()
    op = submit(daemon, "test.sleep", payload={"ms": 1500}).json["metadata"]
    # 0: at once, the op as it is (not an error envelope, not 504).
    now = wait(daemon, op["id"], "?timeout=0")
    assert now.status == 200 and now.json["type"] == "sync"
    assert now.json["metadata"]["status_code"] in (103, 105)
    started = time.monotonic()
    later = wait(daemon, op["id"], "?timeout=0.3")
    assert 0.25 <= time.monotonic() - started < 1.4
    assert later.json["metadata"]["status"] == "Running"
    assert wait(daemon, op["id"], "?timeout=abc").status == 400
    assert wait(daemon, op["id"], "?timeout=-1").json["metadata"]["status"] == "Success"


def test_wait_for_change_follows_progress_without_websockets(testing_daemon_factory):
    daemon = testing_daemon_factory()
    op = submit(daemon, "test.sleep", payload={"ms": 800}).json["metadata"]
    changed = wait(daemon, op["id"], f"?for=change&since={op['updated_at']}&timeout=10").json["metadata"]
    assert changed["updated_at"] != op["updated_at"]
    assert changed["status"] == "Running"
    final = wait(daemon, op["id"], f"?for=change&since={changed['updated_at']}&timeout=10").json["metadata"]
    assert final["status"] == "Success"


def test_cancel_queued_and_running_operations(testing_daemon_factory):
    daemon = testing_daemon_factory()
    first = submit(daemon, "test.sleep", queue="same", payload={"ms": 60000}).json["metadata"]
    second = submit(daemon, "test.sleep", queue="same", payload={"ms": 10}).json["metadata"]
    # Queued behind the first: cancelled at once.
    assert daemon.request("DELETE", f"/1.0/operations/{second['id']}").json["metadata"] == {}
    assert daemon.request("GET", f"/1.0/operations/{second['id']}").json["metadata"]["status"] == "Cancelled"
    # Running a cancellable step: Cancelling, then Cancelled; a waiter wakes.
    assert wait(daemon, first["id"], f"?for=change&since={first['updated_at']}&timeout=10").json["metadata"][
        "may_cancel"] is True
    assert daemon.request("DELETE", f"/1.0/operations/{first['id']}").status == 200
    final = wait(daemon, first["id"], "?timeout=10").json["metadata"]
    assert final["status"] == "Cancelled" and final["status_code"] == 401
    again = daemon.request("DELETE", f"/1.0/operations/{first['id']}")
    assert again.status == 400 and again.json["error"] == "Only running operations can be cancelled"


def test_journal_steps_cannot_be_cancelled(testing_daemon_factory, tmp_path):
    daemon = testing_daemon_factory(env={"BERTH_TEST_JOURNAL": str(tmp_path / "journal")})
    op = submit(daemon, "test.journal", payload={"ms": 1500}).json["metadata"]
    running = wait(daemon, op["id"], f"?for=change&since={op['updated_at']}&timeout=10").json["metadata"]
    assert running["may_cancel"] is False
    refused = daemon.request("DELETE", f"/1.0/operations/{op['id']}")
    assert refused.status == 400 and refused.json["error"] == "This operation can't be cancelled"


def test_wait_parameter_answers_synchronously_when_the_operation_ends_in_time(testing_daemon_factory):
    daemon = testing_daemon_factory()
    quick = submit(daemon, "test.sleep", payload={"ms": 20}, query="?wait=10")
    assert quick.status == 200 and quick.json["type"] == "sync"
    assert quick.json["metadata"]["status"] == "Success"
    slow = submit(daemon, "test.sleep", payload={"ms": 5000}, query="?wait=0.1")
    assert slow.status == 202 and slow.json["type"] == "async"
    assert submit(daemon, query="?wait=forever").status == 400


def test_idempotency_key_returns_the_same_operation(testing_daemon_factory):
    daemon = testing_daemon_factory()
    first = submit(daemon, headers={"Idempotency-Key": "k-1"})
    second = submit(daemon, headers={"Idempotency-Key": "k-1"})
    assert first.status == second.status == 202
    assert first.json["metadata"]["id"] == second.json["metadata"]["id"]
    different = submit(daemon, "test.sleep", headers={"Idempotency-Key": "k-1"})
    assert different.status == 409
    assert "Idempotency-Key" in different.json["error"]
    other = submit(daemon, headers={"Idempotency-Key": "k-2"})
    assert other.json["metadata"]["id"] != first.json["metadata"]["id"]


def test_operations_list_filters(testing_daemon_factory):
    daemon = testing_daemon_factory()
    done = submit(daemon, "test.noop", query="?wait=10").json["metadata"]
    running = submit(daemon, "test.sleep", queue="other", payload={"ms": 60000}).json["metadata"]
    wait(daemon, running["id"], f"?for=change&since={running['updated_at']}&timeout=10")
    assert daemon.request("GET", "/1.0/operations?status=success").json["metadata"] == {
        "success": [f"/1.0/operations/{done['id']}"]}
    assert daemon.request("GET", "/1.0/operations?type=test.sleep").json["metadata"] == {
        "running": [f"/1.0/operations/{running['id']}"]}
    assert daemon.request("GET", "/1.0/operations?status=bogus").status == 400
    assert daemon.request("GET", "/1.0/operations?limit=1&offset=1").json["metadata"] == {
        "running": [f"/1.0/operations/{running['id']}"]}
    daemon.request("DELETE", f"/1.0/operations/{running['id']}")


def test_kill_9_mid_flight_loses_nothing_and_reruns_no_unsafe_step(testing_daemon_factory, tmp_path):
    """Submit many operations, kill -9 the daemon while they run, several times; restart. Every
    accepted id stays readable and ends in a truthful final state; no non-idempotent step ran twice."""
    journal = tmp_path / "journal"
    daemon = testing_daemon_factory(env={"BERTH_TEST_JOURNAL": str(journal)})
    rng = random.Random(4)
    accepted: dict[str, str] = {}
    for _ in range(4):
        for index in range(40):
            kind = "test.journal" if index % 2 else "test.sleep"
            response = submit(daemon, kind, queue=f"q{index % 5}", payload={"ms": rng.randint(5, 40)})
            assert response.status == 202, response.text
            accepted[response.json["metadata"]["id"]] = kind
        time.sleep(rng.uniform(0.05, 0.3))
        assert daemon.stop(signal.SIGKILL) == -signal.SIGKILL
        daemon.start()

    # The kills landed mid-flight: restarts found unfinished operations to settle.
    assert re.search(r'msg="recovered operations" count=[1-9]', daemon.log), daemon.log[-2000:]
    results = {}
    for op_id in accepted:
        response = wait(daemon, op_id, "?timeout=60", timeout=70)
        assert response.status == 200, (op_id, response.text)
        results[op_id] = response.json["metadata"]
    # Every operation is final now, so the journal is complete.
    commits: dict[str, int] = {}
    for line in journal.read_text().splitlines() if journal.exists() else []:
        op_id, step, _, _attempt = line.split()
        # An attempt above 1 is fine when the step had not begun before the crash; running twice is not.
        if step == "commit":
            commits[op_id] = commits.get(op_id, 0) + 1
    finals = {}
    for op_id, kind in accepted.items():
        op = results[op_id]
        assert op["status_code"] in (200, 400), op
        finals[op["status"]] = finals.get(op["status"], 0) + 1
        if op["status_code"] == 400:
            assert op["err"] == "Operation interrupted by server restart", op
            assert kind == "test.journal", op  # only a non-idempotent step is ever given up on
        if kind == "test.journal":
            assert commits.get(op_id, 0) <= 1, op_id
            if op["status_code"] == 200:
                assert commits.get(op_id, 0) == 1, op_id
    print(f"\nfinal states after 4 kill -9 rounds: {finals}")
    assert sum(finals.values()) == len(accepted) == 160
    assert finals.get("Success", 0) > 0


def test_ten_thousand_concurrent_waits_cost_no_thread_each(testing_daemon_factory):
    count = 10_000
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < count + 200:
        pytest.skip(f"RLIMIT_NOFILE hard limit {hard} is below {count + 200}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    daemon = testing_daemon_factory()
    op = submit(daemon, "test.sleep", payload={"ms": 600000}).json["metadata"]
    request = f"GET /1.0/operations/{op['id']}/wait HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    sockets = []
    try:
        for _ in range(count):
            client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            client.connect(str(daemon.socket))
            client.sendall(request)
            sockets.append(client)
        # Every waiter gets its 200 head at once, before the operation ends.
        heads = 0
        for client in sockets:
            client.settimeout(20)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = client.recv(4096)
                assert chunk, "connection closed before the head"
                data += chunk
            assert data.startswith(b"HTTP/1.1 200 OK\r\n")
            heads += 1
        assert heads == count
        status = dict(
            line.split(":", 1) for line in open(f"/proc/{daemon.pid}/status").read().splitlines() if ":" in line)
        threads = int(status["Threads"])
        rss_kb = int(status["VmRSS"].split()[0])
        print(f"\n{count} concurrent /wait: berthd threads={threads} rss={rss_kb / 1024:.1f} MiB")
        assert threads < 64
        assert rss_kb < 1024 * 1024
        # Ending the operation answers all of them.
        assert daemon.request("DELETE", f"/1.0/operations/{op['id']}").status == 200
        answered = 0
        for client in sockets:
            client.settimeout(20)
            data = b""
            while b"Cancelled" not in data:
                chunk = client.recv(65536)
                if not chunk:
                    break
                data += chunk
            answered += b'"status":"Cancelled"' in data
        assert answered == count
    finally:
        for client in sockets:
            client.close()


def test_shutdown_cancels_what_it_can_and_leaves_the_rest_for_recovery(testing_daemon_factory, tmp_path):
    daemon = testing_daemon_factory(env={"BERTH_TEST_JOURNAL": str(tmp_path / "journal")})
    cancellable = submit(daemon, "test.sleep", queue="a", payload={"ms": 60000}).json["metadata"]
    stubborn = submit(daemon, "test.journal", queue="b", payload={"ms": 60000}).json["metadata"]
    for op in (cancellable, stubborn):
        assert wait(daemon, op["id"], f"?for=change&since={op['updated_at']}&timeout=10").json["metadata"][
            "status"] == "Running"
    started = time.monotonic()
    assert daemon.stop(signal.SIGTERM) == 0
    # The non-cancellable step is not waited for beyond the shutdown timeout.
    assert time.monotonic() - started < 25
    daemon.start()
    cancelled = daemon.request("GET", f"/1.0/operations/{cancellable['id']}").json["metadata"]
    assert cancelled["status"] == "Cancelled"
    interrupted = wait(daemon, stubborn["id"], "?timeout=10").json["metadata"]
    assert interrupted["status"] == "Failure"
    assert interrupted["err"] == "Operation interrupted by server restart"
    assert "Operation interrupted by server restart" in [
        line["message"] for line in daemon.request("GET", f"/1.0/operations/{stubborn['id']}/log").json["metadata"]]


def test_operations_workers_is_a_server_setting_that_survives_a_restart(testing_daemon_factory):
    daemon = testing_daemon_factory()
    assert daemon.request("PATCH", "/1.0", body={"config": {"operations.workers": "1"}}).status == 200
    daemon.stop()
    daemon.start()
    assert daemon.request("GET", "/1.0").json["metadata"]["config"] == {"operations.workers": "1"}
    first = submit(daemon, "test.sleep", queue="a", payload={"ms": 60000}).json["metadata"]
    second = submit(daemon, "test.sleep", queue="b", payload={"ms": 10}).json["metadata"]
    assert wait(daemon, first["id"], f"?for=change&since={first['updated_at']}&timeout=10").json["metadata"][
        "status"] == "Running"
    # One worker: the second key waits although it is free.
    assert wait(daemon, second["id"], "?timeout=0.5").json["metadata"]["status"] == "Pending"
    assert daemon.request("PATCH", "/1.0", body={"config": {"operations.workers": "2"}}).status == 200
    assert wait(daemon, second["id"], "?timeout=10").json["metadata"]["status"] == "Success"
    daemon.request("DELETE", f"/1.0/operations/{first['id']}")
