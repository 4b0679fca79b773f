"""EVR, dist tag and purl rules (pure functions, no database)."""

from sbom.services.evr import compute_evr, dist_tag, needs_spec_text, rpm_purl


def evr(release_tag, number=None, dist=".azl4", spec_text=None, version="1.0", epoch=""):
    return compute_evr(epoch=epoch, version=version, release_tag=release_tag, autorelease_number=number,
                       dist=dist, spec_text=spec_text)


def test_azure_linux_4_dist_tag_is_azl4():
    assert dist_tag("azurelinux", "4.0") == ".azl4"


def test_dist_tag_of_an_unknown_distribution_is_unknown():
    assert dist_tag("otherlinux", "4.0") is None


def test_conditional_dist_expands_to_the_dist_tag():
    assert evr("3%{?dist}").evr == "1.0-3.azl4"


def test_autorelease_uses_the_rendered_release_number_and_the_dist_tag():
    assert evr("%autorelease", number=7).release == "7.azl4"


def test_autorelease_options_follow_rpmautospec():
    assert evr("%autorelease -b 25", number=11).release == "35.azl4"
    assert evr("%autorelease -p -e rc1", number=2).release == "0.2.rc1.azl4"
    assert evr("%autorelease -n", number=2).release == "2"


def test_autorelease_without_a_release_number_is_reported_not_guessed():
    result = evr("%autorelease", number=None)
    assert result.unexpanded == ("autorelease",)
    assert "%autorelease" in result.release


def test_unknown_dist_is_reported_as_unexpanded():
    assert evr("3%{?dist}", dist=None).unexpanded == ("dist",)


def test_spec_macros_in_the_release_are_expanded_from_the_spec():
    spec = "%global baserelease 4\nName: x\nVersion: 1.0\nRelease: %{baserelease}%{?dist}\n"
    assert evr("%{baserelease}%{?dist}", spec_text=spec).release == "4.azl4"


def test_a_macro_the_spec_does_not_define_is_named():
    spec = "Name: x\nVersion: 1.0\nRelease: 1.%{snapinfo}%{?dist}\n"
    result = evr("1.%{snapinfo}%{?dist}", spec_text=spec)
    assert result.unexpanded == ("snapinfo",)


def test_only_releases_with_spec_macros_need_the_spec_text():
    assert not needs_spec_text("%autorelease -b 2")
    assert not needs_spec_text("3%{?dist}")
    assert needs_spec_text("%{baserelease}%{?dist}")


def test_epoch_goes_into_the_purl_qualifier_and_the_version_is_evr():
    result = evr("3%{?dist}", epoch="2")
    assert result.evr == "2:1.0-3.azl4"
    purl = rpm_purl("azurelinux", "x", result, {"arch": "src", "distro": "azurelinux-4.0"}).to_string()
    assert purl == "pkg:rpm/azurelinux/x@1.0-3.azl4?arch=src&distro=azurelinux-4.0&epoch=2"
