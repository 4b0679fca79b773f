"""An admin creates an API key in the browser, copies it once, and a machine uses it."""

import re

import pytest
import requests
from playwright.sync_api import expect

from tests.support.users import PASSWORD

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_creates_a_key_sees_it_once_and_revokes_it(page, screenshot, live_server, portal_admin, release):
    sign_in(page, "ada", PASSWORD)
    page.get_by_role("link", name="API keys").click()
    page.fill("#id_name", "grc-sync")
    page.check("input[name=scopes][value=read]")
    page.get_by_role("button", name="Create key").click()
    secret = page.locator("#new-key code").inner_text()
    assert re.fullmatch(r"pdg_[0-9a-f]{8}_[\w-]{43}", secret)
    screenshot("api-key-created")
    answer = requests.get(f"{live_server.url}/api/v1/releases/", headers={"Authorization": f"Bearer {secret}"}, timeout=10)
    assert answer.status_code == 200 and answer.json()["results"][0]["id"] == release.pk

    page.goto("/api-keys/")
    expect(page.locator("#new-key")).to_have_count(0)
    expect(page.locator("table")).to_contain_text("grc-sync")
    page.get_by_role("button", name="Revoke grc-sync").click()
    expect(page.locator("table")).to_contain_text("revoked")
    answer = requests.get(f"{live_server.url}/api/v1/releases/", headers={"Authorization": f"Bearer {secret}"}, timeout=10)
    assert answer.status_code == 401 and answer.headers["Content-Type"] == "application/problem+json"
