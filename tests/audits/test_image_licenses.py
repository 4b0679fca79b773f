"""The license inventory of an image: counted over what the image holds, its summary on the image page, the full
page, CSV/XLSX, and the package table's `image` filter (tests.audits.image_repo with sample_repo.LICENSES: the vm
holds curl, bash, mypkg and zlib from the closure, not bash-devel, which states LGPL-2.1-or-later)."""

import csv
import io

import pytest
from openpyxl import load_workbook

from audits.models import Component
from audits.services.licenses import image_license_inventory, license_inventory

pytestmark = pytest.mark.django_db


def _vm(release):
    return release.images.get(name="vm")


def _table(client, release, query):
    response = client.get(f"/releases/{release.pk}/?{query}")
    assert response.status_code == 200
    return sorted(c.name for c in response.context["page"])


def test_the_image_inventory_counts_only_the_binary_packages_the_image_holds(licensed_image_release):
    inventory = image_license_inventory(_vm(licensed_image_release))
    assert (inventory.components, inventory.binaries) == (4, 4)
    keys = {c.name: (c.components, c.binaries) for c in inventory.by_key}
    assert "LGPL-2.1-or-later" not in keys  # bash-devel is not in the image
    assert keys["GPL-3.0-or-later"] == (1, 1)
    assert [(i.text, i.components, i.binaries) for i in inventory.invalid_values] == [("GPLv2+", 1, 1)]


def test_the_release_inventory_still_counts_every_binary_package(licensed_image_release):
    inventory = license_inventory(Component.objects.filter(release=licensed_image_release))
    assert {c.name: c.binaries for c in inventory.by_key}["LGPL-2.1-or-later"] == 1


def test_a_profile_image_counts_its_own_packages(licensed_image_release):
    core = image_license_inventory(licensed_image_release.images.get(name="box-core"))
    assert (core.components, core.binaries) == (1, 1)
    assert [c.name for c in core.by_key] == ["Zlib"]


def test_the_image_page_summarises_the_licenses_and_links_to_the_full_inventory(auditor_client, licensed_image_release):
    vm = _vm(licensed_image_release)
    html = auditor_client.get(f"/releases/{licensed_image_release.pk}/images/{vm.pk}/").content.decode()
    assert "4 components and 4 binary packages of this image" in html
    assert f"/releases/{licensed_image_release.pk}/licenses/?image={vm.pk}" in html
    assert f"?image={vm.pk}&amp;license_family=strong-copyleft#packages" in html


def test_the_image_inventory_page_links_each_figure_to_the_images_packages(auditor_client, licensed_image_release):
    vm = _vm(licensed_image_release)
    response = auditor_client.get(f"/releases/{licensed_image_release.pk}/licenses/?image={vm.pk}")
    html = response.content.decode()
    assert response.context["inventory"].binaries == 4
    assert "License inventory of image vm" in html
    assert f"?image={vm.pk}&amp;license=GPL-3.0-or-later#packages" in html
    assert f"licenses.csv?image={vm.pk}" in html


def test_an_image_of_another_release_or_no_image_id_is_a_404(auditor_client, licensed_image_release, release):
    vm = _vm(licensed_image_release)
    assert auditor_client.get(f"/releases/{release.pk}/licenses/?image={vm.pk}").status_code == 404
    assert auditor_client.get(f"/releases/{licensed_image_release.pk}/licenses/?image=vm").status_code == 404
    assert auditor_client.get(f"/releases/{release.pk}/licenses.csv?image={vm.pk}").status_code == 404


def test_the_image_inventory_exports_as_csv_and_xlsx(auditor_client, licensed_image_release):
    vm = _vm(licensed_image_release)
    response = auditor_client.get(f"/releases/{licensed_image_release.pk}/licenses.csv?image={vm.pk}")
    assert f"-image-{vm.pk}-licenses.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["invalid", "GPLv2+", "1", "1", "Unknown license key(s): GPLv2+"] in rows
    assert not [row for row in rows if row[1] == "LGPL-2.1-or-later"]
    response = auditor_client.get(f"/releases/{licensed_image_release.pk}/licenses.xlsx?image={vm.pk}")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)).active
    assert ["license", "Zlib", "1", "1", ""] in [[str(c) if c is not None else "" for c in row]
                                                  for row in sheet.iter_rows(values_only=True)]


def test_the_image_inventory_needs_a_role(client, outsider, licensed_image_release):
    client.force_login(outsider)
    url = f"/releases/{licensed_image_release.pk}/licenses/?image={_vm(licensed_image_release).pk}"
    assert client.get(url).status_code == 403


def test_the_image_filter_lists_the_components_the_image_holds(auditor_client, licensed_image_release):
    box = licensed_image_release.images.get(name="box-full")
    assert _table(auditor_client, licensed_image_release, f"image={box.pk}") == ["bash", "zlib"]


def test_with_an_image_the_license_filters_count_only_its_binary_packages(auditor_client, licensed_image_release):
    vm = _vm(licensed_image_release)
    assert _table(auditor_client, licensed_image_release, "license=LGPL-2.1-or-later") == ["bash"]
    assert _table(auditor_client, licensed_image_release, f"image={vm.pk}&license=LGPL-2.1-or-later") == []
    assert _table(auditor_client, licensed_image_release, f"image={vm.pk}&license_family=strong-copyleft") == ["bash"]


def test_the_component_export_follows_the_image_filter(auditor_client, licensed_image_release):
    box = licensed_image_release.images.get(name="box-core")
    text = auditor_client.get(f"/releases/{licensed_image_release.pk}/components.csv?image={box.pk}").content.decode()
    assert [row["name"] for row in csv.DictReader(io.StringIO(text))] == ["zlib"]
