"""Hostile advisory files are refused as a whole with a sentence saying why, and nothing is stored
(vex/advisories.py, vex/services/advisories.py)."""

import json

import pytest

from tests.vex.advisory_files import csaf, osv, raw
from vex.advisories import MAX_BYTES, MAX_DEPTH, AdvisoryError, parse
from vex.models import Advisory, AdvisoryPackage
from vex.services.advisories import import_advisory


def nested(depth: int) -> bytes:
    return ('{"id": "X", "affected": [], "deep": ' + "[" * depth + "]" * depth + "}").encode()


HOSTILE = {
    "oversize": (b" " * (MAX_BYTES + 1), "larger than"),
    "deep nesting": (nested(MAX_DEPTH + 5), "deeper than"),
    "deep nesting past the parser's recursion": (nested(100_000), "deeper than"),
    "not JSON": (b"id: X\naffected: []\n", "not JSON"),
    "not UTF-8": (b'{"id": "\xff\xfe"}', "not UTF-8"),
    "XML (CVRF or CSAF as XML)": (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                                  b"<cvrfdoc>&e;</cvrfdoc>", "XML"),
    "a JSON array": (b"[]", "not a JSON object"),
    "NaN": (b'{"id": "X", "affected": [], "n": NaN}', "NaN"),
    "neither format": (raw({"hello": "world"}), "neither OSV"),
    "affected of the wrong type": (raw(osv(affected="curl")), "affected is not a list"),
    "package name of the wrong type": (raw({**osv(), "affected": [{"package": {"name": 7}, "versions": ["1-1"]}]}),
                                       "package.name is not a str"),
    "a range that is not ECOSYSTEM": (raw({**osv(), "affected": [{"package": {"name": "curl"}, "ranges": [
        {"type": "GIT", "events": [{"introduced": "0"}]}]}]}), "must be ECOSYSTEM"),
    "a version that is not an RPM version": (raw(osv(events=[{"introduced": "0"}, {"fixed": "<script>"}])),
                                             "not an RPM version"),
    "fixed before introduced": (raw(osv(events=[{"fixed": "1-1"}])), "without an earlier introduced"),
    "a huge string": (raw(osv(id="X" * 5000)), "longer than"),
    "no package at all": (raw({**osv(), "affected": []}), "names no RPM package"),
    "CSAF of another version": (raw({**csaf(), "document": {**csaf()["document"], "csaf_version": "1.2"}}),
                                "csaf_version must be 2.0"),
    "CSAF product status of the wrong type": (raw({**csaf(), "vulnerabilities": [{"product_status": {"fixed": [1]}}]}),
                                              "is not a string"),
    "CSAF rpm purl without a version": (raw(json.loads(json.dumps(csaf()).replace("@1.3-5.azl4", ""))),
                                        "without a name and version"),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_a_hostile_file_is_refused_with_a_reason(case):
    data, reason = HOSTILE[case]
    with pytest.raises(AdvisoryError, match=reason):
        parse(data)


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["oversize", "deep nesting", "XML (CVRF or CSAF as XML)", "no package at all"])
def test_nothing_is_stored_for_a_refused_file(case, portal_admin):
    with pytest.raises(AdvisoryError):
        import_advisory(HOSTILE[case][0], filename="x.json", user=portal_admin)
    assert (Advisory.objects.count(), AdvisoryPackage.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_the_same_file_is_not_imported_twice(portal_admin):
    import_advisory(raw(osv()), filename="a.json", user=portal_admin)
    with pytest.raises(AdvisoryError, match="imported already"):
        import_advisory(raw(osv()), filename="b.json", user=portal_admin)
    assert Advisory.objects.count() == 1
