"""`lxc exec` and `lxc console` against real LXC containers: output, exit codes, stdin, a pty with
resizing, Ctrl-C, concurrency, pylxd's `execute()`, cancelling, the websocket secret and its
timeout, recorded output (issue 6, items 1 and 4)."""

from __future__ import annotations

import concurrent.futures
import json
import os
import pty
import select
import signal
import subprocess
import time

import pytest

from test_instances import leftover_containers

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="LXC containers need root")


@pytest.fixture
def running(berthd, busybox_images):
    """A daemon with a running fast-init busybox container `c1`; every container is deleted
    afterwards, also when the test failed."""
    assert berthd.lxc("image", "import", str(busybox_images["fastinit"]), "--alias", "busybox").returncode == 0
    launched = berthd.lxc("launch", "busybox", "c1")
    assert launched.returncode == 0, launched.stderr
    yield berthd
    for entry in json.loads(berthd.lxc("list", "--format", "json").stdout or "[]"):
        berthd.lxc("delete", "--force", entry["name"])
    assert leftover_containers(berthd) == []


def wait_final(berthd, operation_id: str, timeout: float = 15) -> dict:
    response = berthd.request("GET", f"/1.0/operations/{operation_id}/wait?timeout={timeout}", timeout=timeout + 5)
    operation = response.json["metadata"]
    assert operation["status_code"] >= 200, operation
    return operation


def in_script(berthd, command: str, timeout: float = 20) -> subprocess.CompletedProcess:
    """`command` under script(1), so `lxc` sees a terminal."""
    return subprocess.run(
        ["script", "-qec", command, "/dev/null"], env=berthd.client_env(), capture_output=True, timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def test_stdout_stderr_and_exit_code_come_through_separately(running):
    result = running.lxc("exec", "c1", "--", "sh", "-c", "echo out; echo err >&2; exit 3")
    assert (result.stdout, result.stderr, result.returncode) == ("out\n", "err\n", 3)
    # The working directory defaults to HOME, as in LXD.
    assert running.lxc("exec", "c1", "--", "pwd").stdout == "/root\n"
    cwd = running.lxc("exec", "c1", "--cwd", "/tmp", "--env", "X=y", "--", "sh", "-c", 'pwd; echo "$X"')
    assert cwd.stdout == "/tmp\ny\n", cwd.stderr
    user = running.lxc("exec", "c1", "--user", "65534", "--group", "65534", "--", "id", "-u")
    assert user.stdout == "65534\n", user.stderr


def test_stdin_is_piped_in_and_ends(running):
    result = running.lxc("exec", "c1", "--", "cat", input="hi\nthere\n")
    assert (result.stdout, result.returncode) == ("hi\nthere\n", 0), result.stderr
    counted = running.lxc("exec", "c1", "--", "wc", "-c", input="x" * 300000)
    assert counted.stdout.strip() == "300000", counted.stderr


def test_a_terminal_has_the_clients_size_and_follows_a_resize(running):
    result = in_script(running, "stty cols 100 rows 30; lxc exec c1 -- stty size")
    assert b"30 100" in result.stdout, result
    # The size changes while the command runs: lxc sends window-resize on SIGWINCH.
    script = (
        "stty cols 80 rows 24; (sleep 1.5; stty cols 120 rows 40 </dev/tty; kill -WINCH $(pgrep -n -x lxc)) & "
        "lxc exec c1 -- sh -c 'stty size; sleep 3; stty size'"
    )
    result = in_script(running, script)
    assert b"24 80" in result.stdout and b"40 120" in result.stdout, result


def test_ctrl_c_is_forwarded_and_ends_the_command(running):
    process = subprocess.Popen(
        ["lxc", "exec", "c1", "--", "sleep", "30"], env=running.client_env(), stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        time.sleep(1.5)
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 130
        assert time.monotonic() - started < 5
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert running.lxc("exec", "c1", "--", "sh", "-c", "ps | grep -c '[s]leep 30'").stdout.strip() == "0"


def test_twenty_concurrent_execs_each_get_their_own_output_and_code(running):
    def run(index: int):
        result = running.lxc("exec", "c1", "--", "sh", "-c", f"echo {index}; echo e{index} >&2; exit {index % 7}")
        return index, result

    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(run, range(20)))
    for index, result in results:
        assert (result.stdout, result.stderr, result.returncode) == (f"{index}\n", f"e{index}\n", index % 7)


def test_pylxd_execute_returns_code_stdout_and_stderr(running):
    pylxd = pytest.importorskip("pylxd")
    client = pylxd.Client(endpoint=str(running.socket))
    result = client.instances.get("c1").execute(["sh", "-c", "echo a; exit 2"])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "a\n", "")


def test_the_operation_shows_fds_then_the_return_code(running):
    response = running.request(
        "POST", "/1.0/instances/c1/exec",
        {"command": ["true"], "wait-for-websocket": True, "interactive": False, "environment": {"TERM": "xterm"}},
    )
    assert response.status == 202, response.text
    operation = response.json["metadata"]
    assert operation["class"] == "websocket" and operation["description"] == "Executing command"
    assert sorted(operation["metadata"]["fds"]) == ["0", "1", "2", "control"]
    assert all(len(secret) == 64 for secret in operation["metadata"]["fds"].values())
    assert operation["metadata"]["environment"]["PATH"].startswith("/usr/local/sbin")
    # Nobody connects: after 5 s it fails clearly instead of waiting for ever.
    final = wait_final(running, operation["id"])
    assert final["status"] == "Failure" and final["err"] == "Timed out waiting for websockets to connect"


def test_a_wrong_secret_is_refused_and_the_operation_goes_on(running):
    response = running.request(
        "POST", "/1.0/instances/c1/exec", {"command": ["sleep", "30"], "wait-for-websocket": True}
    )
    operation_id = response.json["metadata"]["id"]
    refused = running.request("GET", f"/1.0/operations/{operation_id}/websocket?secret={'0' * 64}")
    assert refused.status == 403
    assert running.request("GET", f"/1.0/operations/{operation_id}").json["metadata"]["status"] == "Running"
    assert running.request("DELETE", f"/1.0/operations/{operation_id}").status == 200
    assert wait_final(running, operation_id)["status"] == "Cancelled"


def test_delete_kills_a_running_command(running):
    response = running.request(
        "POST", "/1.0/instances/c1/exec", {"command": ["sleep", "300"], "wait-for-websocket": False}
    )
    assert response.status == 202, response.text
    operation_id = response.json["metadata"]["id"]
    deadline = time.monotonic() + 10
    while "sleep 300" not in running.lxc("exec", "c1", "--", "ps").stdout:
        assert time.monotonic() < deadline, "the command never started"
        time.sleep(0.2)
    assert running.request("GET", f"/1.0/operations/{operation_id}").json["metadata"]["may_cancel"] is True
    assert running.request("DELETE", f"/1.0/operations/{operation_id}").status == 200
    assert wait_final(running, operation_id)["status"] == "Cancelled"
    assert "sleep 300" not in running.lxc("exec", "c1", "--", "ps").stdout


def test_record_output_writes_the_instance_logs(running):
    response = running.request(
        "POST", "/1.0/instances/c1/exec",
        {"command": ["sh", "-c", "echo o; echo e >&2; exit 4"], "wait-for-websocket": False, "record-output": True},
    )
    operation_id = response.json["metadata"]["id"]
    final = wait_final(running, operation_id)
    assert final["status"] == "Success" and final["metadata"]["return"] == 4
    assert final["metadata"]["output"] == {
        "1": f"/1.0/instances/c1/logs/exec_{operation_id}.stdout",
        "2": f"/1.0/instances/c1/logs/exec_{operation_id}.stderr",
    }
    logs = running.state_dir / "containers" / "c1" / "logs"
    assert (logs / f"exec_{operation_id}.stdout").read_text() == "o\n"
    assert (logs / f"exec_{operation_id}.stderr").read_text() == "e\n"


def test_exec_and_console_need_a_running_unfrozen_instance(running):
    assert running.lxc("pause", "c1").returncode == 0
    frozen = running.request("POST", "/1.0/instances/c1/exec", {"command": ["true"], "wait-for-websocket": True})
    assert (frozen.status, frozen.json["error"]) == (400, "Instance is frozen")
    assert running.lxc("stop", "--force", "c1").returncode == 0
    stopped = running.request("POST", "/1.0/instances/c1/exec", {"command": ["true"], "wait-for-websocket": True})
    assert (stopped.status, stopped.json["error"]) == (400, "Instance is not running")
    console = running.request("POST", "/1.0/instances/c1/console", {"width": 80, "height": 24, "type": "console"})
    assert (console.status, console.json["error"]) == (400, "Instance is not running")


def lxc_console_until(berthd, name: str, marker: bytes, on_attached, *args: str, timeout: float = 20):
    """`lxc console NAME ARGS` on a real terminal (a pty of ours): once the client says it is
    attached, `on_attached(master)` runs; when `marker` has appeared, Ctrl-a q detaches and the
    client must exit with status 0."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        ["lxc", "console", name, *args], env=berthd.client_env(), stdin=slave, stdout=slave, stderr=slave,
        start_new_session=True,
    )
    os.close(slave)
    seen = b""
    try:
        deadline = time.monotonic() + timeout
        attached = False
        while marker not in seen:
            assert time.monotonic() < deadline, seen
            if b"To detach" in seen and not attached:
                on_attached(master)
                attached = True
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                seen += os.read(master, 4096)
        # The client looks for Ctrl-a and then q in separate reads, as a user types them.
        os.write(master, b"\x01")
        time.sleep(0.3)
        os.write(master, b"q")
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)


def test_lxc_console_shows_the_console_and_detaches(running):
    """`lxc console` on a real terminal (a pty of ours): a line written to /dev/console inside the
    container appears, and Ctrl-a q detaches with status 0."""

    def write_to_the_console(_master):
        assert running.lxc("exec", "c1", "--", "sh", "-c", "echo hello-console > /dev/console").returncode == 0

    lxc_console_until(running, "c1", b"hello-console", write_to_the_console)
    # The console session's operation ended with the client.
    operations = running.request("GET", "/1.0/operations?recursion=1").json["metadata"]
    consoles = [op for ops in operations.values() for op in ops if op["description"] == "Showing console"]
    assert consoles and all(op["status_code"] >= 200 for op in consoles), consoles


def test_a_running_exec_fails_truthfully_after_kill_9_and_a_stop_cancels_it(running):
    body = {"command": ["sleep", "300"], "wait-for-websocket": False}
    interrupted = running.request("POST", "/1.0/instances/c1/exec", body).json["metadata"]["id"]
    time.sleep(1)
    assert running.request("GET", f"/1.0/operations/{interrupted}").json["metadata"]["status"] == "Running"
    running.stop(signal.SIGKILL)
    running.start()
    final = wait_final(running, interrupted)
    assert (final["status"], final["err"]) == ("Failure", "Operation interrupted by server restart")
    # A clean stop cancels running commands (killing them) instead of waiting for them.
    stopped = running.request("POST", "/1.0/instances/c1/exec", body).json["metadata"]["id"]
    time.sleep(1)
    assert running.stop() == 0
    running.start()
    assert wait_final(running, stopped)["status"] == "Cancelled"
