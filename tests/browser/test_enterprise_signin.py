"""Chromium signs in through the test suite's OpenID Connect provider and through slapd, and lands
with the role the provider's groups map to; every page stays within the strict CSP (the `page`
fixture fails the test on any violation)."""

import re

import pytest
from playwright.sync_api import expect

from tests.support.slapd import PASSWORDS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SIGN_IN_PAGE = re.compile(r"/accounts/login/\?next=/$")


def test_oidc_sign_in_lands_with_the_mapped_role_and_sign_out_ends_the_provider_session(page, screenshot, oidc_provider):
    oidc_provider.add_user("ida", "pedigree-auditors")
    page.goto("/")
    expect(page).to_have_url(SIGN_IN_PAGE)
    screenshot("signin-methods")
    page.get_by_role("link", name="Sign in with Example ID").click()
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()  # the provider's own page
    page.fill("#op-user", "ida")
    page.click("#op-sign-in")
    page.wait_for_url("**/")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_contain_text("ida")
    expect(nav.get_by_role("link", name="Releases")).to_be_visible()  # the auditor role
    expect(nav.get_by_role("link", name="Access log")).to_have_count(0)  # but not admin
    expect(page.get_by_role("heading", name="Releases")).to_be_visible()
    screenshot("signin-oidc-auditor")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")  # through the provider's end-session endpoint and back
    assert [s["sub"] for s in oidc_provider.ended_sessions] == [oidc_provider.users["ida"].sub]
    assert "op_session=ida" in oidc_provider.ended_sessions[0]["cookie"]  # the provider's own session ended
    page.goto("/")
    expect(page).to_have_url(SIGN_IN_PAGE)


def test_an_oidc_user_without_a_mapped_group_sees_the_no_role_page(page, oidc_provider):
    oidc_provider.add_user("zed", "kitchen")
    oidc_provider.login_as = "zed"
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with Example ID").click()
    page.wait_for_url("**/")
    expect(page.get_by_role("heading", name="You are signed in, but have no role in Pedigree")).to_be_visible()
    expect(page.locator("ul.groups")).to_contain_text("kitchen")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Releases")).to_have_count(0)


def test_ldap_sign_in_lands_with_the_role_of_nested_groups(page, screenshot, ldap_settings):
    page.goto("/")
    expect(page.get_by_text("Your directory (LDAP) account, or a local account")).to_be_visible()
    page.fill("#id_username", "lena")
    page.fill("#id_password", PASSWORDS["lena"])
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_contain_text("lena")
    for link in ("Releases", "Access log", "API keys", "Sessions"):  # the admin role
        expect(nav.get_by_role("link", name=link)).to_be_visible()
    screenshot("signin-ldap-admin")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")

    page.fill("#id_username", "nina")  # in pedigree-release-managers through two nested groups
    page.fill("#id_password", PASSWORDS["nina"])
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_contain_text("nina")
    expect(nav.get_by_role("link", name="Access log")).to_have_count(0)
    expect(page.get_by_role("heading", name="Releases")).to_be_visible()
