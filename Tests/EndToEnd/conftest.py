"""The end-to-end harness: real `berthd` processes, driven over their sockets and by the real `lxc`.

Fixtures
  berthd          a daemon on a fresh temporary state directory (unix socket only)
  berthd_tcp      the same with `--listen 127.0.0.1:<free port>` (HTTPS; callers without a trusted
                  client certificate are untrusted)
  berthd_factory  start(listen=False, env=None, args=()) for tests that need several daemons or
                  a special environment (NOTIFY_SOCKET, ...)
  berthd_binary   the path of the binary under test

The binary is `$BERTHD`, else `.build/debug/berthd`, else `.build/release/berthd`. Every daemon runs
with `--log-level debug`; its stderr is in `daemon.log` and is attached to the report of a failing
test. Whatever happens, each daemon is stopped (SIGTERM, then SIGKILL after 10 s) and its temporary
directory removed. A daemon that dies during a test, or does not exit 0 on SIGTERM, fails the test
in teardown: a crash is never silent.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STOP_GRACE_SECONDS = 10
READY_TIMEOUT_SECONDS = 30

_DAEMONS = pytest.StashKey[list]()


def find_berthd() -> Path:
    """`$BERTHD`, else the debug build, else the release build."""
    explicit = os.environ.get("BERTHD")
    if explicit:
        path = Path(explicit)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise FileNotFoundError(f"BERTHD={explicit} is not an executable file")
        return path.resolve()
    for candidate in (REPO / ".build/debug/berthd", REPO / ".build/release/berthd"):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise FileNotFoundError(
        "no berthd binary: set BERTHD, or build one (swift build --product berthd)"
    )


def find_test_daemon() -> Path:
    """`$BERTH_TEST_DAEMON`, else the debug build of Tests/TestDaemon: berthd's wiring plus test
    operation types (a test double; never part of the product)."""
    explicit = os.environ.get("BERTH_TEST_DAEMON")
    candidates = [Path(explicit)] if explicit else [REPO / ".build/debug/BerthTestDaemon"]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate.resolve()
    raise FileNotFoundError("no test daemon: set BERTH_TEST_DAEMON, or swift build --product BerthTestDaemon")


def destroy_containers(lxc_path: Path):
    """Kills and destroys every LXC container a daemon left in `lxc_path` (a test that failed
    half-way), so none outlives its state directory."""
    if not lxc_path.is_dir():
        return
    for entry in lxc_path.iterdir():
        if (entry / "config").exists():
            subprocess.run(["lxc-stop", "-P", str(lxc_path), "-n", entry.name, "-k"], capture_output=True, timeout=30)
            # berthd names each container's cgroups itself (lxc.cgroup.dir.*); lxc-destroy leaves them.
            groups = [
                line.split("=", 1)[1].strip()
                for line in (entry / "config").read_text().splitlines()
                if line.startswith("lxc.cgroup.dir.") and "=" in line
            ]
            subprocess.run(["lxc-destroy", "-P", str(lxc_path), "-n", entry.name, "-f"], capture_output=True, timeout=30)
            for group in groups:
                for hierarchy in Path("/sys/fs/cgroup").iterdir():
                    path = hierarchy / group
                    if not path.is_dir():
                        continue
                    nested = [p for p in path.rglob("*") if p.is_dir()]
                    for directory in sorted(nested, key=lambda p: len(p.parts), reverse=True) + [path]:
                        try:
                            directory.rmdir()
                        except OSError:
                            pass  # still in use: not ours to force


def unverified_tls_context() -> ssl.SSLContext:
    """A client context that accepts berthd's self-signed certificate (like `curl -k`)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def free_tcp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- HTTP over a raw socket ------------------------------------------------------------------


@dataclass
class Response:
    """One HTTP response. Iterates as `(status, headers, json)`."""

    status: int
    reason: str
    header_list: list[tuple[str, str]]
    body: bytes
    version: str = "HTTP/1.1"

    @property
    def headers(self) -> dict[str, str]:
        """Header names lower-cased; the last value wins."""
        return {name.lower(): value for name, value in self.header_list}

    def header_values(self, name: str) -> list[str]:
        return [value for key, value in self.header_list if key.lower() == name.lower()]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def json(self):
        return json.loads(self.body) if self.body else None

    def __iter__(self):
        return iter((self.status, self.headers, self.json))


class HTTPConnection:
    """A client connection that sends raw bytes and parses responses one at a time, so tests can
    check keep-alive, pipelining and connection closing exactly."""

    def __init__(self, sock: socket.socket, host: str, timeout: float = 10):
        self.sock = sock
        self.host = host
        self.sock.settimeout(timeout)
        self.buffer = b""

    @classmethod
    def unix(cls, path, timeout: float = 10) -> HTTPConnection:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(str(path))
        except BaseException:
            sock.close()
            raise
        return cls(sock, "unix.socket", timeout)

    @classmethod
    def tcp(cls, host: str, port: int, timeout: float = 10, context: ssl.SSLContext | None = None) -> HTTPConnection:
        """A TLS connection to berthd's HTTPS listener; `context` may carry a client certificate."""
        sock = socket.create_connection((host, port), timeout=timeout)
        try:
            sock = (context or unverified_tls_context()).wrap_socket(sock, server_hostname=host)
        except BaseException:
            sock.close()
            raise
        return cls(sock, f"{host}:{port}", timeout)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.sock.close()

    @staticmethod
    def encode_request(
        method: str, path: str, host: str, body=None, headers: dict | None = None
    ) -> bytes:
        headers = dict(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            body = body.encode()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "User-Agent: berth-e2e"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body is not None and not any(n.lower() == "content-length" for n in headers):
            lines.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")

    def send(self, data: bytes):
        self.sock.sendall(data)

    def send_request(self, method: str, path: str, body=None, headers: dict | None = None):
        self.send(self.encode_request(method, path, self.host, body, headers))

    def _fill(self) -> bool:
        chunk = self.sock.recv(65536)
        if not chunk:
            return False
        self.buffer += chunk
        return True

    def _read_until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            if not self._fill():
                raise ConnectionError(f"connection closed before {marker!r}; have {self.buffer[:200]!r}")
        head, self.buffer = self.buffer.split(marker, 1)
        return head

    def _read_exactly(self, count: int) -> bytes:
        while len(self.buffer) < count:
            if not self._fill():
                raise ConnectionError(f"connection closed after {len(self.buffer)} of {count} body bytes")
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def read_response(self, method: str = "GET") -> Response:
        head = self._read_until(b"\r\n\r\n").decode("latin-1")
        status_line, *header_lines = head.split("\r\n")
        version, status, *reason = status_line.split(" ", 2)
        header_list = []
        for line in header_lines:
            name, _, value = line.partition(":")
            header_list.append((name.strip(), value.strip()))
        response = Response(int(status), reason[0] if reason else "", header_list, b"", version)
        headers = response.headers
        if method == "HEAD" or response.status in (204, 304) or 100 <= response.status < 200:
            return response
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = b""
            while True:
                size = int(self._read_until(b"\r\n").split(b";")[0], 16)
                if size == 0:
                    while self._read_until(b"\r\n"):  # trailers, then the empty line
                        pass
                    break
                body += self._read_exactly(size)
                self._read_exactly(2)
            response.body = body
        elif "content-length" in headers:
            response.body = self._read_exactly(int(headers["content-length"]))
        else:
            while self._fill():
                pass
            response.body, self.buffer = self.buffer, b""
        return response

    def request(self, method: str, path: str, body=None, headers: dict | None = None) -> Response:
        self.send_request(method, path, body, headers)
        return self.read_response(method)

    def closed_by_peer(self, timeout: float = 5) -> bool:
        """True when the server closes the connection (EOF or reset) within `timeout` with nothing
        more to read; False if it stays open. Unread bytes are an error."""
        if self.buffer:
            raise AssertionError(f"unexpected bytes after the response: {self.buffer[:200]!r}")
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(65536)
        except TimeoutError:
            return False
        except ConnectionResetError:
            return True
        if data:
            raise AssertionError(f"unexpected bytes after the response: {data[:200]!r}")
        return True


# --- the daemon -------------------------------------------------------------------------------


@dataclass
class Berthd:
    binary: Path
    root: Path
    listen: tuple[str, int] | None = None
    env: dict[str, str] | None = None
    args: tuple[str, ...] = ()
    process: subprocess.Popen | None = None
    stopped_by_test: bool = False
    returncode: int | None = None
    _final_log: str | None = field(default=None, repr=False)

    @property
    def state_dir(self) -> Path:
        return self.root / "state"

    @property
    def socket(self) -> Path:
        return self.state_dir / "unix.socket"

    @property
    def log_path(self) -> Path:
        return self.root / "berthd.log"

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def log(self) -> str:
        """Everything the daemon wrote to stderr (and stdout) so far."""
        if self._final_log is not None:
            return self._final_log
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def wait_for_log(self, pattern: str, timeout: float = 10) -> str:
        """Waits until a log line matches the regular expression `pattern`; returns that line."""
        compiled = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            for line in self.log.splitlines():
                if compiled.search(line):
                    return line
            if time.monotonic() > deadline:
                raise AssertionError(f"no log line matching {pattern!r} within {timeout}s:\n{self.log}")
            time.sleep(0.05)

    @property
    def tcp_address(self) -> str:
        assert self.listen, "this daemon has no TCP listener"
        return f"{self.listen[0]}:{self.listen[1]}"

    def command(self) -> list[str]:
        command = [str(self.binary), "--state-dir", str(self.state_dir), "--log-level", "debug"]
        if self.listen:
            command += ["--listen", self.tcp_address]
        return command + list(self.args)

    def start(self, wait: bool = True):
        """Starts berthd (again, after a stop: same state directory, same log file)."""
        self.stopped_by_test = False
        self.returncode = None
        env = dict(os.environ)
        env.pop("NOTIFY_SOCKET", None)
        env.update(self.env or {})
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command(), stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env
            )
        if wait:
            self.wait_ready()

    def wait_ready(self, timeout: float = READY_TIMEOUT_SECONDS):
        """`berthd waitready`, watching the daemon meanwhile so a start-up failure is reported at
        once with its log."""
        waiter = subprocess.Popen(
            [str(self.binary), "waitready", "--state-dir", str(self.state_dir), "--timeout", str(timeout)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout + 10
        try:
            while True:
                if waiter.poll() is not None:
                    output = waiter.stdout.read().decode(errors="replace")
                    if waiter.returncode != 0:
                        raise RuntimeError(
                            f"berthd waitready exited {waiter.returncode}: {output}\n--- berthd log ---\n{self.log}"
                        )
                    return
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"berthd exited with {self.process.returncode} before it was ready\n--- berthd log ---\n{self.log}"
                    )
                if time.monotonic() > deadline:
                    raise RuntimeError(f"berthd waitready did not return in {timeout + 10}s\n{self.log}")
                time.sleep(0.02)
        finally:
            if waiter.poll() is None:
                waiter.kill()
                waiter.wait()
            waiter.stdout.close()

    def must_exit_cleanly(self) -> bool:
        """Whether a SIGTERM now must end the process with status 0 (asked before stopping it)."""
        return True

    def stop(self, sig: int = signal.SIGTERM, grace: float = STOP_GRACE_SECONDS, by_test: bool = True) -> int:
        """Signals the daemon and waits; SIGKILL after `grace` seconds. Returns the exit status
        (negative: killed by that signal)."""
        self.stopped_by_test = self.stopped_by_test or by_test
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.returncode = self.process.returncode
        return self.returncode

    # --- clients -------------------------------------------------------------------------------

    def client_env(self) -> dict[str, str]:
        """The environment for `lxc`: this daemon, and a private HOME/LXD_CONF so the user's
        remotes and certificates are never read or written."""
        home = self.root / "home"
        conf = self.root / "lxd-conf"
        home.mkdir(exist_ok=True)
        conf.mkdir(exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LXD_", "INCUS_"))}
        env.update(LXD_DIR=str(self.state_dir), LXD_CONF=str(conf), HOME=str(home))
        return env

    def lxc(self, *args: str, timeout: float = 60, input: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["lxc", *args], env=self.client_env(), input=input, capture_output=True, text=True, timeout=timeout
        )

    def curl(self, *args: str, timeout: float = 30) -> subprocess.CompletedProcess:
        """`curl -sS --unix-socket <socket> ARGS`; stdout and stderr as text with CRLFs kept."""
        result = subprocess.run(
            ["curl", "-sS", "--max-time", str(timeout), "--unix-socket", str(self.socket), *args],
            capture_output=True, timeout=timeout + 5,
        )
        result.stdout = result.stdout.decode("utf-8", errors="replace")
        result.stderr = result.stderr.decode("utf-8", errors="replace")
        return result

    def connect(self, tcp: bool = False, timeout: float = 10) -> HTTPConnection:
        if tcp:
            return HTTPConnection.tcp(*self.listen, timeout=timeout)
        return HTTPConnection.unix(self.socket, timeout=timeout)

    def request(
        self, method: str, path: str, body=None, headers: dict | None = None, *, tcp: bool = False,
        timeout: float = 10,
    ) -> Response:
        """One request on its own connection (`Connection: close`, like `lxc`)."""
        headers = {"Connection": "close", **(headers or {})}
        with self.connect(tcp=tcp, timeout=timeout) as connection:
            return connection.request(method, path, body, headers)

    def answers(self) -> bool:
        """Whether `GET /1.0` gets a 200 on the unix socket right now."""
        try:
            return self.request("GET", "/1.0", timeout=5).status == 200
        except OSError:
            return False


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def berthd_binary() -> Path:
    try:
        return find_berthd()
    except FileNotFoundError as error:
        pytest.fail(str(error), pytrace=False)


def daemon_root(prefix: str = "berth-e2e-") -> Path:
    """A new directory for one daemon's state, under /tmp."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    # Unprivileged containers' mapped root must be able to traverse to their rootfs.
    root.chmod(0o711)
    return root


def stop_test_daemons(daemons) -> None:
    """After a test: stops each daemon it started, removes its containers and directories, and
    fails the test if one died during it or did not exit 0 on SIGTERM."""
    problems = []
    for daemon in daemons:
        if daemon.process is None:
            continue
        must_exit_cleanly = daemon.must_exit_cleanly()
        died = daemon.process.poll() is not None and not daemon.stopped_by_test
        returncode = daemon.stop(by_test=False)
        daemon._final_log = daemon.log
        destroy_containers(daemon.state_dir / "containers")
        shutil.rmtree(daemon.root, ignore_errors=True)
        if daemon.stopped_by_test:
            continue
        if died:
            problems.append(f"berthd (pid {daemon.pid}) died during the test with status {returncode}")
        elif must_exit_cleanly and returncode != 0:
            problems.append(f"berthd (pid {daemon.pid}) exited with status {returncode} on SIGTERM, not 0")
    if problems:
        pytest.fail("; ".join(problems), pytrace=False)


@pytest.fixture
def berthd_factory(request, berthd_binary):
    daemons: list[Berthd] = []
    request.node.stash[_DAEMONS] = daemons

    def start(
        listen: bool = False, env: dict | None = None, args=(), wait: bool = True, binary: Path | None = None
    ) -> Berthd:
        daemon = Berthd(
            binary=binary or berthd_binary, root=daemon_root(), listen=("127.0.0.1", free_tcp_port()) if listen else None,
            env=env, args=tuple(args),
        )
        daemons.append(daemon)
        daemon.start(wait=wait)
        return daemon

    yield start
    stop_test_daemons(daemons)


@pytest.fixture
def testing_daemon_factory(berthd_factory):
    """Like `berthd_factory`, for the test daemon."""
    try:
        binary = find_test_daemon()
    except FileNotFoundError as error:
        pytest.fail(str(error), pytrace=False)
    return lambda **kwargs: berthd_factory(binary=binary, **kwargs)


@pytest.fixture
def berthd(berthd_factory) -> Berthd:
    return berthd_factory()


@pytest.fixture
def berthd_tcp(berthd_factory) -> Berthd:
    return berthd_factory(listen=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed:
        for daemon in item.stash.get(_DAEMONS, []):
            log = daemon.log
            if len(log) > 20000:
                log = "[...]\n" + log[-20000:]
            report.sections.append((f"berthd log (pid {daemon.pid if daemon.process else '-'})", log))
    return report


@pytest.fixture(scope="session")
def busybox_images(tmp_path_factory) -> dict[str, Path]:
    """The small test images, built once per run from Debian's busybox-static (no network):
    `busybox` (busybox init) and `fastinit` (a PID 1 that exits at once on SIGPWR)."""
    out = tmp_path_factory.mktemp("images")
    script = Path(os.environ.get("BERTH_IMAGE_SCRIPT", REPO / "scripts/build-busybox-image.sh"))
    subprocess.run(["bash", str(script), str(out)], check=True, capture_output=True, timeout=120)
    subprocess.run(
        ["bash", str(script), str(out)], check=True, capture_output=True, timeout=120, env={**os.environ, "FAST_INIT": "1"}
    )
    return {"busybox": out / "busybox.tar.gz", "fastinit": out / "busybox-fastinit.tar.gz"}
