"""Every operation of the OpenAPI schema, so new endpoints are covered without touching this file:
no credentials 401, a signed-in account without a role 403, a key without the operation's scope
403, a key with only that scope allowed."""

from __future__ import annotations

import itertools
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from access.apikeys import SCOPES

from .conftest import bearer


def _operations() -> list[tuple[str, str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (method.upper(), path, operation["x-required-scope"])
        for path, methods in sorted(schema["paths"].items())
        for method, operation in sorted(methods.items())
    ]


_ADVISORY_NUMBERS = itertools.count()
OPERATIONS = _operations()
IDS = [f"{method} {path}" for method, path, _ in OPERATIONS]


def test_the_schema_lists_every_resource():
    paths = {path for _, path, _ in OPERATIONS}
    for resource in ("releases", "components", "overlays", "build-customisations", "history", "commits", "jobs",
                     "sbom-documents", "signature-bundles", "upstream-verifications", "comparisons", "evidence-bundles",
                     "access-log", "advisories", "cve-findings", "vex-statements", "advisory-matches", "vex",
                     "reviews", "policy", "findings", "waivers", "sign-off"):
        assert any(f"/{resource}/" in path for path in paths), resource


def _url(path: str, objects: dict) -> str:
    """The path with its parameters filled from api_objects; an `id` is the object of the segment before it."""
    by_collection = {"releases": objects["release"].pk, "jobs": objects["job"].pk, "sbom-documents": objects["sbom"].pk,
                     "evidence-bundles": objects["bundle"].pk, "signature-bundles": objects["signature"].pk, "upstream-verifications": objects["verification"].pk,
                     "images": objects["image"].pk, "advisories": objects["advisory"].pk,
                     "reviews": objects["review"].pk, "waivers": objects["waiver"].pk}

    def fill(match: re.Match) -> str:
        name, collection = match.group(2), match.group(1)
        if name == "release_pk":
            return f"{collection}/{objects['release'].pk}"
        if name in ("name", "component_name"):
            return f"{collection}/{objects['component'].name}"
        if name == "distribution":
            return f"{collection}/{objects['release'].distribution.name}"
        if name == "sha":
            return f"{collection}/{objects['commit'].sha}"
        if name == "fmt":
            return f"{collection}/cyclonedx-json"
        if name == "kind":
            return f"{collection}/csaf"
        return f"{collection}/{by_collection[collection]}"

    url = re.sub(r"([a-z-]+)/\{(\w+)\}", fill, path)
    if path.startswith("/api/v1/history/") and path.endswith("/changes/"):
        url += f"?from={objects['snapshot'].commit.sha}"
    if path.endswith("/comparisons/"):
        url += f"?old={objects['release'].pk}&new={objects['release'].pk}"
    return url


def _call(client: Client, method: str, url: str, objects: dict):
    if method == "POST" and url.endswith("/advisories/"):  # a new advisory each call: the same file is refused twice
        document = {"id": f"OSV-{next(_ADVISORY_NUMBERS)}", "affected": [{"package": {"name": "bash"}, "versions": ["1-1"]}]}
        return client.post(url, {"file": SimpleUploadedFile("osv.json", json.dumps(document).encode())})
    waiver_etag = f'"waiver-{objects["waiver"].pk}-r{objects["waiver"].revision}"'
    if method == "PUT":  # a new version of the policy file, based on the one in force
        return client.put(url, {"text": '[rules.check-skip-reason]\nseverity = "low"\n'},
                          content_type="application/json", headers={"If-Match": '"policy-v1"'})
    if method == "PATCH" and "/waivers/" in url:
        return client.patch(url, {"justification": "still known", "expires_at": "2999-01-01T00:00:00Z"},
                            content_type="application/json", headers={"If-Match": waiver_etag})
    if method == "POST" and url.endswith("/revoke/"):
        return client.post(url, headers={"If-Match": waiver_etag})
    if method == "POST" and url.endswith("/waivers/"):
        return client.post(url, {"finding": objects["finding"].pk, "justification": "accepted",
                                 "expires_at": "2999-01-01T00:00:00Z"}, content_type="application/json")
    if method == "POST" and url.endswith("/sign-off/"):
        return client.post(url)
    if method == "PATCH":  # a review decision, made on the version just read
        return client.patch(url, {"state": "accepted", "justification": "reviewed"}, content_type="application/json",
                            headers={"If-Match": objects["review"].etag})
    if method == "POST" and url.endswith("/comments/"):
        return client.post(url, {"text": "looked at it"}, content_type="application/json")
    if method == "POST":
        return client.post(url, {"kind": "sbom", "release": objects["release"].pk}, content_type="application/json")
    return client.generic(method, url)


@pytest.mark.parametrize(("method", "path", "scope"), OPERATIONS, ids=IDS)
def test_no_credentials_get_401(api_objects, method, path, scope):
    response = _call(Client(), method, _url(path, api_objects), api_objects)
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(("method", "path", "scope"), OPERATIONS, ids=IDS)
def test_an_outsider_account_gets_403(api_objects, outsider, method, path, scope):
    client = Client()
    client.force_login(outsider)
    response = _call(client, method, _url(path, api_objects), api_objects)
    assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(("method", "path", "scope"), OPERATIONS, ids=IDS)
def test_a_key_without_the_scope_gets_403(api_objects, key_client, method, path, scope):
    client = key_client(*(s for s in SCOPES if s != scope))
    response = _call(client, method, _url(path, api_objects), api_objects)
    assert response.status_code == 403, response.content
    assert f"'{scope}' scope" in response.json()["detail"]


@pytest.mark.parametrize(("method", "path", "scope"), OPERATIONS, ids=IDS)
def test_a_key_with_only_the_scope_is_served(api_objects, key_client, method, path, scope):
    response = _call(key_client(scope), method, _url(path, api_objects), api_objects)
    if method == "POST" and path.endswith("/sign-off/"):
        # Allowed, and then refused for what the release lacks (reviews pending), not for the key.
        assert response.status_code == 409 and "not every review is decided" in response.json()["detail"]
        return
    assert response.status_code in (200, 201), (response.status_code, response.content[:500])


@pytest.mark.parametrize(("method", "path", "scope"), OPERATIONS, ids=IDS)
def test_a_revoked_key_gets_401(api_objects, make_key, method, path, scope):
    from access.services import revoke_api_key

    key, secret = make_key(*SCOPES)
    revoke_api_key(key)
    assert _call(bearer(secret), method, _url(path, api_objects), api_objects).status_code == 401
