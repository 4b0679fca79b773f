"""Bundles built from the database: complete, exactly as ingested, deterministic, re-checkable, bounded queries."""

import io
import json

import pytest

from audits.models import ConfigFile, RenderedSpec
from audits.services.blobs import store_text
from evidence import oscal
from evidence.check import check_bundle
from evidence.models import EvidenceBundle
from evidence.services.bundles import (
    EvidenceError,
    build_component_bundle,
    build_release_bundle,
    create_component_bundle,
    create_release_bundle,
)
from tests.evidence.conftest import REQUESTED_AT, members

pytestmark = pytest.mark.django_db


def component_zip(release, name="bash"):
    return build_component_bundle(release, name, requested_by="audrey", requested_at=REQUESTED_AT)


def test_a_component_bundle_holds_its_config_files_exactly_as_ingested(release):
    content, manifest = component_zip(release)
    files = members(content)
    configs = [f for f in manifest["files"] if f["kind"] == "config-file"]
    assert configs
    for entry in configs:
        stored = ConfigFile.objects.get(release=release, path=entry["repository_path"])
        assert entry["sha256"] == stored.sha256
        assert files[entry["path"]] == stored.text.encode()
    assert "config/base/comps/bash/bash.comp.toml" in files


def test_a_component_bundle_holds_spec_history_report_and_passes_the_checker(release):
    content, manifest = component_zip(release)
    kinds = {f["kind"] for f in manifest["files"]}
    assert {"component-record", "rendered-spec", "git-history", "report-html", "report-pdf", "config-file"} <= kinds
    spec = RenderedSpec.objects.get(component__release=release, component__name="bash")
    entry = next(f for f in manifest["files"] if f["kind"] == "rendered-spec")
    assert entry["sha256"] == spec.sha256 and entry["repository_path"] == spec.path
    assert members(content)["report.pdf"].startswith(b"%PDF-")
    assert manifest["release"]["commit"] == release.commit.sha and manifest["requested_by"] == "audrey"
    assert check_bundle(io.BytesIO(content)).ok


def test_the_html_report_escapes_repository_text(release, drifting_bash):
    html = members(component_zip(release)[0])["report.html"].decode()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the overlay description
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html  # the undeclared diff


def test_a_verified_component_carries_the_verification_and_its_diffs(release, drifting_bash):
    files = members(component_zip(release)[0])
    assert json.loads(files["upstream/verification.json"])["verdict"] == "drift"
    assert files["upstream/undeclared-diff.diff"].decode() == drifting_bash.undeclared_diff
    assert files["upstream/declared-diff.diff"].decode() == drifting_bash.declared_diff


def test_a_verified_component_carries_the_fedora_spec_it_was_compared_with(release, drifting_bash):
    content, manifest = component_zip(release)
    assert members(content)["upstream/fedora.spec"].decode() == drifting_bash.upstream_spec
    (entry,) = [f for f in manifest["files"] if f["path"] == "upstream/fedora.spec"]
    assert entry["kind"] == "upstream-spec" and drifting_bash.upstream_commit in entry["description"]
    assert "upstream_spec" not in json.loads(members(content)["upstream/verification.json"])


def test_the_same_component_gives_the_same_bytes_twice(release):
    assert component_zip(release)[0] == component_zip(release)[0]


def test_a_stored_component_bundle_has_its_sbom_and_digests(release, auditor):
    bundle = create_component_bundle(release, "curl", user=auditor)
    files = members(bytes(bundle.content))
    (sbom,) = [f for f in bundle.manifest["files"] if f["kind"] == "sbom"]
    assert json.loads(files[sbom["path"]])["bomFormat"] == "CycloneDX"
    assert bundle.size == len(bytes(bundle.content)) and bundle.requested_by == auditor
    assert bundle.manifest["notes"][0].startswith("No signature bundles are included")


def test_an_unknown_component_is_an_evidence_error(release):
    with pytest.raises(EvidenceError, match="no component 'nope'"):
        create_component_bundle(release, "nope")


def release_zip(release):
    content, manifest, _ = build_release_bundle(release, requested_by="manny", requested_at=REQUESTED_AT)
    return content, manifest


def test_the_release_bundle_holds_every_component_and_release_level_files(release):
    content, manifest = release_zip(release)
    paths = {f["path"] for f in manifest["files"]}
    for name in release.components.values_list("name", flat=True):
        assert f"components/{name}/component.json" in paths and f"components/{name}/history.json" in paths
    assert {"release/summary.json", "release/inconsistencies.json", "report.html", "report.pdf",
            "oscal/assessment-results.json", "oscal/findings.csv"} <= paths
    assert sum(1 for p in paths if p.startswith("config/")) == ConfigFile.objects.filter(release=release).count()
    assert any(n.startswith("No SBOM of this release is stored yet") for n in manifest["notes"])
    assert check_bundle(io.BytesIO(content)).ok


def test_the_release_bundle_includes_the_stored_release_sboms(release):
    from sbom.services.generate import generate_release_documents

    generate_release_documents(release)
    content, manifest = release_zip(release)
    assert len([f for f in manifest["files"] if f["kind"] == "sbom"]) == 3
    fragment = json.loads(members(content)["components/bash/sbom-fragment.cdx.json"])
    assert fragment["bom-ref"] == "src/bash" and fragment["name"] == "bash"
    assert {f["path"].split("/")[1] for f in manifest["files"] if f["kind"] == "sbom-fragment"} == set(
        release.components.values_list("name", flat=True))


def test_the_release_bundle_is_deterministic(release, drifting_bash):
    assert release_zip(release)[0] == release_zip(release)[0]


def test_the_release_oscal_is_valid_and_points_at_the_bundle_files(release, drifting_bash):
    content, manifest = release_zip(release)
    files = members(content)
    document = json.loads(files["oscal/assessment-results.json"])
    assert oscal.validate(document) == []
    digests = {f["path"]: f["sha256"] for f in manifest["files"]}
    rlinks = [link for r in document["assessment-results"]["back-matter"]["resources"] for link in r.get("rlinks", [])]
    assert rlinks and all(digests[link["href"]] == link["hashes"][0]["value"] for link in rlinks)
    controls = {(f["title"].split(":")[0], f["target"]["target-id"]) for f in document["assessment-results"]["results"][0]["findings"]}
    assert {("bash", "cm-3_smt"), ("bash", "cm-2_smt"), ("bash", "sr-4_smt")} <= controls


def test_the_release_bundle_reads_the_database_in_a_fixed_number_of_queries(release, django_assert_max_num_queries):
    with django_assert_max_num_queries(22):  # with the decisions' fixed few (evidence/services/decisions.py)
        release_zip(release)


def test_a_stored_release_bundle_records_requester_and_digests(release, release_manager):
    bundle = create_release_bundle(release, user=release_manager)
    assert EvidenceBundle.objects.get() == bundle and bundle.component_name == ""
    assert bundle.manifest["requested_by"] == "manny" and bundle.generator_version
    assert len(bundle.sha256) == 64 and len(bundle.sha512) == 128


def test_a_registered_signature_provider_adds_its_files_to_both_scopes(release, monkeypatch):
    from evidence.services import providers
    from evidence.zipwriter import BundleFile

    calls = []

    def provider(release_, components):
        calls.append(components)
        return [BundleFile("signatures/release.cdx.json.sigstore.json", b'{"mediaType": "test"}', "signature-bundle",
                           "Sigstore bundle of the release CycloneDX document", "application/json")]

    monkeypatch.setattr(providers, "_signature_providers", [])
    providers.register_signature_provider(provider)
    _, component_manifest = component_zip(release)
    _, release_manifest = release_zip(release)
    assert calls == [["bash"], None]
    for manifest in (component_manifest, release_manifest):
        assert "signatures/release.cdx.json.sigstore.json" in {f["path"] for f in manifest["files"]}
        assert not any(n.startswith("No signature bundles") for n in manifest["notes"])


def test_hostile_repository_paths_become_safe_entry_names(release):
    ConfigFile.objects.create(release=release, path="../../etc/cron.d/x y.toml", sha256="0" * 64, size=1, blob_id=store_text("x"))
    content, manifest = release_zip(release)
    hostile = next(f for f in manifest["files"] if f["description"].startswith("Configuration file as stored"))
    assert hostile["path"] == "config/_/_/etc/cron.d/x_y.toml" and "repository_path" not in hostile
    assert check_bundle(io.BytesIO(content)).ok
