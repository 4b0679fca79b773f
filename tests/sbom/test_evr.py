"""EVR and purl rules (pure functions, no database)."""

from sbom.services.evr import Evr, rpm_purl


def test_epoch_goes_into_the_purl_qualifier_and_the_version_is_evr():
    evr = Evr("2", "1.0", "3.azl4")
    assert evr.evr == "2:1.0-3.azl4"
    purl = rpm_purl("azurelinux", "x", evr, {"arch": "src", "distro": "azurelinux-4.0"}).to_string()
    assert purl == "pkg:rpm/azurelinux/x@1.0-3.azl4?arch=src&distro=azurelinux-4.0&epoch=2"


def test_an_unresolved_identity_gives_a_purl_without_a_version():
    purl = rpm_purl("azurelinux", "x", None, {"arch": "src", "distro": "azurelinux-4.0"}).to_string()
    assert purl == "pkg:rpm/azurelinux/x?arch=src&distro=azurelinux-4.0"
