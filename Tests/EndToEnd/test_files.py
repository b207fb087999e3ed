"""Files inside containers and their logs through the real `lxc` CLI and pylxd: `lxc file
push/pull/delete` (binary content, mode and owner, `-r` with a symlink, `-p`), paths that try to
leave the container, `lxc console --show-log`, and `/logs`."""

from __future__ import annotations

import json
import os
import time
import urllib.parse
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="LXC containers need root")


@pytest.fixture
def daemon_with_image(berthd, busybox_images):
    """A daemon with the fast-init busybox image as `busybox`; its containers are deleted
    afterwards, also when the test failed."""
    result = berthd.lxc("image", "import", str(busybox_images["fastinit"]), "--alias", "busybox")
    assert result.returncode == 0, result.stderr
    yield berthd
    for entry in json.loads(berthd.lxc("list", "--format", "json").stdout or "[]"):
        berthd.lxc("delete", "--force", entry["name"])


def files_url(name: str, path: str) -> str:
    return f"/1.0/instances/{name}/files?path={urllib.parse.quote(path)}"


def get_file(berthd, name: str, path: str):
    return berthd.request("GET", files_url(name, path))


@pytest.mark.parametrize("running", [True, False], ids=["running", "stopped"])
def test_push_and_pull_a_binary_file_with_mode_and_owner(daemon_with_image, tmp_path, running):
    berthd = daemon_with_image
    verb = "launch" if running else "init"
    assert berthd.lxc(verb, "busybox", "c1").returncode == 0
    data = os.urandom(3 * 1024 * 1024 + 17)
    source = tmp_path / "blob.bin"
    source.write_bytes(data)
    pushed = berthd.lxc("file", "push", "--mode", "0640", "--uid", "1000", "--gid", "1000", str(source), "c1/root/blob.bin")
    assert pushed.returncode == 0, pushed.stderr

    response = get_file(berthd, "c1", "/root/blob.bin")
    assert response.status == 200
    assert response.body == data
    assert response.headers["x-lxd-uid"] == "1000" and response.headers["x-lxd-gid"] == "1000"
    assert response.headers["x-lxd-mode"] == "0640" and response.headers["x-lxd-type"] == "file"

    # On the host the file belongs to the container's ids shifted by its map: its root owns the
    # upper layer (or the plain rootfs), and uid 1000 is 1000 above it.
    directory = berthd.state_dir / "containers" / "c1"
    layer = directory / "delta" if (directory / "delta").exists() else directory / "rootfs"
    on_host = (layer / "root" / "blob.bin").stat()
    assert on_host.st_uid == layer.stat().st_uid + 1000 and on_host.st_gid == layer.stat().st_gid + 1000

    target = tmp_path / "pulled.bin"
    pulled = berthd.lxc("file", "pull", "c1/root/blob.bin", str(target))
    assert pulled.returncode == 0, pulled.stderr
    assert target.read_bytes() == data

    deleted = berthd.lxc("file", "delete", "c1/root/blob.bin")
    assert deleted.returncode == 0, deleted.stderr
    gone = get_file(berthd, "c1", "/root/blob.bin")
    assert gone.status == 404 and gone.json["error"] == "not found"


def test_a_file_larger_than_the_in_memory_body_limit_is_pushed_through_a_spool(daemon_with_image, tmp_path):
    """70 MiB (over the 64 MiB a body may take in memory): the server writes it to disk as it
    arrives and copies it into the container; its peak memory does not grow by the file's size."""
    from test_images import high_water_mark

    berthd = daemon_with_image
    assert berthd.lxc("launch", "busybox", "big").returncode == 0
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(70 << 20))
    before = high_water_mark(berthd.pid)
    pushed = berthd.lxc("file", "push", str(source), "big/root/big.bin")
    assert pushed.returncode == 0, pushed.stderr
    grown = high_water_mark(berthd.pid) - before
    assert grown < 40 << 20, f"peak memory grew by {grown >> 20} MiB while receiving a 70 MiB file"
    target = tmp_path / "pulled.bin"
    assert berthd.lxc("file", "pull", "big/root/big.bin", str(target)).returncode == 0
    assert target.read_bytes() == source.read_bytes()
    assert [path.name for path in (berthd.state_dir / "images" / "uploads").iterdir()] == []


def test_recursive_push_and_pull_keep_directories_and_symlinks(daemon_with_image, tmp_path):
    berthd = daemon_with_image
    assert berthd.lxc("launch", "busybox", "c1").returncode == 0
    tree = tmp_path / "tree"
    (tree / "sub" / "deeper").mkdir(parents=True)
    (tree / "sub" / "deeper" / "leaf.txt").write_text("leaf\n")
    (tree / "top.txt").write_text("top\n")
    os.symlink("sub/deeper/leaf.txt", tree / "link")
    pushed = berthd.lxc("file", "push", "-r", str(tree), "c1/root/")
    assert pushed.returncode == 0, pushed.stderr

    assert get_file(berthd, "c1", "/root/tree/sub/deeper/leaf.txt").body == b"leaf\n"
    link = get_file(berthd, "c1", "/root/tree/link")
    assert link.headers["x-lxd-type"] == "symlink"
    listing = get_file(berthd, "c1", "/root/tree")
    assert listing.headers["x-lxd-type"] == "directory"
    assert sorted(listing.json["metadata"]) == ["link", "sub", "top.txt"]

    out = tmp_path / "out"
    out.mkdir()
    pulled = berthd.lxc("file", "pull", "-r", "c1/root/tree", str(out))
    assert pulled.returncode == 0, pulled.stderr
    assert (out / "tree" / "sub" / "deeper" / "leaf.txt").read_text() == "leaf\n"
    assert (out / "tree" / "top.txt").read_text() == "top\n"
    assert (out / "tree" / "link").is_symlink()


def test_push_with_create_parents(daemon_with_image, tmp_path):
    berthd = daemon_with_image
    assert berthd.lxc("init", "busybox", "c1").returncode == 0
    source = tmp_path / "f.txt"
    source.write_text("deep\n")
    refused = berthd.lxc("file", "push", str(source), "c1/a/b/c/f.txt")
    assert refused.returncode != 0
    made = berthd.lxc("file", "push", "-p", str(source), "c1/a/b/c/f.txt")
    assert made.returncode == 0, made.stderr
    assert get_file(berthd, "c1", "/a/b/c/f.txt").body == b"deep\n"
    assert get_file(berthd, "c1", "/a/b").headers["x-lxd-type"] == "directory"


@pytest.mark.parametrize("running", [True, False], ids=["running", "stopped"])
def test_paths_never_leave_the_container(daemon_with_image, tmp_path, running):
    berthd = daemon_with_image
    assert berthd.lxc("launch" if running else "init", "busybox", "c1").returncode == 0
    marker = tmp_path / "outside"
    marker.mkdir()
    # `..` stops at the container's root: this reads the container's own /etc/passwd.
    dotdot = get_file(berthd, "c1", "/../../../../etc/passwd")
    assert dotdot.status == 200
    assert dotdot.body == get_file(berthd, "c1", "/etc/passwd").body
    assert dotdot.body != Path("/etc/passwd").read_bytes()

    # An absolute symlink to the host's directory resolves inside the container.
    link = berthd.request(
        "POST", files_url("c1", "/escape"), body=str(marker).encode(), headers={"X-LXD-type": "symlink"})
    assert link.status == 200, link.body
    written = berthd.request("POST", files_url("c1", "/escape/planted"), body=b"x")
    root_link = berthd.request("POST", files_url("c1", "/rootlink"), body=b"/", headers={"X-LXD-type": "symlink"})
    assert root_link.status == 200
    via_root = berthd.request("POST", files_url("c1", "/rootlink/tmp/../../../tmp/planted2"), body=b"y")
    assert via_root.status == 200
    assert not (marker / "planted").exists()
    assert not Path("/tmp/planted2").exists()
    assert get_file(berthd, "c1", "/tmp/planted2").body == b"y"
    # The symlink's target does not exist inside the container, so the write has no directory.
    assert written.status == 404

    # A symlink loop is refused with a 400, not followed forever.
    berthd.request("POST", files_url("c1", "/loop1"), body=b"/loop2", headers={"X-LXD-type": "symlink"})
    berthd.request("POST", files_url("c1", "/loop2"), body=b"/loop1", headers={"X-LXD-type": "symlink"})
    loop = get_file(berthd, "c1", "/loop1/x")
    assert loop.status == 400 and "symbolic links" in loop.json["error"]

    if running:
        # /proc inside the container is another mount: never entered with berthd's privileges.
        proc = get_file(berthd, "c1", "/proc/1/environ")
        assert proc.status == 400 and "mount point" in proc.json["error"]


def test_bad_headers_and_missing_path_are_refused(daemon_with_image):
    berthd = daemon_with_image
    assert berthd.lxc("init", "busybox", "c1").returncode == 0
    assert berthd.request("GET", "/1.0/instances/c1/files").json["error"] == "Missing path argument"
    bad_write = berthd.request("POST", files_url("c1", "/x"), body=b"", headers={"X-LXD-write": "nope"})
    assert bad_write.status == 400 and bad_write.json["error"] == "Bad file write mode: nope"
    bad_type = berthd.request("POST", files_url("c1", "/x"), body=b"", headers={"X-LXD-type": "fifo"})
    assert bad_type.status == 400 and bad_type.json["error"] == "Bad file type: fifo"
    assert berthd.request("GET", files_url("nope", "/x")).status == 404


def test_append_keeps_owner_and_adds_bytes(daemon_with_image):
    berthd = daemon_with_image
    assert berthd.lxc("init", "busybox", "c1").returncode == 0
    first = berthd.request(
        "POST", files_url("c1", "/log.txt"), body=b"one\n", headers={"X-LXD-uid": "5", "X-LXD-mode": "0600"})
    assert first.status == 200
    second = berthd.request(
        "POST", files_url("c1", "/log.txt"), body=b"two\n", headers={"X-LXD-write": "append", "X-LXD-uid": "7"})
    assert second.status == 200
    got = get_file(berthd, "c1", "/log.txt")
    assert got.body == b"one\ntwo\n" and got.headers["x-lxd-uid"] == "5" and got.headers["x-lxd-mode"] == "0600"


def test_pylxd_files_put_and_get(daemon_with_image):
    pylxd = pytest.importorskip("pylxd")
    berthd = daemon_with_image
    assert berthd.lxc("launch", "busybox", "c1").returncode == 0
    client = pylxd.Client(endpoint=str(berthd.socket))
    instance = client.instances.get("c1")
    data = os.urandom(100_000)
    instance.files.put("/root/py.bin", data, mode=0o600, uid=33, gid=44)
    assert instance.files.get("/root/py.bin") == data
    headers = get_file(berthd, "c1", "/root/py.bin").headers
    assert (headers["x-lxd-uid"], headers["x-lxd-gid"], headers["x-lxd-mode"]) == ("33", "44", "0600")
    instance.files.mk_dir("/root/pydir", mode=0o700)
    assert get_file(berthd, "c1", "/root/pydir").headers["x-lxd-mode"] == "0700"
    assert instance.files.delete_available()
    instance.files.delete("/root/py.bin")
    assert get_file(berthd, "c1", "/root/py.bin").status == 404


def test_console_show_log_and_logs(daemon_with_image, tmp_path):
    berthd = daemon_with_image
    # busybox's init is quiet: the boot script, pushed before the first start, greets the console.
    assert berthd.lxc("init", "busybox", "c1").returncode == 0
    original = get_file(berthd, "c1", "/etc/init.d/rcS")
    assert original.status == 200
    rcs = tmp_path / "rcS"
    rcs.write_bytes(original.body + b"echo 'berth: c1 booted'\n")
    pushed = berthd.lxc("file", "push", "--mode", "0755", str(rcs), "c1/etc/init.d/rcS")
    assert pushed.returncode == 0, pushed.stderr
    assert berthd.lxc("start", "c1").returncode == 0
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and b"booted" not in berthd.request("GET", "/1.0/instances/c1/console").body:
        time.sleep(0.1)
    shown = berthd.lxc("console", "--show-log", "c1")
    assert shown.returncode == 0, shown.stderr
    assert "berth: c1 booted" in shown.stdout

    logs = berthd.request("GET", "/1.0/instances/c1/logs").json["metadata"]
    assert "/1.0/instances/c1/logs/lxc.log" in logs
    assert "/1.0/instances/c1/logs/console.log" in logs
    assert berthd.request("GET", "/1.0/instances/c1/logs/lxc.log").status == 200
    invalid = berthd.request("GET", "/1.0/instances/c1/logs/config")
    assert invalid.status == 400 and invalid.json["error"] == "log file name config not valid"
    protected = berthd.request("DELETE", "/1.0/instances/c1/logs/lxc.log")
    assert protected.status == 400
    assert berthd.request("GET", "/1.0/containers/c1/logs/nope.log").status == 404

    assert berthd.request("DELETE", "/1.0/instances/c1/console").status == 200
    assert berthd.request("GET", "/1.0/instances/c1/console").body == b""
