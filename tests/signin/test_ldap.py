"""LDAP sign-in against a real slapd (tests/support/slapd.py): bind, user search, nested groups,
StartTLS and LDAPS, the role map, first sign-in, and roles following the directory."""

import ldap
import pytest
from django.contrib.auth import get_user_model

from access.models import ExternalIdentity
from tests.support.slapd import PASSWORDS, group_dn, user_dn

pytestmark = pytest.mark.django_db


def sign_in(client, name: str, password: str | None = None):
    return client.post("/accounts/login/", {"username": name, "password": password or PASSWORDS[name]})


def roles_of(name: str) -> set[str]:
    return set(get_user_model().objects.get(username=name).groups.values_list("name", flat=True))


@pytest.mark.parametrize(("name", "expected"), [
    ("otto", {"auditor"}),  # a direct member
    ("nina", {"release-manager"}),  # through qa-team, in release-team, in pedigree-release-managers
    ("lena", {"admin"}),  # the map names the group in other case and spacing: DNs compare as LDAP does
])
def test_a_directory_user_signs_in_with_the_roles_of_their_groups(client, ldap_settings, name, expected):
    response = sign_in(client, name)
    assert response.status_code == 302 and response["Location"] == "/"
    user = get_user_model().objects.get(username=name)
    assert roles_of(name) == expected
    assert not user.has_usable_password() and user.email == f"{name}@example.org" and user.last_name == "Example"
    identity = ExternalIdentity.objects.get(user=user)
    assert identity.method == "ldap" and identity.subject == name and identity.issuer == ldap_settings.PEDIGREE_LDAP_SERVER_URI
    assert client.get("/").status_code == 200


def test_nested_groups_are_all_listed(client, ldap_settings):
    sign_in(client, "nina")
    identity = ExternalIdentity.objects.get(user__username="nina")
    assert identity.groups == sorted(group_dn(g) for g in ("pedigree-release-managers", "qa-team", "release-team"))


@pytest.mark.parametrize("transport", ["starttls", "ldaps"])
def test_sign_in_over_tls(client, ldap_settings, slapd, transport):
    if transport == "ldaps":
        ldap_settings.PEDIGREE_LDAP_SERVER_URI = slapd.ldaps_uri
    else:
        ldap_settings.PEDIGREE_LDAP_START_TLS = True
    assert sign_in(client, "otto").status_code == 302
    assert roles_of("otto") == {"auditor"}


def test_a_user_without_a_mapped_group_signs_in_to_the_no_role_page(client, ldap_settings):
    assert sign_in(client, "gus").status_code == 302
    page = client.get("/")
    assert page.status_code == 403
    text = page.content.decode()
    assert "have no role in Pedigree" in text and "LDAP directory" in text and f"<code>{group_dn('kitchen')}</code>" in text


def test_roles_follow_the_directory_at_the_next_sign_in(client, ldap_settings, slapd):
    assert sign_in(client, "otto").status_code == 302
    assert roles_of("otto") == {"auditor"}
    client.post("/accounts/logout/")
    slapd.modify(group_dn("pedigree-admins"), [(ldap.MOD_ADD, "member", [user_dn("otto").encode()])])
    slapd.modify(group_dn("pedigree-auditors"), [(ldap.MOD_DELETE, "member", [user_dn("otto").encode()])])
    try:
        assert sign_in(client, "otto").status_code == 302
        assert roles_of("otto") == {"admin"}
    finally:
        slapd.modify(group_dn("pedigree-admins"), [(ldap.MOD_DELETE, "member", [user_dn("otto").encode()])])
        slapd.modify(group_dn("pedigree-auditors"), [(ldap.MOD_ADD, "member", [user_dn("otto").encode()])])
    client.post("/accounts/logout/")
    assert sign_in(client, "otto").status_code == 302
    assert roles_of("otto") == {"auditor"}
    assert get_user_model().objects.filter(username="otto").count() == 1


def test_local_accounts_still_sign_in_next_to_the_directory(client, ldap_settings, auditor):
    from tests.support.users import PASSWORD

    assert sign_in(client, auditor.username, PASSWORD).status_code == 302
    assert not ExternalIdentity.objects.exists()
