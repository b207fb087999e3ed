"""berthd under systemd's protocols: socket activation (LISTEN_FDS, from `systemd-socket-activate`),
sd_notify (READY=1, STATUS=, STOPPING=1) and the watchdog (WATCHDOG=1 every WATCHDOG_USEC/2), plus the
deploy/ files: unit files checked by `systemd-analyze verify`, the tmpfiles and sysusers snippets applied
to a scratch root, and install.sh with --dry-run and into a scratch prefix.

This machine's PID 1 is not systemd, so no unit is loaded or started: the protocols are spoken by
systemd's own tools (systemd-socket-activate passes the sockets exactly as PID 1 does) and by a
notify socket the test owns."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import ssl
import stat
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import _DAEMONS, REPO, Berthd, HTTPConnection, daemon_root, free_tcp_port, stop_test_daemons

ACTIVATE = shutil.which("systemd-socket-activate")
ANALYZE = shutil.which("systemd-analyze")

requires_activate = pytest.mark.skipif(ACTIVATE is None, reason="systemd-socket-activate is not installed")


@dataclass
class ActivatedBerthd(Berthd):
    """berthd started by `systemd-socket-activate`, which binds the sockets, waits for the first
    connection and then execs berthd in its own process (same pid), as PID 1 does for a socket
    unit. It passes only the variables given with -E, so `env` goes there."""

    activate_args: tuple[str, ...] = ()

    def command(self) -> list[str]:
        command = [ACTIVATE, *self.activate_args]
        for name, value in (self.env or {}).items():
            command += ["-E", f"{name}={value}"]
        return command + super().command()

    def must_exit_cleanly(self) -> bool:
        # Stopped before it exec'd berthd, the activator itself answers the SIGTERM.
        try:
            return self.process.poll() is None and Path(f"/proc/{self.pid}/comm").read_text().strip() == "berthd"
        except FileNotFoundError:
            return False

    def exec_done(self, timeout: float = 30) -> bool:
        """Whether the activator has exec'd berthd in its process."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if Path(f"/proc/{self.pid}/comm").read_text().strip() == "berthd":
                    return True
            except FileNotFoundError:
                return False
            time.sleep(0.02)
        return False


@pytest.fixture
def activated(request, berthd_binary):
    """start(activate_args, env=None, args=()) → an ActivatedBerthd; stopped, checked and removed
    after the test like the daemons of `berthd_factory`."""
    daemons: list[ActivatedBerthd] = request.node.stash.setdefault(_DAEMONS, [])

    def start(activate_args, env=None, args=()) -> ActivatedBerthd:
        """`activate_args` may be a function of the daemon, for paths inside its directories."""
        daemon = ActivatedBerthd(binary=berthd_binary, root=daemon_root("berth-e2e-sd-"), env=env, args=tuple(args))
        if callable(activate_args):
            activate_args = activate_args(daemon)
        daemon.activate_args = tuple(str(arg) for arg in activate_args)
        daemons.append(daemon)
        daemon.start(wait=False)
        return daemon

    yield start
    stop_test_daemons([daemon for daemon in daemons if isinstance(daemon, ActivatedBerthd)])


class NotifySocket:
    """systemd's side of sd_notify: a datagram socket the test owns, collecting every message."""

    def __init__(self, path: Path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.messages: list[tuple[float, str]] = []

    def close(self):
        self.sock.close()
        self.path.unlink(missing_ok=True)

    def receive_until(self, line: str, timeout: float = 30) -> list[str]:
        """Collects messages until one has `line` among its lines; returns those received so far."""
        deadline = time.monotonic() + timeout
        start = len(self.messages)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {line!r} within {timeout}s; got {[m for _, m in self.messages]}")
            self.sock.settimeout(remaining)
            message = self.sock.recv(4096).decode()
            self.messages.append((time.monotonic(), message))
            if line in message.split("\n"):
                return [m for _, m in self.messages[start:]]

    def collect(self, seconds: float) -> list[str]:
        """Every message received during the next `seconds`."""
        deadline = time.monotonic() + seconds
        received = []
        while (remaining := deadline - time.monotonic()) > 0:
            self.sock.settimeout(remaining)
            try:
                message = self.sock.recv(4096).decode()
            except TimeoutError:
                break
            self.messages.append((time.monotonic(), message))
            received.append(message)
        return received


@pytest.fixture
def notify_socket(tmp_path):
    listener = NotifySocket(tmp_path / "notify.sock")
    yield listener
    listener.close()


@pytest.fixture
def socket_dir():
    """A short directory for the sockets systemd-socket-activate binds: pytest's tmp_path can be
    longer than a unix socket address allows."""
    root = Path(tempfile.mkdtemp(prefix="berth-e2e-sock-"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


def wait_for_file(path: Path, timeout: float = 10):
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} did not appear within {timeout}s")
        time.sleep(0.02)


def first_request(path: Path) -> "Response":  # noqa: F821 - conftest's Response
    """The connection that activates berthd: accepted by the kernel at once, answered once berthd
    has started, so the timeout covers a whole start. The file appears at bind(), a moment before
    systemd-socket-activate calls listen(): a connection refused in between is tried again."""
    deadline = time.monotonic() + 10
    while True:
        try:
            connection = HTTPConnection.unix(path, timeout=60)
            break
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)
    with connection:
        return connection.request("GET", "/1.0", headers={"Connection": "close"})


# --- socket activation ---------------------------------------------------------------------------


@requires_activate
@pytest.mark.parametrize("fdname", [None, "berthd"])
def test_a_passed_unix_socket_is_served_and_berthd_binds_none_of_its_own(activated, socket_dir, fdname):
    passed = socket_dir / "activated.sock"
    names = [f"--fdname={fdname}"] if fdname else []
    daemon = activated(["-l", passed, *names])
    wait_for_file(passed)
    inode = passed.stat().st_ino
    response = first_request(passed)
    assert response.status == 200, response.text
    assert response.json["metadata"]["api_version"] == "1.0"
    # Local caller over the passed socket, identified by SO_PEERCRED like on its own socket.
    assert response.json["metadata"]["auth"] == "trusted"
    assert daemon.exec_done(), "systemd-socket-activate did not exec berthd in place"
    line = daemon.wait_for_log("serving sockets passed by the service manager")
    assert "fds=3" in line
    assert f"names={fdname or 'unknown'}" in line
    assert not daemon.socket.exists(), "berthd bound unix.socket although it was given one"
    assert f"listen=unix:{passed}" in daemon.wait_for_log("berthd ready")
    # Keep-alive and a second connection on the same passed socket.
    with HTTPConnection.unix(passed) as connection:
        assert connection.request("GET", "/1.0").status == 200
        assert connection.request("GET", "/1.0/instances").status == 200
    assert daemon.stop() == 0
    # The service manager owns the file: it stays, the same socket, for the next start.
    assert passed.exists() and passed.stat().st_ino == inode
    assert stat.S_ISSOCK(passed.stat().st_mode)


@requires_activate
def test_the_unit_layout_socket_in_the_state_directory_works_with_lxc_and_waitready(activated):
    """berthd.socket puts the socket where berthd would bind it (the state directory), so `lxc`
    (LXD_DIR) and `berthd waitready` find it; berthd must not replace it."""
    def state_socket_of(daemon):
        # systemd creates the socket's directory itself (DirectoryMode=0711); the activator does not.
        daemon.state_dir.mkdir(mode=0o711)
        return ["-l", daemon.socket]

    daemon = activated(state_socket_of)
    state_socket = daemon.socket
    wait_for_file(state_socket)
    inode = state_socket.stat().st_ino
    # waitready's probe is the activating connection.
    daemon.wait_ready()
    assert daemon.exec_done()
    assert state_socket.stat().st_ino == inode, "berthd replaced the socket it was given"
    result = daemon.lxc("list", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert daemon.stop() == 0
    assert state_socket.exists() and state_socket.stat().st_ino == inode


@requires_activate
def test_a_passed_tcp_socket_is_served_as_https_and_listed_in_the_server_addresses(activated, socket_dir):
    port = free_tcp_port()
    passed = socket_dir / "activated.sock"
    daemon = activated(["-l", passed, "-l", f"127.0.0.1:{port}", "--fdname=berthd:https"])
    wait_for_file(passed)
    # The activating connection is the TLS one.
    with HTTPConnection.tcp("127.0.0.1", port, timeout=60) as connection:
        response = connection.request("GET", "/1.0", headers={"Connection": "close"})
        assert response.status == 200, response.text
        assert response.json["metadata"]["auth"] == "untrusted"
        assert isinstance(connection.sock, ssl.SSLSocket)
    assert "names=berthd,https" in daemon.wait_for_log("serving sockets passed by the service manager")
    trusted = first_request(passed).json["metadata"]
    assert trusted["environment"]["addresses"] == [f"127.0.0.1:{port}"]
    # The certificate is the server's own (server.crt), as for --listen.
    der = ssl.PEM_cert_to_DER_cert(trusted["environment"]["certificate"])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        with context.wrap_socket(sock) as tls:
            assert tls.getpeercert(binary_form=True) == der
    # core.https_address naming the passed address binds nothing twice and keeps serving.
    with HTTPConnection.unix(passed) as connection:
        patched = connection.request(
            "PATCH", "/1.0", {"config": {"core.https_address": f"127.0.0.1:{port}"}},
            headers={"Connection": "close"},
        )
    assert patched.status == 200, patched.text
    with HTTPConnection.tcp("127.0.0.1", port) as connection:
        assert connection.request("GET", "/1.0", headers={"Connection": "close"}).status == 200
    assert daemon.stop() == 0


@requires_activate
def test_a_passed_socket_berthd_cannot_serve_stops_it_with_a_clear_error(activated, socket_dir):
    passed = socket_dir / "seqpacket.sock"
    daemon = activated(["--seqpacket", "-l", passed])
    wait_for_file(passed)
    client = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        client.connect(str(passed))
        daemon.process.wait(timeout=60)
    finally:
        client.close()
    daemon.stopped_by_test = True
    assert daemon.process.returncode == 1, daemon.log
    assert "socket activation: fd 3 (unknown) is not a stream socket" in daemon.log


def test_listen_variables_meant_for_another_process_are_ignored(berthd_factory):
    # LISTEN_PID of another process (a parent that leaked them): berthd binds its own socket.
    daemon = berthd_factory(env={"LISTEN_PID": "1", "LISTEN_FDS": "1", "LISTEN_FDNAMES": "x"})
    assert daemon.socket.exists()
    assert daemon.request("GET", "/1.0").status == 200
    assert "serving sockets passed" not in daemon.log


def test_malformed_listen_variables_stop_berthd(berthd_factory):
    daemon = berthd_factory(env={"LISTEN_PID": "self", "LISTEN_FDS": "1"}, wait=False)
    assert daemon.process.wait(timeout=30) == 1
    daemon.stopped_by_test = True
    assert "LISTEN_PID=self is not valid" in daemon.log


# --- notify and watchdog ---------------------------------------------------------------------------


@requires_activate
def test_ready_watchdog_pings_and_stopping_reach_the_notify_socket(activated, notify_socket, tmp_path):
    passed = tmp_path / "api.sock"
    daemon = activated(["-l", passed], env={"NOTIFY_SOCKET": str(notify_socket.path), "WATCHDOG_USEC": "2000000"})
    wait_for_file(passed)
    # Nothing before the first connection: the activator waits for it.
    assert notify_socket.collect(0.5) == []
    with HTTPConnection.unix(passed, timeout=60) as connection:
        connection.send_request("GET", "/1.0", headers={"Connection": "close"})
        before_ready = notify_socket.receive_until("READY=1")
        assert connection.read_response().status == 200
    ready = before_ready[-1].split("\n")
    assert "STATUS=Serving the API" in ready
    assert f"MAINPID={daemon.pid}" in ready
    assert any(line.startswith("STATUS=") for m in before_ready[:-1] for line in m.split("\n"))
    # READY=1 promises service: a new connection is answered without retrying.
    assert first_request(passed).status == 200
    # WATCHDOG_USEC=2 s: a ping every second, the first right after READY=1.
    pings = [m for m in notify_socket.collect(3.2) if m == "WATCHDOG=1"]
    assert len(pings) >= 2, notify_socket.messages
    assert len(pings) <= 5, notify_socket.messages
    assert sum("READY=1" in m.split("\n") for _, m in notify_socket.messages) == 1
    assert "watchdog enabled" in daemon.log
    daemon.process.send_signal(signal.SIGTERM)
    stopping = notify_socket.receive_until("STOPPING=1")
    assert "STATUS=Draining connections and operations" in stopping[-1].split("\n")
    assert daemon.stop() == 0
    # The pings stop with the daemon.
    assert "WATCHDOG=1" not in notify_socket.collect(1.5)


def test_a_watchdog_meant_for_another_process_sends_no_pings(berthd_factory, notify_socket):
    daemon = berthd_factory(
        env={"NOTIFY_SOCKET": str(notify_socket.path), "WATCHDOG_USEC": "400000", "WATCHDOG_PID": "1"}, wait=False
    )
    notify_socket.receive_until("READY=1")
    assert "WATCHDOG=1" not in notify_socket.collect(1.5)
    assert daemon.stop() == 0


def test_an_invalid_watchdog_interval_is_logged_and_berthd_still_serves(berthd_factory, notify_socket):
    daemon = berthd_factory(env={"NOTIFY_SOCKET": str(notify_socket.path), "WATCHDOG_USEC": "soon"}, wait=False)
    notify_socket.receive_until("READY=1")
    assert daemon.request("GET", "/1.0").status == 200
    assert "WATCHDOG_USEC=soon is not a positive number of microseconds" in daemon.wait_for_log("watchdog disabled")
    assert "WATCHDOG=1" not in notify_socket.collect(0.5)


# --- deploy/ files ---------------------------------------------------------------------------------


@pytest.fixture
def installed(berthd_binary, tmp_path) -> Path:
    """deploy/install.sh with the binary under test into a scratch prefix (no DESTDIR), so that the
    unit's ExecStart= names an existing file and `man` finds the page through MANPATH."""
    prefix = tmp_path / "prefix"
    result = subprocess.run(
        ["bash", str(REPO / "deploy/install.sh"), "--binary", str(berthd_binary), "--prefix", str(prefix)],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return prefix


@pytest.mark.skipif(ANALYZE is None, reason="systemd-analyze is not installed")
def test_systemd_analyze_verify_accepts_the_units_without_a_warning(installed, tmp_path):
    units = installed / "lib/systemd/system"
    result = subprocess.run(
        [ANALYZE, "verify", str(units / "berthd.socket"), str(units / "berthd.service")],
        capture_output=True, text=True, timeout=60, env={**os.environ, "MANPATH": str(installed / "share/man")},
    )
    # verify exits 0 for unknown keys and bad values and only prints them: every line is a finding.
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr


@pytest.mark.skipif(ANALYZE is None, reason="systemd-analyze is not installed")
def test_systemd_analyze_verify_would_catch_a_broken_unit(installed):
    """The check above can fail: a misspelt value is reported on the unit's line."""
    unit = installed / "lib/systemd/system/berthd.service"
    unit.write_text(unit.read_text().replace("KillMode=process", "KillMode=proces"))
    result = subprocess.run(
        [ANALYZE, "verify", str(unit)], capture_output=True, text=True, timeout=60,
        env={**os.environ, "MANPATH": str(installed / "share/man")},
    )
    assert "proces" in result.stderr


def unit_settings(path: Path) -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith(("#", "[")) and "=" in line:
            key, value = line.split("=", 1)
            settings.setdefault(key, []).append(value)
    return settings


def test_the_units_say_what_the_brief_of_a_host_service_needs(installed):
    service = unit_settings(installed / "lib/systemd/system/berthd.service")
    assert service["Type"] == ["notify"]
    assert service["NotifyAccess"] == ["main"]
    assert service["WatchdogSec"] == ["30s"]
    assert service["Restart"] == ["on-failure"]
    assert service["KillMode"] == ["process"]
    assert service["LimitNOFILE"] == ["1048576"]
    assert service["ExecStart"] == [f"{installed}/bin/berthd --state-dir /var/lib/berth"]
    # Settings that would break LXC or QEMU (see the unit's comments) must not creep in.
    for breaking in ("ProtectClock", "PrivateDevices", "ProtectKernelTunables", "ProtectKernelLogs",
                     "ProtectControlGroups", "ProtectHostname", "MemoryDenyWriteExecute", "NoNewPrivileges",
                     "RestrictNamespaces", "PrivateTmp", "DeviceAllow", "LockPersonality"):
        assert breaking not in service, breaking
    socket_unit = unit_settings(installed / "lib/systemd/system/berthd.socket")
    assert socket_unit["ListenStream"] == ["/var/lib/berth/unix.socket"]
    assert socket_unit["SocketMode"] == ["0660"]
    assert socket_unit["SocketGroup"] == ["berth"]


def test_tmpfiles_and_sysusers_snippets_apply_to_a_scratch_root(installed, tmp_path):
    tmpfiles, sysusers = shutil.which("systemd-tmpfiles"), shutil.which("systemd-sysusers")
    if tmpfiles is None or sysusers is None:
        pytest.skip("systemd-tmpfiles or systemd-sysusers is not installed")
    scratch = tmp_path / "root"
    (scratch / "etc").mkdir(parents=True)
    result = subprocess.run(
        [tmpfiles, f"--root={scratch}", "--create", str(installed / "lib/tmpfiles.d/berth.conf")],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    state = (scratch / "var/lib/berth").stat()
    assert stat.S_ISDIR(state.st_mode) and stat.S_IMODE(state.st_mode) == 0o711
    assert (state.st_uid, state.st_gid) == (0, 0)
    result = subprocess.run(
        [sysusers, f"--root={scratch}", str(installed / "lib/sysusers.d/berth.conf")],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    groups = [line.split(":") for line in (scratch / "etc/group").read_text().splitlines()]
    assert [g[0] for g in groups] == ["berth"]
    assert not (scratch / "etc/passwd").exists() or "berth" not in (scratch / "etc/passwd").read_text()


def test_install_puts_every_file_in_place_under_destdir(berthd_binary, tmp_path):
    destdir = tmp_path / "stage"
    result = subprocess.run(
        ["bash", str(REPO / "deploy/install.sh"), "--binary", str(berthd_binary), "--prefix", "/usr"],
        capture_output=True, text=True, timeout=60, env={**os.environ, "DESTDIR": str(destdir)},
    )
    assert result.returncode == 0, result.stderr
    expected = {
        "usr/bin/berthd": 0o755,
        "usr/lib/systemd/system/berthd.service": 0o644,
        "usr/lib/systemd/system/berthd.socket": 0o644,
        "usr/lib/sysusers.d/berth.conf": 0o644,
        "usr/lib/tmpfiles.d/berth.conf": 0o644,
        "usr/share/man/man8/berthd.8": 0o644,
    }
    found = {str(p.relative_to(destdir)): stat.S_IMODE(p.stat().st_mode) for p in destdir.rglob("*") if p.is_file()}
    assert found == expected
    assert (destdir / "usr/bin/berthd").read_bytes() == berthd_binary.read_bytes()
    assert "ExecStart=/usr/bin/berthd --state-dir /var/lib/berth" in (
        destdir / "usr/lib/systemd/system/berthd.service"
    ).read_text()
    assert (destdir / "usr/lib/systemd/system/berthd.socket").read_text() == (REPO / "deploy/berthd.socket").read_text()
    # It says how to enable, and does not do it.
    assert "systemctl enable --now berthd.socket" in result.stdout
    # The page renders without a groff warning.
    rendered = subprocess.run(
        ["groff", "-man", "-Tutf8", "-ww", "-z", str(destdir / "usr/share/man/man8/berthd.8")],
        capture_output=True, text=True, timeout=60,
    )
    assert rendered.returncode == 0 and rendered.stderr == "", rendered.stderr


def test_install_dry_run_changes_nothing(tmp_path):
    destdir = tmp_path / "stage"
    scratch_build = tmp_path / "build"
    result = subprocess.run(
        ["bash", str(REPO / "deploy/install.sh"), "--dry-run", "--prefix", "/opt/berth"],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "DESTDIR": str(destdir), "BERTH_BUILD_DIR": str(scratch_build)},
    )
    assert result.returncode == 0, result.stderr
    assert not destdir.exists() and not scratch_build.exists()
    assert "-c release --static-swift-stdlib --product berthd" in result.stdout
    for path in ("/opt/berth/bin/berthd", "/opt/berth/lib/systemd/system/berthd.service",
                 "/opt/berth/share/man/man8/berthd.8"):
        assert f"install: {destdir}{path}" in result.stdout
    assert "nothing was changed" in result.stdout
    assert "systemctl link" in result.stdout


def test_install_refuses_a_relative_prefix():
    result = subprocess.run(
        ["bash", str(REPO / "deploy/install.sh"), "--dry-run", "--prefix", "usr"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert "absolute path" in result.stderr
