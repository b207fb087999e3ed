"""specs/openapi.yaml describes what berthd really sends: live replies are validated against the
spec's schemas, so the document and the daemon cannot drift apart silently."""

from __future__ import annotations

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
