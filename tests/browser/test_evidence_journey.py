"""In a real browser: an auditor downloads a package's evidence bundle and it passes the offline check."""

import pytest

from evidence.check import check_bundle
from tests.support.users import PASSWORD

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_auditor_downloads_a_packages_evidence_bundle_from_its_page(page, screenshot, auditor, release):
    sign_in(page, "audrey", PASSWORD)
    page.goto(f"/releases/{release.pk}/components/bash/")
    page.locator("#evidence").scroll_into_view_if_needed()
    screenshot("evidence-01-package-page", full_page=False)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download evidence bundle").click()
    download = info.value
    assert download.suggested_filename.startswith(f"pedigree-evidence-azurelinux-4.0-{release.commit.sha[:12]}-bash-")
    result = check_bundle(download.path())
    assert result.ok, result.problems
    assert result.manifest["requested_by"] == "audrey"
    page.get_by_role("link", name="Earlier bundles").click()
    page.wait_for_url(f"**/releases/{release.pk}/evidence/")
    assert "bash" in page.locator("table").inner_text()
    screenshot("evidence-02-bundle-list")
