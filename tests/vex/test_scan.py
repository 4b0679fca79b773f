"""The scan of an ingested release: findings stored with where they came from (vex/services/scan.py)."""

import shutil

import pytest

from vex.cves import IN_TRIAGE, NOT_AFFECTED, RESOLVED
from vex.models import CveFinding
from vex.services.scan import scan_release
from vex.services.statements import release_statements

pytestmark = pytest.mark.django_db


def rows(scan):
    return {(f.component.name, f.cve, f.origin, f.action): f for f in CveFinding.objects.filter(scan=scan)
            .select_related("component")}


def test_a_cve_in_the_header_of_an_added_patch_is_found_in_the_repository_at_the_release_commit(scanned):
    finding = rows(scanned)[("curl", "CVE-2024-0001", "patch-header", "adds-fix")]
    assert (finding.file, finding.line) == ("base/comps/curl/cookie-fix.patch", 5)
    assert scanned.patches_read == 1 and scanned.patch_note == ""


def test_a_cve_in_the_code_of_a_patch_is_not_a_finding(scanned):
    assert not CveFinding.objects.filter(cve="CVE-2099-0099").exists()


def test_a_description_finding_points_at_its_line_in_the_configuration_file(scanned):
    finding = rows(scanned)[("zlib", "CVE-2025-0002", "description", "removes-patch")]
    assert (finding.file, finding.line) == ("base/comps/zlib/zlib.comp.toml", 6)
    assert finding.not_built_reason


def test_the_statements_of_the_release(scanned, vex_release):
    assert [(s.component, s.cve, s.state) for s in release_statements(vex_release)] == [
        ("curl", "CVE-2024-0001", RESOLVED),
        ("zlib", "CVE-2025-0002", NOT_AFFECTED),
        ("zlib", "CVE-2025-0004", IN_TRIAGE),
    ]


def test_when_the_repository_is_gone_the_scan_keeps_the_other_findings_and_says_why(vex_release, vex_repo):
    shutil.rmtree(vex_repo)
    scan = scan_release(vex_release)
    assert "were not read" in scan.patch_note and scan.patches_read == 0
    assert ("zlib", "CVE-2025-0002", "description", "removes-patch") in rows(scan)


def test_a_new_scan_replaces_the_old_one(scanned, vex_release):
    again = scan_release(vex_release)
    assert CveFinding.objects.filter(scan__release=vex_release).count() == CveFinding.objects.filter(scan=again).count()
