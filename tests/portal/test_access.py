import pytest
from django.core.exceptions import ImproperlyConfigured

from portal import env as portal_env

pytestmark = pytest.mark.django_db


def test_health_check_is_public_and_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


def test_health_check_reports_an_unreachable_broker(client, settings, monkeypatch):
    from portal import health

    def broken():
        raise ConnectionError("broker down")

    monkeypatch.setattr(health, "check_broker", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "broker": "unavailable"}  # details only in the log


@pytest.mark.parametrize("path", ["/", "/releases/1/", "/releases/1/components/curl/", "/admin/"])
def test_pages_redirect_anonymous_users_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/") or "/login/" in response["Location"]


def test_sign_in_page_is_public(client):
    assert client.get("/accounts/login/").status_code == 200


def test_signed_in_user_sees_the_release_list(auditor_client):
    response = auditor_client.get("/")
    assert response.status_code == 200
    assert b"No release has been ingested yet" in response.content


def test_security_headers_are_set(client):
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("raw", ["maybe", "2"])
def test_boolean_settings_reject_unclear_values(monkeypatch, raw):
    monkeypatch.setenv("PEDIGREE_TEST_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="PEDIGREE_TEST_FLAG"):
        portal_env.env_bool("PEDIGREE_TEST_FLAG", False)


def test_secrets_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "key"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("PEDIGREE_TEST_SECRET_FILE", str(secret))
    assert portal_env.env_secret("PEDIGREE_TEST_SECRET") == "s3cret"


@pytest.mark.parametrize("path", ["/", "/releases/1/", "/releases/1/components/curl/", "/compare/", "/jobs/status.json"])
def test_a_signed_in_user_without_a_role_is_refused(client, outsider, path):
    """Every page answers 403 with the no-role page (issue 17): what the account is, and whom to ask."""
    client.force_login(outsider)
    response = client.get(path)
    assert response.status_code == 403
    assert b"You are signed in, but have no role in Pedigree" in response.content
    assert b"Ask a Pedigree administrator to give your account a role." in response.content
    assert b'href="/compare/"' not in response.content  # no navigation to pages it may not see
