"""License values at ingest, the inventory page and its export, the package table's license filters,
License changes in the comparison and against Fedora (sample repository with sample_repo.LICENSES)."""

import csv
import io
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.utils import timezone
from openpyxl import load_workbook

from audits.models import BinaryPackage, Component, LicenseExpression, UpstreamVerification
from audits.services.blobs import store_text
from audits.services.compare import compare_releases
from audits.services.ingest import ingest_release
from audits.services.licenses import license_inventory
from tests.audits import sample_repo
from tests.support.gitrepo import init_repo

pytestmark = pytest.mark.django_db


def _component(release, name):
    return Component.objects.select_related("license_expression").get(release=release, name=name)


def _table(client, release, query):
    response = client.get(f"/releases/{release.pk}/?{query}")
    assert response.status_code == 200
    return sorted(c.name for c in response.context["page"])


def test_ingest_stores_the_parsed_license_of_each_component(licensed_release):
    bash = _component(licensed_release, "bash").license_expression
    assert (bash.text, bash.normalized, bash.valid, bash.keys, bash.family) == (
        "GPL-3.0-or-later", "GPL-3.0-or-later", True, ["GPL-3.0-or-later"], "strong-copyleft")
    mypkg = _component(licensed_release, "mypkg").license_expression
    assert (mypkg.valid, mypkg.normalized, mypkg.error) == (False, "", "Unknown license key(s): GPLv2+")


def test_a_multi_line_license_is_stored_without_its_dnl_comment_lines(tmp_path, allow_local_sources):
    shrunk = "%{shrink:\n  Zlib AND\n  %dnl contrib/minizip\n  MIT\n}"
    repo = tmp_path / "dnl"
    commit = init_repo(repo, sample_repo.licensed_files({"zlib": shrunk}))
    zlib = _component(ingest_release(str(repo), commit).release, "zlib")
    assert (zlib.license, zlib.license_expression.valid) == ("Zlib AND MIT", True)


def test_a_binary_package_points_at_its_own_license_or_else_the_components(licensed_release):
    licences = dict(BinaryPackage.objects.filter(component__release=licensed_release, component__name="bash")
                    .values_list("name", "license_expression__normalized"))
    assert licences == {"bash": "GPL-3.0-or-later", "bash-devel": "LGPL-2.1-or-later"}


def test_each_distinct_license_value_of_a_release_is_stored_once(licensed_release):
    texts = sorted(LicenseExpression.objects.filter(release=licensed_release).values_list("text", flat=True))
    assert texts == ["GPL-3.0-or-later", "GPLv2+", "LGPL-2.1-or-later", "MIT OR Apache-2.0", "Zlib"]


def test_the_inventory_counts_components_and_binary_packages_by_key_and_family(licensed_release):
    inventory = license_inventory(Component.objects.filter(release=licensed_release))
    keys = {c.name: (c.components, c.binaries) for c in inventory.by_key}
    assert keys == {"MIT": (1, 2), "Apache-2.0": (1, 2), "Zlib": (1, 2), "GPL-3.0-or-later": (1, 1),
                    "LGPL-2.1-or-later": (0, 1)}
    families = {c.name: (c.components, c.binaries) for c in inventory.by_family}
    assert families == {"public-domain": (0, 0), "permissive": (2, 4), "weak-copyleft": (0, 1),
                        "strong-copyleft": (1, 1), "unknown": (1, 2)}
    assert [(i.text, i.components, i.binaries) for i in inventory.invalid_values] == [("GPLv2+", 1, 2)]


def test_the_inventory_of_a_subset_counts_only_those_components(licensed_release):
    inventory = license_inventory(Component.objects.filter(release=licensed_release, name__in=["bash", "zlib"]))
    assert (inventory.components, inventory.binaries) == (2, 4)
    assert {c.name for c in inventory.by_key} == {"GPL-3.0-or-later", "LGPL-2.1-or-later", "Zlib"}
    assert inventory.invalid_values == []


def test_a_component_without_a_license_value_counts_as_missing_and_unknown(licensed_release):
    Component.objects.filter(release=licensed_release, name="zlib").update(license="", license_expression=None)
    BinaryPackage.objects.filter(component__name="zlib").update(license_expression=None)
    inventory = license_inventory(Component.objects.filter(release=licensed_release))
    assert (inventory.missing.components, inventory.missing.binaries) == (1, 2)
    assert {c.name: c.components for c in inventory.by_family}["unknown"] == 2


def test_the_license_filter_matches_a_component_through_a_binary_package(auditor_client, licensed_release):
    assert _table(auditor_client, licensed_release, "license=lgpl-2.1-or-later") == ["bash"]
    assert _table(auditor_client, licensed_release, "license=MIT") == ["curl"]


def test_the_license_filter_counts_no_key_of_an_invalid_value(auditor_client, licensed_release):
    assert _table(auditor_client, licensed_release, "license=GPLv2%2B") == []


def test_the_family_filter_lists_the_packages_of_a_family(auditor_client, licensed_release):
    assert _table(auditor_client, licensed_release, "license_family=permissive") == ["curl", "zlib"]
    assert _table(auditor_client, licensed_release, "license_family=weak-copyleft") == ["bash"]
    assert _table(auditor_client, licensed_release, "license_family=unknown") == ["mypkg"]


def test_the_validity_filter_lists_invalid_and_missing_values(auditor_client, licensed_release):
    assert _table(auditor_client, licensed_release, "license_valid=false") == ["mypkg"]
    assert _table(auditor_client, licensed_release, "license_valid=none") == []
    Component.objects.filter(release=licensed_release, name="zlib").update(license_expression=None)
    assert _table(auditor_client, licensed_release, "license_valid=none") == ["zlib"]


def test_the_component_export_has_the_license_columns_and_follows_the_license_filters(auditor_client, licensed_release):
    response = auditor_client.get(f"/releases/{licensed_release.pk}/components.csv?license_family=strong-copyleft")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["name"], r["license"], r["license_normalized"], r["license_family"]) for r in rows] == [
        ("bash", "GPL-3.0-or-later", "GPL-3.0-or-later", "strong-copyleft")]


def test_the_inventory_page_links_each_figure_to_the_filtered_table(auditor_client, licensed_release):
    html = auditor_client.get(f"/releases/{licensed_release.pk}/licenses/").content.decode()
    table = f"/releases/{licensed_release.pk}/"
    assert f'<a href="{table}?license=LGPL-2.1-or-later#packages"><code>LGPL-2.1-or-later</code></a>' in html
    assert f'<a href="{table}?license_family=weak-copyleft#packages">weak copyleft</a>' in html
    assert f'<a href="{table}?license_valid=false#packages">invalid</a>' in html
    assert "<code>GPLv2+</code></td><td>Unknown license key(s): GPLv2+</td>" in html


def test_the_inventory_exports_as_csv_with_the_invalid_values_and_their_message(auditor_client, licensed_release):
    response = auditor_client.get(f"/releases/{licensed_release.pk}/licenses.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["section", "license", "components", "binary_packages", "detail"]
    assert ["family", "weak copyleft", "0", "1", ""] in rows
    assert ["license", "MIT", "1", "2", ""] in rows
    assert ["invalid", "GPLv2+", "1", "2", "Unknown license key(s): GPLv2+"] in rows


def test_the_inventory_exports_as_xlsx(auditor_client, licensed_release):
    response = auditor_client.get(f"/releases/{licensed_release.pk}/licenses.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)).active
    assert ["license", "Zlib", "1", "2", ""] in [[c or "" for c in row] for row in sheet.iter_rows(values_only=True)]


def test_license_pages_need_a_role(client, outsider, licensed_release):
    client.force_login(outsider)
    assert client.get(f"/releases/{licensed_release.pk}/licenses/").status_code == 403
    assert client.get(f"/releases/{licensed_release.pk}/licenses.csv").status_code == 403


def test_license_pages_need_a_sign_in(client, licensed_release):
    response = client.get(f"/releases/{licensed_release.pk}/licenses/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_comparison_reports_a_changed_license_but_not_a_respelling(licensed_git):
    repo, first, second = licensed_git
    old, new = ingest_release(str(repo), first).release, ingest_release(str(repo), second).release
    changes = [(c.component, c.before, c.after) for c in compare_releases(old, new).license_changes]
    assert changes == [("curl", "MIT OR Apache-2.0", "MIT")]  # zlib's "zlib" normalises to "Zlib": no change


def test_the_comparison_export_and_page_show_license_changes(auditor_client, licensed_git):
    repo, first, second = licensed_git
    old, new = ingest_release(str(repo), first).release, ingest_release(str(repo), second).release
    rows = list(csv.reader(io.StringIO(auditor_client.get(f"/compare.csv?old={old.pk}&new={new.pk}").content.decode())))
    assert ["license", "curl", "", "MIT OR Apache-2.0", "MIT"] in rows
    html = auditor_client.get(f"/compare/?old={old.pk}&new={new.pk}").content.decode()
    assert "License changes (1)" in html


def test_the_comparison_reports_a_binary_packages_own_license_change_once(subpackage_licensed_git):
    repo, first, second = subpackage_licensed_git
    old, new = ingest_release(str(repo), first).release, ingest_release(str(repo), second).release
    comparison = compare_releases(old, new)
    assert [(c.component, c.package, c.before, c.after) for c in comparison.package_license_changes] == [
        ("bash", "bash-devel", "LGPL-2.1-or-later", "LGPL-2.1-or-later AND MIT")]  # curl's packages inherit curl's
    assert [c.component for c in comparison.license_changes] == ["curl"]


def test_the_comparison_export_and_page_show_binary_package_license_changes(auditor_client, subpackage_licensed_git):
    repo, first, second = subpackage_licensed_git
    old, new = ingest_release(str(repo), first).release, ingest_release(str(repo), second).release
    rows = list(csv.reader(io.StringIO(auditor_client.get(f"/compare.csv?old={old.pk}&new={new.pk}").content.decode())))
    assert ["package license", "bash", "bash-devel", "LGPL-2.1-or-later", "LGPL-2.1-or-later AND MIT"] in rows
    html = auditor_client.get(f"/compare/?old={old.pk}&new={new.pk}").content.decode()
    assert "Binary packages (1)" in html and "<td>bash-devel</td>" in html


def _fedora(component, license_line):
    UpstreamVerification.objects.create(
        component=component, verdict="verified-intact", verified_at=timezone.now(),
        upstream_spec_blob_id=store_text(sample_repo.spec(component.name).replace("License: MIT", license_line)))


def test_the_package_page_says_when_the_license_differs_from_fedoras(auditor_client, licensed_release):
    _fedora(_component(licensed_release, "bash"), "License: GPL-2.0-or-later")
    html = auditor_client.get(f"/releases/{licensed_release.pk}/components/bash/").content.decode()
    assert "<strong>Differs from Fedora's</strong> <code>GPL-2.0-or-later</code>" in html


def test_the_package_page_compares_with_fedora_in_normal_form(auditor_client, licensed_release):
    _fedora(_component(licensed_release, "bash"), "License: GPL-3.0+")
    html = auditor_client.get(f"/releases/{licensed_release.pk}/components/bash/").content.decode()
    assert "The same as Fedora's." in html


def test_without_upstream_verification_the_package_page_says_it_did_not_compare(auditor_client, licensed_release):
    html = auditor_client.get(f"/releases/{licensed_release.pk}/components/bash/").content.decode()
    assert "Not compared with Fedora's: no upstream verification yet." in html


def test_a_fedora_license_that_does_not_expand_is_not_comparable(auditor_client, licensed_release):
    _fedora(_component(licensed_release, "bash"), "License: %{undefined_license_macro}")
    html = auditor_client.get(f"/releases/{licensed_release.pk}/components/bash/").content.decode()
    assert "Against Fedora: not comparable (the Fedora spec&#x27;s License does not expand" in html


def test_the_migration_parses_the_licenses_of_releases_ingested_before_it(licensed_release):
    from importlib import import_module

    BinaryPackage.objects.filter(component__release=licensed_release).update(license_expression=None)
    BinaryPackage.objects.filter(component__release=licensed_release, name="bash").update(license="")  # inherits
    Component.objects.filter(release=licensed_release).update(license_expression=None)
    LicenseExpression.objects.filter(release=licensed_release).delete()
    import_module("audits.migrations.0020_licenses").parse_existing_licenses(apps, SimpleNamespace())
    assert _component(licensed_release, "curl").license_expression.normalized == "MIT OR Apache-2.0"
    licences = dict(BinaryPackage.objects.filter(component__release=licensed_release, component__name="bash")
                    .values_list("name", "license_expression__family"))
    assert licences == {"bash": "strong-copyleft", "bash-devel": "weak-copyleft"}
