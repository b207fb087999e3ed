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

    instance.config["user.owner"] = "pylxd"
    instance.description = "saved by pylxd"
    instance.save(wait=True)
    fetched = client.instances.get("py1")
    assert fetched.config["user.owner"] == "pylxd" and fetched.description == "saved by pylxd"

    assert [each.name for each in client.instances.all()] == ["py1"]
    listed = client.api.operations.get(params={"recursion": 1}).json()["metadata"]
    stopping = [op for ops in listed.values() for op in ops if op["description"] == "Stopping instance"]
    assert len(stopping) == 1
    operation = client.operations.get(stopping[0]["id"])
    assert (operation.status, operation.resources["instances"]) == ("Success", ["/1.0/instances/py1"])

    instance.rename("py2", wait=True)
    assert instance.name == "py2"
    assert not client.instances.exists("py1") and client.instances.get("py2").status == "Stopped"

    instance.delete(wait=True)
    assert not client.instances.exists("py2")
    assert not (berthd.state_dir / "containers" / "py2").exists()


def test_pylxd_events_see_the_lifecycle_of_an_instance(berthd, busybox_images):
    """`client.events()` is pylxd's websocket client (ws4py over the unix socket)."""
    import json
    import threading

    assert berthd.lxc("image", "import", str(busybox_images["fastinit"]), "--alias", "busybox").returncode == 0
    warnings.simplefilter("ignore", UserWarning)
    client = pylxd.Client(endpoint=str(berthd.socket))
    from ws4py.client.threadedclient import WebSocketClient

    seen: list[dict] = []
    done = threading.Event()

    class Collector(WebSocketClient):
        def received_message(self, message):
            event = json.loads(message.data)
            seen.append(event)
            if event["metadata"].get("action") == "instance-deleted":
                done.set()

    events = client.events(websocket_client=Collector, event_types={pylxd.EventType.Lifecycle})
    events.connect()
    try:
        instance = client.instances.create({"name": "ev1", "source": {"type": "image", "alias": "busybox"}}, wait=True)
        instance.start(wait=True)
        instance.stop(wait=True, force=True)
        instance.delete(wait=True)
        assert done.wait(10), seen
    finally:
        events.close()
    actions = [event["metadata"]["action"] for event in seen]
    assert actions == ["instance-created", "instance-started", "instance-stopped", "instance-deleted"]
    assert {event["type"] for event in seen} == {"lifecycle"}
    assert seen[0]["metadata"]["source"] == "/1.0/instances/ev1"
