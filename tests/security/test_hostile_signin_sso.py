"""Hostile enterprise sign-in (issue 17): forged, stale, replayed or misdirected OpenID Connect
answers, provider users reaching for accounts that are not theirs, a provider outside the egress
policy, and an LDAP directory that is down. Every refusal signs nobody in and says why; the real
provider (tests/support/oidc_provider.py) and the real slapd (tests/support/slapd.py) answer.
"""

import socket
import sys
import time

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.test import Client

from access.models import ExternalIdentity
from access.signin.oidc_http import EgressOAuth2Session
from tests.support.signin_fixtures import callback_path, oidc_sign_in
from tests.support.slapd import PASSWORDS, free_port, make_certificates
from tests.support.users import PASSWORD

pytestmark = pytest.mark.django_db


def assert_nobody_signed_in(client, response, status: int, words: str) -> None:
    assert response.status_code == status, response.content.decode()[:3000]
    assert words in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # still sent to the sign-in page


@pytest.fixture
def ida(oidc_provider):
    return oidc_provider.add_user("ida", "pedigree-admins")


def test_an_id_token_for_another_audience_is_refused(client, oidc_provider, ida):
    oidc_provider.token_overrides = {"aud": "some-other-client"}
    response = oidc_sign_in(client, oidc_provider, "ida")
    assert_nobody_signed_in(client, response, 400, "is not for this client (audience)")
    assert not get_user_model().objects.filter(username="ida").exists()


def test_an_id_token_for_several_audiences_issued_to_another_client_is_refused(client, oidc_provider, ida):
    oidc_provider.token_overrides = {"aud": [oidc_provider.client_id, "other"], "azp": "other"}
    response = oidc_sign_in(client, oidc_provider, "ida")
    assert_nobody_signed_in(client, response, 400, "was issued to another client (azp)")


def test_an_expired_id_token_is_refused(client, oidc_provider, ida):
    now = int(time.time())
    oidc_provider.token_overrides = {"iat": now - 3600, "exp": now - 600}
    response = oidc_sign_in(client, oidc_provider, "ida")
    assert_nobody_signed_in(client, response, 400, "provider&#x27;s ID token has expired")


def test_an_id_token_signed_with_another_key_is_refused(client, oidc_provider, ida):
    oidc_provider.sign_with = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # same key id, wrong key
    response = oidc_sign_in(client, oidc_provider, "ida")
    assert_nobody_signed_in(client, response, 400, "signature does not verify with the provider")


def test_an_id_token_from_another_issuer_is_refused(client, oidc_provider, ida):
    oidc_provider.token_overrides = {"iss": "https://evil.example"}
    response = oidc_sign_in(client, oidc_provider, "ida")
    assert_nobody_signed_in(client, response, 400, "comes from another issuer")


def test_an_id_token_with_another_nonce_is_refused(client, oidc_provider, ida):
    oidc_provider.token_overrides = {"nonce": "a-nonce-of-another-sign-in"}
    response = oidc_sign_in(client, oidc_provider, "ida")
    assert_nobody_signed_in(client, response, 400, "does not belong to this sign-in (nonce)")


def test_an_id_token_without_the_nonce_is_refused(client, oidc_provider, ida):
    oidc_provider.token_overrides = {"nonce": None}
    response = oidc_sign_in(client, oidc_provider, "ida")
    assert_nobody_signed_in(client, response, 400, "lacks the nonce claim")


def test_a_replayed_callback_is_refused(client, oidc_provider, ida):
    """The state is good once: the same answer again (same browser, or an attacker's) signs nobody in."""
    oidc_provider.login_as = "ida"
    start = client.get("/accounts/oidc/start/")
    callback = callback_path(requests.get(start["Location"], allow_redirects=False, timeout=10).headers["Location"])
    assert client.get(callback).status_code == 302
    client.post("/accounts/logout/")
    assert_nobody_signed_in(client, client.get(callback), 400, "was already used (state)")
    attacker = Client()
    assert_nobody_signed_in(attacker, attacker.get(callback), 400, "was already used (state)")


def test_a_callback_for_a_sign_in_started_in_another_browser_is_refused(client, oidc_provider, ida):
    """Login CSRF: a victim's browser is sent the attacker's code and state; it never started that sign-in."""
    oidc_provider.login_as = "ida"
    attacker = Client()
    start = attacker.get("/accounts/oidc/start/")
    callback = callback_path(requests.get(start["Location"], allow_redirects=False, timeout=10).headers["Location"])
    assert_nobody_signed_in(client, client.get(callback), 400, "does not belong to a sign-in started here")


def test_a_callback_with_a_forged_state_is_refused(client, oidc_provider, ida):
    client.get("/accounts/oidc/start/")
    response = client.get("/accounts/oidc/callback/?code=anything&state=forged")
    assert_nobody_signed_in(client, response, 400, "does not belong to a sign-in started here")
    assert oidc_provider.token_requests == []  # refused before asking the provider


def test_the_provider_s_error_is_shown_and_nobody_is_signed_in(client, oidc_provider):
    response = oidc_sign_in(client, oidc_provider, "unknown-person")  # the provider answers access_denied
    assert_nobody_signed_in(client, response, 400, "provider answered access_denied")


def test_a_provider_user_cannot_take_over_a_local_account_of_the_same_name(client, oidc_provider, portal_admin):
    oidc_provider.add_user(portal_admin.username, "pedigree-admins")
    response = oidc_sign_in(client, oidc_provider, portal_admin.username)
    assert_nobody_signed_in(client, response, 403, "already exists in Pedigree and is not linked")
    portal_admin.refresh_from_db()
    assert portal_admin.has_usable_password() and not ExternalIdentity.objects.exists()


def test_a_renamed_provider_user_cannot_take_over_another_provider_user(client, oidc_provider):
    oidc_provider.add_user("ida", "pedigree-admins")
    oidc_sign_in(client, oidc_provider, "ida")
    client.post("/accounts/logout/")
    mallory = oidc_provider.add_user("mallory", "kitchen")
    oidc_provider.token_overrides = {"preferred_username": "ida"}  # mallory's sub, ida's name
    response = oidc_sign_in(Client(), oidc_provider, "mallory")
    assert response.status_code == 403 and "already exists in Pedigree and is not linked" in response.content.decode()
    assert ExternalIdentity.objects.filter(subject=mallory.sub).count() == 0


def test_a_disabled_account_cannot_sign_in_through_the_provider(client, oidc_provider, ida):
    oidc_sign_in(client, oidc_provider, "ida")
    client.post("/accounts/logout/")
    get_user_model().objects.filter(username="ida").update(is_active=False)
    response = oidc_sign_in(client, oidc_provider, "ida")
    assert_nobody_signed_in(client, response, 403, "is disabled in Pedigree")


def test_the_provider_is_reached_only_within_the_egress_policy(client, oidc_provider, ida, settings):
    settings.PEDIGREE_EGRESS_ALLOW = []
    response = client.get("/accounts/oidc/start/")
    assert response.status_code == 502
    assert "Pedigree may not connect to the provider: 127.0.0.1 is a loopback address" in response.content.decode()
    assert oidc_provider.authorizations == []


def test_a_jwks_address_outside_the_egress_policy_is_not_fetched(client, oidc_provider, ida, settings):
    """The provider's metadata names another internal host for its keys: refused before any connection."""
    port = oidc_provider.server.server_address[1]
    oidc_provider.metadata_overrides = {"jwks_uri": f"http://127.0.0.2:{port}/jwks"}
    settings.PEDIGREE_EGRESS_ALLOW = ["127.0.0.1/32"]
    response = oidc_sign_in(client, oidc_provider, "ida")
    assert_nobody_signed_in(client, response, 400, "Pedigree may not connect to the provider: 127.0.0.2 is a loopback")


def test_connections_to_the_provider_are_pinned_to_the_address_that_was_checked(oidc_provider, settings, monkeypatch):
    """DNS rebinding: the name answers an allowed address to the egress check, an internal one to anyone
    else who asks (the connection, were it to resolve the name again)."""
    port = oidc_provider.server.server_address[1]
    real_getaddrinfo = socket.getaddrinfo
    lookups = []

    def rebinding_resolver(host, *args, **kwargs):
        if host == "idp.test":
            asker = sys._getframe(1).f_globals["__name__"]
            lookups.append(asker)
            return real_getaddrinfo("127.0.0.1" if asker == "access.egress" else "10.9.9.9", *args, **kwargs)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_resolver)
    settings.PEDIGREE_EGRESS_ALLOW = ["127.0.0.1/32"]
    with EgressOAuth2Session() as session:
        for _ in range(3):
            answer = session.get(f"http://idp.test:{port}/jwks", withhold_token=True)
            assert answer.status_code == 200 and answer.json()["keys"][0]["kid"]
    assert lookups == ["access.egress"] * 3  # one lookup per request, by the check; the connection never asks again


def test_a_discovery_document_naming_another_issuer_is_refused(client, oidc_provider, ida):
    oidc_provider.metadata_overrides = {"issuer": "https://evil.example"}
    response = client.get("/accounts/oidc/start/")
    assert response.status_code == 502 and "names the issuer &#x27;https://evil.example&#x27;" in response.content.decode()


def test_shared_secret_signatures_are_never_accepted(client, oidc_provider, ida):
    oidc_provider.metadata_overrides = {"id_token_signing_alg_values_supported": ["HS256", "none"]}
    response = client.get("/accounts/oidc/start/")
    assert response.status_code == 502 and "signs ID tokens only with HS256, none" in response.content.decode()


def test_sign_in_never_redirects_to_another_site_after_the_provider(client, oidc_provider, ida):
    response = oidc_sign_in(client, oidc_provider, "ida", next_url="https://evil.example/")
    assert response.status_code == 302 and response["Location"] == "/"


# ----------------------------------------------------------------------------- LDAP


def test_a_directory_user_cannot_take_over_the_local_admin(client, ldap_settings, make_user):
    local = make_user("admin", "admin")
    response = client.post("/accounts/login/", {"username": "admin", "password": PASSWORDS["admin"]})
    assert_nobody_signed_in(client, response, 200, "Your user name and password did not match")
    local.refresh_from_db()
    assert local.check_password(PASSWORD) and not ExternalIdentity.objects.exists()


def test_a_wrong_directory_password_is_a_wrong_password(client, ldap_settings):
    response = client.post("/accounts/login/", {"username": "otto", "password": "not-his-password"})
    assert_nobody_signed_in(client, response, 200, "Your user name and password did not match")


def test_ldap_filter_injection_in_the_user_name_finds_nobody(client, ldap_settings):
    for name in ("*", "otto)(uid=*", "*)(|(uid=*"):
        response = client.post("/accounts/login/", {"username": name, "password": PASSWORDS["otto"]})
        assert_nobody_signed_in(client, response, 200, "Your user name and password did not match")


def test_with_the_directory_down_it_says_so_and_break_glass_still_signs_in(client, ldap_settings, make_user):
    ldap_settings.PEDIGREE_LDAP_SERVER_URI = f"ldap://127.0.0.1:{free_port()}"  # nothing listens there
    ldap_settings.PEDIGREE_LOCAL_SIGNIN_USERS = ["breakglass"]
    make_user("breakglass", "admin")
    response = client.post("/accounts/login/", {"username": "otto", "password": PASSWORDS["otto"]})
    assert_nobody_signed_in(client, response, 503, "The directory (LDAP) cannot be reached right now")
    assert "Local break-glass accounts still can" in response.content.decode()
    signed_in = client.post("/accounts/login/", {"username": "breakglass", "password": PASSWORD})
    assert signed_in.status_code == 302 and client.get("/").status_code == 200


def test_an_unreachable_directory_does_not_count_as_wrong_passwords(client, ldap_settings, settings):
    ldap_settings.PEDIGREE_LDAP_SERVER_URI = f"ldap://127.0.0.1:{free_port()}"
    for _ in range(settings.PEDIGREE_LOGIN_MAX_FAILURES + 1):
        response = client.post("/accounts/login/", {"username": "otto", "password": PASSWORDS["otto"]})
        assert response.status_code == 503  # never 429: the user did nothing wrong


def test_local_accounts_other_than_break_glass_are_refused_when_switched_off(client, settings, make_user, auditor):
    settings.PEDIGREE_LOCAL_SIGNIN_USERS = ["breakglass"]
    make_user("breakglass", "admin")
    response = client.post("/accounts/login/", {"username": auditor.username, "password": PASSWORD})
    assert_nobody_signed_in(client, response, 200, "Your user name and password did not match")
    assert client.post("/accounts/login/", {"username": "breakglass", "password": PASSWORD}).status_code == 302


def test_a_tls_directory_with_an_unknown_certificate_is_not_trusted(client, ldap_settings, tmp_path):
    make_certificates(tmp_path)  # a second, unrelated CA
    ldap_settings.PEDIGREE_LDAP_CA_FILE = str(tmp_path / "ca.pem")
    ldap_settings.PEDIGREE_LDAP_START_TLS = True
    response = client.post("/accounts/login/", {"username": "otto", "password": PASSWORDS["otto"]})
    assert_nobody_signed_in(client, response, 503, "The directory (LDAP) cannot be reached right now")
