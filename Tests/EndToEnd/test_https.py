"""berthd over HTTPS (LXD's core.https_address): its certificate, what curl and a TLS client see,
and where it listens."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import ssl
import stat
import subprocess

import pytest

from conftest import HTTPConnection, free_tcp_port, unverified_tls_context


def served_certificate(host: str, port: int) -> bytes:
    """The DER certificate the server presents in its handshake."""
    with socket.create_connection((host, port), timeout=10) as sock:
        with unverified_tls_context().wrap_socket(sock, server_hostname=host) as tls:
            return tls.getpeercert(binary_form=True)


def curl_https(address: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["curl", "-sS", "--max-time", "20", *args, f"https://{address}/1.0"], capture_output=True, text=True, timeout=30
    )


def test_curl_gets_the_untrusted_server_and_the_fingerprint_matches_the_served_certificate(berthd_tcp):
    result = curl_https(berthd_tcp.tcp_address, "-k")
    assert result.returncode == 0, result.stderr
    metadata = json.loads(result.stdout)["metadata"]
    assert metadata["auth"] == "untrusted"
    assert "environment" not in metadata

    der = served_certificate(*berthd_tcp.listen)
    environment = berthd_tcp.request("GET", "/1.0").json["metadata"]["environment"]
    assert environment["certificate_fingerprint"] == hashlib.sha256(der).hexdigest()
    assert ssl.PEM_cert_to_DER_cert(environment["certificate"]) == der
    assert environment["addresses"] == [berthd_tcp.tcp_address]


def test_the_certificate_names_the_loopback_address_so_curl_can_verify_it(berthd_tcp):
    # No -k: curl checks the chain against server.crt itself and 127.0.0.1 against its SANs.
    result = curl_https(berthd_tcp.tcp_address, "--cacert", str(berthd_tcp.state_dir / "server.crt"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status_code"] == 200


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion:DeprecationWarning")
def test_the_handshake_is_tls13_without_compression_and_tls11_is_refused(berthd_tcp):
    host, port = berthd_tcp.listen
    context = unverified_tls_context()
    with socket.create_connection((host, port), timeout=10) as sock:
        with context.wrap_socket(sock, server_hostname=host) as tls:
            assert tls.version() == "TLSv1.3"
            assert tls.compression() is None
    old = unverified_tls_context()
    old.maximum_version = ssl.TLSVersion.TLSv1_1
    old.minimum_version = ssl.TLSVersion.TLSv1
    old.set_ciphers("DEFAULT:@SECLEVEL=0")
    with socket.create_connection((host, port), timeout=10) as sock:
        try:
            old.wrap_socket(sock, server_hostname=host).close()
            raise AssertionError("a TLS 1.1 handshake succeeded")
        except ssl.SSLError:
            pass


def test_the_certificate_persists_across_restarts_with_a_private_key(berthd_tcp):
    before = berthd_tcp.request("GET", "/1.0").json["metadata"]["environment"]["certificate_fingerprint"]
    key = berthd_tcp.state_dir / "server.key"
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(berthd_tcp.state_dir / "server.crt").st_mode) == 0o644
    assert berthd_tcp.stop() == 0
    berthd_tcp.start()
    after = berthd_tcp.request("GET", "/1.0").json["metadata"]["environment"]["certificate_fingerprint"]
    assert after == before
    assert hashlib.sha256(served_certificate(*berthd_tcp.listen)).hexdigest() == before


def test_core_https_address_is_validated_stored_and_served_from_the_next_start(berthd):
    response = berthd.request("PATCH", "/1.0", body={"config": {"core.https_address": "example.com:8443"}})
    assert response.status == 400, response.text
    assert "core.https_address" in response.json["error"]

    port = free_tcp_port()
    response = berthd.request("PATCH", "/1.0", body={"config": {"core.https_address": f"127.0.0.1:{port}"}})
    assert response.status == 200, response.text
    assert berthd.stop() == 0
    berthd.start()
    with HTTPConnection.tcp("127.0.0.1", port) as connection:
        served = connection.request("GET", "/1.0", headers={"Connection": "close"})
    assert served.status == 200
    assert served.json["metadata"]["auth"] == "untrusted"
    environment = berthd.request("GET", "/1.0").json["metadata"]["environment"]
    assert environment["addresses"] == [f"127.0.0.1:{port}"]


def https_answers(port: int) -> bool:
    try:
        with HTTPConnection.tcp("127.0.0.1", port, timeout=5) as connection:
            return connection.request("GET", "/1.0", headers={"Connection": "close"}).status == 200
    except ConnectionRefusedError:
        return False


def test_core_https_address_moves_the_listener_live(berthd):
    first, second = free_tcp_port(), free_tcp_port()
    assert not https_answers(first)

    response = berthd.request("PATCH", "/1.0", body={"config": {"core.https_address": f"127.0.0.1:{first}"}})
    assert response.status == 200, response.text
    assert https_answers(first)
    assert berthd.request("GET", "/1.0").json["metadata"]["environment"]["addresses"] == [f"127.0.0.1:{first}"]

    response = berthd.request("PATCH", "/1.0", body={"config": {"core.https_address": f"127.0.0.1:{second}"}})
    assert response.status == 200, response.text
    assert https_answers(second)
    assert not https_answers(first)

    # An address that cannot be bound is refused and changes nothing.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        response = berthd.request("PATCH", "/1.0", body={"config": {"core.https_address": f"127.0.0.1:{busy}"}})
    assert response.status == 400, response.text
    assert "cannot listen" in response.json["error"]
    server = berthd.request("GET", "/1.0").json["metadata"]
    assert server["config"]["core.https_address"] == f"127.0.0.1:{second}"
    assert https_answers(second)

    response = berthd.request("PUT", "/1.0", body={"config": {}})
    assert response.status == 200, response.text
    assert not https_answers(second)
    assert berthd.request("GET", "/1.0").json["metadata"]["environment"]["addresses"] == []
