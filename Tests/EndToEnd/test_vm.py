"""Virtual machines on QEMU (issue 8) through the real `lxc` CLI and pylxd: launch --vm, list, info,
pause, start, stop, exec through the guest agent, the console log, force stop, delete; a VM without
its agent; a VM that hangs at boot; the boot limit; kill -9 of berthd while a VM runs and while one
boots. The test image comes from scripts/make-vm-image.sh (TCG here: a boot takes a few seconds)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from test_exec import lxc_console_until

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="QEMU VMs are run as root")


@pytest.fixture(scope="session")
def vm_images(tmp_path_factory) -> dict[str, Path]:
    """The test VM images, built once per run (the kernel .deb comes from a cache after the first)."""
    out = tmp_path_factory.mktemp("vm-images")
    images = {}
    for variant in ("agent", "noagent", "hang"):
        subprocess.run(
            ["bash", str(REPO / "scripts/make-vm-image.sh"), str(out), "--variant", variant],
            check=True, capture_output=True, timeout=600,
        )
        images[variant] = out / ("berth-testvm.tar.gz" if variant == "agent" else f"berth-testvm-{variant}.tar.gz")
    return images


def qemu_processes(berthd) -> list[str]:
    """QEMU processes running a VM of this daemon's state directory."""
    found = subprocess.run(["pgrep", "-af", "qemu-system"], capture_output=True, text=True).stdout
    return [line for line in found.splitlines() if str(berthd.state_dir) in line]


def delete_all(berthd):
    for entry in json.loads(berthd.lxc("list", "--format", "json").stdout or "[]"):
        berthd.lxc("delete", "--force", entry["name"], timeout=120)


@pytest.fixture
def vm_daemon(berthd, vm_images):
    """A daemon with the test VM image under `testvm`; every instance is deleted afterwards and no
    QEMU process of it may be left, also when the test failed."""
    result = berthd.lxc("image", "import", str(vm_images["agent"]), "--alias", "testvm")
    assert result.returncode == 0, result.stderr
    yield berthd
    if berthd.answers():
        delete_all(berthd)
    left = qemu_processes(berthd)
    for line in left:
        os.kill(int(line.split()[0]), signal.SIGKILL)
    assert left == []


def state(berthd, name: str) -> str:
    return berthd.request("GET", f"/1.0/instances/{name}/state").json["metadata"]["status"]


def lxc_ok(berthd, *args: str, timeout: float = 120) -> str:
    result = berthd.lxc(*args, timeout=timeout)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result.stdout


def test_vm_lifecycle_with_the_lxc_cli(vm_daemon):
    berthd = vm_daemon
    server = berthd.request("GET", "/1.0").json["metadata"]["environment"]
    assert "virtual-machine" in server["instance_types"]
    assert server["vm_accelerator"] in ("tcg", "kvm")
    image = json.loads(lxc_ok(berthd, "image", "list", "--format", "json"))[0]
    assert image["type"] == "virtual-machine"

    lxc_ok(berthd, "launch", "testvm", "v1", "--vm")
    assert lxc_ok(berthd, "list", "v1", "-c", "nst", "--format", "csv").strip() == "v1,RUNNING,VIRTUAL-MACHINE"
    info = lxc_ok(berthd, "info", "v1")
    assert "Type: virtual-machine" in info and "Status: RUNNING" in info
    instance_state = berthd.request("GET", "/1.0/instances/v1/state").json["metadata"]
    assert instance_state["pid"] > 0 and instance_state["processes"] == -1
    assert instance_state["memory"]["usage"] > 0 and instance_state["cpu"]["usage"] > 0

    lxc_ok(berthd, "pause", "v1")
    assert state(berthd, "v1") == "Frozen"
    lxc_ok(berthd, "start", "v1")
    assert state(berthd, "v1") == "Running"
    lxc_ok(berthd, "stop", "v1")
    assert state(berthd, "v1") == "Stopped"
    assert qemu_processes(berthd) == []
    lxc_ok(berthd, "start", "v1")

    result = berthd.lxc("exec", "v1", "--", "uname", "-a")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Linux ")
    failing = berthd.lxc("exec", "v1", "--", "sh", "-c", "echo out; echo err >&2; exit 3")
    assert (failing.stdout, failing.stderr, failing.returncode) == ("out\n", "err\n", 3)
    # The agent cannot change its ids: a command for another user is refused, not run as root.
    def operations() -> int:
        return sum(len(ids) for ids in berthd.request("GET", "/1.0/operations").json["metadata"].values())

    before = operations()
    as_user = berthd.lxc("exec", "v1", "--user", "1000", "--", "id", "-u")
    assert as_user.returncode != 0 and as_user.stdout == ""
    assert "runs commands as root only, not as user 1000 and group 0" in as_user.stderr
    assert operations() == before
    assert lxc_ok(berthd, "exec", "v1", "--user", "0", "--", "id", "-u").strip() == "0"

    log = lxc_ok(berthd, "console", "v1", "--show-log")
    assert "Linux version" in log and "BERTH-VM-READY" in log

    lxc_ok(berthd, "stop", "v1", "--force")
    assert state(berthd, "v1") == "Stopped"
    lxc_ok(berthd, "delete", "v1")
    assert berthd.request("GET", "/1.0/instances/v1").status == 404
    assert qemu_processes(berthd) == []
    assert not (berthd.state_dir / "vms" / "v1").exists()


def test_a_container_image_cannot_make_a_vm_and_back(vm_daemon, busybox_images):
    berthd = vm_daemon
    lxc_ok(berthd, "image", "import", str(busybox_images["fastinit"]), "--alias", "busybox")
    # The lxc client checks the image's type itself; the server checks it for every other client.
    wrong = berthd.lxc("init", "busybox", "x1", "--vm")
    assert wrong.returncode != 0 and "image is of type container" in wrong.stderr
    for alias, asked, found in (("busybox", "virtual-machine", "container"), ("testvm", "container", "virtual-machine")):
        response = berthd.request(
            "POST", "/1.0/instances", {"name": "x2", "type": asked, "source": {"type": "image", "alias": alias}}
        )
        assert (response.status, response.json["error"]) == (
            400, f'Requested image\'s type "{found}" doesn\'t match instance type "{asked}"'
        )
    response = berthd.request("POST", "/1.0/instances", {"name": "x3", "type": "virtual-machine", "source": {"type": "none"}})
    assert response.status == 400
    response = berthd.request("POST", "/1.0/instances", {"name": "x4", "type": "vm", "source": {"type": "none"}})
    assert (response.status, response.json["error"]) == (400, 'Invalid instance type "vm"')
    assert berthd.request("GET", "/1.0/instances").json["metadata"] == []


def test_pylxd_creates_starts_stops_and_deletes_a_vm_and_boots_wait_for_a_slot(vm_daemon):
    import pylxd

    berthd = vm_daemon
    client = pylxd.Client(endpoint=str(berthd.socket))
    assert berthd.request("PATCH", "/1.0", {"config": {"instances.vm.max_booting": "1"}}).status == 200
    made = [
        client.instances.create(
            {"name": name, "type": "virtual-machine", "source": {"type": "image", "alias": "testvm"}}, wait=True
        )
        for name in ("p1", "p2")
    ]
    # Both starts are accepted at once; the second boots only once the first guest is up.
    starts = [
        berthd.request("PUT", f"/1.0/instances/{vm.name}/state", {"action": "start", "timeout": 30}).json["operation"]
        for vm in made
    ]
    finals = [
        berthd.request("GET", f"{op}/wait?timeout=120", timeout=130).json["metadata"] for op in starts
    ]
    assert [final["status"] for final in finals] == ["Success", "Success"], finals
    logs = [berthd.request("GET", f"{op}/log").text for op in starts]
    assert "waiting for a free boot slot" in logs[1], logs
    for vm in made:
        vm.sync()
        assert vm.status == "Running" and vm.type == "virtual-machine"
        vm.stop(wait=True)
        vm.sync()
        assert vm.status == "Stopped"
        vm.delete(wait=True)
    assert client.instances.all() == []


def test_exec_in_a_vm_without_its_agent_is_refused_clearly(vm_daemon, vm_images):
    berthd = vm_daemon
    lxc_ok(berthd, "image", "import", str(vm_images["noagent"]), "--alias", "noagent")
    lxc_ok(berthd, "launch", "noagent", "n1", "--vm")
    assert state(berthd, "n1") == "Running"
    response = berthd.request(
        "POST", "/1.0/instances/n1/exec", {"command": ["true"], "wait-for-websocket": False}
    )
    assert (response.status, response.json["error"]) == (400, "VM agent isn't currently running")
    result = berthd.lxc("exec", "n1", "--", "true")
    assert result.returncode != 0 and "VM agent isn't currently running" in result.stderr


def test_a_vm_that_hangs_at_boot_fails_its_start_with_the_console_tail(vm_daemon, vm_images):
    berthd = vm_daemon
    lxc_ok(berthd, "image", "import", str(vm_images["hang"]), "--alias", "hang")
    assert berthd.request("PATCH", "/1.0", {"config": {"instances.vm.boot_timeout": "10"}}).status == 200
    lxc_ok(berthd, "init", "hang", "h1", "--vm")
    operation = berthd.request("PUT", "/1.0/instances/h1/state", {"action": "start"}).json["operation"]
    final = berthd.request("GET", f"{operation}/wait?timeout=120", timeout=130).json["metadata"]
    assert final["status"] == "Failure", final
    # The tail of the console says where the guest got to.
    assert "Linux version" in final["err"], final["err"]
    assert "Linux version" in berthd.request("GET", f"{operation}/log").text
    assert state(berthd, "h1") == "Stopped"
    assert qemu_processes(berthd) == []


def test_a_vm_keeps_running_across_kill_9_of_berthd_and_a_boot_ends_truthfully(vm_daemon):
    berthd = vm_daemon
    lxc_ok(berthd, "launch", "testvm", "v1", "--vm")
    pid = berthd.request("GET", "/1.0/instances/v1/state").json["metadata"]["pid"]
    berthd.stop(signal.SIGKILL)
    berthd.start()
    assert state(berthd, "v1") == "Running"
    assert berthd.request("GET", "/1.0/instances/v1/state").json["metadata"]["pid"] == pid
    assert berthd.lxc("exec", "v1", "--", "echo", "still here").stdout == "still here\n"
    lxc_ok(berthd, "stop", "v1")
    assert qemu_processes(berthd) == []

    # Killed while the guest boots: after the restart the start operation ends, and its state is
    # the truth (Success only with the guest up).
    operation = berthd.request("PUT", "/1.0/instances/v1/state", {"action": "start"}).json["operation"]
    deadline = time.time() + 30
    while not qemu_processes(berthd) and time.time() < deadline:
        time.sleep(0.05)
    berthd.stop(signal.SIGKILL)
    berthd.start()
    final = berthd.request("GET", f"{operation}/wait?timeout=120", timeout=130).json["metadata"]
    assert final["status_code"] >= 200, final
    if final["status"] == "Success":
        assert state(berthd, "v1") == "Running"
        assert "BERTH-VM-READY" in lxc_ok(berthd, "console", "v1", "--show-log")
    else:
        assert state(berthd, "v1") == "Stopped" and qemu_processes(berthd) == []


def test_vm_limits_console_snapshots_and_rename(vm_daemon):
    berthd = vm_daemon
    lxc_ok(berthd, "init", "testvm", "v1", "--vm", "-c", "limits.cpu=2", "-c", "limits.memory=384MiB")
    lxc_ok(berthd, "start", "v1")
    pid = berthd.request("GET", "/1.0/instances/v1/state").json["metadata"]["pid"]
    argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    assert (argv[argv.index("-smp") + 1], argv[argv.index("-m") + 1]) == ("2", "384M")
    assert berthd.lxc("exec", "v1", "--", "nproc").stdout == "2\n"

    # `lxc console` on a terminal of ours: the guest's shell on the serial console answers, and
    # Ctrl-a q detaches.
    lxc_console_until(
        berthd, "v1", b"console-42", lambda master: os.write(master, b"echo console-$((6*7))\r"),
        "--type", "console", timeout=30,
    )

    # Snapshots copy a stopped VM's files: refused at once while it runs.
    running = berthd.request("POST", "/1.0/instances/v1/snapshots", {"name": "s0"})
    assert (running.status, running.json["error"]) == (
        400, "Snapshots of running virtual machines are not supported: stop the instance first"
    )
    lxc_ok(berthd, "stop", "v1")
    lxc_ok(berthd, "snapshot", "v1", "s1")
    lxc_ok(berthd, "config", "set", "v1", "limits.cpu", "1")
    lxc_ok(berthd, "move", "v1", "v2")
    assert "s1" in lxc_ok(berthd, "info", "v2")
    lxc_ok(berthd, "restore", "v2", "s1")
    assert lxc_ok(berthd, "config", "get", "v2", "limits.cpu").strip() == "2"
    lxc_ok(berthd, "copy", "v2/s1", "v3")
    lxc_ok(berthd, "start", "v3")
    before = berthd.request("GET", "/1.0/instances/v3/state").json["metadata"]["pid"]
    lxc_ok(berthd, "restart", "v3")
    assert berthd.request("GET", "/1.0/instances/v3/state").json["metadata"]["pid"] != before
    assert berthd.lxc("exec", "v3", "--", "nproc").stdout == "2\n"
    assert lxc_ok(berthd, "list", "-c", "nst", "--format", "csv").splitlines() == [
        "v2,STOPPED,VIRTUAL-MACHINE", "v3,RUNNING,VIRTUAL-MACHINE",
    ]
