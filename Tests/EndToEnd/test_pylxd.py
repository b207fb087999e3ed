"""pylxd 2.4.2, unmodified, against berthd: instances.create(wait=True), state changes, save,
listing, operations and deletion, as a Python user of LXD would write them."""

from __future__ import annotations

import os
import warnings

import pytest

pylxd = pytest.importorskip("pylxd")
pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="LXC containers need root")


def test_pylxd_drives_a_container_through_its_life(berthd, busybox_images):
    assert berthd.lxc("image", "import", str(busybox_images["fastinit"]), "--alias", "busybox").returncode == 0
    # pylxd warns about fields it does not know (Berth's err_code and requestor); LXD clients ignore them.
    warnings.simplefilter("ignore", UserWarning)
    client = pylxd.Client(endpoint=str(berthd.socket))
    assert client.trusted

    instance = client.instances.create(
        {"name": "py1", "source": {"type": "image", "alias": "busybox"}, "config": {"limits.processes": "100"}},
        wait=True,
    )
    assert (instance.name, instance.status) == ("py1", "Stopped")
    assert instance.config["limits.processes"] == "100"

    instance.start(wait=True)
    instance.sync()
    assert instance.status == "Running"
    assert instance.state().pid > 0
    instance.freeze(wait=True)
    instance.sync()
    assert instance.status == "Frozen"
    instance.unfreeze(wait=True)
    instance.sync()
    assert instance.status == "Running"
    instance.stop(wait=True)
    instance.sync()
    assert instance.status == "Stopped"

    assert [each.name for each in client.instances.all()] == ["py1"]
    listed = client.api.operations.get(params={"recursion": 1}).json()["metadata"]
    stopping = [op for ops in listed.values() for op in ops if op["description"] == "Stopping instance"]
    assert len(stopping) == 1
    operation = client.operations.get(stopping[0]["id"])
    assert (operation.status, operation.resources["instances"]) == ("Success", ["/1.0/instances/py1"])

    instance.delete(wait=True)
    assert not client.instances.exists("py1")
    assert not (berthd.state_dir / "containers" / "py1").exists()
