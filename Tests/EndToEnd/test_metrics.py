"""GET /1.0/metrics and GET /1.0/resources end to end: the counts in the metrics are exactly what
the test did, `promtool check metrics` accepts the body, and `lxc info --resources` prints the CPU
and memory the host's /proc reports."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time

import pytest

SUBMIT = "/1.0/testing/operations"
SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{.*\})?) (\S+)$")


def scrape(daemon) -> tuple[str, dict[str, float]]:
    response = daemon.request("GET", "/1.0/metrics")
    assert response.status == 200, response.text
    assert response.headers["content-type"] == "text/plain; version=0.0.4"
    samples = {}
    for line in response.text.splitlines():
        if line.startswith("#") or not line:
            continue
        match = SAMPLE.match(line)
        assert match, f"not a sample line: {line!r}"
        samples[match.group(1)] = float(match.group(2))
    return response.text, samples


def delta(before: dict, after: dict, key: str) -> float:
    return after.get(key, 0) - before.get(key, 0)


def submit(daemon, kind: str, queue: str, payload=None) -> str:
    response = daemon.request("POST", SUBMIT, body={"type": kind, "queue": queue, "payload": payload or {}})
    assert response.status == 202, response.text
    return response.json["metadata"]["id"]


def wait_final(daemon, op_id: str) -> str:
    response = daemon.request("GET", f"/1.0/operations/{op_id}/wait?timeout=30", timeout=40)
    assert response.status == 200, response.text
    return response.json["metadata"]["status"]


# LXD's own instance metric names, kept so that dashboards made for LXD work: promtool's style lint
# objects to them (camelCase, `_total` on a gauge) as it does on a real LXD's output.
LXD_NAMES_PROMTOOL_LINTS = {
    "lxd_memory_MemAvailable_bytes": "metric names should be written in 'snake_case' not 'camelCase'",
    "lxd_memory_MemFree_bytes": "metric names should be written in 'snake_case' not 'camelCase'",
    "lxd_memory_MemTotal_bytes": "metric names should be written in 'snake_case' not 'camelCase'",
    "lxd_procs_total": 'non-counter metrics should not have "_total" suffix',
}


def promtool_check(text: str):
    """The body parses (exit 1 otherwise), and the only lint problems (exit 3) are those of LXD's names."""
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.fail("promtool is missing: scripts/test.sh installs Debian's prometheus package", pytrace=False)
    result = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True, timeout=30)
    output = result.stdout + result.stderr
    assert result.returncode in (0, 3), output
    for line in output.splitlines():
        name, _, problem = line.partition(" ")
        assert LXD_NAMES_PROMTOOL_LINTS.get(name) == problem, f"promtool: {line}"


def test_metrics_count_exactly_what_clients_did(testing_daemon_factory):
    daemon = testing_daemon_factory()
    _, before = scrape(daemon)

    for _ in range(5):
        assert daemon.request("GET", "/1.0").status == 200
    for name in ("a", "b", "c"):
        assert daemon.request("GET", f"/1.0/instances/nothing-{name}").status == 404

    # A long operation holds queue `q`; the noop behind it waits, then is cancelled while queued.
    sleeper = submit(daemon, "test.sleep", "q", {"ms": 3000})
    queued = submit(daemon, "test.noop", "q")
    scrapes = 1
    deadline = time.monotonic() + 2
    while True:
        _, during = scrape(daemon)
        scrapes += 1
        if during["berth_operations_running"] == 1 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert during["berth_operations_running"] == 1
    assert during["berth_operations_queued"] == 1
    assert 0 < during["berth_queue_oldest_age_seconds"] < 60
    assert daemon.request("DELETE", f"/1.0/operations/{queued}").status == 200
    noops = [submit(daemon, "test.noop", f"n{index}") for index in range(2)]
    assert [wait_final(daemon, op) for op in noops] == ["Success", "Success"]
    assert wait_final(daemon, sleeper) == "Success"
    assert wait_final(daemon, queued) == "Cancelled"

    text, after = scrape(daemon)
    requests = 'berth_http_requests_total{{route="{}",method="{}",status="{}"}}'
    assert delta(before, after, requests.format("/1.0", "GET", 200)) == 5
    assert delta(before, after, requests.format("/1.0/instances/{name}", "GET", 404)) == 3
    assert delta(before, after, requests.format(SUBMIT, "POST", 202)) == 4
    assert delta(before, after, requests.format("/1.0/operations/{id}", "DELETE", 200)) == 1
    assert delta(before, after, requests.format("/1.0/operations/{id}/wait", "GET", 200)) == 4
    # The scrapes before this one: this one is counted after it answered.
    assert delta(before, after, requests.format("/1.0/metrics", "GET", 200)) == scrapes
    durations = 'berth_http_request_duration_seconds_count{route="/1.0",method="GET"}'
    assert delta(before, after, durations) == 5
    assert "nothing-a" not in text, "a raw path leaked into a label"

    operations = 'berth_operations_total{{type="{}",status="{}"}}'
    assert delta(before, after, operations.format("test.noop", "Success")) == 2
    assert delta(before, after, operations.format("test.noop", "Cancelled")) == 1
    assert delta(before, after, operations.format("test.sleep", "Success")) == 1
    assert after["berth_operations_running"] == 0 and after["berth_operations_queued"] == 0
    assert after["berth_queue_oldest_age_seconds"] == 0

    steps = 'berth_operation_step_duration_seconds_{}{{type="{}",step="{}"}}'
    # The cancelled noop never ran its step.
    assert delta(before, after, steps.format("count", "test.noop", "noop")) == 2
    assert delta(before, after, steps.format("count", "test.sleep", "sleep")) == 1
    assert 3 <= delta(before, after, steps.format("sum", "test.sleep", "sleep")) < 10
    assert after['berth_operation_step_duration_seconds_bucket{type="test.sleep",step="sleep",le="2.5"}'] == 0
    assert after['berth_operation_step_duration_seconds_bucket{type="test.sleep",step="sleep",le="10"}'] == 1
    # This scrape's own connection.
    assert after["berth_http_connections_open"] >= 1
    promtool_check(text)


def test_event_subscribers_are_counted_while_connected(berthd):
    _, before = scrape(berthd)
    connection = berthd.connect()
    try:
        connection.send_request("GET", "/1.0/events", headers={"Accept": "application/x-ndjson"})
        deadline = time.monotonic() + 10
        while True:
            _, during = scrape(berthd)
            if during["berth_event_subscribers"] == before["berth_event_subscribers"] + 1:
                break
            assert time.monotonic() < deadline, "the events stream never counted as a subscriber"
            time.sleep(0.05)
        assert during["berth_http_connections_open"] >= 2
    finally:
        connection.close()
    deadline = time.monotonic() + 10
    while scrape(berthd)[1]["berth_event_subscribers"] != before["berth_event_subscribers"]:
        assert time.monotonic() < deadline, "the closed stream still counts as a subscriber"
        time.sleep(0.05)
    assert scrape(berthd)[1]["berth_event_slow_consumers_dropped_total"] == 0


def iec(size: int) -> str:
    """LXD's `units.GetByteSizeStringIEC(size, 2)`, as `lxc info --resources` prints sizes."""
    if size < 1024:
        return f"{size}B"
    value = float(size)
    for unit in ("KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        value /= 1024
        if value < 1024:
            return f"{value:.2f}{unit}"
    return f"{value:.2f}EiB"


def test_lxc_info_resources_shows_the_hosts_cpus_and_memory(berthd):
    with open("/proc/cpuinfo") as cpuinfo:
        processors = sum(1 for line in cpuinfo if line.startswith("processor"))
    with open("/proc/meminfo") as meminfo:
        total_kib = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal:"))

    response = berthd.request("GET", "/1.0/resources")
    assert response.status == 200
    resources = response.json["metadata"]
    assert resources["cpu"]["total"] == processors
    assert resources["cpu"]["architecture"] == os.uname().machine
    assert resources["memory"]["total"] == total_kib * 1024
    assert 0 < resources["memory"]["used"] < resources["memory"]["total"]
    for disk in resources["storage"]["disks"]:
        assert not disk["id"].startswith(("loop", "zram", "dm-")), disk

    result = berthd.lxc("info", "--resources")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"CPU ({os.uname().machine}):")
    threads = re.findall(r"^\s+- \d+ \(id: (\d+), online: true", result.stdout, re.MULTILINE)
    assert sorted(int(thread) for thread in threads) == list(range(processors))
    assert f"Total: {iec(total_kib * 1024)}" in result.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="LXC containers need root")
def test_instances_are_reported_with_lxds_instance_metrics(berthd, busybox_images):
    assert berthd.lxc("image", "import", str(busybox_images["fastinit"]), "--alias", "busybox").returncode == 0
    try:
        launched = berthd.lxc("launch", "busybox", "m1")
        assert launched.returncode == 0, launched.stderr
        assert berthd.lxc("init", "busybox", "m2").returncode == 0
        text, samples = scrape(berthd)
        assert samples['berth_instances{type="container",status="Running"}'] == 1
        assert samples['berth_instances{type="container",status="Stopped"}'] == 1
        labels = '{name="m1",project="default",type="container"}'
        assert samples["lxd_procs_total" + labels] >= 1
        assert samples["lxd_cpu_seconds_total" + labels] >= 0
        assert 0 < samples["lxd_memory_MemFree_bytes" + labels] <= samples["lxd_memory_MemTotal_bytes" + labels]
        assert 'name="m2"' not in text, "a stopped instance has no usage to report"
        promtool_check(text)
    finally:
        for name in ("m1", "m2"):
            berthd.lxc("delete", "--force", name)
