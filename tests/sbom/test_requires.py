"""requires.py: runtime Requires resolved to binary packages of the release (pure, no database)."""

from audits.requires import ProviderIndex, requirement_name

INDEX = ProviderIndex([
    ("glibc", "glibc", ()),
    ("bash", "bash", ("/bin/sh", "/usr/bin/sh")),
    ("curl", "libcurl", ("webclient",)),
    ("wget", "wget", ("webclient",)),
    ("python3", "python3-libs", ("python(abi) = 3.12",)),
])


def test_a_versioned_requirement_resolves_by_name_and_keeps_its_text():
    found = INDEX.resolve("glibc >= 2.38")
    assert (found.text, found.target, found.reason) == ("glibc >= 2.38", ("glibc", "glibc"), "")


def test_an_explicit_provide_resolves_with_its_version_ignored():
    assert INDEX.resolve("python(abi) = 3.12").target == ("python3", "python3-libs")


def test_a_file_requirement_resolves_through_an_explicit_provide():
    assert INDEX.resolve("/usr/bin/sh").target == ("bash", "bash")


def test_a_file_nobody_provides_explicitly_is_unresolved_and_says_why():
    found = INDEX.resolve("/usr/bin/perl")
    assert found.target is None and "known only after the build" in found.reason


def test_a_rich_dependency_is_unresolved():
    found = INDEX.resolve("(glibc or musl)")
    assert found.target is None and found.reason == "a rich (boolean) dependency, which is not evaluated"


def test_a_virtual_provide_of_several_packages_is_unresolved_naming_them():
    found = INDEX.resolve("webclient")
    assert found.target is None and found.reason == (
        "several binary packages of the release provide webclient (libcurl, wget)")


def test_an_automatic_provide_is_unresolved():
    found = INDEX.resolve("libc.so.6()(64bit)")
    assert found.target is None and "automatic provides" in found.reason


def test_a_package_name_wins_over_another_package_providing_it():
    index = ProviderIndex([("a", "foo", ()), ("b", "bar", ("foo",))])
    assert index.resolve("foo").target == ("a", "foo")


def test_the_name_of_a_requirement_is_its_first_word():
    assert [requirement_name(t) for t in ("glibc >= 2.38", "perl(Foo::Bar)", "(a or b)", "")] == [
        "glibc", "perl(Foo::Bar)", None, None]
