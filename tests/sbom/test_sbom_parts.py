"""The SBOM job keeps the per-component parts of the release CycloneDX JSON (sbom.SbomPart) and the
next commit's document reuses them, byte-identical to a full generation (tests/sbom/test_cyclonedx_parts.py
has the assembling itself)."""

import pytest
from django.db import DatabaseError

from audits.services.ingest import ingest_release
from sbom.choices import SbomFormat
from sbom.models import SbomDocument, SbomPart
from sbom.services import cyclonedx, cyclonedx_parts, parts
from sbom.services.generate import generate_release_documents, load_release_facts, options_from_settings
from tests.audits import sample_repo
from tests.sbom.conftest import set_identities
from tests.support.gitrepo import commit_all, write_files

pytestmark = pytest.mark.django_db


def full(facts, fmt: str = SbomFormat.CYCLONEDX_JSON) -> bytes:
    to_bytes = cyclonedx.to_xml if fmt == SbomFormat.CYCLONEDX_XML else cyclonedx.to_json
    return to_bytes(cyclonedx.build_bom(facts, options=options_from_settings()), cyclonedx.compositions_of(facts))


def stored_json(release, fmt: str = SbomFormat.CYCLONEDX_JSON) -> bytes:
    return bytes(SbomDocument.objects.get(release=release, component_name="", format=fmt).content)


def from_parts(release) -> parts.PartsDocument:
    return parts.release_json(load_release_facts(release), options_from_settings())


@pytest.fixture
def next_release(release, generated, tmp_path):
    """The next commit of the repository, which changes zlib's spec only."""
    repo = tmp_path / "distro-config"
    write_files(repo, {"specs/z/zlib/zlib.spec": sample_repo.spec("zlib", "1.3").replace(
        "Summary: The zlib package", "Summary: The zlib compression library")})
    commit_all(repo, "zlib: a better summary", date="2026-03-02T12:00:00+00:00")
    newer = ingest_release(str(repo), "main").release
    set_identities(newer)
    return newer


@pytest.mark.parametrize("fmt", [SbomFormat.CYCLONEDX_JSON, SbomFormat.CYCLONEDX_XML])
def test_the_job_stores_release_documents_byte_identical_to_a_full_generation(release, generated, fmt):
    assert stored_json(release, fmt) == full(load_release_facts(release), fmt)


def test_the_job_stores_a_json_and_an_xml_part_per_component(release, generated):
    assert release.components.count() == 5
    assert sorted(SbomPart.objects.values_list("format", flat=True)) == sorted(list(cyclonedx_parts.PART_FORMATS.values()) * 5)
    assert set(SbomPart.objects.values_list("generator_version", flat=True)) == {cyclonedx_parts.generator_version()}


def test_a_second_generation_reuses_every_part(release, generated):
    again = from_parts(release)
    assert (again.assembled.reused, again.assembled.built, again.assembled.content) == (5, 0, stored_json(release))


def test_the_next_commit_rebuilds_only_the_changed_component(next_release):
    assembled = from_parts(next_release).assembled
    assert (assembled.reused, assembled.built, list(assembled.fresh)) == (4, 1, [_key_of(next_release, "zlib")])
    xml = parts.release_documents(load_release_facts(next_release), options_from_settings())["xml"].assembled
    assert (xml.reused, xml.built, xml.content) == (4, 1, full(load_release_facts(next_release), SbomFormat.CYCLONEDX_XML))
    assert assembled.content == full(load_release_facts(next_release))


def test_the_next_commits_job_stores_the_byte_identical_documents_and_the_new_parts(next_release):
    generate_release_documents(next_release)
    facts = load_release_facts(next_release)
    assert stored_json(next_release) == full(facts)
    assert stored_json(next_release, SbomFormat.CYCLONEDX_XML) == full(facts, SbomFormat.CYCLONEDX_XML)
    assert SbomPart.objects.count() == 12


def _key_of(release, name: str) -> str:
    plan = cyclonedx_parts.plan(load_release_facts(release))
    return next(key for c, key in zip(plan.components, plan.keys["json"]) if c.name == name)


def test_a_corrupt_part_row_is_rebuilt_and_replaced(release, generated):
    key = _key_of(release, "curl")
    SbomPart.objects.filter(key=key).update(body='{"name": "forged"}')
    result = from_parts(release)
    assert (result.corrupt, result.assembled.built, result.assembled.content) == ([key], 1, stored_json(release))
    parts.store_parts(result)
    assert from_parts(release).corrupt == [] and SbomPart.objects.get(key=key).body != '{"name": "forged"}'


def test_a_missing_part_row_is_rebuilt(release, generated):
    SbomPart.objects.filter(key=_key_of(release, "bash")).delete()
    result = from_parts(release)
    assert (result.assembled.built, result.assembled.content) == (1, stored_json(release))


def test_storing_parts_deletes_the_rows_of_another_generator_version(release, generated):
    SbomPart.objects.create(key="0" * 64, format=cyclonedx_parts.PART_FORMATS["json"], generator_version="parts0/old",
                            body="{}", digest="")
    parts.store_parts(from_parts(release))
    assert not SbomPart.objects.filter(generator_version="parts0/old").exists()


def test_with_the_parts_off_the_job_writes_no_parts_and_the_same_bytes(release, settings):
    settings.PEDIGREE_SBOM_PARTS = False
    generate_release_documents(release)
    assert SbomPart.objects.count() == 0 and stored_json(release) == full(load_release_facts(release))


def test_parts_that_cannot_be_stored_do_not_fail_the_generation(release, monkeypatch):
    def refuse(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(SbomPart.objects, "bulk_create", refuse)
    generate_release_documents(release)
    assert SbomPart.objects.count() == 0 and stored_json(release) == full(load_release_facts(release))
