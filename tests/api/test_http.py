"""HTTP behaviour shared by every endpoint: ETags, problem details, throttling, the access log."""

from __future__ import annotations

import pytest
from django.test import Client

from access.models import AccessLog
from audits.models import Component

from .test_authentication import assert_problem


def test_a_matching_if_none_match_gets_304_without_a_body(read_client, small_release):
    url = f"/api/v1/releases/{small_release.pk}/components/"
    first = read_client.get(url)
    etag = first["ETag"]
    assert etag.startswith('"') and first["Cache-Control"] == "private, no-cache"
    again = read_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag


def test_a_change_gives_a_new_etag_and_a_full_answer(read_client, small_release):
    url = f"/api/v1/releases/{small_release.pk}/components/"
    etag = read_client.get(url)["ETag"]
    Component.objects.filter(release=small_release).update(verdict="Changed.")
    response = read_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag


def test_a_download_with_its_etag_gets_304(key_client, api_objects):
    client = key_client("export")
    release, sbom = api_objects["release"], api_objects["sbom"]
    url = f"/api/v1/releases/{release.pk}/sbom-documents/{sbom.pk}/download/"
    response = client.get(url, HTTP_IF_NONE_MATCH=f'"{sbom.sha256}"')
    assert response.status_code == 304 and response["ETag"] == f'"{sbom.sha256}"'


def test_an_unknown_api_path_is_a_404_problem_even_without_credentials(db):
    body = assert_problem(Client().get("/api/v1/no-such-thing/"), 404)
    assert body["instance"] == "/api/v1/no-such-thing/"


def test_an_unknown_release_is_a_404_problem(read_client):
    assert assert_problem(read_client.get("/api/v1/releases/999999/components/"), 404)["code"] == "not_found"


def test_an_unsupported_method_is_a_405_problem_naming_the_allowed_ones(read_client, small_release):
    response = read_client.delete(f"/api/v1/releases/{small_release.pk}/")
    assert_problem(response, 405)
    assert "GET" in response["Allow"] and "DELETE" not in response["Allow"]


def test_a_validation_error_lists_the_fields(key_client, small_release):
    response = key_client("jobs").post("/api/v1/jobs/", {"kind": "no-such-kind"}, content_type="application/json")
    body = assert_problem(response, 400)
    assert body["code"] == "invalid" and "kind" in body["errors"]


def test_pages_outside_the_api_still_redirect_to_sign_in(db):
    response = Client().get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_too_many_requests_get_429_with_retry_after(read_client, small_release, settings):
    settings.PEDIGREE_API_THROTTLE_RATE = "3/minute"
    statuses = [read_client.get("/api/v1/releases/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = read_client.get("/api/v1/releases/")
    body = assert_problem(response, 429)
    assert int(response["Retry-After"]) > 0 and body["code"] == "throttled"


def test_each_key_has_its_own_rate(key_client, small_release, settings):
    settings.PEDIGREE_API_THROTTLE_RATE = "2/minute"
    first, second = key_client("read"), key_client("read")
    assert [first.get("/api/v1/releases/").status_code for _ in range(3)] == [200, 200, 429]
    assert second.get("/api/v1/releases/").status_code == 200


def test_every_call_is_recorded_with_the_key_name(key_client, small_release):
    client = key_client("read", name="servicenow-prod")
    client.get(f"/api/v1/releases/{small_release.pk}/components/?headline=altered")
    client.get("/api/v1/releases/999999/")
    entries = list(AccessLog.objects.filter(api_key_name="servicenow-prod").order_by("id"))
    assert [e.path for e in entries] == [f"/api/v1/releases/{small_release.pk}/components/?headline=altered",
                                         "/api/v1/releases/999999/"]
    assert entries[0].release_id == small_release.pk and entries[0].user_id is None
    assert entries[0].username == "api key servicenow-prod" and entries[0].action == "view"
    assert "404" in entries[1].target and entries[1].release_id is None


def test_a_download_is_recorded_as_an_export(key_client, api_objects):
    release, bundle = api_objects["release"], api_objects["bundle"]
    key_client("export", name="drata").get(f"/api/v1/releases/{release.pk}/evidence-bundles/{bundle.pk}/download/")
    assert AccessLog.objects.get(api_key_name="drata").action == "export"


def test_session_calls_are_recorded_with_the_user(auditor_client, auditor, small_release):
    auditor_client.get("/api/v1/releases/")
    entry = AccessLog.objects.get(path="/api/v1/releases/")
    assert entry.user == auditor and entry.api_key_name == ""


@pytest.mark.django_db
def test_calls_without_credentials_are_not_recorded():
    Client().get("/api/v1/releases/")
    assert not AccessLog.objects.exists()
