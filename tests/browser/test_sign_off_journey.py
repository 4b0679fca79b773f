"""The audit end to end in the browser: an auditor decides every review with one bulk decision, a release
manager waives the open policy violation and signs the release off (signed by the local Sigstore instance)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from policies.models import SignOff, Waiver
from reviews.models import Review
from tests.support.users import PASSWORD

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_auditor_decides_in_bulk_and_a_release_manager_waives_and_signs_off(
        browser, live_server, page, auditor, release_manager, release, sigstore_settings):
    sign_in(page, "audrey", PASSWORD)
    page.goto(f"/releases/{release.pk}/")
    page.get_by_role("link", name="0 of 3 decided").click()
    page.wait_for_url("**/reviews/")  # the queue's keys work once its deferred script has run, by the load event
    page.locator("h1").click()
    for _ in range(3):
        page.keyboard.press("j")
        page.keyboard.press("x")
    expect(page.locator("input[name=review]:checked")).to_have_count(3)
    page.keyboard.press("a")
    page.fill("textarea[name=justification]", "Every divergence is intended for Azure Linux")
    page.get_by_role("button", name="Apply to the selected reviews").click()
    expect(page.locator("p.lead")).to_contain_text("3 of 3 decided")

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    manager = context.new_page()
    sign_in(manager, "manny", PASSWORD)
    manager.goto(f"/releases/{release.pk}/")
    expect(manager.locator("#policy-panel")).to_contain_text("1 open policy violation")
    manager.get_by_role("link", name="policy results").click()
    expect(manager.locator(".blockers")).to_contain_text("1 policy violation without a waiver")
    manager.locator("#findings summary", has_text="Waive").click()
    manager.fill("form.waive textarea[name=justification]", "Rawhide until Fedora 43 ships the fix")
    manager.fill("form.waive input[name=expires_on]", (dt.date.today() + dt.timedelta(days=60)).isoformat())
    manager.get_by_role("button", name="Approve waiver").click()
    expect(manager.locator("#policy-counts")).to_contain_text("0 open violations, 1 waived")
    manager.get_by_role("button", name="Sign the release off").click()
    expect(manager.locator(".signed-off")).to_contain_text("Signed off by manny")
    context.close()

    assert Waiver.objects.get().approved_by == release_manager
    assert SignOff.objects.get(release=release).signed_by == release_manager
    assert not Review.objects.filter(release=release, state="pending").exists()
