"""Parsing OSV and CSAF advisories and comparing RPM versions (vex/advisories.py, no database)."""

import pytest

from vex.advisories import (
    AFFECTED,
    AFFECTED_IN_TRIAGE,
    FIXED_BY_OVERLAY,
    NOT_AFFECTED_OVERLAY,
    NOT_AFFECTED_VERSION,
    UNKNOWN,
    PackageEntry,
    VersionRange,
    affects,
    parse,
    verdict,
)

from .advisory_files import csaf, osv, raw


def test_an_osv_advisory_gives_its_package_range_and_cves():
    parsed = parse(raw(osv()))
    assert (parsed.format, parsed.identifier, parsed.cves) == ("osv", "AZL-2024-0001", ("CVE-2024-0001",))
    [package] = parsed.packages
    assert (package.name, package.ranges) == ("curl", (VersionRange("", fixed="8.15.0-4.azl4"),))


def test_osv_events_open_and_close_several_ranges():
    events = [{"introduced": "1.0-1"}, {"fixed": "1.2-1"}, {"introduced": "2.0-1"}, {"last_affected": "2.1-1"}]
    [package] = parse(raw(osv(events=events))).packages
    assert package.ranges == (VersionRange("1.0-1", fixed="1.2-1"), VersionRange("2.0-1", last_affected="2.1-1"))


def test_a_csaf_advisory_reads_rpm_purls_and_their_status():
    parsed = parse(raw(csaf(products=(("zlib", "1.3-5.azl4", "fixed"), ("zlib", "1.2-1", "known_affected")))))
    [package] = parsed.packages
    assert (parsed.format, parsed.identifier, parsed.cves) == ("csaf", "EX-CVE-2025-0002", ("CVE-2025-0002",))
    assert (package.ranges, package.versions) == ((VersionRange(fixed="1.3-5.azl4"),), ("1.2-1",))


def test_the_epoch_qualifier_of_a_purl_is_part_of_the_version():
    document = csaf(products=(("zlib", "1.3-5", "fixed"),))
    helper = document["product_tree"]["branches"][0]["branches"][0]["product"]["product_identification_helper"]
    helper["purl"] += "&epoch=2"
    [package] = parse(raw(document)).packages
    assert package.ranges == (VersionRange(fixed="2:1.3-5"),)


@pytest.mark.parametrize(("evr", "expected"), [
    ("8.15.0-3.azl4", True), ("8.15.0-4.azl4", False), ("8.15.0-10.azl4", False), ("8.9.0-1", True),
    ("1:8.0-1", False),  # an epoch outranks every version
    ("8.15.0~rc1-1", True),  # a tilde sorts before the release
])
def test_rpm_versions_are_compared_as_rpm_does(evr, expected):
    assert affects(PackageEntry("curl", ranges=(VersionRange("", fixed="8.15.0-4.azl4"),)), evr) is expected


def test_an_exact_affected_version_matches_only_itself():
    package = PackageEntry("zlib", versions=("1.2-1",))
    assert (affects(package, "1.2-1"), affects(package, "1.2-2")) == (True, False)


@pytest.mark.parametrize(("evr", "state", "expected"), [
    ("1-1", None, AFFECTED), ("1-1", "resolved_with_pedigree", FIXED_BY_OVERLAY),
    ("1-1", "not_affected", NOT_AFFECTED_OVERLAY), ("1-1", "in_triage", AFFECTED_IN_TRIAGE),
    ("3-1", "resolved_with_pedigree", NOT_AFFECTED_VERSION), (None, None, UNKNOWN),
])
def test_the_verdict_combines_version_and_vex(evr, state, expected):
    assert verdict(evr, PackageEntry("x", ranges=(VersionRange("", fixed="2-1"),)), state) == expected
