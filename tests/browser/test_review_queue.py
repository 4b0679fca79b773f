"""An auditor works through the review queue with the keyboard and a bulk decision."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from reviews.models import Review
from tests.support.users import PASSWORD

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_auditor_selects_with_the_keyboard_and_decides_in_bulk(page, screenshot, auditor, release):
    sign_in(page, "audrey", PASSWORD)
    page.goto(f"/releases/{release.pk}/")
    expect(page.locator("#review-progress")).to_contain_text("0 of 3 decided")
    page.get_by_role("link", name="0 of 3 decided").click()
    rows = page.locator("#review-table tr.review-row")
    expect(rows).to_have_count(3)
    page.wait_for_load_state()  # the keys work once the queue's deferred script has run, by the load event

    page.locator("h1").click()  # focus on the page, not in a field
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    expect(rows.nth(1)).to_have_class("review-row review-pending current")
    expect(page.locator("input[name=review]:checked")).to_have_count(2)
    page.keyboard.press("w")  # waive the selected reviews: the bulk form's state is chosen, the expiry field focused
    expect(page.locator("input[name=state][value=waived]")).to_be_checked()
    expect(page.locator("input[name=waived_until]")).to_be_focused()
    page.fill("input[name=waived_until]", (dt.date.today() + dt.timedelta(days=30)).isoformat())
    page.fill("textarea[name=justification]", "Waived until the next Fedora snapshot")
    screenshot("reviews-01-queue-bulk")
    page.get_by_role("button", name="Apply to the selected reviews").click()

    expect(page.locator(".message")).to_contain_text("2 reviews: waived.")
    expect(page.locator("p.lead")).to_contain_text("2 of 3 decided")
    expect(rows.first).to_have_class("review-row review-pending")  # pending first
    assert Review.objects.filter(state="waived").count() == 2
    page.wait_for_load_state()

    page.locator("h1").click()
    page.keyboard.press("j")
    page.keyboard.press("a")  # nothing selected: the current review's own decision form
    expect(page.locator("input[name=state][value=accepted]")).to_be_checked()
    page.fill("textarea[name=justification]", "Needed for the build")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".review-history")).to_contain_text("Needed for the build")
    screenshot("reviews-02-review-page")
    assert not Review.objects.filter(state="pending").exists()
