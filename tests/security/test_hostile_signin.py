"""Hostile sign-ins and API credentials: look-alike user names, password spraying from one address,
and refused API keys. Each is answered 429 once over its budget, nobody is signed in who should not
be, and the data stays as it was.

Also covered elsewhere and not repeated: the per-name lockout and its reset on success
(tests/security/test_hostile_web.py), forged keys getting 401 (tests/security/test_hostile_api_evidence.py).
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from access.services import issue_api_key, revoke_api_key
from tests.support.users import PASSWORD

pytestmark = pytest.mark.django_db

# Each is `victim` once the sign-in form has cleaned it (NFKC), or `victim` in another case.
LOOK_ALIKES = {
    "full-width": "ｖｉｃｔｉｍ",
    "one-full-width-letter": "ｖictim",
    "mathematical-bold": "𝐯𝐢𝐜𝐭𝐢𝐦",
    "roman-numeral-five": "\u2174ictim",
    "surrounding-spaces": "  victim\u3000",
    "upper-case": "VICTIM",
    "full-width-upper-case": "ＶＩＣＴＩＭ",
}


def sign_in(client, username, password, address="10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in_as(client) -> str | None:
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id).username if user_id else None


@pytest.fixture
def victim(make_user):
    return make_user("victim")


@pytest.mark.parametrize("name", ["ｖｉｃｔｉｍ", "𝐯𝐢𝐜𝐭𝐢𝐦", "\u2174ictim"], ids=["full-width", "bold", "numeral"])
def test_a_look_alike_name_signs_in_as_the_account_it_normalises_to(baseline, victim, name):
    """Why the counter must follow normalisation: Django's form turns these into `victim`."""
    client = Client()
    assert sign_in(client, name, PASSWORD).status_code == 302
    assert signed_in_as(client) == "victim"


@pytest.mark.parametrize("name", LOOK_ALIKES.values(), ids=LOOK_ALIKES.keys())
def test_after_a_lockout_the_right_password_is_refused_through_a_look_alike(baseline, victim, settings, name):
    for _ in range(settings.PEDIGREE_LOGIN_MAX_FAILURES):
        assert sign_in(Client(), "victim", "wrong password").status_code == 200
    client = Client()
    response = sign_in(client, name, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-ins for this user name" in response.content.decode()
    assert signed_in_as(client) is None
    baseline.assert_unchanged()


def test_failures_under_different_look_alikes_add_up_to_one_lockout(baseline, victim, settings):
    names = list(LOOK_ALIKES.values())
    for i in range(settings.PEDIGREE_LOGIN_MAX_FAILURES):
        assert sign_in(Client(), names[i % len(names)], "wrong password").status_code == 200
    client = Client()
    assert sign_in(client, "victim", PASSWORD).status_code == 429
    assert signed_in_as(client) is None
    baseline.assert_unchanged()


def test_a_ligature_shares_the_counter_of_the_letters_it_stands_for(baseline, make_user, settings):
    make_user("staffer")
    for _ in range(settings.PEDIGREE_LOGIN_MAX_FAILURES):
        sign_in(Client(), "sta\ufb00er", "wrong password")  # U+FB00 LATIN SMALL LIGATURE FF
    assert sign_in(Client(), "staffer", PASSWORD).status_code == 429


# ----------------------------------------------------------------------------- password spraying


def test_spraying_many_names_from_one_address_is_refused_past_the_address_budget(baseline, auditor, settings):
    settings.PEDIGREE_LOGIN_MAX_FAILURES_PER_ADDRESS = 8
    for i in range(8):
        assert sign_in(Client(), f"user{i}", "Winter2026!", address="203.0.113.9").status_code == 200
    client = Client()
    response = sign_in(client, auditor.username, PASSWORD, address="203.0.113.9")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "Too many failed sign-ins from this address" in response.content.decode()
    assert signed_in_as(client) is None
    assert sign_in(Client(), auditor.username, PASSWORD, address="203.0.113.10").status_code == 302  # others unaffected
    baseline.assert_unchanged()


def test_a_successful_sign_in_does_not_reset_the_address_budget(baseline, auditor, settings):
    settings.PEDIGREE_LOGIN_MAX_FAILURES_PER_ADDRESS = 4
    for i in range(3):
        sign_in(Client(), f"user{i}", "wrong")
    assert sign_in(Client(), auditor.username, PASSWORD).status_code == 302  # the sprayer's own account
    sign_in(Client(), "user3", "wrong")
    assert sign_in(Client(), "user4", "wrong").status_code == 429


def test_behind_a_proxy_the_budget_is_per_client_not_per_proxy(baseline, auditor, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.PEDIGREE_LOGIN_MAX_FAILURES_PER_ADDRESS = 4
    proxy = "10.9.9.9"
    for i in range(4):
        Client().post("/accounts/login/", {"username": f"user{i}", "password": "x"}, REMOTE_ADDR=proxy,
                      HTTP_X_FORWARDED_FOR="198.51.100.7")
    sprayer = Client().post("/accounts/login/", {"username": auditor.username, "password": PASSWORD},
                            REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    colleague = Client().post("/accounts/login/", {"username": auditor.username, "password": PASSWORD},
                              REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert (sprayer.status_code, colleague.status_code) == (429, 302)


# ----------------------------------------------------------------------------- refused API credentials


def api_get(secret: str, address: str = "192.0.2.50"):
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/releases/", REMOTE_ADDR=address)


def test_refused_api_keys_from_one_address_get_429_past_the_budget(baseline, portal_admin, settings):
    settings.PEDIGREE_API_AUTH_FAILURE_RATE = "6/hour"
    revoked, revoked_secret = issue_api_key("old", ["read"], created_by=portal_admin)
    revoke_api_key(revoked)
    _, good = issue_api_key("good", ["read"], created_by=portal_admin)
    guesses = ["pdg_00000000_" + "A" * 43, "pdg_deadbeef_" + "B" * 43, revoked_secret, "garbage", "pdg_x_y",
               revoked_secret]
    assert [api_get(secret).status_code for secret in guesses] == [401] * 6
    throttled = api_get("pdg_00000001_" + "C" * 43)
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    assert throttled["Content-Type"] == "application/problem+json"
    assert throttled.json()["detail"].startswith("Too many refused API keys from this address")
    assert api_get(good).status_code == 429  # nothing is checked from that address for the window
    assert api_get(good, address="192.0.2.51").status_code == 200  # other addresses are unaffected
    baseline.assert_unchanged()


def test_keys_refused_for_their_network_count_too_and_good_calls_do_not(baseline, portal_admin, settings):
    settings.PEDIGREE_API_AUTH_FAILURE_RATE = "3/hour"
    _, good = issue_api_key("good", ["read"], created_by=portal_admin)
    _, fenced = issue_api_key("fenced", ["read"], created_by=portal_admin, allowed_networks=["198.51.100.0/24"])
    assert all(api_get(good).status_code == 200 for _ in range(10))
    assert [api_get(fenced).status_code for _ in range(3)] == [403] * 3
    assert api_get(good).status_code == 429
    baseline.assert_unchanged()
