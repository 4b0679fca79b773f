"""The history pages in Chromium: the point-in-time selector, a chart point, a component timeline."""

import re

import pytest
from playwright.sync_api import expect

from tests.history.conftest import commits
from tests.support.history import build_history
from tests.support.users import PASSWORD

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def history(db):
    return build_history("azurelinux", commits())


def test_the_as_of_selector_opens_the_commit_current_then_or_says_why_not(page, screenshot, auditor, history):
    sign_in(page, "audrey", PASSWORD)
    page.goto("/history/azurelinux/")
    screenshot("history-01-distribution")
    page.fill("#id_at", "2026-03-01 20:00")
    page.get_by_role("button", name="Show the state then").click()
    expect(page).to_have_url(re.compile(rf"/history/azurelinux/commits/{history[1].commit.sha}/\?as_of="))
    expect(page.locator("p.as-of")).to_contain_text(f"Shows commit {history[1].commit.sha[:12]} of 2026-03-01 15:00 UTC")
    expect(page.locator("p.as-of")).to_contain_text("3 newer ingested commits")
    screenshot("history-02-snapshot")

    page.locator("p.as-of a.newest").click()
    expect(page.locator("p.as-of")).to_contain_text("This is the newest ingested commit.")

    page.goto("/history/azurelinux/")
    page.fill("#id_at", "2025-12-31")
    page.get_by_role("button", name="Show the state then").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing of azurelinux was ingested from before 2025-12-31 23:59 UTC")


def test_clicking_a_chart_point_opens_its_snapshot(page, auditor, history):
    sign_in(page, "audrey", PASSWORD)
    page.goto("/history/azurelinux/")
    points = page.locator("#history-chart a.point")
    expect(points).to_have_count(5)
    points.nth(3).click()
    expect(page).to_have_url(re.compile(rf"/history/azurelinux/commits/{history[3].commit.sha}/$"))
    expect(page.locator("h1")).to_contain_text(f"azurelinux at {history[3].commit.sha[:12]}")
    expect(page.locator("table.components tbody tr")).to_have_count(3)

    page.get_by_role("link", name="What changed since this commit").click()
    expect(page.locator("strong.change-count")).to_have_text("2 components")  # bash back to intact, curl's build
    page.select_option("#id_kind", "build")
    page.get_by_role("button", name="List the changes").click()
    expect(page.locator("table.changes tbody tr")).to_have_count(1)
    expect(page.locator("table.changes tbody tr")).to_contain_text("build settings changed")


def test_an_auditor_follows_a_component_from_the_snapshot_table_to_its_timeline(page, screenshot, auditor, history):
    sign_in(page, "audrey", PASSWORD)
    page.goto(f"/history/azurelinux/commits/{history[4].commit.sha}/")
    page.select_option("#id_headline", "intact")
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("link", name="bash", exact=True).click()
    expect(page.locator("h1")).to_have_text("Timeline of bash")
    rows = page.locator("table.timeline tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("overlay removed: spec-add-tag CVE fix")
    expect(rows.nth(1)).to_contain_text("verdict: intact → altered")
    expect(rows.nth(1)).to_contain_text(history[1].commit.author_name)
    screenshot("history-03-timeline")
    rows.nth(1).get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(rf"/history/azurelinux/commits/{history[1].commit.sha}/$"))
