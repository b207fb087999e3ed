"""Snapshots on real LXC through the real `lxc` CLI and pylxd: snapshot, info listing them,
restore (of a running container), copy of a snapshot, delete, rename, expiry, and kill -9 during a
snapshot."""

from __future__ import annotations

import json
import os
import signal
import time

import pytest

from test_instances import daemon_with_image, leftover_containers, state_of  # noqa: F401  (fixture)

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="LXC containers need root")


def exec_sh(berthd, name: str, script: str) -> str:
    """Runs a shell line in the container with lxc-attach (exec is another engineer's endpoint)."""
    import subprocess

    result = subprocess.run(
        ["lxc-attach", "-n", name, "-P", str(berthd.state_dir / "containers"), "--", "/bin/sh", "-c", script],
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def snapshot_names(berthd, name: str) -> list[str]:
    listed = berthd.request("GET", f"/1.0/instances/{name}/snapshots?recursion=1").json["metadata"]
    return [entry["name"] for entry in listed]


def test_snapshot_info_restore_copy_delete_with_the_lxc_cli(daemon_with_image):
    berthd = daemon_with_image
    assert berthd.lxc("launch", "busybox", "c1").returncode == 0
    exec_sh(berthd, "c1", "echo before > /root/note")

    taken = berthd.lxc("snapshot", "c1", "s1")
    assert taken.returncode == 0, taken.stderr
    assert state_of(berthd, "c1") == "Running"  # thawed after the copy
    unnamed = berthd.lxc("snapshot", "c1")
    assert unnamed.returncode == 0, unnamed.stderr
    assert snapshot_names(berthd, "c1") == ["s1", "snap0"]
    assert berthd.request("GET", "/1.0/instances/c1/snapshots").json["metadata"] == [
        "/1.0/instances/c1/snapshots/s1", "/1.0/instances/c1/snapshots/snap0",
    ]
    again = berthd.request("POST", "/1.0/instances/c1/snapshots", {"name": "s1"})
    assert again.status == 409 and again.json["error"] == 'Snapshot "s1" already exists'
    assert berthd.request("GET", "/1.0/instances/c1/snapshots/nope").status == 404

    info = berthd.lxc("info", "c1")
    assert info.returncode == 0, info.stderr
    assert "Snapshots:" in info.stdout and "s1" in info.stdout and "snap0" in info.stdout

    exec_sh(berthd, "c1", "echo after > /root/note; touch /root/new")
    restored = berthd.lxc("restore", "c1", "s1")
    assert restored.returncode == 0, restored.stderr
    assert state_of(berthd, "c1") == "Running"  # stopped, restored, started
    assert exec_sh(berthd, "c1", "cat /root/note; test -e /root/new || echo no-new") == "before\nno-new\n"

    copied = berthd.lxc("copy", "c1/s1", "c2")
    assert copied.returncode == 0, copied.stderr
    assert berthd.lxc("start", "c2").returncode == 0
    assert exec_sh(berthd, "c2", "cat /root/note") == "before\n"

    renamed = berthd.request("POST", "/1.0/instances/c1/snapshots/snap0", {"name": "s2"})
    assert renamed.status == 202
    berthd.request("GET", f"{renamed.headers['location']}/wait?timeout=30")
    assert snapshot_names(berthd, "c1") == ["s1", "s2"]

    deleted = berthd.lxc("delete", "c1/s1")
    assert deleted.returncode == 0, deleted.stderr
    assert snapshot_names(berthd, "c1") == ["s2"]
    assert not (berthd.state_dir / "containers" / "c1" / "snapshots" / "s1").exists()

    # An instance's rename keeps its snapshots, its delete removes them.
    assert berthd.lxc("stop", "--force", "c1").returncode == 0
    assert berthd.lxc("rename", "c1", "c3").returncode == 0
    assert snapshot_names(berthd, "c3") == ["s2"]
    assert berthd.lxc("delete", "c3").returncode == 0
    assert not (berthd.state_dir / "containers" / "c3").exists()


def test_pylxd_snapshots_create_and_restore(daemon_with_image):
    pylxd = pytest.importorskip("pylxd")
    berthd = daemon_with_image
    assert berthd.lxc("launch", "busybox", "p1").returncode == 0
    client = pylxd.Client(endpoint=str(berthd.state_dir / "unix.socket"))
    instance = client.instances.get("p1")
    exec_sh(berthd, "p1", "echo one > /root/note")
    snapshot = instance.snapshots.create("first", wait=True)
    assert [s.name for s in instance.snapshots.all()] == ["first"]
    exec_sh(berthd, "p1", "echo two > /root/note")
    snapshot.restore(wait=True)
    assert exec_sh(berthd, "p1", "cat /root/note") == "one\n"


def test_expired_snapshots_are_deleted_by_an_operation(daemon_with_image):
    berthd = daemon_with_image
    assert berthd.lxc("init", "busybox", "e1").returncode == 0
    soon = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 2))
    made = berthd.request("POST", "/1.0/instances/e1/snapshots", {"name": "short", "expires_at": soon})
    assert made.status == 202, made.text
    berthd.request("GET", f"{made.headers['location']}/wait?timeout=30")
    assert snapshot_names(berthd, "e1") == ["short"]
    for _ in range(100):
        if snapshot_names(berthd, "e1") == []:
            break
        time.sleep(0.1)
    assert snapshot_names(berthd, "e1") == []
    assert not (berthd.state_dir / "containers" / "e1" / "snapshots" / "short").exists()
    ops = berthd.request("GET", "/1.0/operations?recursion=1").json["metadata"]
    descriptions = [op["description"] for group in ops.values() for op in group]
    assert "Deleting snapshot" in descriptions


def test_kill_9_during_snapshots_leaves_each_whole_or_absent(berthd_factory, busybox_images):
    daemon = berthd_factory()
    try:
        assert daemon.lxc("image", "import", str(busybox_images["fastinit"]), "--alias", "busybox").returncode == 0
        assert daemon.lxc("launch", "busybox", "k1").returncode == 0
        exec_sh(daemon, "k1", "dd if=/dev/zero of=/root/blob bs=1M count=32 2>/dev/null")
        operations = {}
        for index in range(3):
            response = daemon.request("POST", "/1.0/instances/k1/snapshots", {"name": f"s{index}"})
            assert response.status == 202, response.text
            operations[f"s{index}"] = response.json["metadata"]["id"]
        time.sleep(0.05)
        assert daemon.stop(signal.SIGKILL) == -signal.SIGKILL
        daemon.start()
        snapshots_dir = daemon.state_dir / "containers" / "k1" / "snapshots"
        for name, op_id in operations.items():
            final = daemon.request("GET", f"/1.0/operations/{op_id}/wait?timeout=60").json["metadata"]
            assert final["status"] in ("Success", "Failure"), final
        listed = snapshot_names(daemon, "k1")
        on_disk = sorted(p.name for p in snapshots_dir.iterdir() if not p.name.startswith(".")) if snapshots_dir.exists() else []
        assert listed == on_disk
        for name in listed:
            assert (snapshots_dir / name / "delta" / "root" / "blob").stat().st_size == 32 << 20
        # Not left frozen by an interrupted copy.
        assert state_of(daemon, "k1") == "Running"
    finally:
        daemon.lxc("delete", "--force", "k1")
