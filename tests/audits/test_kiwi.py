"""The KIWI parser (audits.kiwi) on small synthetic descriptions."""

import pytest

from audits.kiwi import KiwiError, parse_kiwi


def kiwi(body: str, profiles: str = "", types: str = '<type image="oem"/>') -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<image schemaversion="8.3" name="test">
  {f"<profiles>{profiles}</profiles>" if profiles else ""}
  <preferences><version>1</version>{types}</preferences>
  {body}
</image>""".encode()


PROFILES = """
  <profile name="small" description="Small" import="true"/>
  <profile name="big" description="Big"><requires profile="small"/></profile>
  <profile name="huge" description="Huge"><requires profile="big"/></profile>
"""


def names(selection):
    return [(i.kind, i.name, i.section) for i in selection.items]


def test_packages_of_an_image_section_are_read_in_order_with_their_section():
    d = parse_kiwi(kiwi('<packages type="image"><package name="bash"/><package name="zlib"/></packages>'), "a.kiwi")
    assert names(d.select()) == [("package", "bash", "image"), ("package", "zlib", "image")]


def test_every_item_kind_of_a_section_is_kept_with_its_kind():
    body = """<packages type="image"><package name="p"/><namedCollection name="g"/><archive name="a.tgz"/>
              <ignore name="i"/><collectionModule name="m"/><product name="pr"/></packages>"""
    kinds = [i.kind for i in parse_kiwi(kiwi(body), "a.kiwi").items]
    assert kinds == ["package", "namedCollection", "archive", "ignore", "collectionModule", "product"]


def test_the_arch_attribute_is_a_comma_list():
    d = parse_kiwi(kiwi('<packages type="bootstrap"><package name="shim" arch="x86_64, aarch64"/></packages>'), "a.kiwi")
    assert d.items[0].arches == ("x86_64", "aarch64")


def test_a_profile_selects_the_profiles_it_requires_transitively():
    d = parse_kiwi(kiwi("", PROFILES), "a.kiwi")
    assert d.select("huge").profiles == ("huge", "big", "small")


def test_without_a_profile_the_imported_profiles_are_selected():
    d = parse_kiwi(kiwi("", PROFILES), "a.kiwi")
    assert d.select().profiles == ("small",)


def test_a_section_applies_to_its_profiles_and_sections_without_profiles_to_all():
    body = """<packages type="image"><package name="everywhere"/></packages>
              <packages type="image" profiles="big"><package name="big-only"/></packages>
              <packages type="image" profiles="small,other"><package name="small-or-other"/></packages>"""
    d = parse_kiwi(kiwi(body, PROFILES), "a.kiwi")
    assert [i.name for i in d.select("small").items] == ["everywhere", "small-or-other"]
    assert [i.name for i in d.select("big").items] == ["everywhere", "big-only", "small-or-other"]


def test_a_build_type_section_applies_only_when_that_type_is_built():
    body = '<packages type="oem"><package name="for-oem"/></packages><packages type="iso"><package name="for-iso"/></packages>'
    assert [i.name for i in parse_kiwi(kiwi(body), "a.kiwi").select().items] == ["for-oem"]


def test_delete_uninstall_and_ignore_are_not_installed():
    body = """<packages type="image"><package name="a"/><ignore name="b"/></packages>
              <packages type="delete"><package name="c"/></packages><packages type="uninstall"><package name="d"/></packages>"""
    selection = parse_kiwi(kiwi(body), "a.kiwi").select()
    assert [i.name for i in selection.installed()] == ["a"]
    assert [i.name for i in selection.removed()] == ["c", "d"]
    assert [i.name for i in selection.ignored()] == ["b"]


def test_an_unknown_profile_is_an_error_naming_the_known_ones():
    with pytest.raises(KiwiError, match="'nope' is not defined.*big, huge, small"):
        parse_kiwi(kiwi("", PROFILES), "a.kiwi").select("nope")


def test_a_profile_requiring_an_undefined_profile_is_an_error():
    d = parse_kiwi(kiwi("", '<profile name="a"><requires profile="ghost"/></profile>'), "a.kiwi")
    with pytest.raises(KiwiError, match="'a' requires profile 'ghost'"):
        d.select("a")


def test_profiles_requiring_each_other_terminate():
    profiles = '<profile name="a"><requires profile="b"/></profile><profile name="b"><requires profile="a"/></profile>'
    assert parse_kiwi(kiwi("", profiles), "a.kiwi").select("a").profiles == ("a", "b")


def test_unknown_elements_in_a_section_and_includes_are_noted_not_read():
    body = '<packages type="image"><file name="x"/></packages><include from="this://./more.xml"/>'
    d = parse_kiwi(kiwi(body), "a.kiwi")
    assert d.items == ()
    assert d.notes == ("<file> in <packages type='image'> is not read",
                       "<include from='this://./more.xml'> is not followed: what it includes is not listed")


@pytest.mark.parametrize("data, message", [
    (b"<image><packages><package name='a'/></packages></image>", "has no type"),
    (b"<image><packages type='image'><package/></packages></image>", "has no name"),
    (b"<notkiwi/>", "root element is <notkiwi>"),
    (b"<image><unclosed></image>", "not well-formed"),
    (b"<image><profiles><profile name='a'/><profile name='a'/></profiles></image>", "defined twice"),
])
def test_malformed_descriptions_are_errors_naming_the_file(data, message):
    with pytest.raises(KiwiError, match=message) as exc:
        parse_kiwi(data, "dir/x.kiwi")
    assert str(exc.value).startswith("dir/x.kiwi: ")
