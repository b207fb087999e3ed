"""Collection queries on list endpoints, against a real berthd: LXD's `filter` grammar with berth's
extra operators, `sort`, `fields`, `limit`/`offset` with `X-Total-Count`, NDJSON output, and the 400s
for malformed parameters. `lxc image list` must keep working unchanged alongside."""

from __future__ import annotations

import hashlib
import json
import os
from urllib.parse import quote

import pytest
import yaml
from openapi_schema_validator import OAS31Validator

from conftest import REPO

SPEC = yaml.safe_load((REPO / "specs/openapi.yaml").read_text())


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def query(**parameters) -> str:
    return "&".join(f"{name}={quote(str(value), safe='')}" for name, value in parameters.items())


def upload(daemon, image, properties: str, alias: str) -> str:
    response = daemon.request(
        "POST", "/1.0/images", image.read_bytes(),
        {"Content-Type": "application/octet-stream", "X-LXD-properties": properties},
    )
    assert response.status == 202, response.text
    final = daemon.request("GET", f"/1.0/operations/{response.json['metadata']['id']}/wait?timeout=60", timeout=70)
    assert final.json["metadata"]["status"] == "Success", final.text
    fingerprint = sha256(image)
    created = daemon.request("POST", "/1.0/images/aliases", {"name": alias, "target": fingerprint})
    assert created.status == 201, created.text
    return fingerprint


@pytest.fixture
def two_images(berthd, busybox_images):
    """Two images that differ in size, properties and alias."""
    slow = upload(berthd, busybox_images["busybox"], "os=busybox&flavour=full", "bb")
    fast = upload(berthd, busybox_images["fastinit"], "os=busybox&flavour=fast%20init", "fast")
    sizes = {slow: busybox_images["busybox"].stat().st_size, fast: busybox_images["fastinit"].stat().st_size}
    assert sizes[slow] != sizes[fast]
    return {"slow": slow, "fast": fast, "sizes": sizes}


def test_filter_sort_fields_and_paging_on_images(berthd, two_images):
    sizes = two_images["sizes"]
    largest = max(sizes, key=sizes.get)
    response = berthd.request(
        "GET",
        "/1.0/images?" + query(recursion=1, filter="properties.os eq busybox", sort="-size", fields="fingerprint,size",
                               limit=1),
    )
    assert response.status == 200, response.text
    assert response.headers["x-total-count"] == "2"
    assert response.json["type"] == "sync"
    assert response.json["metadata"] == [{"fingerprint": largest, "size": sizes[largest]}]

    second = berthd.request("GET", "/1.0/images?" + query(sort="-size", fields="fingerprint", offset=1))
    assert second.headers["x-total-count"] == "2"
    assert second.json["metadata"] == [{"fingerprint": min(sizes, key=sizes.get)}]


def test_filters_follow_lxds_grammar_and_berths_operators(berthd, two_images):
    fast, slow = two_images["fast"], two_images["slow"]

    def listed(expression: str) -> list[str]:
        response = berthd.request("GET", "/1.0/images?" + query(filter=expression))
        assert response.status == 200, (expression, response.text)
        assert int(response.headers["x-total-count"]) == len(response.json["metadata"])
        return sorted(response.json["metadata"])

    # Recursion 0: the filter sees the objects, the list shows URLs, as in LXD.
    assert listed('properties.flavour eq "fast init"') == [f"/1.0/images/{fast}"]
    assert listed("properties.flavour eq FULL") == [f"/1.0/images/{slow}"]  # case-insensitive, as LXD
    assert listed("properties.flavour eq f.*") == sorted([f"/1.0/images/{fast}", f"/1.0/images/{slow}"])
    assert listed("aliases.name eq fast") == [f"/1.0/images/{fast}"]
    assert listed("not aliases.name eq fast") == [f"/1.0/images/{slow}"]
    assert listed("aliases.name eq fast or aliases.name eq bb and public eq true") == []  # left to right
    assert listed("public eq false and fingerprint bw " + fast[:8].upper()) == [f"/1.0/images/{fast}"]
    assert listed("properties.flavour ct INIT") == [f"/1.0/images/{fast}"]
    assert listed("properties.flavour cs INIT") == []
    assert listed(f"size gt {two_images['sizes'][slow]}") == (
        [f"/1.0/images/{fast}"] if two_images["sizes"][fast] > two_images["sizes"][slow] else [])
    assert listed(r"properties.flavour rx ^fast\s+init$") == [f"/1.0/images/{fast}"]
    assert listed("uploaded_at gt 2000-01-01T00:00:00Z") == sorted([f"/1.0/images/{fast}", f"/1.0/images/{slow}"])
    assert listed("") == sorted([f"/1.0/images/{fast}", f"/1.0/images/{slow}"])  # `lxc list` sends filter=


def test_fields_imply_objects_and_keep_dotted_keys_nested(berthd, two_images):
    response = berthd.request(
        "GET", "/1.0/images?" + query(fields="aliases.name,properties.flavour", sort="properties.flavour"))
    assert response.json["metadata"] == [
        {"aliases": [{"name": "fast"}], "properties": {"flavour": "fast init"}},
        {"aliases": [{"name": "bb"}], "properties": {"flavour": "full"}},
    ]


def test_ndjson_lists_one_item_per_line(berthd, two_images):
    response = berthd.request(
        "GET", "/1.0/images?" + query(recursion=1, sort="properties.flavour", fields="fingerprint"),
        headers={"Accept": "application/x-ndjson"},
    )
    assert response.status == 200
    assert response.headers["content-type"] == "application/x-ndjson"
    assert response.headers["x-total-count"] == "2"
    lines = response.text.split("\n")
    assert lines[-1] == ""
    assert [json.loads(line) for line in lines[:-1]] == [
        {"fingerprint": two_images["fast"]}, {"fingerprint": two_images["slow"]}]

    urls = berthd.request("GET", "/1.0/images?limit=1", headers={"Accept": "application/x-ndjson"})
    assert urls.headers["x-total-count"] == "2"
    assert len(urls.text.splitlines()) == 1 and json.loads(urls.text).startswith("/1.0/images/")


def test_curl_with_url_encoded_filter(berthd, two_images):
    result = berthd.curl(
        "-G", "--data-urlencode", 'filter=properties.flavour eq "fast init"', "--data-urlencode", "recursion=1",
        "http://b/1.0/images",
    )
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert [image["fingerprint"] for image in body["metadata"]] == [two_images["fast"]]


@pytest.mark.parametrize(
    "parameters, message",
    [
        ({"filter": "name eq c1 and status"}, 'Invalid filter at position 22: expected an operator after "status"'),
        ({"filter": "(name eq x)"}, "Invalid filter at position 1: parentheses are not supported"),
        ({"filter": "name zz x"}, 'Invalid filter at position 6: unknown operator "zz"'),
        ({"filter": "name rx (x"}, 'Invalid filter at position 9: invalid regular expression "(x"'),
        ({"limit": "-1"}, 'Invalid limit "-1": expected an integer of at least 0'),
        ({"offset": "x"}, 'Invalid offset "x": expected an integer of at least 0'),
        ({"fields": "name,,size"}, "Invalid fields at position 6: empty field name"),
        ({"sort": "a..b"}, 'Invalid sort at position 1: invalid field name "a..b"'),
    ],
    ids=["missing-operator", "parentheses", "unknown-operator", "bad-regex", "negative-limit", "bad-offset",
         "empty-field", "bad-sort-key"],
)
def test_malformed_parameters_are_lxd_style_400s(berthd, parameters, message):
    for path in ("/1.0/images", "/1.0/operations"):
        response = berthd.request("GET", f"{path}?" + query(**parameters))
        assert response.status == 400, response.text
        envelope = response.json
        assert envelope["type"] == "error" and envelope["error_code"] == 400 and envelope["metadata"] is None
        assert envelope["error"].startswith(message), envelope["error"]


def test_lxc_image_list_is_unchanged(berthd, two_images):
    listed = berthd.lxc("image", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert sorted(entry["fingerprint"] for entry in json.loads(listed.stdout)) == sorted(
        [two_images["fast"], two_images["slow"]])


def test_list_responses_match_the_spec(berthd, two_images):
    for path in ("/1.0/images", "/1.0/operations"):
        operation = SPEC["paths"][path]["get"]
        names = {parameter["$ref"].rsplit("/", 1)[1] for parameter in operation["parameters"] if "$ref" in parameter}
        assert {"Filter", "Fields", "Sort", "Limit", "Offset"} <= names
        assert "X-Total-Count" in operation["responses"]["200"]["headers"]
        for parameters in ({}, {"recursion": 1}, {"fields": "fingerprint,id"}):
            response = berthd.request("GET", f"{path}?" + query(**parameters))
            schema = dict(operation["responses"]["200"]["content"]["application/json"]["schema"])
            schema["components"] = SPEC["components"]
            OAS31Validator(schema).validate(response.json)


SUBMIT = "/1.0/testing/operations"


def test_operations_list_filters_sorts_and_pages_in_lxds_map(testing_daemon_factory):
    daemon = testing_daemon_factory()
    done = []
    for _ in range(3):
        response = daemon.request("POST", SUBMIT + "?wait=10", body={"type": "test.noop", "queue": "q", "payload": {}})
        assert response.status == 200, response.text
        done.append(response.json["metadata"])
    sleeping = daemon.request(
        "POST", SUBMIT, body={"type": "test.sleep", "queue": "other", "payload": {"ms": 60000}}).json["metadata"]
    daemon.request("GET", f"/1.0/operations/{sleeping['id']}/wait?for=change&since={sleeping['updated_at']}&timeout=10")

    everything = daemon.request("GET", "/1.0/operations")
    assert everything.headers["x-total-count"] == "4"
    assert set(everything.json["metadata"]) == {"running", "success"}

    newest_first = daemon.request("GET", "/1.0/operations?" + query(filter="status eq success", sort="-created_at"))
    assert newest_first.headers["x-total-count"] == "3"
    assert newest_first.json["metadata"] == {"success": [f"/1.0/operations/{op['id']}" for op in reversed(done)]}

    running = daemon.request("GET", "/1.0/operations?" + query(filter="description eq sleeping", fields="id,status"))
    assert running.json["metadata"] == {"running": [{"id": sleeping["id"], "status": "Running"}]}

    paged = daemon.request("GET", "/1.0/operations?" + query(status="success", limit=1, offset=2))
    assert paged.headers["x-total-count"] == "3"
    assert paged.json["metadata"] == {"success": [f"/1.0/operations/{done[2]['id']}"]}

    flat = daemon.request(
        "GET", "/1.0/operations?" + query(recursion=1, sort="-status_code", fields="status_code"),
        headers={"Accept": "application/x-ndjson"})
    assert flat.headers["x-total-count"] == "4"
    assert [json.loads(line) for line in flat.text.splitlines()] == [{"status_code": 200}] * 3 + [{"status_code": 103}]
    daemon.request("DELETE", f"/1.0/operations/{sleeping['id']}")


@pytest.mark.skipif(os.geteuid() != 0, reason="LXC containers need root")
def test_instances_take_filter_fields_sort_paging_and_ndjson(berthd, busybox_images):
    assert berthd.lxc("image", "import", str(busybox_images["fastinit"]), "--alias", "busybox").returncode == 0
    try:
        for name, memory in (("i1", "100MiB"), ("i2", "200MiB"), ("i3", "300MiB")):
            made = berthd.lxc("init", "busybox", name, "-c", f"limits.memory={memory}", "-c", f"user.n={name[1]}")
            assert made.returncode == 0, made.stderr
        assert berthd.lxc("start", "i2").returncode == 0

        running = berthd.request("GET", "/1.0/instances?filter=status+eq+running")
        assert running.status == 200 and running.json["metadata"] == ["/1.0/instances/i2"]
        assert running.headers["x-total-count"] == "1"
        by_config = berthd.request("GET", "/1.0/instances?recursion=1&filter=config.user.n+ge+2&fields=name,config.user.n&sort=-name")
        assert by_config.json["metadata"] == [
            {"name": "i3", "config": {"user.n": "3"}},
            {"name": "i2", "config": {"user.n": "2"}},
        ]
        paged = berthd.request("GET", "/1.0/instances?recursion=2&sort=name&limit=1&offset=1")
        assert [entry["name"] for entry in paged.json["metadata"]] == ["i2"]
        assert paged.json["metadata"][0]["state"]["pid"] > 0
        assert paged.headers["x-total-count"] == "3"
        lines = berthd.request(
            "GET", "/1.0/instances?recursion=1&fields=name,status", headers={"Accept": "application/x-ndjson"}
        )
        assert lines.headers["content-type"] == "application/x-ndjson"
        assert [json.loads(line) for line in lines.text.splitlines()] == [
            {"name": "i1", "status": "Stopped"}, {"name": "i2", "status": "Running"}, {"name": "i3", "status": "Stopped"},
        ]
        assert berthd.request("GET", "/1.0/instances?instance-type=virtual-machine").json["metadata"] == []
        assert len(berthd.request("GET", "/1.0/containers?instance-type=container").json["metadata"]) == 3
        bad = berthd.request("GET", "/1.0/instances?filter=status+eq")
        assert bad.status == 400 and "position" in bad.json["error"]
        # The lxc CLI's own filters keep working on top (it filters client-side).
        listed = berthd.lxc("list", "status=running", "--format", "csv", "-c", "n")
        assert listed.stdout.split() == ["i2"]
    finally:
        for name in ("i1", "i2", "i3"):
            berthd.lxc("delete", "--force", name)
