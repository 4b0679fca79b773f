"""An auditor sees the verified signatures on the release dashboard and downloads a bundle, in Chromium."""

from __future__ import annotations

import pytest

from jobs.choices import JobKind
from jobs.services import run_job_in_process
from sbom.services.generate import generate_release_documents
from signing.models import SignatureBundle
from tests.browser.conftest import sign_in
from tests.support.users import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_auditor_sees_verified_signatures_and_downloads_a_bundle(page, screenshot, release, sigstore_settings,
                                                                    auditor):
    generate_release_documents(release)
    run_job_in_process(JobKind.SIGN, {"release_id": release.pk}, release=release)
    run_job_in_process(JobKind.VERIFY, {"release_id": release.pk}, release=release)
    bundle = SignatureBundle.objects.get(release=release, sbom_document__format="cyclonedx-json")
    sign_in(page, auditor.username, PASSWORD)
    page.goto(f"/releases/{release.pk}/#signatures")
    panel = page.locator("#signatures")
    assert panel.locator("strong.verified").count() == 3
    panel.locator("summary", has_text="Verify a download yourself").click()
    assert panel.locator("code.verify-command").first.is_visible()
    screenshot("signatures-panel")
    with page.expect_download() as download:
        panel.get_by_role("link", name=bundle.file_name).click()
    assert download.value.suggested_filename == bundle.file_name
