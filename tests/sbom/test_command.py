"""`manage.py sbom`: the stored document written to a file or standard output, and clear errors."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from sbom.choices import SbomFormat
from sbom.models import SbomDocument

pytestmark = pytest.mark.django_db


def stored(release, fmt, component=""):
    return bytes(SbomDocument.objects.get(release=release, component_name=component, format=fmt).content)


@pytest.mark.parametrize("fmt", SbomFormat.values)
def test_the_release_document_is_generated_and_written_as_stored(release, tmp_path, fmt):
    target = tmp_path / "out"
    call_command("sbom", str(release.pk), "--format", fmt, "--output", str(target), stderr=io.StringIO())
    assert target.read_bytes() == stored(release, fmt)


def test_a_stored_document_is_written_without_generating_again(release, generated, tmp_path):
    SbomDocument.objects.filter(release=release, format=SbomFormat.SPDX_JSON).update(content=b"{}", size=2)
    target = tmp_path / "out.json"
    call_command("sbom", str(release.pk), "--format", "spdx-json", "--output", str(target), stderr=io.StringIO())
    assert target.read_bytes() == b"{}"


def test_a_component_document_by_commit_prefix_goes_to_standard_output(release):
    out = io.StringIO()
    call_command("sbom", release.commit.sha[:10], "--format", "cyclonedx-json", "--component", "curl",
                 "--output", "-", stdout=out)
    assert out.getvalue().encode() == stored(release, SbomFormat.CYCLONEDX_JSON, "curl")
    assert [c["name"] for c in json.loads(out.getvalue())["components"]] == ["curl"]


def test_an_unknown_release_is_a_clear_error(release, tmp_path):
    with pytest.raises(CommandError, match="no release '99999'"):
        call_command("sbom", "99999", "--format", "spdx-json", "--output", str(tmp_path / "x"))


def test_an_unknown_component_is_a_clear_error(release, tmp_path):
    with pytest.raises(CommandError, match="has no component 'nope'"):
        call_command("sbom", str(release.pk), "--format", "spdx-json", "--component", "nope",
                     "--output", str(tmp_path / "x"))


def test_an_unknown_format_is_a_clear_error(release, tmp_path):
    with pytest.raises(CommandError, match="invalid choice: 'pdf'"):
        call_command("sbom", str(release.pk), "--format", "pdf", "--output", str(tmp_path / "x"))


def test_an_unwritable_output_is_a_clear_error(release, tmp_path):
    with pytest.raises(CommandError, match="cannot write .*missing/out.json: No such file or directory"):
        call_command("sbom", str(release.pk), "--format", "spdx-json", "--component", "curl",
                     "--output", str(tmp_path / "missing" / "out.json"))
