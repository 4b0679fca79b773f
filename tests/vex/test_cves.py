"""CVE discovery from synthetic overlays, patch headers and changelog lines (vex/cves.py, no database)."""

from vex.cves import (
    ADDS_FIX,
    CODE_NOT_PRESENT,
    IN_TRIAGE,
    MENTIONS,
    NOT_AFFECTED,
    REMOVES_PATCH,
    RESOLVED,
    OverlayInput,
    cves_in,
    discover,
    patch_header,
    statements,
)

CONFIG = "base/comps/foo/foo.comp.toml"


def overlay(position=0, type="patch-add", **fields):
    return OverlayInput(position=position, type=type, defined_in=CONFIG, **fields)


def test_identifiers_are_normalised_from_upper_lower_and_underscore_spellings():
    assert cves_in("fixes cve2025-53644, CVE-2024-1234 and cve_2023_0001234") == [
        "CVE-2025-53644", "CVE-2024-1234", "CVE-2023-0001234"]


def test_text_that_only_looks_like_an_identifier_is_not_one():
    assert cves_in("XCVE-2024-1234 CVE-24-1234 CVE-2024-123 CVE-2024-12345678") == []


def test_a_patch_added_with_the_cve_in_its_description_adds_the_fix():
    [finding] = discover("foo", [overlay(description="Backport fix for CVE-2024-1111", source="fix.patch")])
    assert (finding.cve, finding.origin, finding.action) == ("CVE-2024-1111", "description", ADDS_FIX)


def test_the_line_of_a_finding_is_found_in_the_configuration_file():
    config = '[components.foo]\n\n[[components.foo.overlays]]\ndescription = "Fix CVE-2024-1111"\ntype = "patch-add"\n'
    [finding] = discover("foo", [overlay(description="Fix CVE-2024-1111")], config_texts={CONFIG: config})
    assert (finding.file, finding.line) == (CONFIG, 4)


def test_a_cve_in_the_added_patch_file_name_is_found():
    [finding] = discover("foo", [overlay(source="patches/foo-CVE-2024-2222.patch", file="foo-CVE-2024-2222.patch")])
    assert finding.origin == "file-name" and finding.cve == "CVE-2024-2222"


def test_a_cve_in_the_header_of_an_added_patch_is_found_with_its_line():
    patch = "From abc Mon Sep 17 00:00:00 2001\nSubject: [PATCH] fix overflow\n\nCVE: CVE-2024-3333\n---\n" \
            "diff --git a/x.c b/x.c\n+ /* CVE-2099-9999 in the code, not the header */\n"
    [finding] = discover("foo", [overlay(source="fix.patch", source_path="base/comps/foo/fix.patch")],
                         patch_texts={"base/comps/foo/fix.patch": patch})
    assert (finding.cve, finding.origin, finding.file, finding.line) == (
        "CVE-2024-3333", "patch-header", "base/comps/foo/fix.patch", 4)


def test_the_patch_header_ends_at_the_first_diff_line():
    assert [n for n, _ in patch_header("a\nb\n--- a/x\n+++ b/x\nCVE-2024-1\n")] == [1, 2]


def test_a_changelog_line_an_overlay_appends_is_a_mention():
    [finding] = discover("foo", [overlay(type="spec-append-lines", section="%changelog",
                                         lines=("* Mon Jan 01 2026 A <a@b> - 1-2", "- Fix CVE-2024-4444"))])
    assert (finding.origin, finding.action) == ("changelog", MENTIONS)


def test_a_cve_in_a_bug_url_is_found():
    [finding] = discover("foo", [overlay(bugs=("https://www.cve.org/CVERecord?id=CVE-2024-5555",))])
    assert finding.origin == "bugs"


def test_removing_a_patch_tag_removes_the_patch():
    [finding] = discover("foo", [overlay(type="spec-remove-tag", tag="Patch12", value="foo-CVE-2024-6666.patch")])
    assert finding.action == REMOVES_PATCH


def test_emptying_a_patch_application_line_removes_the_patch():
    [finding] = discover("foo", [overlay(type="spec-search-replace", regex="%patch.*cve2024-7777", replacement="")])
    assert (finding.origin, finding.action) == ("spec-text", REMOVES_PATCH)


def test_a_search_replace_that_writes_text_only_mentions():
    [finding] = discover("foo", [overlay(type="spec-search-replace", regex="%patch.*cve2024-7777", replacement="%patch 3")])
    assert finding.action == MENTIONS


def test_an_added_fix_is_resolved_with_pedigree():
    [statement] = statements(discover("foo", [overlay(3, description="Fix CVE-2024-1111")]))
    assert (statement.state, statement.overlays, statement.justification) == (RESOLVED, (3,), "")


def test_a_patch_removed_because_the_code_is_not_built_is_not_affected():
    [statement] = statements(discover("foo", [overlay(
        type="patch-remove", file="**/x.patch",
        description="Remove CVE-2025-53644 patch: targets bundled openjpeg that is deleted in %prep")]))
    assert (statement.state, statement.justification) == (NOT_AFFECTED, CODE_NOT_PRESENT)
    assert "deleted in %prep" in statement.detail


def test_a_pruning_overlay_that_removes_a_patch_states_the_code_is_not_built():
    [statement] = statements(discover("foo", [overlay(type="patch-remove", file="x.patch", category="azl-pruning",
                                                      description="Drop CVE-2024-1212 patch")]))
    assert statement.state == NOT_AFFECTED


def test_a_patch_removed_without_a_reason_asserts_nothing():
    [statement] = statements(discover("foo", [overlay(type="patch-remove", file="x.patch",
                                                      description="Remove CVE-2024-1313 patch, it does not apply")]))
    assert (statement.state, statement.justification) == (IN_TRIAGE, "")


def test_overlays_that_both_add_and_remove_a_patch_for_one_cve_assert_nothing():
    found = discover("foo", [
        overlay(0, description="Fix CVE-2024-1414"),
        overlay(1, type="patch-remove", file="y.patch", description="Remove CVE-2024-1414 patch, code not built"),
    ])
    [statement] = statements(found)
    assert (statement.state, statement.overlays) == (IN_TRIAGE, (0, 1))


def test_a_cve_that_is_only_mentioned_gets_no_statement():
    found = discover("foo", [overlay(type="spec-append-lines", section="%changelog", lines=("- CVE-2024-1515",))])
    assert found and statements(found) == []


def test_statements_are_one_per_component_and_cve_in_order():
    found = discover("foo", [overlay(0, description="Fix CVE-2024-2 and CVE-2024-0001"),
                             overlay(1, source="CVE-2024-0001.patch")])
    assert [(s.cve, s.overlays) for s in statements(found)] == [("CVE-2024-0001", (0, 1))]
