"""specs/openapi.yaml describes what berthd really sends: live replies are validated against the
spec's schemas, so the document and the daemon cannot drift apart silently."""

from __future__ import annotations

import re

import pytest
import yaml
from openapi_schema_validator import OAS31Validator

from conftest import REPO

SPEC = yaml.safe_load((REPO / "specs/openapi.yaml").read_text())


def validate(instance, schema_name: str):
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": SPEC["components"]}
    OAS31Validator(schema).validate(instance)


def response_schema(path: str, method: str, status: str) -> dict:
    response = SPEC["paths"][path][method]["responses"][status]
    if "$ref" in response:
        response = SPEC["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response["content"]["application/json"]["schema"]


def validate_response(instance, path: str, method: str, status: str):
    schema = dict(response_schema(path, method, status))
    schema["components"] = SPEC["components"]
    OAS31Validator(schema).validate(instance)


def test_the_spec_is_valid_openapi_3_1():
    from openapi_spec_validator import validate as validate_spec

    assert SPEC["openapi"].startswith("3.1")
    validate_spec(SPEC)


def test_get_root_matches_spec(berthd):
    response = berthd.request("GET", "/")
    validate_response(response.json, "/", "get", "200")


def test_trusted_get_1_0_matches_server_schema(berthd):
    response = berthd.request("GET", "/1.0")
    validate_response(response.json, "/1.0", "get", "200")
    validate(response.json["metadata"], "Server")


def test_untrusted_get_1_0_matches_server_untrusted_schema(berthd_tcp):
    response = berthd_tcp.request("GET", "/1.0", tcp=True)
    validate_response(response.json, "/1.0", "get", "200")
    validate(response.json["metadata"], "ServerUntrusted")
    with pytest.raises(Exception):
        validate(response.json["metadata"], "Server")


@pytest.mark.parametrize("method", ["put", "patch"])
def test_put_and_patch_match_spec(berthd, method):
    response = berthd.request(method.upper(), "/1.0", body={"config": {}})
    assert response.status == 200
    validate_response(response.json, "/1.0", method, "200")
    bad = berthd.request(method.upper(), "/1.0", body={"config": {"no.such.key": "1"}})
    assert bad.status == 400
    validate_response(bad.json, "/1.0", method, "400")


def test_error_replies_match_error_schema(berthd):
    for method, path in [("GET", "/nope"), ("DELETE", "/1.0"), ("GET", "/1.0?project=x")]:
        validate(berthd.request(method, path).json, "ErrorResponse")


# --- the spec and the router describe the same routes ----------------------------------------------

METHODS = ("get", "put", "post", "patch", "delete")


def spec_routes() -> dict[str, set[str]]:
    """Every (path, method) the spec documents, each path item's `x-berth-aliases` (the legacy
    `/1.0/containers/...` paths) included."""
    routes: dict[str, set[str]] = {}
    for path, item in SPEC["paths"].items():
        methods = {method.upper() for method in item if method in METHODS}
        for served in [path, *item.get("x-berth-aliases", [])]:
            routes.setdefault(served, set()).update(methods)
    return routes


def test_the_spec_documents_exactly_the_routes_the_router_serves(testing_daemon_factory):
    """Both directions, against the router's own table (the test daemon lists `BerthAPI.endpoints`):
    a route without a spec entry fails, and so does a spec entry that nothing serves."""
    daemon = testing_daemon_factory()
    response = daemon.request("GET", "/1.0/testing/routes")
    assert response.status == 200, response.text
    router: dict[str, set[str]] = {}
    for endpoint in response.json["metadata"]:
        router.setdefault(endpoint["path"], set()).update(endpoint["methods"])
    documented = spec_routes()
    # The listing must be the real table, not an empty or partial one.
    assert {"/", "/1.0", "/1.0/instances/{name}", "/1.0/containers/{name}", "/1.0/openapi.yaml"} <= router.keys()

    def pairs(routes):
        return {(path, method) for path, methods in routes.items() for method in methods}

    undocumented = sorted(pairs(router) - pairs(documented))
    unserved = sorted(pairs(documented) - pairs(router))
    assert not undocumented, f"routes missing from specs/openapi.yaml: {undocumented}"
    assert not unserved, f"specs/openapi.yaml documents routes the router does not serve: {unserved}"


def probe_target(path: str) -> str:
    """A concrete path for a template: hex for fingerprints (the image prefix rule), `x` elsewhere."""
    return re.sub(r"\{(\w+)\}", lambda m: "0" if m.group(1) == "fingerprint" else "x", path)


def test_every_documented_method_reaches_a_handler_and_no_other_does(berthd):
    """The live daemon agrees: with `?project=` naming a project that does not exist, a routed
    request answers `Project not found` before its handler runs (so nothing changes), an unrouted
    method 501 and an unknown path `not found`."""
    probed = 0
    for path, methods in spec_routes().items():
        target = probe_target(path) + "?project=berth-route-probe"
        for method in METHODS:
            response = berthd.request(method.upper(), target)
            if method.upper() in methods:
                assert (response.status, response.json["error"]) == (404, "Project not found"), (method, path)
                probed += 1
            else:
                assert response.status == 501, (method, path, response.status, response.text)
    assert probed == sum(len(methods) for methods in spec_routes().values()) > 100


def test_get_openapi_yaml_serves_this_spec_byte_for_byte(berthd):
    response = berthd.request("GET", "/1.0/openapi.yaml")
    assert response.status == 200
    assert response.headers["content-type"] == "application/yaml"
    assert response.body == (REPO / "specs/openapi.yaml").read_bytes()
    assert yaml.safe_load(response.body) == SPEC
