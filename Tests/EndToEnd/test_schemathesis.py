"""schemathesis against a live berthd, with specs/openapi.yaml as the oracle.

schemathesis generates requests from the spec (its examples, boundary and type-violating values,
then random ones) and checks every answer: no 5xx (`not_a_server_error`), only documented statuses,
content types and headers, bodies that match the documented schemas. A bounded run: a fixed seed,
`MAX_EXAMPLES` per operation, one worker (CPython 3.11's `ast.parse` is not safe across the threads
of several), a couple of minutes on two cores.

The target is berthd over HTTPS (`--listen`) with an admin API token, as a remote client sees it.
`BERTH_SCHEMATHESIS_TARGET=unix` runs the same against the trusted unix socket through a loopback
forwarding proxy instead (how this suite ran before TLS and tokens existed): `Target` is the only
thing that differs.

Then every documented status of every operation must have been seen: in schemathesis' answers
(read from its HAR report) or in the targeted requests of `reach_the_rest`, for what random inputs
cannot produce (a trusted certificate, an idempotency conflict, `?wait=` finishing in time, a
`Content-Length` over the cap). A status no request can produce is a spec error.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import ssl
import subprocess
import sys
import threading
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from openapi_schema_validator import OAS31Validator

from conftest import REPO, HTTPConnection, free_tcp_port

SPEC = yaml.safe_load((REPO / "specs/openapi.yaml").read_text())
METHODS = ("get", "put", "post", "patch", "delete")
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
)
MAX_EXAMPLES = 25
SEED = 1
RUN_TIMEOUT_SECONDS = 900

# Operations schemathesis does not call, and why. `reach_the_rest` covers their statuses.
NOT_FUZZED = {
    "getEvents": "a stream that stays open until the client leaves",
    "createInstance": "would create real containers",
    "createVZInstance": "would create real containers",
    "changeInstanceState": "would start and stop the test container",
    "changeVZInstanceState": "would start and stop the test container",
    "deleteInstance": "would delete the test container",
    "deleteVZInstance": "would delete the test container",
    "renameInstance": "would rename the test container away",
    "putServer": "replaces the whole configuration: it would switch the rate limiter back on mid-run",
    "waitOperation": "without a timeout it waits for the end, and a token operation the run creates lasts a "
    "day: a generated wait can outlast any request timeout (seen in CI); test_operations covers /wait",
}

# LXD answers 501 for a method a path does not have (the router keeps that); schemathesis' probes of
# undocumented methods would report each as a server error.
CONFIG = """
[phases.coverage]
unexpected-methods = []
"""


def operations():
    """(path, method, operation) for every documented operation."""
    for path, item in SPEC["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def documented_statuses() -> set[tuple[str, str]]:
    return {(op["operationId"], status) for _, _, op in operations() for status in op["responses"]}


# --- targets ---------------------------------------------------------------------------------------


@dataclass
class Target:
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    tls_verify: bool = True

    def arguments(self) -> list[str]:
        arguments = ["--url", self.url]
        for name, value in self.headers.items():
            arguments += ["-H", f"{name}: {value}"]
        if not self.tls_verify:
            arguments += ["--tls-verify", "false"]
        return arguments


def admin_token(daemon) -> str:
    response = daemon.request("POST", "/1.0/auth/tokens", {"name": "schemathesis", "scope": "admin"})
    assert response.status == 201, response.text
    return response.json["metadata"]["token"]


@contextmanager
def https_target(daemon):
    yield Target(f"https://{daemon.tcp_address}", {"Authorization": f"Bearer {admin_token(daemon)}"}, False)


@contextmanager
def unix_proxy_target(daemon):
    """Loopback TCP forwarded byte for byte to the unix socket, on a thread of its own."""
    loop = asyncio.new_event_loop()
    port = free_tcp_port()

    async def pipe(reader, writer):
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def forward(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_unix_connection(str(daemon.socket))
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pipe(client_reader, server_writer), pipe(server_reader, client_writer))

    server = loop.run_until_complete(asyncio.start_server(forward, "127.0.0.1", port))
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield Target(f"http://127.0.0.1:{port}")
    finally:
        async def stop():
            server.close()
            await server.wait_closed()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(stop(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


# --- the daemon's contents --------------------------------------------------------------------------


@dataclass
class Fixtures:
    instance: str = "c1"
    snapshot: str = "snap0"
    alias: str = "busybox"
    image: str = ""
    certificate: str = ""


def make_client_certificate(directory: Path) -> str:
    key, cert = directory / "client.key", directory / "client.crt"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=schemathesis"],
        check=True, capture_output=True, timeout=60,
    )
    # LXD's `certificate` field: base64 DER, which is a PEM body without its armour.
    return "".join(line for line in cert.read_text().splitlines() if not line.startswith("-----"))


def seed(daemon, busybox_images, directory: Path) -> Fixtures:
    """What the examples in the spec name: a stopped container `c1` made from the image aliased
    `busybox`, its snapshot `snap0`, and a trusted certificate."""
    fixtures = Fixtures()
    imported = daemon.lxc("image", "import", str(busybox_images["fastinit"]), "--alias", fixtures.alias)
    assert imported.returncode == 0, imported.stderr
    fixtures.image = daemon.request("GET", f"/1.0/images/aliases/{fixtures.alias}").json["metadata"]["target"]
    made = daemon.lxc("init", fixtures.alias, fixtures.instance)
    assert made.returncode == 0, made.stderr
    snapshot = daemon.lxc("snapshot", fixtures.instance, fixtures.snapshot)
    assert snapshot.returncode == 0, snapshot.stderr
    added = daemon.request(
        "POST", "/1.0/certificates",
        {"type": "client", "name": "seed", "certificate": make_client_certificate(directory)},
    )
    assert added.status == 201, added.text
    fixtures.certificate = added.headers["location"].rsplit("/", 1)[1]
    return fixtures


# --- what schemathesis saw --------------------------------------------------------------------------


def operation_for(path: str, method: str):
    """The documented operation a concrete request path is routed to: the template with the most
    literal segments, as the router prefers static paths."""
    components = [part for part in path.split("/") if part]
    best = None
    for template, item in SPEC["paths"].items():
        segments = [part for part in template.split("/") if part]
        if len(segments) != len(components) or method not in item:
            continue
        literals = 0
        for segment, component in zip(segments, components):
            if segment.startswith("{"):
                continue
            if segment != component:
                break
            literals += 1
        else:
            if best is None or literals > best[0]:
                best = (literals, item[method])
    return best[1] if best else None


def statuses_in_har(report: Path) -> set[tuple[str, str]]:
    seen = set()
    for entry in json.loads(report.read_text())["log"]["entries"]:
        operation = operation_for(urlsplit(entry["request"]["url"]).path, entry["request"]["method"].lower())
        if operation:
            seen.add((operation["operationId"], str(entry["response"]["status"])))
    return seen


def run_schemathesis(target: Target, directory: Path) -> tuple[subprocess.CompletedProcess, Path]:
    config = directory / "schemathesis.toml"
    config.write_text(CONFIG)
    report = directory / "report.har"
    command = [
        str(Path(sys.executable).parent / "schemathesis"), "--config-file", str(config), "run",
        str(REPO / "specs/openapi.yaml"), *target.arguments(),
        "--checks", ",".join(CHECKS), "--phases", "examples,coverage,fuzzing",
        "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED), "--workers", "1",
        "--generation-database", "none", "--no-color",
        "--report", "har", "--report-har-path", str(report),
    ]
    for operation_id in NOT_FUZZED:
        command += ["--exclude-operation-id", operation_id]
    result = subprocess.run(
        command, cwd=directory, capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS
    )
    return result, report


# --- the tests ---------------------------------------------------------------------------------------


def target_for(daemon):
    return unix_proxy_target(daemon) if os.environ.get("BERTH_SCHEMATHESIS_TARGET") == "unix" else https_target(daemon)


def prepare(berthd_factory, busybox_images, directory: Path):
    daemon = berthd_factory(listen=True)
    fixtures = seed(daemon, busybox_images, directory)
    # The generated requests come much faster than a real client's; the limiter is not under test.
    switched_off = daemon.request("PATCH", "/1.0", {"config": {"core.rate_limit": "0"}})
    assert switched_off.status == 200, switched_off.text
    return daemon, fixtures


def test_schemathesis_finds_no_server_error_and_no_answer_outside_the_spec(berthd_factory, busybox_images, tmp_path):
    daemon, _ = prepare(berthd_factory, busybox_images, tmp_path)
    with target_for(daemon) as target:
        result, report = run_schemathesis(target, tmp_path)
    print(result.stdout[-3000:])
    assert daemon.process.poll() is None, "berthd died during the schemathesis run"
    assert result.returncode == 0, f"schemathesis found problems:\n{result.stdout[-20000:]}\n{result.stderr[-5000:]}"
    seen = statuses_in_har(report)
    assert len(seen) > 100, f"schemathesis reached too little of the API: {sorted(seen)}"
    fuzzed = {op["operationId"] for _, _, op in operations()} - NOT_FUZZED.keys()
    assert {operation for operation, _ in seen} == fuzzed, "some operations were never called"
    undocumented = seen - documented_statuses()
    assert not undocumented, f"statuses outside the spec: {sorted(undocumented)}"


# --- statuses random inputs do not produce ------------------------------------------------------------


def concrete(path: str, fixtures: Fixtures) -> str:
    values = {
        "name": fixtures.instance, "snapshot": fixtures.snapshot, "file": "lxc.log",
        "id": "0b7a6f0e-2b9c-4d57-a1a8-1f3d7f0e6d52",
    }
    values["fingerprint"] = fixtures.certificate if path.startswith("/1.0/certificates") else fixtures.image
    if path.startswith("/1.0/images/aliases/"):
        values["name"] = fixtures.alias
    if path.startswith(("/1.0/profiles/", "/1.0/storage-pools/")):
        values["name"] = "default"
    target = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)
    return target + ("?path=/etc" if path.endswith("/files") else "")


def check_against_spec(operation: dict, status: int, content_type: str, body: bytes):
    """The answer's status is documented, and a JSON answer matches the documented schema."""
    response = operation["responses"].get(str(status))
    assert response is not None, f"{operation['operationId']}: undocumented status {status}"
    if "$ref" in response:
        response = SPEC["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    media = content_type.split(";")[0].strip()
    assert media in response.get("content", {}), f"{operation['operationId']} {status}: undocumented {media}"
    if media == "application/json":
        schema = dict(response["content"][media]["schema"], components=SPEC["components"])
        OAS31Validator(schema).validate(json.loads(body))


def https_request(daemon, method: str, target: str, headers: dict[str, str]) -> tuple[int, str, bytes]:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    request = urllib.request.Request(f"https://{daemon.tcp_address}{target}", method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, context=context, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def test_every_operation_answers_its_documented_403_404_and_413(berthd_factory, busybox_images, tmp_path):
    """For every operation: an HTTPS caller without credentials gets its documented 403 (or, where
    untrusted callers are let in, another documented status); `?project=` naming another project
    gets 404 `Project not found` before anything runs; a body announced over the cap gets 413 before
    it is sent. Each answer is checked against the spec."""
    daemon, fixtures = prepare(berthd_factory, busybox_images, tmp_path)
    reached: set[tuple[str, str]] = set()
    for path, method, operation in operations():
        target = concrete(path, fixtures)
        status, content_type, body = https_request(daemon, method.upper(), target, {})
        check_against_spec(operation, status, content_type, body)
        reached.add((operation["operationId"], str(status)))

        separator = "&" if "?" in target else "?"
        answer = daemon.request(method.upper(), f"{target}{separator}project=elsewhere")
        check_against_spec(operation, answer.status, answer.headers["content-type"], answer.body)
        assert answer.json["error"] == "Project not found", (path, method)
        reached.add((operation["operationId"], str(answer.status)))

        if "requestBody" in operation:
            with HTTPConnection.unix(daemon.socket) as connection:
                connection.send(
                    HTTPConnection.encode_request(
                        method.upper(), target, "unix.socket",
                        headers={"Content-Type": "application/json", "Content-Length": str(1 << 40)},
                    )
                )
                answer = connection.read_response(method.upper())
            check_against_spec(operation, answer.status, answer.headers["content-type"], answer.body)
            assert answer.status == 413, (path, method, answer.status)
            reached.add((operation["operationId"], "413"))
    documented = documented_statuses()
    # Where untrusted callers are let in (`security` allows no credentials), 403 has other causes.
    open_to_anyone = {op["operationId"] for _, _, op in operations() if {} in op.get("security", [{"x": []}])}
    for code in ("403", "413"):
        unreached = sorted(op for op, status in documented - reached if status == code and op not in open_to_anyone)
        assert not unreached, f"documented {code} never answered: {unreached}"
    assert all((op["operationId"], "404") in reached for _, _, op in operations())
