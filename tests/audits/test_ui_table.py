import csv
import io

import pytest
from openpyxl import load_workbook

from audits.models import Component


pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor_web(client, auditor):
    client.force_login(auditor)
    return client


def names(response) -> list[str]:
    return [c.name for c in response.context["page"]]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["bash", "curl", "mypkg", "zlib"]),
        ("q=BA", ["bash"]),
        ("headline=altered", ["bash"]),
        ("reason=check-skipped", ["zlib"]),
        ("overlay_type=spec-add-tag", ["bash"]),
        ("overlay_category=azl-compatibility", ["bash"]),
        ("upstream_status=inapplicable", ["bash"]),
        ("channel=rpm-base", ["bash", "curl"]),
        ("channel=rpm-sdk", ["bash", "curl", "mypkg", "zlib"]),  # every -devel package
        ("local=true", ["mypkg"]),
        ("local=false&check_skipped=false", ["bash", "curl"]),
        ("check_skipped=true", ["zlib"]),
        ("pinned=true", []),
        ("has_inconsistency=false&headline=intact", ["curl"]),
        ("sort=-name", ["zlib", "mypkg", "curl", "bash"]),
        ("sort=-overlays", ["bash", "curl", "mypkg", "zlib"]),
    ],
)
def test_the_package_table_filters_and_sorts(auditor_web, release, query, expected):
    assert names(auditor_web.get(f"/releases/{release.pk}/?{query}")) == expected


def test_a_filter_value_that_is_not_offered_shows_nothing_and_says_so(auditor_web, release):
    response = auditor_web.get(f"/releases/{release.pk}/?headline=bogus")
    assert names(response) == []
    assert b"Some filters were not understood" in response.content


def test_pagination_links_keep_the_filters(auditor_web, release, monkeypatch):
    monkeypatch.setattr("audits.views.components.PAGE_SIZE", 1)
    response = auditor_web.get(f"/releases/{release.pk}/?channel=rpm-base&sort=-name")
    assert names(response) == ["curl"]
    assert b'href="?channel=rpm-base&amp;sort=-name&amp;page=2#packages"' in response.content
    assert names(auditor_web.get(f"/releases/{release.pk}/?channel=rpm-base&sort=-name&page=2")) == ["bash"]


def test_sort_headers_toggle_the_direction_and_drop_the_page(auditor_web, release):
    response = auditor_web.get(f"/releases/{release.pk}/?sort=name&page=1&headline=")
    assert b'href="?sort=-name&amp;headline=#packages"' in response.content
    assert b'aria-sort="ascending"' in response.content


def test_the_csv_export_has_exactly_the_filtered_rows(auditor_web, release):
    response = auditor_web.get(f"/releases/{release.pk}/components.csv?channel=rpm-base&sort=-name")
    assert response["Content-Disposition"] == f'attachment; filename="pedigree-release-{release.pk}-components.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["name", "headline", "reasons"]
    assert [r[0] for r in rows[1:]] == ["curl", "bash"]
    assert rows[2][1:3] == ["altered", "other-upstream-version;overlays"]


def test_exports_neutralise_spreadsheet_formulas(auditor_web, release):
    Component.objects.filter(release=release, name="curl").update(upstream_commit="=HYPERLINK(\"http://x\")")
    text = auditor_web.get(f"/releases/{release.pk}/components.csv?q=curl").content.decode()
    assert "'=HYPERLINK" in text
    book = load_workbook(io.BytesIO(auditor_web.get(f"/releases/{release.pk}/components.xlsx?q=curl").content))
    sheet = book.active
    assert [c.value for c in sheet[1]][0] == "name"
    cell = sheet.cell(row=2, column=6)
    assert cell.value == "'=HYPERLINK(\"http://x\")" and cell.data_type == "s"


def test_the_xlsx_export_has_the_filtered_rows(auditor_web, release):
    response = auditor_web.get(f"/releases/{release.pk}/components.xlsx?headline=local")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert [r[0] for r in rows] == ["name", "mypkg"]


def test_the_export_links_carry_the_filters(auditor_web, release):
    response = auditor_web.get(f"/releases/{release.pk}/?headline=altered&page=1")
    assert f'href="/releases/{release.pk}/components.csv?headline=altered"'.encode() in response.content


def test_the_table_page_does_not_query_per_row(auditor_web, release, django_assert_max_num_queries):
    # A constant: the dashboard above the table adds one query per panel (SBOMs, signatures, evidence, images, reviews,
    # VEX), two for the policy panel (violations open and waived, the sign-off), two for the history note (newer
    # releases, the distribution's newest ingested commit).
    auditor_web.get(f"/releases/{release.pk}/")  # the first view puts the release's channels in the cache
    with django_assert_max_num_queries(24):
        response = auditor_web.get(f"/releases/{release.pk}/?channel=rpm-base&reason=overlays&sort=-overlays")
    assert names(response) == ["bash"]
    with django_assert_max_num_queries(24):
        auditor_web.get(f"/releases/{release.pk}/")


def test_the_csv_export_does_not_query_per_row(auditor_web, release, django_assert_max_num_queries):
    auditor_web.get(f"/releases/{release.pk}/")  # the first view puts the release's channels in the cache
    with django_assert_max_num_queries(8):
        auditor_web.get(f"/releases/{release.pk}/components.csv")


def test_an_unknown_release_is_a_friendly_404(auditor_web):
    response = auditor_web.get("/releases/999/")
    assert response.status_code == 404
    assert b"This page does not exist" in response.content
