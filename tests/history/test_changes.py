""""Changes since": the page, its CSV/XLSX exports and the history API."""

import csv
import io

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

BASE = "/history/azurelinux/"
API = "/api/v1/history/azurelinux/"


def names(html: str) -> list[str]:
    import re

    return re.findall(r'<td><a href="/history/azurelinux/components/[^"]+/">([^<]+)</a></td>', html)


def test_the_changes_since_a_date_list_the_components_that_changed_until_the_newest(auditor_client, history):
    html = auditor_client.get(f"{BASE}changes/", {"from": "2026-03-01 16:00"}).content.decode()
    assert names(html) == ["bash", "curl", "newpkg", "zlib"]  # bash went back to intact at 4, but its state at 1 was altered
    assert "4 components</strong> changed" in html and ", the newest" in html


def test_the_changes_between_two_shas_compare_their_states(auditor_client, history):
    response = auditor_client.get(f"{BASE}changes/", {"from": history[0].commit.sha, "to": history[2].commit.sha})
    html = response.content.decode()
    assert names(html) == ["bash", "curl", "zlib"]
    assert "License: Zlib → MIT" in html and "version: 1.0-1.azl4 → 1.1-1.azl4" in html


def test_the_changes_filter_by_kind_and_group(auditor_client, history):
    since = {"from": history[0].commit.sha}
    assert names(auditor_client.get(f"{BASE}changes/", {**since, "kind": "version"}).content.decode()) == ["curl"]
    assert names(auditor_client.get(f"{BASE}changes/", {**since, "kind": "presence"}).content.decode()) == ["newpkg", "zlib"]
    assert names(auditor_client.get(f"{BASE}changes/", {**since, "kind": "build"}).content.decode()) == ["curl"]


def test_an_unknown_kind_or_point_is_a_400_with_the_reason(auditor_client, history):
    response = auditor_client.get(f"{BASE}changes/", {"from": history[0].commit.sha, "kind": "colour"})
    assert response.status_code == 400 and "Unknown kind of change" in response.content.decode()
    response = auditor_client.get(f"{BASE}changes/", {"from": "2020-01-01"})
    assert response.status_code == 400 and "Nothing of azurelinux was ingested from before" in response.content.decode()


def test_the_changes_export_as_csv_has_a_row_per_change(auditor_client, history):
    response = auditor_client.get(f"{BASE}changes.csv", {"from": history[1].commit.sha, "to": history[2].commit.sha})
    assert response["Content-Disposition"].endswith(
        f'pedigree-azurelinux-changes-{history[1].commit.sha[:12]}-{history[2].commit.sha[:12]}.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:5] == ["component", "kind", "change", "before", "after"]
    assert [r[:3] for r in rows[1:]] == [["curl", "version", "version: 1.0-1.azl4 → 1.1-1.azl4"],
                                          ["zlib", "license", "License: Zlib → MIT"]]


def test_the_changes_export_as_xlsx_holds_the_same_rows(auditor_client, history):
    params = {"from": history[1].commit.sha, "to": history[2].commit.sha}
    book = load_workbook(io.BytesIO(auditor_client.get(f"{BASE}changes.xlsx", params).content))
    rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    assert [r[:2] for r in rows] == [["component", "kind"], ["curl", "version"], ["zlib", "license"]]


def test_the_api_lists_the_snapshots_with_their_summaries(read_client, history):
    body = read_client.get(f"{API}snapshots/").json()
    assert [s["sha"] for s in body] == [s.commit.sha for s in history]
    assert body[1]["summary"]["by_headline"] == {"altered": 1, "intact": 2} and body[1]["changed"] == 1


def test_the_api_gives_the_component_timeline(read_client, history):
    body = read_client.get(f"{API}components/zlib/timeline/").json()
    assert [(e["seq"], [c["kind"] for c in e["changes"]]) for e in body] == [(0, ["added"]), (2, ["license"]), (3, ["removed"])]
    assert body[1]["author"] == history[2].commit.author_name and body[2]["state"] is None
    assert body[1]["state"]["license"] == "MIT"


def test_the_api_gives_the_changes_since_a_point(read_client, history):
    body = read_client.get(f"{API}changes/", {"from": "2026-03-01 16:00", "kind": "overlays"}).json()
    assert body["from"]["sha"] == history[1].commit.sha and body["to"]["sha"] == history[4].commit.sha
    assert body["components"] == [{"name": "bash", "headline_before": "altered", "headline_after": "intact",
                                   "changes": [{"kind": "overlay-removed", "summary": "overlay removed: spec-add-tag CVE fix",
                                                "before": body["components"][0]["changes"][0]["before"], "after": ""}]}]


def test_the_api_refuses_a_point_it_cannot_resolve_with_400(read_client, history):
    response = read_client.get(f"{API}changes/", {"from": "someday"})
    assert response.status_code == 400 and "neither a date-time" in response.content.decode()


def test_the_api_answers_404_for_an_unknown_distribution_or_component(read_client, history):
    assert read_client.get("/api/v1/history/nonesuch/snapshots/").status_code == 404
    assert read_client.get(f"{API}components/nonesuch/timeline/").status_code == 404


def test_license_changes_of_binary_packages_show_in_the_timeline_and_under_the_licenses_filter(auditor_client, db):
    from history.states import BinaryFacts
    from tests.support.history import build_history, state

    bins = (BinaryFacts("bash", "MIT"), BinaryFacts("bash-devel", "MIT"))
    snapshots = build_history("licensed", [{"bash": state("bash", binaries=bins)},
                                           {"bash": state("bash", binaries=(bins[0], BinaryFacts("bash-devel", "GPL-3.0-only")))}])
    html = auditor_client.get("/history/licensed/changes/", {"from": snapshots[0].commit.sha, "kind": "licenses"}).content.decode()
    assert "bash-devel License: MIT → GPL-3.0-only" in html
    assert "bash-devel License: MIT → GPL-3.0-only" in auditor_client.get("/history/licensed/components/bash/").content.decode()


def test_the_changes_api_answers_a_page_at_a_time_with_a_link_to_the_rest(read_client, history):
    first = read_client.get(f"{API}changes/", {"from": history[0].commit.sha, "limit": 2}).json()
    assert first["count"] == 3 and [c["name"] for c in first["components"]] == ["curl", "newpkg"]
    rest = read_client.get(first["next"]).json()
    assert [c["name"] for c in rest["components"]] == ["zlib"] and rest["next"] is None


def test_the_changes_api_refuses_a_limit_out_of_range(read_client, history):
    assert read_client.get(f"{API}changes/", {"from": history[0].commit.sha, "limit": 0}).status_code == 400
