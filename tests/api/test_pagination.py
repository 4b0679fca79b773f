"""Keyset pagination: pages stay exact while rows are inserted between fetches."""

from __future__ import annotations

import pytest

from access.api.pagination import after, ordering_keys
from audits.models import Component, Release


def _add(release: Release, name: str, overlays: int = 0) -> None:
    Component.objects.create(release=release, name=name, defined_in="x.toml", headline="intact", verdict="",
                             spec_origin="snapshot", spec_type="upstream", overlay_count=overlays)


def _walk(client, url: str, between=lambda page: None) -> list[str]:
    names, page = [], 0
    while url:
        body = client.get(url).json()
        names += [row["name"] for row in body["results"]]
        url = body["next"]
        if url:
            between(page)
            page += 1
    return names


@pytest.fixture
def many(small_release):
    for i in range(20):
        _add(small_release, f"pkg{i:02d}", overlays=i % 3)
    return small_release


def test_walking_the_pages_returns_every_row_once_in_order(read_client, many):
    names = _walk(read_client, f"/api/v1/releases/{many.pk}/components/?limit=3")
    assert names == sorted(Component.objects.filter(release=many).values_list("name", flat=True))


def test_rows_inserted_between_page_fetches_cause_no_duplicates_or_skips(read_client, many):
    before = set(Component.objects.filter(release=many).values_list("name", flat=True))
    inserted = []

    def insert(page: int) -> None:  # one row before the cursor (already passed), one after it, every page
        for name in (f"aaa{page:02d}", f"zzz{page:02d}"):
            _add(many, name, overlays=page % 3)
            inserted.append(name)

    names = _walk(read_client, f"/api/v1/releases/{many.pk}/components/?limit=4", between=insert)
    assert len(names) == len(set(names))  # no duplicates
    assert before <= set(names)  # nothing that existed was skipped
    assert {n for n in names if n.startswith("zzz")} == {n for n in inserted if n.startswith("zzz")}
    assert not any(n.startswith("aaa") for n in names)  # rows inserted behind the cursor never appear


def test_a_sort_with_ties_pages_without_duplicates_under_inserts(read_client, many):
    before = set(Component.objects.filter(release=many).values_list("name", flat=True))

    def insert(page: int) -> None:
        _add(many, f"mid{page:02d}", overlays=1)  # ties with existing rows of the middle group

    names = _walk(read_client, f"/api/v1/releases/{many.pk}/components/?limit=4&sort=-overlays", between=insert)
    assert len(names) == len(set(names)) and before <= set(names)
    rows = dict(Component.objects.filter(release=many).values_list("name", "overlay_count"))
    assert [rows[n] for n in names] == sorted((rows[n] for n in names), reverse=True)


def test_nulls_sort_last_and_are_paged_through(read_client, many):
    # "changed" is the configuration commit's date: NULL for every row but bash.
    names = _walk(read_client, f"/api/v1/releases/{many.pk}/components/?limit=5&sort=changed")
    assert names[0] == "bash" and sorted(names[1:]) == names[1:] and len(names) == 21


def test_a_cursor_from_another_sort_is_a_400(read_client, many):
    body = read_client.get(f"/api/v1/releases/{many.pk}/components/?limit=2").json()
    cursor = body["next"].split("cursor=")[1]
    response = read_client.get(f"/api/v1/releases/{many.pk}/components/?limit=2&sort=-name&cursor={cursor}")
    assert response.status_code == 400 and "cursor" in response.json()["errors"]


@pytest.mark.parametrize("cursor", ["garbage", "eyJvIjoibmFtZSxwayIsInYiOlsiYSJdfQ", "e30"])
def test_a_forged_cursor_is_a_400(read_client, many, cursor):
    response = read_client.get(f"/api/v1/releases/{many.pk}/components/?cursor={cursor}")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"


def test_a_cursor_with_a_value_of_the_wrong_type_is_a_400(read_client, many):
    import base64
    import json

    raw = json.dumps({"o": "-commit__committed_at,-pk", "v": ["not a date", 1]}).encode()
    cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    assert read_client.get(f"/api/v1/releases/?cursor={cursor}").status_code == 400


@pytest.mark.parametrize("limit", ["0", "1001", "ten"])
def test_a_limit_out_of_range_is_a_400(read_client, many, limit):
    assert read_client.get(f"/api/v1/releases/{many.pk}/components/?limit={limit}").status_code == 400


def test_the_ordering_always_ends_with_the_primary_key(db):
    assert ordering_keys(Release.objects.all()) == [("commit__committed_at", True), ("pk", True)]
    assert ordering_keys(Component.objects.order_by("headline")) == [("headline", False), ("pk", False)]


def test_after_excludes_the_cursor_row_itself(many):
    keys = [("overlay_count", False), ("pk", False)]
    row = Component.objects.filter(release=many).order_by("overlay_count", "pk")[5]
    later = Component.objects.filter(release=many).filter(after(keys, [row.overlay_count, row.pk], [False, False]))
    assert row not in later
    assert later.count() == Component.objects.filter(release=many).count() - 6
