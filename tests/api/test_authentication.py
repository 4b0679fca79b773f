"""Who may call the API: keys (revoked, expired, networks), sessions (with CSRF), nobody."""


import pytest
from django.test import Client
from django.utils import timezone

from access.models import AccessLog, ApiKey
from access.services import revoke_api_key

from .conftest import bearer, yesterday

RELEASES = "/api/v1/releases/"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"] and body["type"] == "about:blank"
    return body


@pytest.mark.django_db
def test_no_credentials_get_401_problem_with_a_bearer_challenge_not_a_login_redirect():
    response = Client().get(RELEASES)
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
def test_an_unknown_key_is_rejected_with_401():
    assert_problem(bearer("pdg_0123abcd_" + "x" * 43).get(RELEASES), 401)


def test_a_valid_key_reads(read_client, release):
    response = read_client.get(RELEASES)
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [release.pk]


def test_a_revoked_key_is_rejected_with_401(make_key):
    key, secret = make_key("read")
    revoke_api_key(key)
    assert "revoked" in assert_problem(bearer(secret).get(RELEASES), 401)["detail"]


def test_an_expired_key_is_rejected_with_401(make_key):
    _, secret = make_key("read", expires_at=yesterday())
    assert "expired" in assert_problem(bearer(secret).get(RELEASES), 401)["detail"]


def test_a_key_is_refused_from_outside_its_networks_with_403(make_key):
    _, secret = make_key("read", allowed_networks=["192.0.2.0/24"])
    body = assert_problem(bearer(secret).get(RELEASES), 403)  # the test client calls from 127.0.0.1
    assert "127.0.0.1" in body["detail"]


@pytest.mark.parametrize(("options", "reason"), [
    ({"expires_at": "yesterday"}, "expired"), ({"allowed_networks": ["192.0.2.0/24"]}, "may not be used from 127.0.0.1"),
    ({"revoked": True}, "revoked"),
])
def test_a_refused_call_with_a_known_key_is_recorded_with_the_keys_name(make_key, options, reason):
    revoked = options.pop("revoked", False)
    if options.get("expires_at") == "yesterday":
        options["expires_at"] = yesterday()
    key, secret = make_key("read", name="grc-connector", **options)
    if revoked:
        revoke_api_key(key)
    bearer(secret).get(RELEASES)
    entry = AccessLog.objects.get()
    assert (entry.api_key_name, entry.action, entry.username) == ("grc-connector", "refused", "")
    assert entry.target.startswith("API GET refused:") and reason in entry.target and entry.path == RELEASES


def test_a_key_works_from_inside_its_networks(make_key):
    _, secret = make_key("read", allowed_networks=["127.0.0.0/8"])
    assert bearer(secret).get(RELEASES).status_code == 200


def test_forwarded_for_is_ignored_unless_proxies_are_configured(make_key):
    _, secret = make_key("read", allowed_networks=["192.0.2.0/24"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_X_FORWARDED_FOR="192.0.2.10")
    assert client.get(RELEASES).status_code == 403


def test_with_one_trusted_proxy_the_forwarded_address_is_checked(make_key, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    _, secret = make_key("read", allowed_networks=["192.0.2.0/24"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_X_FORWARDED_FOR="203.0.113.1, 192.0.2.10")
    assert client.get(RELEASES).status_code == 200


def test_a_tampered_key_with_a_real_prefix_is_rejected(make_key):
    _, secret = make_key("read")
    assert_problem(bearer(secret[:-1] + ("A" if secret[-1] != "A" else "B")).get(RELEASES), 401)


def test_a_malformed_authorization_header_is_rejected_with_401(db):
    assert_problem(Client(HTTP_AUTHORIZATION="Bearer a b").get(RELEASES), 401)


def test_last_use_time_and_address_are_recorded(make_key):
    key, secret = make_key("read")
    before = timezone.now()
    bearer(secret).get(RELEASES)
    key.refresh_from_db()
    assert key.last_used_at >= before and key.last_used_from == "127.0.0.1"


def test_the_session_of_a_signed_in_auditor_works(auditor_client, release):
    assert auditor_client.get(RELEASES).status_code == 200


def test_session_writes_need_the_csrf_token(release_manager, release):
    client = Client(enforce_csrf_checks=True)
    client.force_login(release_manager)
    body = assert_problem(client.post("/api/v1/jobs/", {"kind": "sbom", "release": release.pk}, content_type="application/json"), 403)
    assert "CSRF" in body["detail"]


def test_key_writes_need_no_csrf_token(key_client, release):
    client = key_client("jobs")
    client.handler.enforce_csrf_checks = True
    response = client.post("/api/v1/jobs/", {"kind": "sbom", "release": release.pk}, content_type="application/json")
    assert response.status_code == 201, response.content


def test_the_key_is_stored_only_as_a_digest(make_key):
    key, secret = make_key("read")
    stored = ApiKey.objects.filter(pk=key.pk).values().get()
    assert all(secret not in str(value) for value in stored.values())


def test_the_api_docs_page_redirects_a_visitor_to_sign_in(db):
    response = Client().get("/api-docs/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_schema_needs_credentials(db):
    assert_problem(Client().get("/api/schema/"), 401)


def test_the_schema_is_served_to_a_key(read_client):
    response = read_client.get("/api/schema/?format=json")
    assert response.status_code == 200 and response.json()["openapi"].startswith("3.")


@pytest.mark.parametrize(("page", "asset"), [("/api-docs/", "swagger-ui-dist/swagger-ui-bundle.js")])
def test_the_docs_pages_serve_their_assets_locally(auditor_client, page, asset, settings):
    # Production serves collectstatic's output; the test finds the same files where collectstatic would.
    settings.WHITENOISE_USE_FINDERS = True
    html = auditor_client.get(page).content.decode()
    url = f"/static/drf_spectacular_sidecar/{asset}"
    assert url in html and "cdn" not in html.lower()
    assert auditor_client.get(url).status_code == 200


