"""The newest azldev format on real files: per-file overlay documents with file-level metadata.

`newer-format-samples/` is not one consistent checkout (its README says so): its
components.toml still lists four components that also have their own .comp.toml,
two literal includes were not collected, and one overlay document is an older
version without the now-required [metadata] table. The tests check that the samples
as collected are rejected for exactly these reasons; the others copy the samples to a
temporary directory, drop those four bare lines and that one document, add the two
missing files empty, and load the rest unchanged.
"""

import shutil
import tomllib
from pathlib import Path

import pytest

from audits.azldev.loader import ConfigError, load_project
from audits.azldev.resolve import OVERLAY_FILE_LAYER, resolve_components
from audits.azldev.tree import DirectoryTree
from tests.support.corpus import corpus_dir, require

pytestmark = pytest.mark.corpus

DUPLICATED_BARE_ENTRIES = ("authselect", "cpp-httplib", "cronie", "golang-github-klauspost-compress")
MISSING_LITERAL_INCLUDES = ("base/images/images.toml", "base/packages/packages.toml")
DOCUMENT_WITHOUT_METADATA = (
    "base/comps/golang-github-envoyproxy-control-plane/overlays/0001-disable-dynamic-buildrequires-generation.overlay.toml"
)


def copy_samples(tmp_path: Path) -> Path:
    source = require(corpus_dir() / "newer-format-samples", "the newer-format samples")
    root = tmp_path / "samples"
    shutil.copytree(source, root)
    for path in root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return root


def drop_duplicate_entries(root: Path) -> None:
    components = root / "base/comps/components.toml"
    lines = components.read_text().splitlines(keepends=True)
    drop = {f"[components.{name}]\n" for name in DUPLICATED_BARE_ENTRIES}
    components.write_text("".join(line for line in lines if line not in drop))


def add_missing_includes(root: Path) -> None:
    for rel in MISSING_LITERAL_INCLUDES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("")


@pytest.fixture
def resolved(tmp_path):
    root = copy_samples(tmp_path)
    drop_duplicate_entries(root)
    add_missing_includes(root)
    (root / DOCUMENT_WITHOUT_METADATA).unlink()
    tree = DirectoryTree(root)
    return root, {c.name: c for c in resolve_components(load_project(tree), tree)}


def test_the_samples_as_collected_are_rejected_for_their_duplicate_component(tmp_path):
    root = copy_samples(tmp_path)
    with pytest.raises(ConfigError, match="component 'authselect' is already defined in base/comps/components.toml"):
        load_project(DirectoryTree(root))


def test_an_overlay_document_without_metadata_is_rejected_naming_it(tmp_path):
    root = copy_samples(tmp_path)
    drop_duplicate_entries(root)
    add_missing_includes(root)
    tree = DirectoryTree(root)
    with pytest.raises(ConfigError, match=f"{DOCUMENT_WITHOUT_METADATA}: .*missing required key 'metadata'"):
        resolve_components(load_project(tree), tree)


def test_every_overlay_document_contributes_its_overlays_in_file_name_order(resolved):
    root, components = resolved
    for comp_file in sorted((root / "base/comps").glob("*/*.comp.toml")):
        name = comp_file.parent.name
        documents = sorted((comp_file.parent / "overlays").glob("*.overlay.toml"))
        expected = [o for doc in documents for o in tomllib.loads(doc.read_text())["overlays"]]
        from_files = [o for o in components[name].overlays if o.layer == OVERLAY_FILE_LAYER]
        assert [o.fields for o in from_files] == expected, name


def test_file_level_metadata_is_stamped_on_each_overlay_of_the_document(resolved):
    root, components = resolved
    document = root / "base/comps/sssd/overlays/0001-remove-gdm-pam-extensions.overlay.toml"
    metadata = tomllib.loads(document.read_text())["metadata"]
    overlays = [o for o in components["sssd"].overlays if o.defined_in.endswith("0001-remove-gdm-pam-extensions.overlay.toml")]
    assert overlays and all(o.metadata == metadata for o in overlays)


def test_inline_overlay_metadata_sub_tables_are_kept(resolved):
    _, components = resolved
    overlays = components["libidn"].overlays
    assert overlays and all(o.metadata and o.metadata["category"] for o in overlays)


def test_the_overlay_files_default_comes_from_the_project_default_component_config(resolved):
    _, components = resolved
    assert components["sssd"].provenance["overlay-files"] == "project"
