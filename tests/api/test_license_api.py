"""The license inventory endpoint, the license filters of the component list, parsed licenses in the detail,
License changes in the comparison (sample repository with tests.audits.sample_repo.LICENSES)."""

from django.test import Client

from audits.services.ingest import ingest_release


def test_the_license_inventory_endpoint_gives_keys_families_and_invalid_values(read_client, licensed_release):
    body = read_client.get(f"/api/v1/releases/{licensed_release.pk}/license-inventory/").json()
    assert (body["components"], body["binaries"]) == (4, 8)
    assert {"name": "LGPL-2.1-or-later", "components": 0, "binaries": 1} in body["by_key"]
    assert {"name": "strong-copyleft", "components": 1, "binaries": 1} in body["by_family"]
    assert body["invalid_values"] == [
        {"text": "GPLv2+", "error": "Unknown license key(s): GPLv2+", "components": 1, "binaries": 2}]


def test_the_license_inventory_endpoint_needs_the_read_scope(key_client, licensed_release):
    url = f"/api/v1/releases/{licensed_release.pk}/license-inventory/"
    assert key_client("export").get(url).status_code == 403
    assert Client().get(url).status_code == 401


def test_the_license_inventory_of_an_unknown_release_is_404(read_client, licensed_release):
    assert read_client.get(f"/api/v1/releases/{licensed_release.pk + 1000}/license-inventory/").status_code == 404


def test_components_are_filtered_by_license_family_validity_and_key(read_client, licensed_release):
    def names(query):
        rows = read_client.get(f"/api/v1/releases/{licensed_release.pk}/components/?{query}").json()["results"]
        return sorted(row["name"] for row in rows)

    assert names("license_family=permissive") == ["curl", "zlib"]
    assert names("license_valid=false") == ["mypkg"]
    assert names("license=Apache-2.0") == ["curl"]


def test_component_rows_carry_the_license_as_stated_normalised_and_its_family(read_client, licensed_release):
    rows = read_client.get(f"/api/v1/releases/{licensed_release.pk}/components/").json()["results"]
    licences = {row["name"]: (row["license"], row["license_normalized"], row["license_family"]) for row in rows}
    assert licences["curl"] == ("MIT OR Apache-2.0", "MIT OR Apache-2.0", "permissive")
    assert licences["mypkg"] == ("GPLv2+", "", "unknown")


def test_an_unknown_license_family_is_a_400(read_client, licensed_release):
    response = read_client.get(f"/api/v1/releases/{licensed_release.pk}/components/?license_family=viral")
    assert response.status_code == 400 and "license_family" in response.json()["errors"]


def test_a_component_detail_carries_the_parsed_license_of_the_component_and_its_packages(read_client, licensed_release):
    body = read_client.get(f"/api/v1/releases/{licensed_release.pk}/components/mypkg/").json()
    assert body["license_expression"] == {"text": "GPLv2+", "normalized": "", "valid": False,
                                          "error": "Unknown license key(s): GPLv2+", "keys": ["GPLv2+"],
                                          "family": "unknown"}
    bash = read_client.get(f"/api/v1/releases/{licensed_release.pk}/components/bash/").json()
    devel = next(b for b in bash["binary_packages"] if b["name"] == "bash-devel")
    assert devel["license_expression"]["normalized"] == "LGPL-2.1-or-later"


def test_the_comparison_lists_license_changes(read_client, licensed_git):
    repo, first, second = licensed_git
    old, new = ingest_release(str(repo), first).release, ingest_release(str(repo), second).release
    body = read_client.get(f"/api/v1/comparisons/?old={old.pk}&new={new.pk}").json()
    assert body["license_changes"] == [{"component": "curl", "before": "MIT OR Apache-2.0", "after": "MIT", "detail": ""}]


def test_the_license_inventory_of_an_image_counts_what_the_image_holds(read_client, licensed_image_release):
    vm = licensed_image_release.images.get(name="vm")
    body = read_client.get(f"/api/v1/releases/{licensed_image_release.pk}/license-inventory/?image={vm.pk}").json()
    assert (body["components"], body["binaries"]) == (4, 4)
    assert "LGPL-2.1-or-later" not in {row["name"] for row in body["by_key"]}


def test_an_image_of_another_release_is_404_and_a_malformed_one_400(read_client, licensed_image_release, licensed_release):
    vm = licensed_image_release.images.get(name="vm")
    url = f"/api/v1/releases/{licensed_release.pk}/license-inventory/"
    assert read_client.get(f"{url}?image={vm.pk}").status_code == 404
    assert read_client.get(f"{url}?image=vm").status_code == 400


def test_components_are_filtered_by_image_and_then_by_its_packages_licenses(read_client, licensed_image_release):
    vm = licensed_image_release.images.get(name="vm")

    def names(query):
        rows = read_client.get(f"/api/v1/releases/{licensed_image_release.pk}/components/?{query}").json()["results"]
        return sorted(row["name"] for row in rows)

    assert names(f"image={vm.pk}") == ["bash", "curl", "mypkg", "zlib"]
    assert names("license=LGPL-2.1-or-later") == ["bash"]
    assert names(f"image={vm.pk}&license=LGPL-2.1-or-later") == []


def test_the_comparison_lists_binary_package_license_changes(read_client, subpackage_licensed_git):
    repo, first, second = subpackage_licensed_git
    old, new = ingest_release(str(repo), first).release, ingest_release(str(repo), second).release
    body = read_client.get(f"/api/v1/comparisons/?old={old.pk}&new={new.pk}").json()
    assert body["package_license_changes"] == [{"component": "bash", "package": "bash-devel", "before": "LGPL-2.1-or-later",
                                                "after": "LGPL-2.1-or-later AND MIT", "detail": ""}]
