"""Images through the real `lxc` CLI and raw HTTP: import (LXD's raw upload), list, info, aliases,
duplicates, deletion, and bad uploads that leave nothing behind."""

from __future__ import annotations

import hashlib
import json


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_lxc_imports_lists_and_deletes_an_image(berthd, busybox_images):
    image = busybox_images["busybox"]
    fingerprint = sha256(image)

    result = berthd.lxc("image", "import", str(image), "--alias", "busybox")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Image imported with fingerprint: {fingerprint}"

    listed = json.loads(berthd.lxc("image", "list", "--format", "json").stdout)
    assert [entry["fingerprint"] for entry in listed] == [fingerprint]
    entry = listed[0]
    assert entry["aliases"] == [{"name": "busybox", "description": ""}]
    assert entry["architecture"] == "x86_64" and entry["type"] == "container"
    assert entry["properties"]["os"] == "busybox"
    assert entry["size"] == image.stat().st_size
    assert entry["filename"] == image.name
    assert entry["last_used_at"] == "0001-01-01T00:00:00Z"

    info = berthd.lxc("image", "info", "busybox")
    assert info.returncode == 0 and f"Fingerprint: {fingerprint}" in info.stdout

    # The same image again is refused, as LXD does, and leaves no upload behind.
    again = berthd.lxc("image", "import", str(image))
    assert again.returncode == 1
    assert "Image with same fingerprint already exists" in again.stderr
    assert list((berthd.state_dir / "images/uploads").iterdir()) == []

    # A fingerprint prefix finds the image, as in LXD.
    short = berthd.request("GET", f"/1.0/images/{fingerprint[:12]}")
    assert short.status == 200 and short.json["metadata"]["fingerprint"] == fingerprint

    deleted = berthd.lxc("image", "delete", "busybox")
    assert deleted.returncode == 0, deleted.stderr
    assert json.loads(berthd.lxc("image", "list", "--format", "json").stdout) == []
    assert not (berthd.state_dir / "images" / fingerprint).exists()
    assert berthd.request("GET", "/1.0/images/aliases/busybox").status == 404


def test_the_import_is_a_durable_operation_with_the_image_in_its_metadata(berthd, busybox_images):
    image = busybox_images["fastinit"]
    response = berthd.request(
        "POST", "/1.0/images", image.read_bytes(),
        {"Content-Type": "application/octet-stream", "X-LXD-filename": "fast.tar.gz",
         "X-LXD-properties": "os=busybox&flavour=fast%20init"},
    )
    assert response.status == 202
    operation = response.json["metadata"]
    assert operation["description"] == "Downloading image"
    final = berthd.request("GET", f"/1.0/operations/{operation['id']}/wait?timeout=30").json["metadata"]
    assert final["status"] == "Success", final
    assert final["metadata"] == {"fingerprint": sha256(image), "size": str(image.stat().st_size)}
    got = berthd.request("GET", f"/1.0/images/{sha256(image)}").json["metadata"]
    assert got["properties"]["flavour"] == "fast init" and got["filename"] == "fast.tar.gz"
    log = berthd.request("GET", f"/1.0/operations/{operation['id']}/log").json["metadata"]
    assert any("unpacking fast.tar.gz" in line["message"] for line in log)


def test_bad_uploads_fail_clearly_and_leave_nothing(berthd):
    not_a_tarball = berthd.request(
        "POST", "/1.0/images", b"this is not an image", {"Content-Type": "application/octet-stream"}
    )
    assert not_a_tarball.status == 202
    final = berthd.request(
        "GET", f"/1.0/operations/{not_a_tarball.json['metadata']['id']}/wait?timeout=30"
    ).json["metadata"]
    assert final["status"] == "Failure" and final["err"].startswith("Invalid image file: tar -xpf failed")

    empty = berthd.request("POST", "/1.0/images", b"", {"Content-Type": "application/octet-stream"})
    assert empty.status == 400 and empty.json["error"] == "The uploaded image is empty"

    assert berthd.request("GET", "/1.0/images").json["metadata"] == []
    images = berthd.state_dir / "images"
    assert sorted(path.name for path in images.iterdir()) == ["uploads"]
    assert list((images / "uploads").iterdir()) == []


def test_aliases_are_created_listed_and_refused_as_lxd_does(berthd, busybox_images):
    image = busybox_images["busybox"]
    fingerprint = sha256(image)
    assert berthd.lxc("image", "import", str(image)).returncode == 0

    created = berthd.request("POST", "/1.0/images/aliases", {"name": "bb", "target": fingerprint[:10]})
    assert created.status == 201
    assert created.headers["location"] == "/1.0/images/aliases/bb"
    assert created.json["metadata"] is None
    assert berthd.request("GET", "/1.0/images/aliases/bb").json["metadata"] == {
        "description": "", "target": fingerprint, "name": "bb", "type": "container"
    }
    assert berthd.request("GET", "/1.0/images/aliases").json["metadata"] == ["/1.0/images/aliases/bb"]

    duplicate = berthd.request("POST", "/1.0/images/aliases", {"name": "bb", "target": fingerprint})
    assert duplicate.status == 409 and duplicate.json["error"] == 'Alias "bb" already exists'
    unknown = berthd.request("POST", "/1.0/images/aliases", {"name": "x", "target": "ffff"})
    assert unknown.status == 404 and unknown.json["error"] == "Image not found"
    assert berthd.request("GET", "/1.0/images/aliases/nope").status == 404

    assert berthd.lxc("image", "alias", "delete", "bb").returncode == 0
    assert berthd.request("GET", "/1.0/images/aliases").json["metadata"] == []
