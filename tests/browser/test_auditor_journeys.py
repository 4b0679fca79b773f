import csv
import io
import re

import pytest
from playwright.sync_api import expect

from jobs.choices import JobKind, JobStatus
from jobs.models import Job
from tests.support.users import PASSWORD

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_auditor_signs_in_filters_the_table_and_reads_an_altered_package(page, screenshot, auditor, release):
    sign_in(page, "audrey", PASSWORD)
    screenshot("01-release-list")
    page.get_by_role("link", name="azurelinux 4.0").click()
    expect(page.locator("p.lead")).to_contain_text("Of 4 components, 1 (25 %) are Fedora-intact")
    screenshot("02-release-dashboard")

    page.select_option("#id_headline", "altered")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"[?&]headline=altered(&|#|$)"))  # the filters live in the URL
    rows = page.locator("table.components tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("bash")
    screenshot("03-package-table-filtered")

    rows.first.get_by_role("link", name="bash").click()
    expect(page.locator("p.verdict")).to_contain_text("Altered: The spec comes from fedora rawhide instead of fedora 43")
    expect(page.locator("#overlay-1 h3")).to_have_text("1. Adds the tag Requires: coreutils to the main package")
    expect(page.locator("#overlay-1 .description")).to_have_text("Require <script>alert(1)</script> =HYPERLINK()")
    expect(page.locator("#L9")).to_have_class("line touched")
    screenshot("04-package-page")


def test_an_auditor_compares_two_releases_and_downloads_the_csv(page, screenshot, auditor, two_releases):
    old, new = two_releases
    sign_in(page, "audrey", PASSWORD)
    page.get_by_role("link", name="Compare", exact=True).click()
    page.select_option("#old", str(old.pk))
    page.select_option("#new", str(new.pk))
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("p.lead")).to_contain_text("1 component added, 1 removed, 1 changed classification")
    expect(page.get_by_role("link", name="newpkg")).to_have_attribute("href", f"/releases/{new.pk}/components/newpkg/")
    screenshot("05-compare")

    with page.expect_download() as info:
        page.get_by_role("link", name="Download the comparison as CSV").click()
    download = info.value
    assert download.suggested_filename == f"pedigree-compare-{old.pk}-{new.pk}.csv"
    rows = list(csv.reader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    assert ["component removed", "zlib", "build-customised", "1.3-3", ""] in rows


def test_an_auditor_downloads_the_filtered_table_as_csv(page, auditor, release):
    sign_in(page, "audrey", PASSWORD)
    page.goto(f"/releases/{release.pk}/?channel=rpm-base#packages")
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").click()
    rows = list(csv.reader(open(info.value.path(), encoding="utf-8")))
    assert [r[0] for r in rows] == ["name", "bash", "curl"]


def test_an_auditor_cannot_start_an_ingest(page, auditor, release):
    sign_in(page, "audrey", PASSWORD)
    expect(page.get_by_role("button", name="Start ingest")).to_have_count(0)
    csrf = next((c["value"] for c in page.context.cookies() if c["name"] == "csrftoken"), "")
    response = page.request.post(
        "/ingest/", form={"source": "https://example.org/azl.git", "ref": "main", "csrfmiddlewaretoken": csrf},
        headers={"X-CSRFToken": csrf, "Referer": page.url},
    )
    assert response.status == 403
    assert "release-manager role" in response.text()
    assert not Job.objects.exists()


def test_job_progress_updates_without_reloading(page, screenshot, release_manager, release):
    job = Job.objects.create(kind=JobKind.INGEST, status=JobStatus.RUNNING, params={"source": "https://example.org/azl.git", "ref": "main"},
                             progress_done=1, progress_total=4, stage="writing components", created_by=release_manager)
    sign_in(page, "manny", PASSWORD)
    row = page.locator(f"#job-{job.pk}")
    expect(row.locator(".job-status")).to_have_text("Running")
    screenshot("06-ingest-form-and-jobs")
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, progress_done=4, release=release)
    expect(row.locator(".job-status")).to_have_text("Succeeded", timeout=10000)
    expect(row.get_by_role("link", name="Open the release")).to_have_attribute("href", f"/releases/{release.pk}/")
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1  # no reload happened


def test_pages_are_keyboard_usable_and_fit_a_narrow_screen(page, screenshot, auditor, release):
    sign_in(page, "audrey", PASSWORD)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"/releases/{release.pk}/components/bash/")
    page.keyboard.press("Tab")
    expect(page.locator("a.skip")).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
    screenshot("07-package-page-narrow")
