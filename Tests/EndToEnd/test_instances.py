"""Containers on real LXC through the real `lxc` CLI: launch, list, info, stop, start, restart,
pause, stop --force, delete (--force), and the bad inputs that must leave nothing behind."""

from __future__ import annotations

import json
import os

import pytest

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="LXC containers need root")


@pytest.fixture
def daemon_with_image(berthd, busybox_images):
    """A daemon with the fast-init busybox image under the alias `busybox`; every container it made
    is deleted afterwards, also when the test failed."""
    result = berthd.lxc("image", "import", str(busybox_images["fastinit"]), "--alias", "busybox")
    assert result.returncode == 0, result.stderr
    yield berthd
    for name in json.loads(berthd.lxc("list", "--format", "json").stdout or "[]"):
        berthd.lxc("delete", "--force", name["name"])
    assert leftover_containers(berthd) == []


def leftover_containers(berthd) -> list[str]:
    """What is left in the lxcpath besides the bases kept for images that still exist."""
    containers = berthd.state_dir / "containers"
    if not containers.exists():
        return []
    found = []
    for entry in sorted(containers.iterdir()):
        if entry.name not in (".bases", ".trash"):
            found.append(entry.name)
            continue
        for inner in sorted(entry.iterdir()):
            key = inner.name.removeprefix(".image-")
            marker = entry / f".image-{key}"
            if entry.name == ".bases" and marker.exists() and os.path.exists(marker.read_text()):
                continue  # kept for the next container of that image
            found.append(f"{entry.name}/{inner.name}")
    return found


def state_of(berthd, name: str) -> str:
    return berthd.request("GET", f"/1.0/instances/{name}").json["metadata"]["status"]


def test_launch_list_stop_start_restart_pause_delete(daemon_with_image):
    berthd = daemon_with_image
    launched = berthd.lxc("launch", "busybox", "c1")
    assert launched.returncode == 0, launched.stderr
    assert "Creating c1" in launched.stdout and "Starting c1" in launched.stdout
    assert state_of(berthd, "c1") == "Running"

    listed = json.loads(berthd.lxc("list", "--format", "json").stdout)
    assert [(entry["name"], entry["status"]) for entry in listed] == [("c1", "Running")]
    assert listed[0]["state"]["pid"] > 0
    csv = berthd.lxc("list", "--format", "csv", "-c", "ns").stdout
    assert csv.strip() == "c1,RUNNING"
    table = berthd.lxc("list").stdout
    assert "| c1   | RUNNING |" in table

    info = berthd.lxc("info", "c1")
    assert info.returncode == 0 and "Status: RUNNING" in info.stdout

    assert berthd.lxc("stop", "c1").returncode == 0
    assert state_of(berthd, "c1") == "Stopped"
    assert berthd.lxc("start", "c1").returncode == 0
    assert state_of(berthd, "c1") == "Running"
    assert berthd.lxc("restart", "c1").returncode == 0
    assert state_of(berthd, "c1") == "Running"
    assert berthd.lxc("pause", "c1").returncode == 0
    assert state_of(berthd, "c1") == "Frozen"
    assert berthd.lxc("start", "c1").returncode == 0
    assert state_of(berthd, "c1") == "Running"
    assert berthd.lxc("stop", "--force", "c1").returncode == 0
    assert state_of(berthd, "c1") == "Stopped"

    assert berthd.lxc("delete", "c1").returncode == 0
    assert berthd.request("GET", "/1.0/instances/c1").status == 404
    assert not (berthd.state_dir / "containers" / "c1").exists()


def test_delete_force_stops_a_running_container_first(daemon_with_image):
    berthd = daemon_with_image
    assert berthd.lxc("launch", "busybox", "c2").returncode == 0
    refused = berthd.lxc("delete", "c2")
    assert refused.returncode == 1 and "stop it first or pass --force" in refused.stderr
    api = berthd.request("DELETE", "/1.0/instances/c2")
    assert api.status == 400 and api.json["error"] == "Instance is running"
    assert berthd.lxc("delete", "--force", "c2").returncode == 0
    assert json.loads(berthd.lxc("list", "--format", "json").stdout) == []


def test_bad_requests_are_refused_before_anything_is_made(daemon_with_image):
    berthd = daemon_with_image
    bad_name = berthd.request(
        "POST", "/1.0/instances", {"name": "-bad", "source": {"type": "image", "alias": "busybox"}}
    )
    assert bad_name.status == 400
    assert bad_name.json["error"] == 'Invalid instance name "-bad": Name must not start with "-" character'

    unknown_image = berthd.lxc("launch", "nope", "c3")
    assert unknown_image.returncode == 1

    assert berthd.lxc("init", "busybox", "c4").returncode == 0
    taken = berthd.request("POST", "/1.0/instances", {"name": "c4", "source": {"type": "image", "alias": "busybox"}})
    assert taken.status == 409 and taken.json["error"] == 'Instance "c4" already exists'

    unknown_action = berthd.request("PUT", "/1.0/instances/c4/state", {"action": "dance"})
    assert unknown_action.status == 400 and unknown_action.json["error"] == "Unknown action: 'dance'"
    missing = berthd.request("PUT", "/1.0/instances/nope/state", {"action": "start"})
    assert missing.status == 404 and missing.json["error"] == "Instance not found"
    bad_json = berthd.request("POST", "/1.0/instances", "{", {"Content-Type": "application/json"})
    assert bad_json.status == 400

    names = [entry["name"] for entry in json.loads(berthd.lxc("list", "--format", "json").stdout)]
    assert names == ["c4"]
    assert sorted(path.name for path in (berthd.state_dir / "containers").iterdir() if not path.name.startswith(".")) == ["c4"]


def test_kill_9_during_launches_leaves_each_instance_whole_or_absent(berthd_factory, busybox_images):
    """Creates and starts containers while berthd is killed with SIGKILL, several times; after a
    restart every create operation ends truthfully and every instance is either whole (its row,
    its container, startable) or absent (no row, no directory)."""
    import random
    import signal
    import time

    daemon = berthd_factory()
    assert daemon.lxc("image", "import", str(busybox_images["fastinit"]), "--alias", "busybox").returncode == 0
    rng = random.Random(5)
    operations: dict[str, str] = {}
    for round_ in range(3):
        for index in range(4):
            name = f"k{round_}-{index}"
            response = daemon.request(
                "POST", "/1.0/instances", {"name": name, "source": {"type": "image", "alias": "busybox"}}
            )
            assert response.status == 202, response.text
            operations[name] = response.json["metadata"]["id"]
        time.sleep(rng.uniform(0.05, 0.4))
        assert daemon.stop(signal.SIGKILL) == -signal.SIGKILL
        daemon.start()

    containers = daemon.state_dir / "containers"
    whole = 0
    for name, op_id in operations.items():
        final = daemon.request("GET", f"/1.0/operations/{op_id}/wait?timeout=60", timeout=70).json["metadata"]
        assert final["status"] in ("Success", "Failure"), final
        got = daemon.request("GET", f"/1.0/instances/{name}")
        if final["status"] == "Success":
            assert got.status == 200, (name, got.text)
            # Whole: its config, and its root filesystem (the image's base under its own delta).
            assert (containers / name / "config").exists() and (containers / name / "base" / "bin").exists()
            started = daemon.lxc("start", name)
            assert started.returncode == 0, (name, started.stderr)
            whole += 1
        else:
            print(f"\n{name}: {final['err']}")
            assert got.status == 404, (name, got.text)
            assert not (containers / name).exists(), name
    # Nothing outside the rows: no container directory without an instance.
    rows = {entry["name"] for entry in json.loads(daemon.lxc("list", "--format", "json").stdout)}
    on_disk = {path.name for path in containers.iterdir() if not path.name.startswith(".")} if containers.exists() else set()
    assert on_disk == rows
    assert whole > 0
    print(f"\n{whole} of {len(operations)} instances whole after 3 kill -9 rounds, the rest absent")
    for name in rows:
        assert daemon.lxc("delete", "--force", name).returncode == 0


def test_the_default_profile_and_storage_pool_are_there_as_clients_expect(daemon_with_image):
    berthd = daemon_with_image
    assert berthd.lxc("init", "busybox", "p1").returncode == 0
    profile = berthd.lxc("profile", "show", "default")
    assert profile.returncode == 0, profile.stderr
    assert "pool: default" in profile.stdout and "- /1.0/instances/p1" in profile.stdout
    pools = json.loads(berthd.lxc("storage", "list", "--format", "json").stdout)
    assert [(pool["name"], pool["driver"], pool["status"]) for pool in pools] == [("default", "dir", "Created")]
    assert pools[0]["config"]["source"] == str(berthd.state_dir / "containers")
    assert berthd.request("GET", "/1.0/profiles").json["metadata"] == ["/1.0/profiles/default"]
    missing = berthd.request("GET", "/1.0/profiles/other")
    assert missing.status == 404 and missing.json["error"] == "Profile not found"
    assert berthd.request("GET", "/1.0/storage-pools/other").status == 404


def test_lxc_monitor_sees_the_lifecycle_and_operation_list_shows_the_work(daemon_with_image):
    import subprocess
    import time

    berthd = daemon_with_image
    monitor = subprocess.Popen(
        ["lxc", "monitor", "--type=lifecycle", "--format=json"], env=berthd.client_env(),
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        berthd.wait_for_log(r"event listener started.*form=webSocket")
        assert berthd.lxc("launch", "busybox", "m1").returncode == 0
        assert berthd.lxc("stop", "--force", "m1").returncode == 0
        actions = []
        deadline = time.monotonic() + 15
        while "instance-stopped" not in actions:
            assert time.monotonic() < deadline, actions
            line = monitor.stdout.readline()
            assert line, f"lxc monitor exited: {monitor.stderr.read()}"
            if line.strip():
                event = json.loads(line)
                if event["metadata"].get("source") == "/1.0/instances/m1":
                    actions.append(event["metadata"]["action"])
        assert actions == ["instance-created", "instance-started", "instance-stopped"]
    finally:
        monitor.kill()
        monitor.wait()
        monitor.stdout.close()
        monitor.stderr.close()

    listed = berthd.lxc("operation", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    descriptions = [op["description"] for op in json.loads(listed.stdout)]
    for expected in ("Creating instance", "Starting instance", "Stopping instance"):
        assert expected in descriptions, descriptions
    creating = next(op for op in json.loads(listed.stdout) if op["description"] == "Creating instance")
    shown = berthd.lxc("operation", "show", creating["id"])
    assert shown.returncode == 0 and "status: Success" in shown.stdout
    assert "/1.0/instances/m1" in shown.stdout


def test_rename_moves_the_container_and_refuses_what_lxd_refuses(daemon_with_image):
    berthd = daemon_with_image
    assert berthd.lxc("init", "busybox", "r1").returncode == 0
    assert berthd.lxc("init", "busybox", "r2").returncode == 0
    taken = berthd.request("POST", "/1.0/instances/r1", {"name": "r2"})
    assert taken.status == 409 and taken.json["error"] == 'Name "r2" already in use'
    bad = berthd.request("POST", "/1.0/instances/r1", {"name": "-x"})
    assert bad.status == 400 and bad.json["error"].startswith('Invalid instance name "-x"')

    renamed = berthd.lxc("rename", "r1", "r3")
    assert renamed.returncode == 0, renamed.stderr
    assert berthd.request("GET", "/1.0/instances/r1").status == 404
    assert not (berthd.state_dir / "containers" / "r1").exists()
    assert berthd.lxc("start", "r3").returncode == 0
    assert state_of(berthd, "r3") == "Running"
    running = berthd.request("POST", "/1.0/instances/r3", {"name": "r4"})
    assert running.status == 400 and running.json["error"] == "Renaming of running instance not allowed"
    names = sorted(entry["name"] for entry in json.loads(berthd.lxc("list", "--format", "json").stdout))
    assert names == ["r2", "r3"]
