"""The VEX pages and their roles: auditors read, release managers scan, admins import advisories."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from access.models import AccessLog
from vex.advisories import MAX_BYTES
from vex.models import Advisory, VexScan

from .advisory_files import osv, raw

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client, data: bytes, name="advisory.json"):
    return client.post(reverse("vex:import"), {"file": SimpleUploadedFile(name, data)})


def test_an_auditor_reads_the_release_vex_page(auditor, scanned, vex_release):
    page = signed_in(auditor).get(reverse("vex:release", args=[vex_release.pk])).content.decode()
    assert "CVE-2024-0001" in page and "resolved_with_pedigree" in page and "code_not_present" in page
    assert "base/comps/curl/cookie-fix.patch:5" in page


def test_the_package_page_shows_its_statements_and_advisories(auditor, portal_admin, scanned, vex_release):
    upload(signed_in(portal_admin), raw(osv()))
    page = signed_in(auditor).get(reverse("audits:component-detail", args=[vex_release.pk, "curl"])).content.decode()
    assert "CVE-2024-0001" in page and "AZL-2024-0001" in page and "fixed by an overlay" in page


def test_the_release_dashboard_links_the_vex_documents(auditor, scanned, vex_release):
    page = signed_in(auditor).get(reverse("audits:release-detail", args=[vex_release.pk])).content.decode()
    assert reverse("sbom:release-csaf-vex", args=[vex_release.pk]) in page


def test_an_account_without_a_role_cannot_read_the_vex_page(outsider, vex_release):
    assert signed_in(outsider).get(reverse("vex:release", args=[vex_release.pk])).status_code == 403


def test_a_release_manager_scans_a_release(release_manager, vex_release):
    response = signed_in(release_manager).post(reverse("vex:scan", args=[vex_release.pk]))
    assert response.status_code == 302 and VexScan.objects.filter(release=vex_release).exists()


def test_an_auditor_cannot_scan(auditor, vex_release):
    assert signed_in(auditor).post(reverse("vex:scan", args=[vex_release.pk])).status_code == 403
    assert not VexScan.objects.exists()


def test_an_admin_imports_an_advisory_and_it_is_logged(portal_admin):
    response = upload(signed_in(portal_admin), raw(osv()))
    assert response.status_code == 302 and Advisory.objects.get().identifier == "AZL-2024-0001"
    assert AccessLog.objects.filter(action="upload", target__contains="AZL-2024-0001").exists()


@pytest.mark.parametrize("role", ["auditor", "release_manager"])
def test_only_admins_import_advisories(role, request):
    user = request.getfixturevalue(role)
    assert upload(signed_in(user), raw(osv())).status_code == 403 and not Advisory.objects.exists()


def test_an_auditor_sees_the_advisories_but_not_the_import_form(auditor, portal_admin):
    upload(signed_in(portal_admin), raw(osv()))
    page = signed_in(auditor).get(reverse("vex:advisories")).content.decode()
    assert "AZL-2024-0001" in page and reverse("vex:import") not in page


def test_a_refused_file_shows_why_and_stores_nothing(portal_admin):
    response = upload(signed_in(portal_admin), b"<cvrfdoc/>")
    assert response.status_code == 400 and "the file is XML" in response.content.decode()
    assert not Advisory.objects.exists()


def test_an_oversize_file_is_refused_while_it_is_read(portal_admin):
    response = upload(signed_in(portal_admin), b" " * (MAX_BYTES + 1))
    assert response.status_code in (400, 413) and not Advisory.objects.exists()


def test_the_import_needs_the_csrf_token(portal_admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(portal_admin)
    assert upload(client, raw(osv())).status_code == 403 and not Advisory.objects.exists()
