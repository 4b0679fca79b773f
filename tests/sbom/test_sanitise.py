"""sanitise.py: which repository values the documents publish, what they leave out, and how each problem
is said; then what the CycloneDX and SPDX builders make of sanitised facts. Pure: facts built here, no
database. The same values through ingest, downloads, the job and the pages: tests/security/
test_hostile_repository_data.py."""

from __future__ import annotations

import json

import jsonschema_rs
import pytest
from cyclonedx.schema import OutputFormat

from sbom.services import cyclonedx, spdx
from sbom.services.facts import (
    BinaryFacts,
    ComponentFacts,
    OverlayFacts,
    ReleaseFacts,
    SourceFileFacts,
    Unresolved,
)
from tests.sbom.builders import BAD_COMMIT, component, release
from sbom.services.sanitise import (
    MAX_VERSION,
    digest_problem,
    sanitise_release,
    shown,
    url_problem,
    valid_email,
)

IDN_EMAIL = jsonschema_rs.Draft7Validator({"format": "idn-email"}, validate_formats=True)
IRI_REFERENCE = jsonschema_rs.Draft7Validator({"format": "iri-reference"}, validate_formats=True)


def sanitised(**fields) -> ComponentFacts:
    """curl with `fields`, sanitised."""
    (clean,) = sanitise_release(release(component(**fields))).components
    return clean


def cyclonedx_json(facts: ReleaseFacts) -> dict:
    return json.loads(cyclonedx.to_json(cyclonedx.build_bom(facts)))


def spdx_json(facts: ReleaseFacts) -> dict:
    return json.loads(spdx.to_json(spdx.build_document(facts)))


# ----------------------------------------------------------------------------- e-mail addresses

VALID_EMAILS = ["ada@example.org", "a.b+c@mail.example.org", "root@localhost", "o'neil@example.ie", "ädä@example.org"]
INVALID_EMAILS = ["root@host.(none)", "ada", "ada@", "@example.org", "a..b@example.org", "a@b_c.org", "a@-b.org",
                  "a@example.org.", "a b@example.org", "x" * 65 + "@example.org", '"a b"@example.org', "a@[127.0.0.1]"]


@pytest.mark.parametrize("email", VALID_EMAILS)
def test_a_valid_email_is_accepted(email):
    assert valid_email(email)


@pytest.mark.parametrize("email", INVALID_EMAILS)
def test_an_email_that_is_not_a_plain_valid_address_is_refused(email):
    assert not valid_email(email)


@pytest.mark.parametrize("email", VALID_EMAILS + INVALID_EMAILS)
def test_no_email_is_accepted_that_the_cyclonedx_validator_refuses(email):
    assert not valid_email(email) or IDN_EMAIL.is_valid(email)


# ----------------------------------------------------------------------------- digests


@pytest.mark.parametrize("algorithm, length", [("MD5", 32), ("SHA1", 40), ("SHA256", 64), ("SHA384", 96),
                                               ("SHA512", 128), ("sha-256", 64)])
def test_a_hex_digest_of_its_algorithms_length_has_no_problem(algorithm, length):
    assert digest_problem(algorithm, "aB" * (length // 2)) == ""


def test_a_digest_of_the_wrong_length_for_its_algorithm_is_refused():
    assert digest_problem("SHA256", "ab" * 64) == "it is not 64 hexadecimal digits, as SHA256 has"


def test_a_digest_that_is_not_hex_is_refused():
    assert digest_problem("SHA512", "z" * 128) == "it is not 128 hexadecimal digits, as SHA512 has"


def test_a_digest_of_an_unknown_algorithm_is_refused():
    assert digest_problem("CRC32", "abcd1234").startswith("its algorithm 'CRC32' is not one of MD5, SHA1")


# ----------------------------------------------------------------------------- URLs

VALID_URLS = ["https://curl.se/", "http://example.org/a/b?c=d&e=f#g", "ftp://ftp.akl.lt/ispell-lt/",
              "https://example.org/%7Euser", "https://example.org/bücher", "git://git.example.org/x.git",
              "https://user@example.org:8443/x"]
INVALID_URLS = {
    "https://github.com/hercules-team/%{name}": "it has an unexpanded macro",
    "%{gourl}": "it has an unexpanded macro",
    "https://example.org/curl|tools": "it is not an absolute URL of characters a URI may hold",
    "https://example.org/a b": "it is not an absolute URL of characters a URI may hold",
    "https://example.org/a\\b": "it is not an absolute URL of characters a URI may hold",
    "https://example.org/%zz": "it is not an absolute URL of characters a URI may hold",
    "example.org/curl": "it is not an absolute URL of characters a URI may hold",
    "javascript://example.org/%0aalert(1)": "its scheme is not one of http, https, ftp, git, ssh",
    "http://localhost/curl": "its host is not a public host name",
    "http://127.0.0.1/curl": "its host is not a public host name",
    "https://exa_mple.org/": "its host is not a public host name",
}


@pytest.mark.parametrize("url", VALID_URLS)
def test_an_absolute_url_of_a_public_host_is_accepted(url):
    assert url_problem(url) == ""


@pytest.mark.parametrize("url, why", INVALID_URLS.items(), ids=list(INVALID_URLS))
def test_a_url_the_documents_cannot_link_to_is_refused_with_its_reason(url, why):
    assert url_problem(url) == why


@pytest.mark.parametrize("url", VALID_URLS + list(INVALID_URLS))
def test_no_url_is_accepted_that_the_cyclonedx_validator_refuses(url):
    assert url_problem(url) != "" or IRI_REFERENCE.is_valid(url)


# ----------------------------------------------------------------------------- how values are quoted


def test_a_quoted_value_shows_control_characters_as_escapes():
    assert shown("a\x01b\x7f") == "'a\\x01b\\x7f'"


def test_a_long_quoted_value_is_cut_and_says_how_long_it_was():
    assert shown("x" * 100) == f"'{'x' * 80}…' (100 characters)"


# ----------------------------------------------------------------------------- facts


def test_clean_facts_come_back_as_the_same_objects():
    facts = release(component(), component(name="zlib"))
    assert sanitise_release(facts) is facts


def test_an_invalid_commit_email_is_left_out_and_the_name_kept():
    clean = sanitised(config_commit=BAD_COMMIT, rendered_commit=BAD_COMMIT)
    assert (clean.config_commit.author_name, clean.config_commit.author_email) == ("Root", "")
    assert clean.config_commit.committer_email == "ada@example.org"


def test_an_invalid_commit_email_is_reported_once_naming_the_commit_and_the_address():
    clean = sanitised(config_commit=BAD_COMMIT, rendered_commit=BAD_COMMIT)
    assert clean.problems == (
        "the last commit of the configuration and the rendered spec, bbbbbbbbbbbb: the author e-mail "
        "'root@host.(none)' is left out, the name kept: it is not a valid e-mail address",)


def test_an_invalid_source_digest_is_left_out_and_the_file_kept():
    clean = sanitised(source_files=(SourceFileFacts("x.tar.gz", "SHA256", "ab" * 10, origin="source-files"),))
    assert clean.source_files == (SourceFileFacts("x.tar.gz", "SHA256", "", origin="source-files"),)
    assert clean.problems == ("source file 'x.tar.gz' (source files): its 'SHA256' digest "
                              "'abababababababababab' is left out: it is not 64 hexadecimal digits, as SHA256 has",)


def test_a_source_file_whose_name_has_control_characters_is_left_out():
    clean = sanitised(source_files=(SourceFileFacts("x\x1b.tar.gz", "SHA512", "ab" * 64),))
    assert clean.source_files == () and "its name has control characters" in clean.problems[0]


def test_an_over_long_version_is_unresolved_not_cut():
    clean = sanitised(version="1." * 600)
    assert not clean.identity_complete and clean.version == ""
    assert clean.identity_unresolved == (Unresolved(
        "version", "the version is longer than the 1024 characters a CycloneDX 1.6 version may have"),)


def test_an_over_long_release_makes_the_whole_identity_unresolved():
    clean = sanitised(release="3." + "9" * MAX_VERSION)
    assert (clean.identity_complete, clean.version, clean.release) == (False, "", "")


def test_a_version_with_a_control_character_is_unresolved():
    assert sanitised(version="8.15\x01").identity_unresolved == (
        Unresolved("version", "the version has control characters"),)


@pytest.mark.parametrize("release", ["%{?dist}", "5%{?dist}", "%autorelease", "5.azl4\\", "5 .azl4", "{5}"])
def test_a_release_with_macro_text_is_never_published(release):
    clean = sanitised(release=release)
    assert not clean.identity_complete and clean.release == ""
    assert clean.identity_unresolved[0].reason == "the release has unexpanded macro text (%, {, }, \\ or whitespace)"


def test_an_unresolved_identity_keeps_the_ingest_reasons_and_adds_none():
    reason = Unresolved("release", "%autorelease: the release number is not in the rendered spec")
    clean = sanitised(identity_complete=False, identity_unresolved=(reason,), release="%autorelease")
    assert clean.identity_unresolved == (reason,) and clean.problems == ()


def test_a_binary_package_whose_name_has_macro_text_is_left_out_and_the_binary_list_unresolved():
    clean = sanitised(binaries=(BinaryFacts("kernel-%{1}\\"), BinaryFacts("kernel-core")))
    assert [b.name for b in clean.binaries] == ["kernel-core"]
    assert [u.field for u in clean.identity_unresolved] == ["packages"]


def test_a_binary_package_version_with_macro_text_falls_back_to_no_version_of_its_own():
    (binary,) = sanitised(binaries=(BinaryFacts("curl", version="8.15.0", release="%{kextraversion}"),)).binaries
    assert (binary.version, binary.release) == ("", "")


def test_an_invalid_homepage_is_left_out_with_its_reason():
    clean = sanitised(url="https://example.org/curl|tools")
    assert clean.url == "" and clean.problems == (
        "homepage (spec URL) 'https://example.org/curl|tools' is left out: "
        "it is not an absolute URL of characters a URI may hold",)


def test_an_invalid_overlay_bug_url_is_left_out_and_the_valid_one_kept():
    overlay = OverlayFacts(0, "spec-add-tag", bugs=("https://bugs.example.org/1", "rhbz 12 | 13"))
    (clean,) = sanitised(overlays=(overlay,)).overlays
    assert clean.bugs == ("https://bugs.example.org/1",)


def test_control_characters_are_removed_from_free_text_and_noted():
    clean = sanitised(summary="A URL\x01 tool")
    assert clean.summary == "A URL tool"
    assert clean.problems == ("summary 'A URL\\x01 tool': control characters removed",)


def test_tabs_and_newlines_in_free_text_are_kept():
    facts = release(component(verdict="line one\nline\ttwo"))
    assert sanitise_release(facts) is facts


def test_a_binary_package_whose_name_has_control_characters_is_left_out():
    clean = sanitised(binaries=(BinaryFacts("curl\x00"), BinaryFacts("libcurl")))
    assert clean.binaries == (BinaryFacts("libcurl"),)


def test_release_values_with_control_characters_are_cleaned_and_noted_on_the_release():
    clean = sanitise_release(release(distribution_description="Azure\x07 Linux"))
    assert clean.distribution_description == "Azure Linux"
    assert clean.problems == ("release distribution description 'Azure\\x07 Linux': control characters removed",)


def test_an_https_repository_url_a_document_cannot_link_to_is_left_out_and_noted_on_the_release():
    clean = sanitise_release(release(source_url="https://git.example.org/azl|linux.git"))
    assert clean.source_url == "" and clean.problems == (
        "the repository URL 'https://git.example.org/azl|linux.git' is left out: "
        "it is not an absolute URL of characters a URI may hold",)


def test_a_local_repository_path_is_no_problem():
    facts = release(source_url="/srv/mirrors/azurelinux.bundle")
    assert sanitise_release(facts) is facts


# ----------------------------------------------------------------------------- the documents of sanitised facts


def hostile_release() -> ReleaseFacts:
    """Every kind of hostile value at once, sanitised."""
    return sanitise_release(release(component(
        config_commit=BAD_COMMIT, rendered_commit=BAD_COMMIT, version="1." * 600, url="http://localhost/",
        summary="bad\x0b summary", license="MIT\x01", dist_git_url="https://src.example.org/rpms/%{name}.git",
        source_files=(SourceFileFacts("x.tar.gz", "SHA512", "not-hex", url="https://example.org/x|y.tar.gz",
                                      origin="source-files"),),
        binaries=(BinaryFacts("curl\x02"), BinaryFacts("libcurl", "rpm\x03")),
        overlays=(OverlayFacts(0, "spec-add-tag", description="CVE-2024-1\x04", commits=("not a url",)),),
    ), distribution_description="Azure\x05 Linux"))


def test_the_cyclonedx_json_of_hostile_facts_is_valid():
    assert cyclonedx.validate(cyclonedx.to_json(cyclonedx.build_bom(hostile_release())), OutputFormat.JSON) == []


def test_the_cyclonedx_xml_of_hostile_facts_is_valid():
    assert cyclonedx.validate(cyclonedx.to_xml(cyclonedx.build_bom(hostile_release())), OutputFormat.XML) == []


def test_the_spdx_document_of_hostile_facts_is_valid():
    assert spdx.validate(spdx.to_json(spdx.build_document(hostile_release()))) == []


def test_cyclonedx_carries_each_problem_as_a_property():
    facts = sanitise_release(release(component(url="%{gourl}", summary="a\x01")))
    (source,) = cyclonedx_json(facts)["components"]
    assert [p["value"] for p in source["properties"] if p["name"] == "pedigree:publication-problem"] == [
        "homepage (spec URL) '%{gourl}' is left out: it has an unexpanded macro",
        "summary 'a\\x01': control characters removed",
    ]


def test_cyclonedx_carries_the_release_problems_in_its_metadata():
    bom = cyclonedx_json(sanitise_release(release(distribution_description="Azure\x05 Linux")))
    assert {"name": "pedigree:publication-problem",
            "value": "release distribution description 'Azure\\x05 Linux': control characters removed"} in bom[
        "metadata"]["properties"]


def test_cyclonedx_publishes_an_unresolved_version_as_a_property_without_a_version():
    (source,) = cyclonedx_json(sanitise_release(release(component(version="1." * 600))))["components"]
    assert "version" not in source and "@" not in source["purl"]
    assert {"name": "pedigree:unresolved", "value": "version: the version is longer than the 1024 "
            "characters a CycloneDX 1.6 version may have"} in source["properties"]


def test_cyclonedx_gives_the_binary_packages_of_an_unresolved_version_no_version_either():
    (source,) = cyclonedx_json(sanitise_release(release(component(version="1." * 600))))["components"]
    assert [("version" in b, "@" in b["purl"]) for b in source["components"]] == [(False, False)]


def test_spdx_publishes_an_unresolved_version_as_noassertion():
    document = spdx_json(sanitise_release(release(component(version="1." * 600))))
    versions = {p["SPDXID"]: p.get("versionInfo") for p in document["packages"]}
    assert (versions["SPDXRef-Source-curl"], versions["SPDXRef-Binary-curl-curl"]) == ("NOASSERTION", "NOASSERTION")


def test_spdx_names_the_problems_in_the_package_comment():
    document = spdx_json(sanitise_release(release(component(url="%{gourl}"))))
    (source,) = [p for p in document["packages"] if p["SPDXID"].startswith("SPDXRef-Source-")]
    assert "Publication problem: homepage (spec URL) '%{gourl}' is left out" in source["comment"]


def test_cyclonedx_keeps_the_source_reference_of_a_file_whose_digest_was_left_out_without_a_hash():
    facts = sanitise_release(release(component(
        source_files=(SourceFileFacts("x.tar.gz", "SHA512", "not-hex", url="https://example.org/x.tar.gz"),))))
    (source,) = cyclonedx_json(facts)["components"]
    (reference,) = [r for r in source["externalReferences"] if r["type"] == "source-distribution"]
    assert reference["url"] == "https://example.org/x.tar.gz" and "hashes" not in reference


def test_cyclonedx_keeps_the_commit_author_name_without_the_invalid_email():
    (source,) = cyclonedx_json(sanitise_release(release(component(config_commit=BAD_COMMIT,
                                                                   rendered_commit=BAD_COMMIT))))["components"]
    (commit,) = [c for c in source["pedigree"]["commits"] if c.get("uid") == BAD_COMMIT.sha]
    assert commit["author"] == {"timestamp": "2026-03-01T12:00:00+00:00", "name": "Root"}


def test_spdx_leaves_out_a_homepage_its_own_url_pattern_refuses_and_says_so():
    document = spdx_json(sanitise_release(release(component(url="https://xn--bcher-kva.example/"))))
    (source,) = [p for p in document["packages"] if p["SPDXID"].startswith("SPDXRef-Source-")]
    assert "homepage" not in source and "SPDX's URL pattern does not accept it" in source["comment"]


# SPDX's URL patterns are narrower than a URI (no "--" in the first label of a host name, so no punycode there); what they refuse is
# left out of the SPDX document only.


def test_spdx_gives_no_download_location_to_a_release_on_a_host_its_pattern_refuses():
    facts = sanitise_release(release(source_url="https://xn--bcher-kva.example/azurelinux.git"))
    document = spdx.build_document(facts)
    assert spdx.validate(spdx.to_json(document)) == [] and str(document.packages[0].download_location) == "NOASSERTION"


def test_spdx_gives_no_download_location_to_a_dist_git_url_its_pattern_refuses():
    facts = sanitise_release(release(component(dist_git_url="https://xn--bcher-kva.example/rpms/curl.git")))
    assert spdx.validate(spdx.to_json(spdx.build_document(facts))) == []
