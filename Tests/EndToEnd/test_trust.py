"""Trust over HTTPS: the trust store, trust tokens with the real `lxc`, API tokens, and the
authorization matrix's edges, against a real berthd with `--listen` (HTTPS) and real TLS clients
whose certificates `openssl req` makes."""

import base64
import json
import os
import ssl
import subprocess
from pathlib import Path

import pytest

from conftest import HTTPConnection, unverified_tls_context


@pytest.fixture
def client_certificate(tmp_path) -> tuple[Path, Path, str]:
    """An EC client certificate: (cert.pem, key.pem, base64 DER)."""
    cert, key = tmp_path / "client.crt", tmp_path / "client.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-nodes", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-subj", "/CN=e2e-client", "-days", "1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    der = subprocess.run(["openssl", "x509", "-in", str(cert), "-outform", "DER"], check=True, capture_output=True)
    return cert, key, base64.b64encode(der.stdout).decode()


def https(berthd, method: str, path: str, body=None, certificate=None, token: str | None = None):
    context = unverified_tls_context()
    if certificate:
        context.load_cert_chain(str(certificate[0]), str(certificate[1]))
    headers = {"Connection": "close"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    with HTTPConnection.tcp(*berthd.listen, context=context) as connection:
        return connection.request(method, path, body, headers)


def test_a_tls_client_is_trusted_by_its_certificate_until_it_is_removed(berthd_tcp, client_certificate):
    status, _, body = https(berthd_tcp, "GET", "/1.0", certificate=client_certificate)
    assert status == 200 and body["metadata"]["auth"] == "untrusted"
    assert "environment" not in body["metadata"]
    status, _, body = https(berthd_tcp, "GET", "/1.0/instances", certificate=client_certificate)
    assert (status, body["error"]) == (403, "not authorized")

    status, headers, _ = berthd_tcp.request(
        "POST", "/1.0/certificates", {"type": "client", "name": "ci", "certificate": client_certificate[2]}
    )
    assert status == 201
    fingerprint = headers["location"].rsplit("/", 1)[1]
    status, _, body = https(berthd_tcp, "GET", "/1.0", certificate=client_certificate)
    assert body["metadata"]["auth"] == "trusted"
    assert https(berthd_tcp, "GET", "/1.0/instances", certificate=client_certificate).status == 200

    assert berthd_tcp.request("DELETE", f"/1.0/certificates/{fingerprint[:12]}").status == 200
    assert https(berthd_tcp, "GET", "/1.0/instances", certificate=client_certificate).status == 403


def test_api_tokens_work_over_https_only_and_read_only_ones_change_nothing(berthd_tcp):
    status, _, body = berthd_tcp.request("POST", "/1.0/auth/tokens", {"name": "ci", "scope": "read-only"})
    assert status == 201
    token, token_id = body["metadata"]["token"], body["metadata"]["id"]
    assert https(berthd_tcp, "GET", "/1.0/instances", token=token).status == 200
    assert https(berthd_tcp, "PATCH", "/1.0", {"config": {}}, token=token).status == 403
    assert https(berthd_tcp, "GET", "/1.0/auth/tokens", token=token).status == 403
    assert berthd_tcp.request("DELETE", f"/1.0/auth/tokens/{token_id}").status == 200
    assert https(berthd_tcp, "GET", "/1.0/instances", token=token).status == 403


def test_lxc_config_trust_add_prints_a_token_that_lxc_remote_add_accepts(berthd_tcp):
    added = berthd_tcp.lxc("config", "trust", "add", "--name", "laptop")
    assert added.returncode == 0, added.stderr
    token = added.stdout.strip().splitlines()[-1]
    decoded = json.loads(base64.b64decode(token))
    assert decoded["client_name"] == "laptop"
    assert decoded["addresses"] == [berthd_tcp.tcp_address]

    remote = berthd_tcp.lxc("remote", "add", "berth", token)
    assert remote.returncode == 0, remote.stdout + remote.stderr
    listed = berthd_tcp.lxc("list", "berth:", "--format", "csv")
    assert listed.returncode == 0, listed.stderr

    trusted = berthd_tcp.lxc("config", "trust", "list", "--format", "csv")
    assert trusted.returncode == 0 and "laptop" in trusted.stdout, trusted.stdout + trusted.stderr
    # Single use: the token no longer appears and a second client cannot use it.
    tokens = berthd_tcp.lxc("config", "trust", "list-tokens", "--format", "csv")
    assert tokens.returncode == 0 and "laptop" not in tokens.stdout
    again = berthd_tcp.lxc("remote", "add", "berth2", token)
    assert again.returncode != 0


def test_lxc_config_trust_revoke_token_cancels_it(berthd_tcp):
    added = berthd_tcp.lxc("config", "trust", "add", "--name", "gone")
    assert added.returncode == 0, added.stderr
    listed = berthd_tcp.lxc("config", "trust", "list-tokens", "--format", "csv")
    assert "gone" in listed.stdout, listed.stdout + listed.stderr
    revoked = berthd_tcp.lxc("config", "trust", "revoke-token", "gone")
    assert revoked.returncode == 0, revoked.stderr
    token = added.stdout.strip().splitlines()[-1]
    refused = berthd_tcp.lxc("remote", "add", "berth", token)
    assert refused.returncode != 0


@pytest.mark.skipif(os.geteuid() != 0, reason="LXC containers need root")
def test_lxc_launches_lists_execs_and_deletes_through_an_https_remote(berthd_tcp, busybox_images):
    """The whole client path over TLS with a trusted certificate: an image imported through the
    remote, a container launched, listed, exec'd into (websockets over TLS) and deleted."""
    token = berthd_tcp.lxc("config", "trust", "add", "--name", "remote-user").stdout.strip().splitlines()[-1]
    assert berthd_tcp.lxc("remote", "add", "berth", token).returncode == 0
    try:
        imported = berthd_tcp.lxc("image", "import", str(busybox_images["fastinit"]), "berth:", "--alias", "busybox")
        assert imported.returncode == 0, imported.stderr
        launched = berthd_tcp.lxc("launch", "berth:busybox", "berth:r1")
        assert launched.returncode == 0, launched.stderr
        listed = berthd_tcp.lxc("list", "berth:", "--format", "csv", "-c", "ns")
        assert listed.stdout.strip() == "r1,RUNNING", listed.stdout + listed.stderr
        executed = berthd_tcp.lxc("exec", "berth:r1", "--", "sh", "-c", "echo over-tls; exit 3")
        assert executed.stdout.strip() == "over-tls" and executed.returncode == 3, executed.stderr
        # The operation was requested over TLS by that certificate, not by the local socket.
        operations = berthd_tcp.request("GET", "/1.0/operations?recursion=1").json["metadata"]
        requestors = [op.get("requestor", {}) for ops in operations.values() for op in ops]
        assert any(r.get("protocol") == "tls" for r in requestors), requestors
    finally:
        for entry in json.loads(berthd_tcp.lxc("list", "--format", "json").stdout or "[]"):
            berthd_tcp.lxc("delete", "--force", entry["name"])
    assert berthd_tcp.lxc("list", "--format", "csv").stdout.strip() == ""


def make_certificate(directory: Path, name: str) -> tuple[Path, Path, str]:
    cert, key = directory / f"{name}.crt", directory / f"{name}.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-nodes", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-subj", f"/CN={name}", "-days", "1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    der = subprocess.run(["openssl", "x509", "-in", str(cert), "-outform", "DER"], check=True, capture_output=True)
    return cert, key, base64.b64encode(der.stdout).decode()


def test_every_endpoint_class_answers_each_kind_of_tls_caller_as_the_matrix_says(berthd_tcp, tmp_path):
    """Real TLS clients — none, an untrusted certificate, a trusted one, a revoked one, a read-only
    and an admin API token — against one endpoint of each class. The unit matrix covers every route
    with constructed callers; this holds the wire to the same rules."""
    trusted, revoked, stranger = (make_certificate(tmp_path, name) for name in ("trusted", "revoked", "stranger"))
    fingerprints = {}
    for name, certificate in (("trusted", trusted), ("revoked", revoked)):
        status, headers, _ = berthd_tcp.request(
            "POST", "/1.0/certificates", {"type": "client", "name": name, "certificate": certificate[2]})
        assert status == 201
        fingerprints[name] = headers["location"].rsplit("/", 1)[1]
    assert berthd_tcp.request("DELETE", f"/1.0/certificates/{fingerprints['revoked']}").status == 200
    tokens = {}
    for scope in ("read-only", "admin"):
        status, _, body = berthd_tcp.request("POST", "/1.0/auth/tokens", {"name": scope, "scope": scope})
        assert status == 201
        tokens[scope] = body["metadata"]["token"]

    callers = {
        "nobody": {},
        "untrusted cert": {"certificate": stranger},
        "trusted cert": {"certificate": trusted},
        "revoked cert": {"certificate": revoked},
        "read-only token": {"token": tokens["read-only"]},
        "admin token": {"token": tokens["admin"]},
    }
    # (method, path, body) → expected status per caller; a mutating call with a body the handler
    # refuses (400) proves the caller got past authorization without changing anything.
    bad_instance = {"name": "Not_A_Valid_Name", "source": {"type": "none"}}
    endpoints = [
        (("GET", "/1.0", None), dict.fromkeys(callers, 200)),
        (("GET", "/1.0/instances", None),
         {"nobody": 403, "untrusted cert": 403, "trusted cert": 200, "revoked cert": 403,
          "read-only token": 200, "admin token": 200}),
        (("GET", "/1.0/operations", None),
         {"nobody": 403, "untrusted cert": 403, "trusted cert": 200, "revoked cert": 403,
          "read-only token": 200, "admin token": 200}),
        (("POST", "/1.0/instances", bad_instance),
         {"nobody": 403, "untrusted cert": 403, "trusted cert": 400, "revoked cert": 403,
          "read-only token": 403, "admin token": 400}),
        (("PATCH", "/1.0", {"config": {"core.no_such_key": "1"}}),
         {"nobody": 403, "untrusted cert": 403, "trusted cert": 400, "revoked cert": 403,
          "read-only token": 403, "admin token": 400}),
        (("GET", "/1.0/auth/tokens", None), dict.fromkeys(callers, 403)),
        (("GET", "/1.0/nowhere", None),
         {"nobody": 403, "untrusted cert": 403, "trusted cert": 404, "revoked cert": 403,
          "read-only token": 404, "admin token": 404}),
    ]
    seen = {}
    for (method, path, body), expected in endpoints:
        for caller, credentials in callers.items():
            seen[(method, path, caller)] = (https(berthd_tcp, method, path, body, **credentials).status, expected[caller])
    wrong = {key: got for key, got in seen.items() if got[0] != got[1]}
    assert wrong == {}, wrong
    # Nothing was created by the refused or failed calls.
    assert berthd_tcp.request("GET", "/1.0/instances").json["metadata"] == []


@pytest.mark.skipif(os.geteuid() != 0, reason="switching users needs root")
def test_members_of_the_sockets_group_are_trusted_through_supplementary_groups(berthd):
    """As in LXD, whoever may open the unix socket is trusted on it: a user whose primary group is
    their own but who belongs to the socket's group (what `SocketGroup=berth` gives)."""
    group = berthd.socket.stat().st_gid
    os.chmod(berthd.socket, 0o666)  # so that the untrusted case reaches the server at all

    def auth_as_nobody(*groups: int) -> str:
        result = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", f"--groups={','.join(map(str, groups)) or '65534'}",
             "curl", "-sf", "--unix-socket", str(berthd.socket), "http://b/1.0"],
            capture_output=True, text=True, timeout=10,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)["metadata"]["auth"]

    assert auth_as_nobody() == "untrusted"
    assert auth_as_nobody(65534, group) == "trusted"
