"""Image contents and closures (audits.images) over a small directory tree and synthetic binary packages."""

from pathlib import Path

from audits.azldev.tree import DirectoryTree
from audits.images import ReleaseBinary, fill_images, image_selections
from audits.rpmspec.identity import BinaryIdentity


def binary(component, name, requires=(), provides=(), arch="x86_64"):
    return ReleaseBinary(component, BinaryIdentity(name, "", "1", "1", "MIT", "", arch, tuple(requires), tuple(provides)), "rpm-base")


def analyse_images(tree, definitions, binaries, **kwargs):
    return fill_images(image_selections(tree, definitions), binaries, **kwargs)


def image_of(tmp_path: Path, packages: str, binaries, *, profile="", files=None, **kwargs):
    kiwi = f'<image name="t"><preferences><type image="oem"/></preferences>{packages}</image>'
    for rel, text in {"images/t.kiwi": kiwi, **(files or {})}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    definition = {"type": "kiwi", "path": "t.kiwi", **({"profile": profile} if profile else {})}
    [record] = analyse_images(DirectoryTree(tmp_path), [("t", {"definition": definition}, "images/images.toml")], binaries, **kwargs)
    return record


def by_name(record):
    return {p.name: p for p in record.packages}


def test_a_listed_package_maps_to_its_source_component_and_channel(tmp_path):
    record = image_of(tmp_path, '<packages type="image"><package name="bash"/></packages>', [binary("bash-src", "bash")])
    row = by_name(record)["bash"]
    assert (row.role, row.binary, row.component, row.channel) == ("direct", "bash", "bash-src", "rpm-base")


def test_requirements_are_followed_transitively_through_names_and_explicit_provides(tmp_path):
    binaries = [binary("a", "a", ["b >= 2"]), binary("b", "b", ["virtual-thing"]), binary("c", "c-impl", provides=["virtual-thing = 1"])]
    record = image_of(tmp_path, '<packages type="image"><package name="a"/></packages>', binaries)
    rows = by_name(record)
    assert (rows["b"].role, rows["b"].required_by, rows["b"].requirement) == ("closure", "a", "b >= 2")
    assert (rows["c-impl"].role, rows["c-impl"].component, rows["c-impl"].required_by) == ("closure", "c", "b")
    assert record.count("direct", "closure") == 3


def test_an_isa_requirement_resolves_to_the_arch_specific_package_only(tmp_path):
    binaries = [binary("a", "a", ["a-libs(x86-64) = 1-1", "data(x86-64)"]), binary("a", "a-libs"), binary("d", "data", arch="noarch")]
    record = image_of(tmp_path, '<packages type="image"><package name="a"/></packages>', binaries)
    assert by_name(record)["a-libs"].role == "closure"
    assert [u["requirement"] for u in record.unresolved_requires] == ["data(x86-64)"]


def test_unresolvable_requirements_are_listed_with_the_reason_not_guessed(tmp_path):
    binaries = [binary("a", "a", ["/bin/sh", "(x or y)", "libfoo.so.1()(64bit)", "web"]), binary("w1", "w1", provides=["web"]),
                binary("w2", "w2", provides=["web"])]
    record = image_of(tmp_path, '<packages type="image"><package name="a"/></packages>', binaries)
    reasons = {u["requirement"]: u["reason"] for u in record.unresolved_requires}
    assert set(reasons) == {"/bin/sh", "(x or y)", "libfoo.so.1()(64bit)", "web"}
    assert "rich (boolean)" in reasons["(x or y)"] and "several binary packages" in reasons["web"]
    assert record.count("closure") == 0


def test_a_listed_name_nothing_builds_is_unresolved_with_the_package_group_that_lists_it(tmp_path):
    record = image_of(tmp_path, '<packages type="image"><package name="ghost"/></packages>', [],
                      package_groups={"ghost": ("base-packages", "rpm-base")})
    row = by_name(record)["ghost"]
    assert (row.role, row.binary, row.component) == ("direct", "", "")
    assert row.unresolved.startswith("listed in package group base-packages, but no expanded spec of the release builds it")


def test_a_listed_name_of_a_component_without_resolved_packages_says_so(tmp_path):
    record = image_of(tmp_path, '<packages type="image"><package name="systemd"/></packages>', [],
                      unresolved_components={"systemd": "packages: a lua loop"})
    assert by_name(record)["systemd"].unresolved == "component systemd has no resolved binary packages (packages: a lua loop)"


def test_an_ignored_package_is_never_pulled_in(tmp_path):
    packages = '<packages type="image"><package name="a"/><ignore name="b"/></packages>'
    record = image_of(tmp_path, packages, [binary("a", "a", ["b"]), binary("b", "b")])
    assert by_name(record)["b"].role == "ignored"
    assert record.unresolved_requires == [{"package": "a", "requirement": "b", "reason": "resolves to b, which the description ignores"}]


def test_a_deleted_package_leaves_the_image(tmp_path):
    packages = '<packages type="bootstrap"><package name="a"/></packages><packages type="delete"><package name="a"/></packages>'
    record = image_of(tmp_path, packages, [binary("a", "a")])
    assert [(p.name, p.role) for p in record.packages] == [("a", "removed")]


def test_a_package_listed_in_two_sections_and_arches_is_one_row(tmp_path):
    packages = """<packages type="image"><package name="shim" arch="x86_64"/></packages>
                  <packages type="bootstrap"><package name="shim" arch="aarch64"/></packages>"""
    record = image_of(tmp_path, packages, [binary("shim", "shim")])
    [row] = record.packages
    assert (row.sections, row.arches) == (["image", "bootstrap"], ["x86_64", "aarch64"])


def test_collections_and_archives_are_listed_not_expanded(tmp_path):
    record = image_of(tmp_path, '<packages type="image"><namedCollection name="base"/><archive name="r.tgz"/></packages>', [])
    assert [(p.name, p.role, p.kind) for p in record.packages] == [("base", "listed", "namedCollection"), ("r.tgz", "listed", "archive")]
    assert record.count("direct", "closure") == 0


def test_the_kiwi_path_is_relative_to_the_images_toml_and_the_profile_is_recorded(tmp_path):
    packages = '<packages type="image" profiles="p"><package name="a"/></packages>'
    profiles = '<profiles><profile name="p"/></profiles>'
    record = image_of(tmp_path, profiles + packages, [binary("a", "a")], profile="p")
    assert (record.kiwi_path, record.profile, record.profiles, record.build_types) == ("images/t.kiwi", "p", ["p"], ["oem"])


def test_an_unknown_profile_is_the_images_error_and_it_has_no_packages(tmp_path):
    record = image_of(tmp_path, '<packages type="image"><package name="a"/></packages>', [binary("a", "a")], profile="nope")
    assert "profile 'nope' is not defined" in record.error and record.packages == []


def test_a_definition_that_is_not_kiwi_is_an_error(tmp_path):
    [record] = analyse_images(DirectoryTree(tmp_path), [("x", {"definition": {"type": "qcow"}}, "images.toml")], [])
    assert record.error == "image x: definition type 'qcow' is not read (only kiwi)"
