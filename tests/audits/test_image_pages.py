"""Images through the ingest, the image page and its CSV/XLSX export (the API: tests/api/test_images_api.py), with the synthetic repository of
tests/audits/image_repo.py (curl requires zlib; bash is altered and requires coreutils, which nothing builds)."""

import csv
import io

import pytest
from openpyxl import load_workbook

from access.models import AccessLog
from audits.models import Image
from tests.audits import image_repo

pytestmark = pytest.mark.django_db


@pytest.fixture
def image_release(tmp_path, allow_local_sources):
    return image_repo.ingest(tmp_path)


def vm(release) -> Image:
    return release.images.get(name="vm")


def page(release, image) -> str:
    return f"/releases/{release.pk}/images/{image.pk}/"


def test_the_ingest_stores_each_image_with_its_profile_and_counts(image_release):
    rows = {i.name: (i.profile, i.profiles, i.direct_count, i.closure_count, i.error) for i in image_release.images.all()}
    assert rows == {
        "vm": ("", [], 4, 5, ""),
        "box-core": ("core", ["core"], 1, 1, ""),
        "box-full": ("full", ["full", "core"], 2, 2, ""),
    }


def test_the_ingest_links_each_package_to_its_component_and_how_it_got_there(image_release):
    rows = {p.name: (p.role, p.component.name if p.component else None, p.sections, p.required_by)
            for p in vm(image_release).packages.all()}
    assert rows == {
        "bash": ("direct", "bash", ["image"], ""),
        "curl": ("direct", "curl", ["image"], ""),
        "mypkg": ("direct", "mypkg", ["oem"], ""),
        "no-such-package": ("direct", None, ["image"], ""),
        "zlib": ("closure", "zlib", [], "curl"),
        "curl-devel": ("removed", "curl", ["delete"], ""),
        "core-group": ("listed", None, ["image"], ""),
        "root.tar.gz": ("listed", None, ["image"], ""),
    }
    assert [u["requirement"] for u in vm(image_release).unresolved_requires] == ["coreutils", "/bin/sh"]


def test_the_release_page_links_every_image(auditor_client, image_release):
    html = auditor_client.get(f"/releases/{image_release.pk}/").content.decode()
    for image in image_release.images.all():
        assert f'href="{page(image_release, image)}"' in html


def test_the_image_page_gives_the_figures_and_says_the_closure_is_spec_metadata(auditor_client, image_release):
    response = auditor_client.get(page(image_release, vm(image_release)))
    html = response.content.decode()
    assert response.status_code == 200
    assert "from spec metadata, not from a dependency solver" in html
    assert "4 packages listed by the description; 5 with the closure;" in html
    assert "1 of them from Fedora-intact components" in html  # curl
    # bash (altered), mypkg (local), zlib (build-customised)
    assert '<a href="#altered">3 from components that are not Fedora-intact</a>' in html
    assert "no-such-package</code>: no binary package of the release is named no-such-package" in html
    assert 'id="licenses"' in html


def test_the_image_page_chart_filters_the_table_by_classification(auditor_client, image_release):
    html = auditor_client.get(page(image_release, vm(image_release)) + "?headline=unresolved").content.decode()
    table = html.split('id="packages"', 1)[1]
    assert "no-such-package" in table and ">curl<" not in table


def test_the_image_page_reads_in_a_fixed_number_of_queries(auditor_client, image_release, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):  # 12, and the license summary's three grouped queries
        auditor_client.get(page(image_release, vm(image_release)))


def test_an_image_of_another_release_is_not_found(auditor_client, image_release):
    assert auditor_client.get(f"/releases/{image_release.pk + 1}/images/{vm(image_release).pk}/").status_code == 404


def test_a_user_without_a_role_sees_no_image_page_and_no_export(client, outsider, image_release):
    client.force_login(outsider)
    image = vm(image_release)
    assert client.get(page(image_release, image)).status_code == 403
    assert client.get(page(image_release, image) + "packages.csv").status_code == 403


def test_the_csv_export_has_every_package_row_and_is_logged(auditor_client, image_release):
    response = auditor_client.get(page(image_release, vm(image_release)) + "packages.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 8
    zlib = next(r for r in rows if r["name"] == "zlib")
    assert (zlib["role"], zlib["component"], zlib["headline"], zlib["required_by"], zlib["requirement"]) == (
        "closure", "zlib", "build-customised", "curl", "zlib")
    assert AccessLog.objects.filter(target__startswith="packages of image vm").exists()


def test_the_xlsx_export_holds_the_same_rows(auditor_client, image_release):
    response = auditor_client.get(page(image_release, vm(image_release)) + "packages.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 9 and [c.value for c in sheet[1]][:3] == ["name", "role", "binary"]
