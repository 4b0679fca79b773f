"""OpenID Connect sign-in through the test suite's own provider (a real HTTP server on loopback)."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model

from access.models import ExternalIdentity
from access.permissions import can_start_jobs, can_view, can_view_access_log
from tests.support.signin_fixtures import oidc_sign_in

pytestmark = pytest.mark.django_db


def roles_of(name: str) -> set[str]:
    return set(get_user_model().objects.get(username=name).groups.values_list("name", flat=True))


def test_first_sign_in_creates_the_account_with_the_mapped_role(client, oidc_provider):
    oidc_provider.add_user("ida", "pedigree-auditors", "unrelated")
    response = oidc_sign_in(client, oidc_provider, "ida", next_url="/compare/")
    assert response.status_code == 302 and response["Location"] == "/compare/"
    user = get_user_model().objects.get(username="ida")
    assert roles_of("ida") == {"auditor"}
    assert not user.has_usable_password() and user.email == "ida@example.org" and user.first_name == "Ida"
    identity = ExternalIdentity.objects.get(user=user)
    assert (identity.method, identity.issuer, identity.subject) == ("oidc", oidc_provider.issuer, oidc_provider.users["ida"].sub)
    assert identity.groups == ["pedigree-auditors", "unrelated"] and identity.roles == ["auditor"]
    page = client.get("/")
    assert page.status_code == 200 and b"ida" in page.content
    assert can_view(user) and not can_start_jobs(user)


def test_the_authorization_request_uses_pkce_state_nonce_and_the_configured_scopes(client, oidc_provider, settings):
    settings.PEDIGREE_OIDC_SCOPES = ["openid", "email", "groups"]
    oidc_provider.add_user("ida", "pedigree-auditors")
    oidc_sign_in(client, oidc_provider, "ida")
    [request] = oidc_provider.authorizations
    assert request["code_challenge_method"] == "S256" and len(request["code_challenge"]) >= 43
    assert request["state"] and request["nonce"] and request["scope"] == "openid email groups"
    [token_request] = oidc_provider.token_requests
    assert len(token_request["code_verifier"]) >= 43  # the provider checked it against the challenge


def test_roles_follow_the_provider_at_every_sign_in(client, oidc_provider):
    user = oidc_provider.add_user("ida", "pedigree-auditors")
    oidc_sign_in(client, oidc_provider, "ida")
    assert roles_of("ida") == {"auditor"}
    client.post("/accounts/logout/")
    user.groups = ["pedigree-admins", "pedigree-release-managers"]
    oidc_sign_in(client, oidc_provider, "ida")
    account = get_user_model().objects.get(username="ida")
    assert roles_of("ida") == {"admin", "release-manager"} and can_view_access_log(account)
    client.post("/accounts/logout/")
    user.groups = []
    oidc_sign_in(client, oidc_provider, "ida")
    assert roles_of("ida") == set()
    assert get_user_model().objects.filter(username="ida").count() == 1


def test_a_user_whose_groups_map_to_no_role_signs_in_to_the_no_role_page(client, oidc_provider):
    oidc_provider.add_user("zed", "kitchen", "band")
    response = oidc_sign_in(client, oidc_provider, "zed")
    assert response.status_code == 302
    for path in ("/", "/compare/", "/api-keys/", "/accounts/sessions/"):
        page = client.get(path)
        assert page.status_code == 403
        text = page.content.decode()
        assert "You are signed in, but have no role in Pedigree" in text
        assert "<code>kitchen</code>" in text and "<code>band</code>" in text and "OpenID Connect" in text
        assert 'href="/compare/"' not in text


def test_sign_out_ends_the_provider_session_too(client, oidc_provider):
    oidc_provider.add_user("ida", "pedigree-auditors")
    oidc_sign_in(client, oidc_provider, "ida")
    response = client.post("/accounts/logout/")
    assert response.status_code == 200  # a page that moves on (meta refresh): CSP form-action 'self' stays
    [url] = re.findall(r'<a id="provider-sign-out" href="([^"]+)"', response.content.decode())
    url = html.unescape(url)
    assert f'<meta http-equiv="refresh" content="0;url={html.escape(url)}">' in response.content.decode()
    location = urlsplit(url)
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{oidc_provider.issuer}/end-session"
    params = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert params["post_logout_redirect_uri"] == "http://testserver/accounts/login/"
    assert params["client_id"] == oidc_provider.client_id and params["id_token_hint"]
    assert client.get("/").status_code == 302  # signed out here already
    ended = requests.get(url, allow_redirects=False, timeout=10)
    assert ended.status_code == 302 and ended.headers["Location"] == "http://testserver/accounts/login/"
    assert oidc_provider.ended_sessions[0]["sub"] == oidc_provider.users["ida"].sub


def test_the_sign_in_page_offers_the_configured_methods(client, oidc_provider, settings):
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with Example ID" in page and 'id="id_password"' in page
    settings.PEDIGREE_LOCAL_SIGNIN_USERS = ["breakglass"]
    page = client.get("/accounts/login/").content.decode()
    assert "Break-glass sign-in for administrators" in page and "break-glass administrators only" in page
    settings.PEDIGREE_LOCAL_SIGNIN_USERS = []
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with Example ID" in page and 'id="id_password"' not in page
