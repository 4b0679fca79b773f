"""Hostile requests to the web UI: each is refused or neutralised with a clear answer, and the
data stays as it was. API and evidence (zip-slip) cases join this suite when those branches land.

Also covered elsewhere and not repeated: role checks (tests/audits/test_permissions.py), security
headers (tests/portal/test_access.py), the formula neutralisation of every export cell
(tests/audits/test_ui_table.py).
"""


import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch
from django.urls.resolvers import RoutePattern

from audits.services.ingest import IngestError, ingest_release
from tests.audits import sample_repo
from tests.support.gitrepo import commit_all, git, write_files
from tests.support.users import PASSWORD

pytestmark = pytest.mark.django_db


# ----------------------------------------------------------------------------- CSRF on every URL


def _named_patterns(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def _sample_kwargs(pattern: URLPattern, release_pk: int) -> dict[str, str]:
    if isinstance(pattern.pattern, RoutePattern):
        names = list(pattern.pattern.converters)
    else:
        names = list(pattern.pattern.regex.groupindex)
    guesses = {"pk": release_pk, "release_id": release_pk, "name": "bash", "fmt": "csv", "app_label": "audits"}
    return {name: str(guesses.get(name, 1)) for name in names}


def every_url(release_pk: int) -> list[str]:
    """One concrete URL per named pattern of the project (admin included), so new forms are covered."""
    urls = []
    for name, pattern in _named_patterns(get_resolver().url_patterns):
        try:
            urls.append(reverse(name, kwargs=_sample_kwargs(pattern, release_pk)))
        except NoReverseMatch:
            continue
    return sorted(set(urls))


def test_every_url_refuses_a_post_without_a_csrf_token(baseline, portal_admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(portal_admin)
    urls = every_url(baseline.release.pk)
    assert {"/ingest/", f"/releases/{baseline.release.pk}/verify-upstream/", "/accounts/login/",
            "/accounts/logout/"} <= set(urls) and len(urls) > 30
    answers = {url: client.post(url, {"source": "x", "ref": "main"}).status_code for url in urls}
    assert {url: status for url, status in answers.items() if status != 403} == {}
    baseline.assert_unchanged()


def test_a_post_with_the_csrf_token_reaches_the_form(baseline, release_manager):
    """The control for the test above: with the token the same post gets to the form's own checks."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(release_manager)
    client.get("/")
    response = client.post("/ingest/", {"source": "ext::sh -c id", "ref": "main",
                                        "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 400
    baseline.assert_unchanged()


# ----------------------------------------------------------------------------- sign-in


def test_signing_in_rotates_the_session_key(baseline, auditor):
    client = Client()
    planted = SessionStore()
    planted["planted"] = True
    planted.create()
    client.cookies["sessionid"] = planted.session_key
    response = client.post("/accounts/login/", {"username": auditor.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.cookies["sessionid"].value != planted.session_key
    assert not SessionStore().exists(planted.session_key)
    baseline.assert_unchanged()


def _sign_in(client, username, password, address="10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_repeated_wrong_passwords_lock_the_user_name_from_that_address(baseline, auditor, settings):
    client = Client()
    for _ in range(settings.PEDIGREE_LOGIN_MAX_FAILURES):
        assert _sign_in(client, auditor.username, "wrong password").status_code == 200
    locked = _sign_in(client, auditor.username, PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed sign-ins for this user name" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    baseline.assert_unchanged()


def test_the_lock_is_per_user_name_and_address(baseline, auditor, make_user, settings):
    other = make_user("otto")
    client = Client()
    for _ in range(settings.PEDIGREE_LOGIN_MAX_FAILURES):
        _sign_in(client, auditor.username, "wrong password")
    assert _sign_in(Client(), other.username, PASSWORD).status_code == 302
    assert _sign_in(Client(), auditor.username, PASSWORD, address="10.0.0.2").status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(baseline, auditor, settings):
    for _ in range(settings.PEDIGREE_LOGIN_MAX_FAILURES - 1):
        _sign_in(Client(), auditor.username, "wrong password")
    assert _sign_in(Client(), auditor.username, PASSWORD).status_code == 302
    for _ in range(settings.PEDIGREE_LOGIN_MAX_FAILURES - 1):
        _sign_in(Client(), auditor.username, "wrong password")
    assert _sign_in(Client(), auditor.username, PASSWORD).status_code == 302


def test_sign_in_never_redirects_to_another_site(baseline, auditor):
    response = Client().post("/accounts/login/?next=https://evil.example/", {
        "username": auditor.username, "password": PASSWORD, "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"


# ----------------------------------------------------------------------------- forms and parameters


def test_an_oversized_form_post_is_refused(baseline, release_manager, client):
    client.force_login(release_manager)
    response = client.post("/ingest/", {"source": "x" * (3 * 1024 * 1024), "ref": "main"})
    assert response.status_code == 400
    baseline.assert_unchanged()


def test_a_form_post_with_too_many_fields_is_refused(baseline, release_manager, client):
    client.force_login(release_manager)
    response = client.post("/ingest/", {f"f{i}": "x" for i in range(2000)} | {"source": "x", "ref": "main"})
    assert response.status_code == 400
    baseline.assert_unchanged()


@pytest.mark.parametrize("source, reason", [
    ("ext::sh", "remote-helper addresses"),
    ("--upload-pack=touch%20/tmp/pedigree-pwned", "would be read as a git option"),
    ("https://example.org/repo.git\n--upload-pack=x", "whitespace or control character"),
    ("https://example.org/" + "a" * 5000, "at most"),
])
def test_the_ingest_form_refuses_a_hostile_source_saying_why(baseline, release_manager, client, source, reason):
    client.force_login(release_manager)
    response = client.post("/ingest/", {"source": source, "ref": "main"})
    assert response.status_code == 400
    assert reason in response.content.decode()
    baseline.assert_unchanged()


def test_hostile_table_parameters_are_answered_without_error_and_escaped(baseline, auditor_client):
    pk = baseline.release.pk
    for query in ("sort=__class__", "page=99999999999999999999", "headline=<script>alert(1)</script>",
                  "q=%00%ff'\"--", "reason=../../etc", "pinned=maybe"):
        response = auditor_client.get(f"/releases/{pk}/?{query}")
        assert response.status_code == 200, query
        assert "<script>alert(1)</script>" not in response.content.decode()
    assert auditor_client.get("/jobs/status.json?ids=1;DROP TABLE,../,-1").json() == {"jobs": []}
    baseline.assert_unchanged()


@pytest.mark.parametrize("path", ["components/..%2F..%2Fetc%2Fpasswd/", "components/%2Fetc%2Fpasswd/",
                                  "components/<script>/"])
def test_a_traversal_in_a_component_url_finds_nothing(baseline, auditor_client, path):
    response = auditor_client.get(f"/releases/{baseline.release.pk}/{path}")
    assert response.status_code == 404
    assert "<script>" not in response.content.decode()
    baseline.assert_unchanged()


def test_a_forged_host_header_is_refused(baseline, auditor_client):
    assert auditor_client.get("/", HTTP_HOST="evil.example").status_code == 400


# ----------------------------------------------------------------------------- untrusted text on pages and in exports


def test_overlay_descriptions_and_commit_messages_are_escaped_on_pages(sample_git, auditor_client):
    repo, _, _ = sample_git
    write_files(repo, {"specs/b/bash/bash.spec": sample_repo.spec("bash", "5.4", "Requires: coreutils")})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "<img src=x onerror=alert(1)> bump")
    release = ingest_release(str(repo), "main").release
    page = auditor_client.get(f"/releases/{release.pk}/components/bash/").content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt; bump" in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page


def test_a_component_named_like_a_formula_never_reaches_a_spreadsheet(sample_git, baseline):
    """Component names are RPM package names (issue 18): a formula is refused at ingest, before any export."""
    repo, _, _ = sample_git
    write_files(repo, {"base/comps/evil.comp.toml": '[components."=HYPERLINK(\\"http://evil.example\\")"]\n'})
    commit_all(repo, "formula", date="2026-03-05T12:00:00+00:00")
    with pytest.raises(IngestError, match="invalid component name"):
        ingest_release(str(repo), "main")
    baseline.assert_unchanged()


# ----------------------------------------------------------------------------- the public health check


def test_the_health_check_does_not_name_an_unreachable_internal_broker(client, monkeypatch, caplog):
    from kombu.exceptions import OperationalError

    from portal import health

    def unreachable():
        raise OperationalError("Error -2 connecting to redis-internal.example:6379. Name or service not known.")

    monkeypatch.setattr(health, "check_broker", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": "ok", "broker": "unavailable"}}
    assert "redis-internal" not in response.content.decode() and "6379" not in response.content.decode()
    assert "redis-internal.example" in caplog.text  # the operator still learns what failed


def test_the_health_check_does_not_echo_a_database_error(client, monkeypatch, caplog):
    from django.db import OperationalError

    from portal import health

    def unreachable():
        raise OperationalError('connection to server at "db-internal.example" (10.20.30.40), port 5432 failed: '
                               'FATAL: password authentication failed for user "pedigree_prod"')

    monkeypatch.setattr(health, "check_database", unreachable)
    response = client.get("/healthz")
    body = response.content.decode()
    assert response.status_code == 503 and response.json()["checks"]["database"] == "unavailable"
    assert not any(secret in body for secret in ("db-internal", "10.20.30.40", "5432", "pedigree_prod", "Operational"))
    assert "db-internal.example" in caplog.text
