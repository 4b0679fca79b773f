"""What each resource returns, on the synthetic sample repository ingested for real."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.filters import ComponentFilter
from audits.models import Component
from audits.services.compare import compare_releases


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def test_components_are_listed_by_name_with_their_reasons(read_client, release):
    rows = read_client.get(f"/api/v1/releases/{release.pk}/components/").json()["results"]
    assert [r["name"] for r in rows] == ["bash", "curl", "mypkg", "zlib"]
    bash = rows[0]
    assert bash["headline"] == "altered" and "overlays" in bash["reasons"] and bash["overlay_count"] == 1
    assert bash["url"].endswith(f"/api/v1/releases/{release.pk}/components/bash/")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("headline=altered", ["bash"]),
        ("reason=check-skipped", ["zlib"]),
        ("overlay_type=spec-add-tag", ["bash"]),
        ("overlay_category=azl-compatibility", ["bash"]),
        ("upstream_status=inapplicable", ["bash"]),
        ("channel=rpm-base", ["bash", "curl"]),
        ("local=true", ["mypkg"]),
        ("local=false&check_skipped=false", ["bash", "curl"]),
        ("q=URL", ["curl"]),
        ("sort=-name", ["zlib", "mypkg", "curl", "bash"]),
    ],
)
def test_component_filters_are_those_of_the_package_table(read_client, release, query, expected):
    assert names(read_client.get(f"/api/v1/releases/{release.pk}/components/?{query}")) == expected
    params = dict(part.split("=") for part in query.split("&"))
    table = ComponentFilter(params, Component.objects.filter(release=release), release=release, channels=["rpm-base", "rpm-sdk"])
    assert [c.name for c in table.qs] == expected


def test_an_unknown_filter_value_is_a_400_naming_the_filter(read_client, release):
    response = read_client.get(f"/api/v1/releases/{release.pk}/components/?headline=fabulous")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert "headline" in response.json()["errors"]


def test_listing_components_takes_the_same_queries_for_any_page_size(read_client, release):
    url = f"/api/v1/releases/{release.pk}/components/"
    read_client.get(url)  # warm the key's last-used update
    with CaptureQueriesContext(connection) as one:
        read_client.get(url + "?limit=1")
    with CaptureQueriesContext(connection) as every:
        read_client.get(url + "?limit=1000")
    assert len(one) == len(every) <= 8, [q["sql"] for q in every]


def test_component_detail_has_reasons_overlays_link_packages_and_no_spec_text(read_client, release):
    body = read_client.get(f"/api/v1/releases/{release.pk}/components/bash/").json()
    assert {r["code"] for r in body["reasons"]} == {"overlays", "other-upstream-version"}
    assert body["rendered_spec"]["sha256"] and "text" not in body["rendered_spec"]
    assert {p["name"] for p in body["binary_packages"]} == {"bash", "bash-devel"}
    assert body["links"]["overlays"].endswith("?component=bash")


def test_a_component_of_another_release_is_404(read_client, two_releases):
    first, second = two_releases
    assert read_client.get(f"/api/v1/releases/{first.pk}/components/zlib/").status_code == 200
    assert read_client.get(f"/api/v1/releases/{second.pk}/components/zlib/").status_code == 404


def test_overlays_are_listed_with_their_untrusted_text_as_data(read_client, sample_git, two_releases):
    first, _ = two_releases
    rows = read_client.get(f"/api/v1/releases/{first.pk}/overlays/?component=bash").json()["results"]
    assert [(r["component"], r["position"], r["type"]) for r in rows] == [("bash", 0, "spec-add-tag")]
    assert rows[0]["description"].startswith("Require <script>")  # JSON carries it verbatim; clients must escape


def test_build_customisations_list_components_with_a_build_reason_and_its_layer(read_client, release):
    rows = read_client.get(f"/api/v1/releases/{release.pk}/build-customisations/").json()["results"]
    assert [r["name"] for r in rows] == ["zlib"]
    assert rows[0]["check_skipped"] and rows[0]["reasons"][0]["code"] == "check-skipped"
    assert "group:check-skip" in rows[0]["reasons"][0]["source"]


def test_history_lists_the_commits_of_a_component_newest_first(read_client, two_releases):
    _, second = two_releases
    rows = read_client.get(f"/api/v1/releases/{second.pk}/components/bash/history/").json()["results"]
    assert [r["position"] for r in rows] == list(range(len(rows))) and rows[0]["commit"]["subject"] == "second"
    sha = rows[0]["commit"]["sha"]
    assert read_client.get(f"/api/v1/commits/{sha}/").json()["subject"] == "second"


def test_comparison_is_that_of_the_comparison_page(read_client, two_releases):
    first, second = two_releases
    body = read_client.get(f"/api/v1/comparisons/?old={first.pk}&new={second.pk}").json()
    expected = compare_releases(first, second)
    assert [c["name"] for c in body["added"]] == [c.name for c in expected.added] == ["newpkg"]
    assert [c["name"] for c in body["removed"]] == ["zlib"]
    assert len(body["overlay_changes"]) == len(expected.overlay_changes) > 0
    assert not body["is_empty"]


def test_a_comparison_without_both_releases_is_a_400(read_client, release):
    response = read_client.get(f"/api/v1/comparisons/?old={release.pk}")
    assert response.status_code == 400 and "new" in response.json()["errors"]


def test_upstream_verifications_list_without_diffs_and_detail_with_them(read_client, api_objects):
    release = api_objects["release"]
    rows = read_client.get(f"/api/v1/releases/{release.pk}/upstream-verifications/?verdict=drift").json()["results"]
    assert [(r["component"], r["verdict"]) for r in rows] == [("bash", "drift")] and "undeclared_diff" not in rows[0]
    detail = read_client.get(f"/api/v1/releases/{release.pk}/upstream-verifications/{rows[0]['id']}/").json()
    assert detail["undeclared_diff"] == "-a\n+b\n"


def test_sbom_documents_are_listed_with_a_download_link_that_serves_the_bytes(key_client, api_objects):
    client = key_client("read", "export")
    release = api_objects["release"]
    rows = client.get(f"/api/v1/releases/{release.pk}/sbom-documents/").json()["results"]
    assert [r["format"] for r in rows] == ["cyclonedx-json"] and "content" not in rows[0]
    response = client.get(rows[0]["download_url"])
    assert response.status_code == 200 and response.content == b'{"bomFormat": "CycloneDX"}'
    assert response["Content-Type"].startswith("application/vnd.cyclonedx+json")
    assert "attachment" in response["Content-Disposition"] and response["ETag"] == f'"{rows[0]["sha256"]}"'


def test_evidence_bundles_are_listed_and_downloaded_as_zip(key_client, api_objects):
    client = key_client("read", "export")
    release = api_objects["release"]
    rows = client.get(f"/api/v1/releases/{release.pk}/evidence-bundles/").json()["results"]
    assert len(rows) == 1 and rows[0]["requested_by"] == "ada"
    detail = client.get(f"/api/v1/releases/{release.pk}/evidence-bundles/{rows[0]['id']}/").json()
    assert detail["manifest"] == {"files": []}
    response = client.get(rows[0]["download_url"])
    assert response["Content-Type"] == "application/zip" and response.content.startswith(b"PK")
    assert response["Content-Disposition"].endswith('.zip"')


def test_a_download_answers_whatever_the_client_accepts(key_client, api_objects):
    release, bundle = api_objects["release"], api_objects["bundle"]
    response = key_client("export").get(f"/api/v1/releases/{release.pk}/evidence-bundles/{bundle.pk}/download/",
                                        HTTP_ACCEPT="application/zip")
    assert response.status_code == 200


def test_the_access_log_is_listed_for_the_admin_scope(key_client, api_objects):
    client = key_client("read", "admin", name="grc-audit")
    client.get("/api/v1/releases/")
    rows = client.get("/api/v1/access-log/?api_key_name=grc-audit").json()["results"]
    assert rows and all(r["api_key_name"] == "grc-audit" for r in rows)


def test_the_fast_component_rows_equal_drfs_own_serialisation(db, rf, release):
    from rest_framework import serializers
    from rest_framework.request import Request

    from audits.api.serializers import ComponentSerializer

    rows = list(Component.objects.filter(release=release).table_rows())
    for row in rows:
        row["reason_codes"] = ["overlays"]
    context = {"request": Request(rf.get("/"))}
    fast = ComponentSerializer(rows, many=True, context=context).data
    drf = [serializers.Serializer.to_representation(ComponentSerializer(context=context), row) for row in rows]
    assert [dict(r) for r in fast] == [dict(r) for r in drf] and len(fast) == 4
    assert list(fast[0]) == list(drf[0])  # same key order


def test_a_component_sbom_is_generated_on_request_and_then_listed(key_client, release):
    client = key_client("read", "export")
    links = client.get(f"/api/v1/releases/{release.pk}/components/bash/").json()["links"]
    response = client.get(links["sbom_cyclonedx-json"])
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.cyclonedx+json")
    assert b'"bomFormat": "CycloneDX"' in response.content or b'"bomFormat":"CycloneDX"' in response.content
    rows = client.get(f"/api/v1/releases/{release.pk}/sbom-documents/").json()["results"]
    assert [(r["component_name"], r["format"]) for r in rows] == [("bash", "cyclonedx-json")]
    again = client.get(links["sbom_cyclonedx-json"], HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_an_unknown_sbom_format_or_component_is_404(key_client, release):
    client = key_client("export")
    assert client.get(f"/api/v1/releases/{release.pk}/components/bash/sbom/pdf/").status_code == 404
    assert client.get(f"/api/v1/releases/{release.pk}/components/nope/sbom/spdx-json/").status_code == 404
