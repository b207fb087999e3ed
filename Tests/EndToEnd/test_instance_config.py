"""Changing instances with the real `lxc` CLI and the API: `config set/get/unset/show`, PUT with
ETags, PATCH, `copy`, `init --empty`, generated names and instance types."""

from __future__ import annotations

import json
import os
import re

import pytest

from test_instances import daemon_with_image, state_of  # noqa: F401  (fixture)

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="LXC containers need root")


def test_config_set_get_unset_show(daemon_with_image):
    berthd = daemon_with_image
    assert berthd.lxc("init", "busybox", "k1").returncode == 0
    setting = berthd.lxc("config", "set", "k1", "user.purpose", "testing")
    assert setting.returncode == 0, setting.stderr
    assert berthd.lxc("config", "get", "k1", "user.purpose").stdout.strip() == "testing"
    shown = berthd.lxc("config", "show", "k1")
    assert "user.purpose: testing" in shown.stdout and "volatile.base_image" in shown.stdout

    limited = berthd.lxc("config", "set", "k1", "limits.memory", "192MiB")
    assert limited.returncode == 0, limited.stderr
    config = (berthd.state_dir / "containers" / "k1" / "config").read_text()
    assert f"lxc.cgroup.memory.limit_in_bytes = {192 * 1024 * 1024}" in config

    unset = berthd.lxc("config", "unset", "k1", "user.purpose")
    assert unset.returncode == 0, unset.stderr
    assert berthd.lxc("config", "get", "k1", "user.purpose").stdout.strip() == ""
    metadata = berthd.request("GET", "/1.0/instances/k1").json["metadata"]
    assert "user.purpose" not in metadata["config"] and metadata["config"]["limits.memory"] == "192MiB"

    # What Berth would not honour is refused, and nothing changes.
    unknown = berthd.lxc("config", "set", "k1", "boot.autostart", "true")
    assert unknown.returncode == 1 and "Unknown configuration key: boot.autostart" in unknown.stderr
    bad_limit = berthd.lxc("config", "set", "k1", "limits.memory", "lots")
    assert bad_limit.returncode == 1 and "limits.memory" in bad_limit.stderr
    after = berthd.request("GET", "/1.0/instances/k1").json["metadata"]["config"]
    assert after == metadata["config"]


def test_limits_apply_to_a_running_container(daemon_with_image):
    berthd = daemon_with_image
    assert berthd.lxc("launch", "busybox", "k2").returncode == 0
    assert berthd.lxc("config", "set", "k2", "limits.memory", "160MiB").returncode == 0
    limits = list(
        path.read_text().strip()
        for path in __import__("pathlib").Path("/sys/fs/cgroup/memory").glob("berth.*.payload.k2/memory.limit_in_bytes")
    )
    assert limits == [str(160 * 1024 * 1024)]
    assert state_of(berthd, "k2") == "Running"


def test_put_checks_the_etag_and_patch_merges(daemon_with_image):
    berthd = daemon_with_image
    assert berthd.lxc("init", "busybox", "k3").returncode == 0
    got = berthd.request("GET", "/1.0/instances/k3")
    etag = got.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{64}"', etag)
    body = {key: got.json["metadata"][key] for key in ("architecture", "config", "devices", "ephemeral", "profiles", "description")}
    body["config"]["user.a"] = "1"
    put = berthd.request("PUT", "/1.0/instances/k3?wait=30", body, {"If-Match": etag})
    assert put.status == 200 and put.json["metadata"]["status"] == "Success", put.json
    assert put.json["metadata"]["description"] == "Updating instance"

    # The old ETag no longer matches: 412 with LXD's text, nothing queued or changed.
    stale = berthd.request("PUT", "/1.0/instances/k3", body | {"description": "x"}, {"If-Match": etag})
    assert stale.status == 412 and stale.json["error"].startswith("ETag doesn't match: ")
    new_etag = berthd.request("GET", "/1.0/instances/k3").headers["etag"]
    assert new_etag != etag

    patched = berthd.request("PATCH", "/1.0/instances/k3", {"config": {"user.b": "2", "user.a": ""}})
    assert patched.status == 200 and patched.json["type"] == "sync", patched.json
    config = berthd.request("GET", "/1.0/instances/k3").json["metadata"]["config"]
    assert config.get("user.b") == "2" and "user.a" not in config
    refused = berthd.request("PATCH", "/1.0/instances/k3", {"devices": {"eth0": {"type": "nic"}}})
    assert refused.status == 400 and 'Device "eth0"' in refused.json["error"]
    restore = berthd.request("PATCH", "/1.0/instances/k3", {"restore": "snap0"})
    assert restore.status == 400 and restore.json["error"] == "Can't call PATCH in restore mode"
    profile = berthd.request("PATCH", "/1.0/instances/k3", {"profiles": ["nope"]})
    assert profile.status == 400 and profile.json["error"] == 'Requested profile "nope" doesn\'t exist'


def test_copy_makes_an_independent_instance(daemon_with_image):
    berthd = daemon_with_image
    assert berthd.lxc("launch", "busybox", "src").returncode == 0
    assert berthd.lxc("config", "set", "src", "user.origin", "yes").returncode == 0
    copied = berthd.lxc("copy", "src", "dst")
    assert copied.returncode == 0, copied.stderr
    dst = berthd.request("GET", "/1.0/instances/dst").json["metadata"]
    assert dst["status"] == "Stopped" and dst["config"]["user.origin"] == "yes"
    assert dst["config"]["volatile.base_image"] == berthd.request("GET", "/1.0/instances/src").json["metadata"]["config"]["volatile.base_image"]
    assert berthd.lxc("start", "dst").returncode == 0
    assert state_of(berthd, "dst") == "Running" and state_of(berthd, "src") == "Running"
    assert berthd.lxc("delete", "--force", "src").returncode == 0
    assert state_of(berthd, "dst") == "Running"

    missing = berthd.request("POST", "/1.0/instances", {"name": "x", "source": {"type": "copy", "source": "nope"}})
    assert missing.status == 404 and missing.json["error"] == "Instance not found"
    nothing = berthd.request("POST", "/1.0/instances", {"name": "x", "source": {"type": "copy"}})
    assert nothing.status == 400 and nothing.json["error"] == "Must specify a source instance"
    taken = berthd.lxc("copy", "dst", "dst")
    assert taken.returncode == 1


def test_empty_instances_generated_names_and_instance_types(daemon_with_image):
    berthd = daemon_with_image
    empty = berthd.lxc("init", "--empty", "e1")
    assert empty.returncode == 0, empty.stderr
    e1 = berthd.request("GET", "/1.0/instances/e1").json["metadata"]
    assert e1["status"] == "Stopped" and "volatile.base_image" not in e1["config"]
    assert (berthd.state_dir / "containers" / "e1").is_dir()
    cannot = berthd.lxc("start", "e1")
    assert cannot.returncode == 1 and cannot.stderr.strip()
    assert state_of(berthd, "e1") == "Stopped"

    unnamed = berthd.lxc("init", "busybox")
    assert unnamed.returncode == 0, unnamed.stderr
    generated = re.search(r"Instance name is: (\S+)", unnamed.stdout)
    assert generated, unnamed.stdout
    assert berthd.request("GET", f"/1.0/instances/{generated.group(1)}").status == 200

    typed = berthd.lxc("init", "busybox", "t1", "-t", "c1-m0.5")
    assert typed.returncode == 0, typed.stderr
    config = berthd.request("GET", "/1.0/instances/t1").json["metadata"]["config"]
    assert config["limits.cpu"] == "1" and config["limits.memory"] == "512MiB"
    bad_type = berthd.request(
        "POST", "/1.0/instances", {"name": "t2", "instance_type": "t2.micro", "source": {"type": "image", "alias": "busybox"}}
    )
    assert bad_type.status == 400 and bad_type.json["error"] == "Provided instance type doesn't exist: t2.micro"
    assert berthd.request("GET", "/1.0/instances/t2").status == 404
