import csv
import io

import pytest

from audits.services.compare import compare_releases


pytestmark = pytest.mark.django_db


def test_comparison_lists_added_and_removed_components(two_releases):
    result = compare_releases(*two_releases)
    assert [c.name for c in result.added] == ["newpkg"]
    assert [c.name for c in result.removed] == ["zlib"]


def test_comparison_reports_classification_and_version_changes(two_releases):
    result = compare_releases(*two_releases)
    assert [(c.component, c.before, c.after) for c in result.classification_changes] == [("curl", "intact", "pinned")]
    assert [(c.component, c.before, c.after) for c in result.version_changes] == [("curl", "8.15.0-3", "8.16.0-3")]


def test_comparison_reports_changed_overlays_with_before_and_after_parameters(two_releases):
    (change,) = compare_releases(*two_releases).overlay_changes
    assert (change.component, change.kind, change.position, change.type) == ("bash", "changed", 1, "spec-add-tag")
    assert change.before["value"] == "coreutils" and change.after["value"] == "coreutils >= 9"


def test_comparison_reports_provenance_changes(two_releases):
    changes = [(c.component, c.detail, c.before, c.after) for c in compare_releases(*two_releases).provenance_changes]
    assert ("curl", "spec.upstream-commit", "", "component") in changes


def test_a_release_compared_with_itself_has_no_changes(two_releases):
    assert compare_releases(two_releases[0], two_releases[0]).is_empty


def test_overlays_added_and_removed_are_aligned_by_order():
    from audits.services.compare import _overlay_changes

    a = {"type": "spec-add-tag", "parameters": {"tag": "A"}}
    b = {"type": "spec-add-tag", "parameters": {"tag": "B"}}
    c = {"type": "patch-add", "parameters": {"source": "x.patch"}}
    changes = [(o.kind, o.position, o.type) for o in _overlay_changes("p", [a, b], [a, c, b])]
    assert changes == [("added", 2, "patch-add")]
    changes = [(o.kind, o.position) for o in _overlay_changes("p", [a, c, b], [b])]
    assert changes == [("removed", 1), ("removed", 2)]


def test_comparison_page_links_each_row_to_the_package_pages(client, auditor, two_releases):
    old, new = two_releases
    client.force_login(auditor)
    html = client.get(f"/compare/?old={old.pk}&new={new.pk}").content.decode()
    assert f'<a href="/releases/{new.pk}/components/newpkg/">newpkg</a>' in html
    assert f'<a href="/releases/{old.pk}/components/zlib/">zlib</a>' in html
    assert "1 component added, 1 removed, 1 changed classification" in html
    assert "coreutils &gt;= 9" in html


def test_comparison_exports_as_csv(client, auditor, two_releases):
    old, new = two_releases
    client.force_login(auditor)
    response = client.get(f"/compare.csv?old={old.pk}&new={new.pk}")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["change", "component", "detail", "before", "after"]
    assert ["component added", "newpkg", "build-customised", "", "2.0-3"] in rows
    assert ["overlay changed", "bash", "#1 spec-add-tag",
            '{"description": "Require <script>alert(1)</script> =HYPERLINK()", "tag": "Requires", "type": "spec-add-tag", "value": "coreutils"}',
            '{"description": "Require <script>alert(1)</script> =HYPERLINK()", "tag": "Requires", "type": "spec-add-tag", "value": "coreutils >= 9"}'] in rows


def test_an_unknown_release_in_a_comparison_is_a_404(auditor_client):
    assert auditor_client.get("/compare/?old=1&new=999").status_code == 404
