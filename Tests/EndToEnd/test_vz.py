"""The `/1.0/vz` API with curl, end to end: create by image properties, get with measured status,
state start/stop, put, delete — and the same instance seen through `/1.0/instances`."""

from __future__ import annotations

import json
import os

import pytest

from test_instances import daemon_with_image  # noqa: F401  (fixture)

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="LXC containers need root")


def curl_json(berthd, *args: str):
    result = berthd.curl("-H", "Content-Type: application/json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def wait(berthd, envelope):
    assert envelope["type"] == "async", envelope
    assert envelope["status_code"] == 100
    final = curl_json(berthd, f"http://b{envelope['operation']}/wait?timeout=60")
    return final["metadata"]


def test_vz_lifecycle_with_curl(daemon_with_image):
    berthd = daemon_with_image
    created = curl_json(
        berthd, "-X", "POST", "http://b/1.0/vz", "-d",
        json.dumps({
            "hostname": "vz1", "config": {"user.role": "web"},
            "source": {"type": "image", "properties": {"os": "busybox", "architecture": "x86_64"}},
        }),
    )
    assert created["metadata"]["resources"] == {"containers": ["/1.0/vz/vz1"]}
    assert created["metadata"]["description"] == "Creating instance"
    assert wait(berthd, created)["status"] == "Success"

    listed = curl_json(berthd, "http://b/1.0/vz")
    assert listed["metadata"] == ["/1.0/vz/vz1"]
    got = curl_json(berthd, "http://b/1.0/vz/vz1")["metadata"]
    assert got["hostname"] == "vz1" and got["config"]["user.role"] == "web"
    assert got["status"]["status"] == "Stopped" and got["status"]["status_code"] == 102
    (machine,) = got["status"]["machine"]
    assert set(machine) == {"disk_space", "disk_usage", "memory", "free_memory", "cpu_load", "ip_address"}
    # Real measurements: the rootfs takes space, the file system is bigger than it.
    assert 0 < machine["disk_usage"] < machine["disk_space"]
    assert machine["memory"] > 0 and machine["cpu_load"] == 0

    started = curl_json(berthd, "-X", "PUT", "http://b/1.0/vz/vz1/state", "-d", '{"action": "start"}')
    assert started["metadata"]["resources"] == {"containers": ["/1.0/vz/vz1"]}
    assert wait(berthd, started)["status"] == "Success"
    running = curl_json(berthd, "http://b/1.0/vz/vz1")["metadata"]["status"]
    assert running["status"] == "Running"
    assert 0 < running["machine"][0]["free_memory"] < running["machine"][0]["memory"]
    assert curl_json(berthd, "http://b/1.0/vz/vz1/state")["metadata"]["pid"] > 0
    # The same instance through LXD's tree.
    assert curl_json(berthd, "http://b/1.0/instances/vz1")["metadata"]["status"] == "Running"

    put = curl_json(
        berthd, "-X", "PUT", "http://b/1.0/vz/vz1", "-d",
        json.dumps({"hostname": "vz1", "config": {"user.role": "db", "limits.memory": "200MiB"}}),
    )
    assert wait(berthd, put)["status"] == "Success"
    config = curl_json(berthd, "http://b/1.0/instances/vz1")["metadata"]["config"]
    assert config["user.role"] == "db" and config["limits.memory"] == "200MiB"
    assert "volatile.base_image" in config  # kept across the replace
    assert curl_json(berthd, "http://b/1.0/vz/vz1")["metadata"]["status"]["machine"][0]["memory"] == 200 * 1024 * 1024

    refused = curl_json(berthd, "-X", "DELETE", "http://b/1.0/vz/vz1")
    assert refused["error_code"] == 400 and refused["error"] == "Instance is running"
    stopped = curl_json(berthd, "-X", "PUT", "http://b/1.0/vz/vz1/state", "-d", '{"action": "stop", "force": true}')
    assert wait(berthd, stopped)["status"] == "Success"
    deleted = curl_json(berthd, "-X", "DELETE", "http://b/1.0/vz/vz1")
    assert deleted["metadata"]["resources"] == {"containers": ["/1.0/vz/vz1"]}
    assert wait(berthd, deleted)["status"] == "Success"
    assert curl_json(berthd, "http://b/1.0/instances/vz1")["error_code"] == 404
    assert curl_json(berthd, "http://b/1.0/vz/vz1")["error"] == "Instance not found"


def test_vz_refuses_bad_requests_before_anything_is_made(daemon_with_image):
    berthd = daemon_with_image
    no_name = curl_json(berthd, "-X", "POST", "http://b/1.0/vz", "-d", '{"source": {"type": "none"}}')
    assert no_name["error_code"] == 400 and no_name["error"] == "Must specify a hostname"
    bad_name = curl_json(berthd, "-X", "POST", "http://b/1.0/vz", "-d", '{"hostname": "a_b", "source": {"type": "none"}}')
    assert bad_name["error_code"] == 400 and bad_name["error"].startswith('Invalid instance name "a_b"')
    no_image = curl_json(
        berthd, "-X", "POST", "http://b/1.0/vz", "-d",
        '{"hostname": "x1", "source": {"type": "image", "properties": {"os": "plan9"}}}',
    )
    assert no_image["error_code"] == 404 and no_image["error"] == "Image not found"
    empty = curl_json(berthd, "-X", "POST", "http://b/1.0/vz", "-d", '{"hostname": "x2", "source": {"type": "none"}}')
    assert wait(berthd, empty)["status"] == "Success"
    copy = curl_json(
        berthd, "-X", "POST", "http://b/1.0/vz", "-d", '{"hostname": "x3", "source": {"type": "copy", "source": "x2"}}'
    )
    assert wait(berthd, copy)["status"] == "Success"
    assert sorted(curl_json(berthd, "http://b/1.0/vz")["metadata"]) == ["/1.0/vz/x2", "/1.0/vz/x3"]
    assert curl_json(berthd, "http://b/1.0/vz/x1")["error_code"] == 404
