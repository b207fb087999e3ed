"""Images through the real `lxc` CLI and raw HTTP: import (LXD's raw upload and split images as
multipart), progress, list, info, aliases (rename, edit), image edits with ETags, duplicates,
deletion, and bad uploads that leave nothing behind."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess

import pytest

from test_events import Stream, ndjson_event

BOUNDARY = "8d1c0a6f3e2b4d5c9a7e1f0b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8091"


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def go_etag(value) -> str:
    """LXD's `util.EtagHash`: sha256 of Go's `json.Encoder` output (compact, then a newline)."""
    return hashlib.sha256((json.dumps(value, separators=(",", ":")) + "\n").encode()).hexdigest()


def image_etag(image: dict) -> str:
    """LXD 5.0 hashes `[public, auto_update, properties]` for an image (map keys sorted, as Go's)."""
    properties = dict(sorted(image["properties"].items()))
    return go_etag([image["public"], image["auto_update"], properties])


def multipart(parts: list[tuple[str, str | None, bytes]], boundary: str = BOUNDARY) -> bytes:
    """A body as Go's `mime/multipart.Writer` (what `lxc image import META ROOTFS` uses) writes it."""
    body = b""
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        body += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n".encode()
        body += b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n"
    return body + f"--{boundary}--\r\n".encode()


def split_image(unified, directory):
    """meta.tar.xz (metadata.yaml, templates/) and rootfs.tar.xz (the rootfs' contents) from a unified
    busybox image, owners and modes kept."""
    directory.mkdir(exist_ok=True)
    unpacked = directory / "unpacked"
    unpacked.mkdir()
    subprocess.run(["tar", "--numeric-owner", "-xpzf", str(unified), "-C", str(unpacked)], check=True)
    meta, rootfs = directory / "meta.tar.xz", directory / "rootfs.tar.xz"
    subprocess.run(
        ["tar", "--numeric-owner", "-cJf", str(meta), "-C", str(unpacked), "metadata.yaml", "templates"], check=True
    )
    subprocess.run(["tar", "--numeric-owner", "-cJf", str(rootfs), "-C", str(unpacked / "rootfs"), "."], check=True)
    return meta, rootfs, unpacked


def lifecycle(berthd) -> list[dict]:
    """Every stored lifecycle event so far (replayed with `since=0`)."""
    stream, head = Stream.open(berthd, "/1.0/events?type=lifecycle&since=0", "application/x-ndjson")
    events = []
    try:
        assert head.status == 200
        while True:
            try:
                events.append(ndjson_event(stream, timeout=1)["metadata"])
            except (TimeoutError, socket.timeout):
                return events
    finally:
        stream.close()


def assert_nothing_stored(berthd):
    assert berthd.request("GET", "/1.0/images").json["metadata"] == []
    images = berthd.state_dir / "images"
    assert sorted(path.name for path in images.iterdir()) == ["uploads"]
    assert list((images / "uploads").iterdir()) == []


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


# --- split images (multipart) -------------------------------------------------------------------


@pytest.mark.skipif(os.geteuid() != 0, reason="LXC containers need root")
def test_lxc_imports_a_split_image_that_launches(berthd, busybox_images, tmp_path):
    meta, rootfs, _ = split_image(busybox_images["fastinit"], tmp_path)
    fingerprint = hashlib.sha256(meta.read_bytes() + rootfs.read_bytes()).hexdigest()
    assert fingerprint not in (sha256(meta), sha256(rootfs))

    result = berthd.lxc("image", "import", str(meta), str(rootfs), "--alias", "split")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Image imported with fingerprint: {fingerprint}"

    image = berthd.request("GET", "/1.0/images/aliases/split").json["metadata"]
    assert image["target"] == fingerprint
    entry = berthd.request("GET", f"/1.0/images/{fingerprint}").json["metadata"]
    # LXD names a split image after its rootfs part, and its size is both parts'.
    assert entry["filename"] == "rootfs.tar.xz"
    assert entry["size"] == meta.stat().st_size + rootfs.stat().st_size
    assert entry["properties"]["variant"] == "fastinit"
    stored = berthd.state_dir / "images" / fingerprint
    assert sorted(path.name for path in stored.iterdir()) == [
        "image.metadata", "image.rootfs", "metadata.yaml", "rootfs", "templates"
    ]
    assert (stored / "image.rootfs").read_bytes() == rootfs.read_bytes()
    assert (stored / "rootfs/bin/busybox").is_file() and (stored / "templates/hostname.tpl").is_file()

    try:
        launched = berthd.lxc("launch", "split", "s1")
        assert launched.returncode == 0, launched.stderr
        state = berthd.request("GET", "/1.0/instances/s1").json["metadata"]
        assert state["status"] == "Running"
        assert state["config"]["volatile.base_image"] == fingerprint
    finally:
        deleted = berthd.lxc("delete", "--force", "s1")
    assert deleted.returncode == 0, deleted.stderr
    assert berthd.request("GET", "/1.0/instances/s1").status == 404


@pytest.mark.skipif(
    not (shutil.which("mksquashfs") and shutil.which("unsquashfs")), reason="needs squashfs-tools"
)
def test_a_squashfs_rootfs_imports_with_squashfs_tools(berthd, busybox_images, tmp_path):
    meta, _, unpacked = split_image(busybox_images["busybox"], tmp_path)
    squashfs = tmp_path / "rootfs.squashfs"
    subprocess.run(
        ["mksquashfs", str(unpacked / "rootfs"), str(squashfs), "-noappend", "-quiet", "-no-progress"],
        check=True, capture_output=True,
    )
    result = berthd.lxc("image", "import", str(meta), str(squashfs))
    assert result.returncode == 0, result.stderr
    fingerprint = hashlib.sha256(meta.read_bytes() + squashfs.read_bytes()).hexdigest()
    assert fingerprint in result.stdout
    rootfs = berthd.state_dir / "images" / fingerprint / "rootfs"
    assert (rootfs / "bin/busybox").read_bytes() == (unpacked / "rootfs/bin/busybox").read_bytes()
    assert os.readlink(rootfs / "bin/ls") == "busybox"


def test_an_import_reports_coalesced_progress_then_its_result(berthd, busybox_images, tmp_path):
    meta, rootfs, _ = split_image(busybox_images["busybox"], tmp_path)
    stream, _ = Stream.open(berthd, "/1.0/events?type=operation", "application/x-ndjson")
    try:
        parts = [("metadata", "meta.tar.xz", meta.read_bytes()), ("rootfs", "rootfs.tar.xz", rootfs.read_bytes())]
        response = berthd.request(
            "POST", "/1.0/images", multipart(parts), {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
        )
        assert response.status == 202, response.text
        operation = response.json["metadata"]["id"]
        updates = []
        while True:
            event = ndjson_event(stream, timeout=30)["metadata"]
            if event["id"] != operation:
                continue
            updates.append(event)
            if event["status"] in ("Success", "Failure"):
                break
    finally:
        stream.close()

    assert updates[-1]["status"] == "Success", updates[-1]
    total = meta.stat().st_size + rootfs.stat().st_size
    assert updates[-1]["metadata"] == {
        "fingerprint": hashlib.sha256(meta.read_bytes() + rootfs.read_bytes()).hexdigest(), "size": str(total)
    }
    progress = [update["metadata"] for update in updates if "progress" in update["metadata"]]
    stages = [entry["progress"]["stage"] for entry in progress]
    assert stages[0] == "image_fingerprint" and stages[-1] == "image_unpack", stages
    unpacked = [entry for entry in progress if entry["progress"]["stage"] == "image_unpack"]
    # LXD's two forms: one `<stage>_progress` text the CLI prints, and a map of strings.
    assert unpacked[-1]["image_unpack_progress"].startswith("Unpack: 100% (")
    assert unpacked[-1]["progress"]["percent"] == "100"
    assert unpacked[-1]["progress"]["processed"] == str(total)
    # Exactly one text form at a time: the CLI prints the first it finds.
    assert all("image_fingerprint_progress" not in entry for entry in unpacked)
    # Coalesced: a handful of updates for a whole import, not one per read.
    assert len(progress) <= 10, progress


def test_malformed_multipart_uploads_are_refused_and_leave_nothing(berthd, busybox_images, tmp_path):
    meta, rootfs, _ = split_image(busybox_images["busybox"], tmp_path)
    good = [("metadata", "meta.tar.xz", meta.read_bytes()), ("rootfs", "rootfs.tar.xz", rootfs.read_bytes())]
    form = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    cases = [
        (multipart(good)[:-30], form, "Invalid image file: multipart body: truncated (no closing boundary)"),
        (multipart(good[::-1]), form,
         'Invalid image file: Invalid multipart image: the first part must be "metadata", not "rootfs"'),
        (multipart([good[0], ("rootfs.img", "disk.qcow2", b"QFI\xfb")]), form,
         "Invalid image file: virtual-machine images (a rootfs.img part) are not supported"),
        (multipart(good[:1]), form, "Invalid image file: a split image upload needs two parts, metadata and rootfs"),
        (multipart(good).replace(b"\r\n", b"\n"), form,
         "Invalid image file: multipart body: a boundary line does not end in CRLF"),
        (f"--{BOUNDARY}\r\nX-Filler: {'x' * 9000}\r\n\r\n".encode() + multipart(good), form,
         "Invalid image file: multipart body: a part's headers exceed 8192 bytes"),
        (multipart(good), {"Content-Type": "multipart/form-data"},
         "Invalid image file: multipart body: Content-Type has no boundary"),
        (multipart(good), {"Content-Type": "multipart/form-data; boundary=other"},
         "Invalid image file: multipart body: the boundary given in Content-Type never occurs"),
    ]
    for body, headers, message in cases:
        response = berthd.request("POST", "/1.0/images", body, headers)
        assert (response.status, response.json["error"]) == (400, message)
    assert_nothing_stored(berthd)
    # Refused before any operation existed: nothing in the database either.
    assert berthd.request("GET", "/1.0/operations").json["metadata"] == {}

    # A body that parses but whose rootfs is no archive fails in its operation, and cleans up too.
    failing = berthd.request(
        "POST", "/1.0/images", multipart([good[0], ("rootfs", "r", b"not an archive")]), form
    )
    assert failing.status == 202
    final = berthd.request(
        "GET", f"/1.0/operations/{failing.json['metadata']['id']}/wait?timeout=30"
    ).json["metadata"]
    assert final["status"] == "Failure" and final["err"].startswith("Invalid image file: tar -xpf failed"), final
    assert_nothing_stored(berthd)


# --- editing images and aliases -----------------------------------------------------------------


def test_image_put_and_patch_with_etags(berthd, busybox_images):
    image = busybox_images["busybox"]
    fingerprint = sha256(image)
    assert berthd.lxc("image", "import", str(image), "--alias", "busybox").returncode == 0
    path = f"/1.0/images/{fingerprint}"

    got = berthd.request("GET", path)
    assert got.headers["etag"] == f'"{image_etag(got.json["metadata"])}"'

    # `lxc image edit` with the YAML on stdin: a PUT of api.ImagePut.
    shown = berthd.lxc("image", "show", "busybox").stdout
    edited = shown.replace("public: false", "public: true").replace("os: busybox", "os: edited")
    result = berthd.lxc("image", "edit", "busybox", input=edited)
    assert result.returncode == 0, result.stderr
    after = berthd.request("GET", path)
    assert after.json["metadata"]["public"] is True
    assert after.json["metadata"]["properties"]["os"] == "edited"
    assert after.headers["etag"] == f'"{image_etag(after.json["metadata"])}"' != got.headers["etag"]

    stale = berthd.request("PATCH", path, {"properties": {"flavour": "x"}}, {"If-Match": got.headers["etag"]})
    assert stale.status == 412
    assert stale.json["error"] == f"ETag doesn't match: {after.headers['etag'][1:-1]} vs {got.headers['etag'][1:-1]}"
    assert "flavour" not in berthd.request("GET", path).json["metadata"]["properties"]

    patched = berthd.request("PATCH", path, {"properties": {"flavour": "x"}}, {"If-Match": after.headers["etag"]})
    assert (patched.status, patched.json["metadata"]) == (200, {})
    properties = berthd.request("GET", path).json["metadata"]["properties"]
    assert properties["flavour"] == "x" and properties["os"] == "edited" and properties["release"] == "1.35"

    current = berthd.request("GET", path).headers["etag"]
    put = berthd.request(
        "PUT", path, {"public": False, "auto_update": True, "properties": {"only": "this"}, "profiles": []},
        {"If-Match": current},
    )
    assert put.status == 200, put.text
    replaced = berthd.request("GET", path).json["metadata"]
    assert (replaced["public"], replaced["auto_update"], replaced["properties"], replaced["profiles"]) == (
        False, True, {"only": "this"}, []
    )
    assert berthd.request("PUT", path, {"properties": {}}, {"If-Match": current}).status == 412

    for body, message in [
        ({"profiles": ["nope"]}, "Profile 'nope' doesn't exist"),
        ({"expires_at": "2030-01-01T00:00:00Z"}, "Setting expires_at is not supported yet"),
        ({"public": "yes"}, None),
    ]:
        refused = berthd.request("PUT", path, body)
        assert refused.status == 400 and (message is None or refused.json["error"] == message), refused.text
    assert berthd.request("PUT", "/1.0/images/ffff", {}).status == 404

    updated = [event for event in lifecycle(berthd) if event["action"] == "image-updated"]
    assert [event["source"] for event in updated] == [path] * 3
    assert updated[0]["requestor"]["protocol"] == "unix"


def test_alias_rename_update_and_etags_as_lxc_uses_them(berthd, busybox_images):
    image = busybox_images["busybox"]
    fingerprint = sha256(image)
    assert berthd.lxc("image", "import", str(image), "--alias", "busybox").returncode == 0
    assert berthd.request("POST", "/1.0/images/aliases", {"name": "other", "target": fingerprint}).status == 201

    renamed = berthd.lxc("image", "alias", "rename", "busybox", "bb")
    assert renamed.returncode == 0, renamed.stderr
    assert berthd.request("GET", "/1.0/images/aliases/busybox").status == 404
    got = berthd.request("GET", "/1.0/images/aliases/bb")
    assert got.json["metadata"] == {"description": "", "target": fingerprint, "name": "bb", "type": "container"}
    assert got.headers["etag"] == f'"{go_etag(got.json["metadata"])}"'

    taken = berthd.request("POST", "/1.0/images/aliases/bb", {"name": "other"})
    assert (taken.status, taken.json["error"]) == (409, "Alias 'other' already in use")
    assert berthd.lxc("image", "alias", "rename", "bb", "other").returncode == 1
    direct = berthd.request("POST", "/1.0/images/aliases/bb", {"name": "bb2"})
    assert direct.status == 201 and direct.headers["location"] == "/1.0/images/aliases/bb2"
    assert berthd.request("POST", "/1.0/images/aliases/nope", {"name": "x"}).status == 404

    etag = berthd.request("GET", "/1.0/images/aliases/bb2").headers["etag"]
    put = berthd.request(
        "PUT", "/1.0/images/aliases/bb2", {"description": "tiny", "target": fingerprint[:12]}, {"If-Match": etag}
    )
    assert put.status == 200, put.text
    assert berthd.request("PUT", "/1.0/images/aliases/bb2", {"description": "x", "target": fingerprint},
                          {"If-Match": etag}).status == 412
    assert berthd.request("PUT", "/1.0/images/aliases/bb2", {"description": "x"}).json["error"] == (
        "The target field is required"
    )
    patched = berthd.request("PATCH", "/1.0/images/aliases/bb2", {"description": "patched"})
    assert patched.status == 200
    entry = berthd.request("GET", "/1.0/images/aliases/bb2").json["metadata"]
    assert entry == {"description": "patched", "target": fingerprint, "name": "bb2", "type": "container"}
    assert berthd.request("PATCH", "/1.0/images/aliases/bb2", {"target": "ffff"}).status == 404

    listed = json.loads(berthd.lxc("image", "alias", "list", "--format", "json").stdout)
    assert sorted(alias["name"] for alias in listed) == ["bb2", "other"]

    events = [(event["action"], event["source"], event.get("context")) for event in lifecycle(berthd)]
    assert ("image-alias-renamed", "/1.0/images/aliases/bb", {"old_name": "busybox"}) in events
    assert ("image-alias-renamed", "/1.0/images/aliases/bb2", {"old_name": "bb"}) in events
    assert events.count(("image-alias-updated", "/1.0/images/aliases/bb2", {"target": fingerprint})) == 2


def high_water_mark(pid: int) -> int:
    """VmHWM of a process, in bytes: the most resident memory it ever had."""
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def test_an_image_larger_than_the_in_memory_body_limit_is_spooled_to_disk(berthd, busybox_images, tmp_path):
    """An 80 MiB image (more than the 64 MiB a request body may take in memory) imports, with the
    body written to disk as it arrives: the daemon's peak memory does not grow by the image's size."""
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    subprocess.run(["tar", "--numeric-owner", "-xpzf", str(busybox_images["fastinit"]), "-C", str(unpacked)], check=True)
    (unpacked / "rootfs" / "filler").write_bytes(os.urandom(80 << 20))
    big = tmp_path / "big.tar"
    subprocess.run(["tar", "--numeric-owner", "-cf", str(big), "-C", str(unpacked), "."], check=True)
    assert big.stat().st_size > 80 << 20

    before = high_water_mark(berthd.pid)
    imported = berthd.lxc("image", "import", str(big), "--alias", "big")
    assert imported.returncode == 0, imported.stderr
    image = berthd.request("GET", "/1.0/images/aliases/big").json["metadata"]
    assert image["target"] == sha256(big)
    assert (berthd.state_dir / "images" / image["target"] / "rootfs" / "filler").stat().st_size == 80 << 20
    grown = high_water_mark(berthd.pid) - before
    assert grown < 40 << 20, f"peak memory grew by {grown >> 20} MiB while receiving an 80 MiB image"
    assert [path.name for path in (berthd.state_dir / "images" / "uploads").iterdir()] == []


def test_an_upload_cut_off_half_way_leaves_no_file(berthd):
    with socket.socket(socket.AF_UNIX) as client:
        client.connect(str(berthd.socket))
        client.sendall(
            b"POST /1.0/images HTTP/1.1\r\nHost: b\r\nContent-Type: application/octet-stream\r\n"
            b"Content-Length: 1000000\r\n\r\n" + b"x" * 300_000
        )
        uploads = berthd.state_dir / "images" / "uploads"
        # The part received so far is on disk, not in memory...
        for _ in range(100):
            spooled = list(uploads.iterdir())
            if spooled and spooled[0].stat().st_size == 300_000:
                break
            __import__("time").sleep(0.05)
        assert [path.stat().st_size for path in uploads.iterdir()] == [300_000]
    # ...and goes when the client does.
    for _ in range(100):
        if not list(uploads.iterdir()):
            break
        __import__("time").sleep(0.05)
    assert list(uploads.iterdir()) == []
    assert berthd.request("GET", "/1.0/images").json["metadata"] == []


def test_a_replayed_upload_returns_the_same_operation_and_keeps_no_second_copy(berthd, busybox_images):
    data = busybox_images["fastinit"].read_bytes()
    headers = {"Content-Type": "application/octet-stream", "Idempotency-Key": "import-1"}
    first = berthd.request("POST", "/1.0/images", data, headers)
    second = berthd.request("POST", "/1.0/images", data, headers)
    assert first.status == second.status == 202
    assert first.json["metadata"]["id"] == second.json["metadata"]["id"]
    final = berthd.request("GET", f"/1.0/operations/{first.json['metadata']['id']}/wait?timeout=60").json
    assert final["metadata"]["status"] == "Success"
    assert list((berthd.state_dir / "images" / "uploads").iterdir()) == []
