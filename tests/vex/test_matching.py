"""Advisories written for the test, OSV and CSAF, matched to the scanned synthetic release and combined
with its VEX statements: affected, fixed by an overlay, not affected (overlay or version), unknown."""

import pytest

from vex.advisories import AFFECTED, FIXED_BY_OVERLAY, NOT_AFFECTED_OVERLAY, NOT_AFFECTED_VERSION, UNKNOWN
from vex.services.advisories import import_advisory, release_matches

from .advisory_files import csaf, osv, raw

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(scanned, portal_admin):
    def add(document):
        return import_advisory(raw(document), filename="advisory.json", user=portal_admin)
    return add


def statuses(release):
    return {(m.component.name, m.cve, m.advisory.identifier): m.status for m in release_matches(release)}


def test_an_osv_advisory_whose_cve_an_overlay_fixes_is_fixed_by_the_overlay(imported, vex_release):
    imported(osv())  # curl < 8.15.0-4.azl4 affected; the release has 8.15.0-3.azl4 and an overlay adding the fix
    assert statuses(vex_release) == {("curl", "CVE-2024-0001", "AZL-2024-0001"): FIXED_BY_OVERLAY}


def test_an_osv_advisory_no_overlay_answers_is_affected(imported, vex_release):
    imported(osv(id="AZL-2024-0009", cve="CVE-2024-0009", name="bash",
                 events=[{"introduced": "5.0-1"}, {"fixed": "5.3-4.azl4"}]))
    assert statuses(vex_release) == {("bash", "CVE-2024-0009", "AZL-2024-0009"): AFFECTED}


def test_a_csaf_advisory_whose_patch_an_overlay_removes_as_not_built_is_not_affected(imported, vex_release):
    imported(csaf())  # zlib fixed in 1.3-5.azl4; the release has 1.3-3.azl4, and the overlay removed the patch
    assert statuses(vex_release) == {("zlib", "CVE-2025-0002", "EX-CVE-2025-0002"): NOT_AFFECTED_OVERLAY}


def test_a_version_past_the_fix_is_not_affected(imported, vex_release):
    imported(csaf(cve="CVE-2025-0007", products=(("zlib", "1.3-2.azl4", "fixed"),)))
    assert statuses(vex_release) == {("zlib", "CVE-2025-0007", "EX-CVE-2025-0007"): NOT_AFFECTED_VERSION}


def test_a_component_with_an_unresolved_identity_is_unknown(imported, vex_release):
    vex_release.components.filter(name="bash").update(identity_complete=False)
    imported(osv(id="AZL-2024-0009", cve="CVE-2024-0009", name="bash"))
    assert statuses(vex_release) == {("bash", "CVE-2024-0009", "AZL-2024-0009"): UNKNOWN}


def test_a_package_the_release_does_not_hold_matches_nothing(imported, vex_release):
    imported(osv(name="not-in-the-release"))
    assert statuses(vex_release) == {}
