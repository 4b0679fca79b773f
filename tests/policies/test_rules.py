"""The pure rule engine: each rule on small facts, and invalid policy files refused with line and field."""

from datetime import datetime, timezone

import pytest

from policies.rules import (
    ComponentFacts,
    OverlayFacts,
    PolicyError,
    ReleaseFacts,
    evaluate,
    parse_policy,
)
from policies.services.policy import DEFAULT_POLICY

RELEASE_DATE = datetime(2026, 3, 1, tzinfo=timezone.utc)


def overlay(position=0, *, description="why", category="azl-pruning", bugs=(), text="{}", type="spec-set-tag"):
    return OverlayFacts(position=position, type=type, description=description, category=category, bugs=tuple(bugs),
                        text=text)


def component(name="pkg", **facts):
    facts.setdefault("upstream_distro", "fedora")
    facts.setdefault("upstream_version", "43")
    return ComponentFacts(name=name, **facts)


def violations(policy_text: str, *components):
    release = ReleaseFacts(commit_date=RELEASE_DATE, upstream_distro="fedora", upstream_version="43",
                           components=tuple(components))
    return evaluate(parse_policy(policy_text), release)


def rule(name: str, severity="high", **params) -> str:
    lines = [f"[rules.{name}]", f'severity = "{severity}"']
    for key, value in params.items():
        lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


def test_an_overlay_without_description_violates_overlay_description():
    found = violations(rule("overlay-description", "low"), component(overlays=(overlay(0), overlay(1, description=" "))))
    assert [(v.component, v.rule, v.severity, v.subject) for v in found] == [
        ("pkg", "overlay-description", "low", "overlay 2")]
    assert "overlay 2 (spec-set-tag) has no description" in found[0].message


def test_a_security_overlay_without_bugs_violates_and_one_with_bugs_does_not():
    policy = rule("security-overlay-bugs", categories='["azl-security-compliance"]')
    found = violations(policy, component(overlays=(
        overlay(0, category="azl-security-compliance"),
        overlay(1, category="azl-security-compliance", bugs=["https://bugzilla.example/1"]))))
    assert [v.subject for v in found] == ["overlay 1"]
    assert "is of category azl-security-compliance" in found[0].message


def test_an_overlay_mentioning_a_cve_must_name_the_bug_whatever_its_category():
    found = violations(rule("security-overlay-bugs"), component(overlays=(
        overlay(0, description="Fix cve-2024-12345"), overlay(1, text='{"value": "CVE-2023-0001 patch"}'),
        overlay(2, description="no vulnerability here"))))
    assert [v.subject for v in found] == ["overlay 1", "overlay 2"]
    assert "mentions CVE-2024-12345" in found[0].message and "mentions CVE-2023-0001" in found[1].message


def test_check_skipped_without_reason_violates_and_with_reason_does_not():
    found = violations(rule("check-skip-reason"), component("a", check_skipped=True),
                       component("b", check_skipped=True, check_skip_reason="needs network"),
                       component("c"))
    assert [v.component for v in found] == ["a"]


def test_a_pin_older_than_max_days_before_the_release_commit_violates():
    old = datetime(2025, 8, 1, tzinfo=timezone.utc)  # 212 days before
    recent = datetime(2026, 2, 1, tzinfo=timezone.utc)
    found = violations(rule("pin-age", **{"max-days": 180}), component("old", pin="abc1234", pinned_at=old),
                       component("recent", pin="def5678", pinned_at=recent), component("unpinned"))
    assert [(v.component, v.subject) for v in found] == [("old", "abc1234")]
    assert "212 days before the release commit (at most 180)" in found[0].message


def test_a_component_from_another_fedora_version_violates_and_a_local_one_does_not():
    found = violations(rule("upstream-version"), component("f42", upstream_version="42"),
                       component("local", upstream_distro="", upstream_version=""), component("f43"))
    assert [(v.component, v.message) for v in found] == [("f42", "comes from fedora 42, the release from fedora 43")]


def test_every_spdx_key_outside_the_allow_list_is_one_violation():
    found = violations(rule("license-allow-list", allow='["MIT", "GPL-2.0-or-later"]'),
                       component(licenses=("MIT AND (GPL-2.0-or-later OR Apache-2.0)", "GPL-2.0-only WITH Linux-syscall-note")))
    assert [v.subject for v in found] == ["Apache-2.0", "GPL-2.0-only", "Linux-syscall-note"]


def test_keys_are_compared_in_spdx_normal_form():
    found = violations(rule("license-allow-list", allow='["GPL-2.0-or-later", "MIT"]'), component(licenses=("GPL-2.0+ and mit",)))
    assert found == []


def test_a_license_that_is_not_an_spdx_expression_is_a_violation_of_its_own():
    found = violations(rule("license-allow-list", allow='["MIT"]'), component(licenses=("GPLv2+",)))
    assert [v.subject for v in found] == ["GPLv2+"]
    assert "not a valid SPDX expression" in found[0].message


def test_violations_are_ordered_by_component_then_rule_order():
    policy = rule("check-skip-reason") + rule("overlay-description")
    found = violations(policy, component("b", check_skipped=True, overlays=(overlay(description=""),)),
                       component("a", overlays=(overlay(description=""),)))
    assert [(v.component, v.rule) for v in found] == [
        ("a", "overlay-description"), ("b", "check-skip-reason"), ("b", "overlay-description")]


def test_the_default_policy_is_valid_and_enables_every_rule():
    policy = parse_policy(DEFAULT_POLICY.read_text())
    assert {r.name for r in policy.rules} == {"overlay-description", "security-overlay-bugs", "check-skip-reason",
                                              "pin-age", "upstream-version", "license-allow-list"}


def problems(text: str) -> list[str]:
    with pytest.raises(PolicyError) as error:
        parse_policy(text)
    return [str(p) for p in error.value.problems]


def test_invalid_toml_is_refused_with_its_line():
    (problem,) = problems('[rules.pin-age]\nseverity = "high"\nmax-days = \n')
    assert problem.startswith("line 3: not valid TOML")


def test_an_unknown_rule_is_refused_with_its_line_and_the_known_rules():
    (problem,) = problems('[rules.overlay-description]\nseverity = "low"\n\n[rules.no-such-rule]\nseverity = "low"\n')
    assert problem.startswith("line 4: rules.no-such-rule: unknown rule (known: check-skip-reason,")


def test_a_bad_severity_and_a_missing_parameter_are_both_named():
    assert problems('[rules.pin-age]\nseverity = "urgent"\n') == [
        "line 2: rules.pin-age.severity: must be one of low, medium, high, critical, not 'urgent'",
        "line 1: rules.pin-age.max-days: is required"]


def test_wrong_parameter_types_and_unknown_parameters_are_refused():
    text = ('[rules.pin-age]\nseverity = "low"\nmax-days = "ten"\n\n'
            '[rules.license-allow-list]\nseverity = "low"\nallow = [1]\ndeny = []\n')
    assert problems(text) == [
        "line 3: rules.pin-age.max-days: must be a whole number of 0 or more",
        "line 7: rules.license-allow-list.allow: must be a list of non-empty strings",
        "line 8: rules.license-allow-list.deny: unknown parameter (this rule takes: severity, allow)"]


def test_a_policy_without_rules_is_refused():
    assert problems("# nothing enabled\n") == ["rules: no rule is enabled: add at least one [rules.NAME] table"]


def test_a_top_level_key_other_than_rules_is_refused():
    assert problems('name = "x"\n[rules.check-skip-reason]\nseverity = "low"\n') == [
        "name: unknown key (a policy has only [rules.NAME] tables)"]


def test_a_policy_file_over_the_size_limit_is_refused():
    (problem,) = problems("#" * 70_000)
    assert "larger than" in problem
