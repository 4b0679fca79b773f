"""The policy file and its rule engine. PURE PYTHON (no Django): the policy is TOML, the facts are
frozen dataclasses, the result is a list of violations.

A policy file enables rules by name, each with its severity and parameters:

    [rules.overlay-description]
    severity = "medium"

    [rules.pin-age]
    severity = "high"
    max-days = 180

`parse_policy` refuses any file with a problem (bad TOML, unknown rule or key, wrong type) and
names the line and the field of each problem, so that an invalid file is never saved.
`evaluate` runs every enabled rule over a release's facts; the same facts and policy always give
the same violations, in the same order.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from audits.licenses import analyse_license

SEVERITIES = ("low", "medium", "high", "critical")
MAX_POLICY_BYTES = 64 * 1024
CVE = re.compile(r"\bCVE-\d{4}-\d{4,}\b", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    """One reason a policy file is refused: where (line, dotted field) and what."""

    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.field}: {self.message}" if self.field else f"{where}{self.message}"


class PolicyError(ValueError):
    """The policy file is invalid; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(frozen=True)
class OverlayFacts:
    position: int
    type: str
    description: str
    category: str
    bugs: tuple[str, ...]  # bug-tracker URLs of the overlay's metadata
    text: str  # everything the overlay writes (parameters), searched for CVE names


@dataclass(frozen=True)
class ComponentFacts:
    name: str
    overlays: tuple[OverlayFacts, ...] = ()
    check_skipped: bool = False
    check_skip_reason: str = ""
    pin: str = ""  # the `upstream-commit` or the component's own snapshot; empty when not pinned
    pinned_at: datetime | None = None  # when the pin dates from (see policies.services.facts)
    upstream_distro: str = ""
    upstream_version: str = ""
    licenses: tuple[str, ...] = ()  # license expressions: the source package's, then each binary package's


@dataclass(frozen=True)
class ReleaseFacts:
    commit_date: datetime
    upstream_distro: str
    upstream_version: str
    components: tuple[ComponentFacts, ...]


@dataclass(frozen=True)
class Violation:
    """A finding: `subject` tells apart several violations of one rule by one component."""

    component: str
    rule: str
    severity: str
    message: str
    subject: str = ""


@dataclass(frozen=True)
class RuleSpec:
    """What a rule means and which parameters it takes (name -> (type, required))."""

    title: str
    check: Callable[[ComponentFacts, ReleaseFacts, Mapping[str, Any]], Iterator[tuple[str, str]]]
    parameters: Mapping[str, tuple[type, bool]] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    name: str
    severity: str
    parameters: Mapping[str, Any]

    @property
    def title(self) -> str:
        return RULES[self.name].title


@dataclass(frozen=True)
class Policy:
    rules: tuple[Rule, ...]


def _overlay_description(component: ComponentFacts, _: ReleaseFacts, __: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for overlay in component.overlays:
        if not overlay.description.strip():
            yield f"overlay {overlay.position + 1}", f"overlay {overlay.position + 1} ({overlay.type}) has no description"


def _security_bugs(component: ComponentFacts, _: ReleaseFacts, params: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    categories = set(params.get("categories", ["azl-security-compliance", "security"]))
    for overlay in component.overlays:
        if overlay.bugs:
            continue
        cves = sorted({m.upper() for m in CVE.findall(f"{overlay.description}\n{overlay.text}")})
        if overlay.category in categories:
            why = f"is of category {overlay.category}"
        elif cves:
            why = f"mentions {', '.join(cves)}"
        else:
            continue
        yield (f"overlay {overlay.position + 1}",
               f"overlay {overlay.position + 1} ({overlay.type}) {why} but names no bug (metadata bugs)")


def _check_skip_reason(component: ComponentFacts, _: ReleaseFacts, __: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if component.check_skipped and not component.check_skip_reason.strip():
        yield "", "%check is skipped without a reason (build.check.skip_reason)"


def _pin_age(component: ComponentFacts, release: ReleaseFacts, params: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if not component.pin or component.pinned_at is None:
        return
    days = (release.commit_date - component.pinned_at).days
    if days > params["max-days"]:
        yield component.pin, (f"pin {component.pin} dates from {component.pinned_at.date().isoformat()}, "
                              f"{days} days before the release commit (at most {params['max-days']})")


def _upstream_version(component: ComponentFacts, release: ReleaseFacts, _: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if not component.upstream_distro:
        return  # a local spec has no upstream distribution
    have = (component.upstream_distro, component.upstream_version)
    want = (release.upstream_distro, release.upstream_version)
    if have != want:
        yield f"{have[0]} {have[1]}", f"comes from {have[0]} {have[1]}, the release from {want[0]} {want[1]}"


def _license_allow_list(component: ComponentFacts, _: ReleaseFacts, params: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Each SPDX key (licenses and exceptions, as the license inventory parses them: audits.licenses) outside the
    allow-list is one violation; a value that is not a valid SPDX expression cannot be checked, and is one too."""
    allowed = set(params["allow"])
    facts = [analyse_license(text) for text in component.licenses]
    for key in sorted({key for f in facts if f.valid for key in f.keys if key not in allowed}):
        yield key, f"license {key} is not in the allow-list"
    for f in facts:
        if not f.valid:
            yield f.text, f"License {f.text!r} is not a valid SPDX expression ({f.error}): it cannot be checked"


RULES: dict[str, RuleSpec] = {
    "overlay-description": RuleSpec("Every overlay has a description", _overlay_description),
    "security-overlay-bugs": RuleSpec("Security overlays and overlays mentioning a CVE name the bug",
                                      _security_bugs, {"categories": (list, False)}),
    "check-skip-reason": RuleSpec("%check is never skipped without a reason", _check_skip_reason),
    "pin-age": RuleSpec("No pin older than the allowed number of days", _pin_age, {"max-days": (int, True)}),
    "upstream-version": RuleSpec("Every component comes from the release's Fedora version", _upstream_version),
    "license-allow-list": RuleSpec("No license outside the allow-list", _license_allow_list, {"allow": (list, True)}),
}


def _line_of(lines: list[str], table: str, key: str | None) -> int | None:
    """The line of `key` in `[table]` (or of the table header when key is None); None when written another way."""
    header = re.compile(r"^\s*\[\s*" + r"\s*\.\s*".join(re.escape(p) for p in table.split(".")) + r"\s*\]")
    inside = False
    for number, line in enumerate(lines, 1):
        if line.lstrip().startswith("["):
            if inside:
                return None
            inside = bool(header.match(line))
            if inside and key is None:
                return number
        elif inside and key is not None and re.match(r"^\s*\"?" + re.escape(key) + r"\"?\s*=", line):
            return number
    return None


def parse_policy(text: str) -> Policy:
    """The policy the file states, or PolicyError naming every problem (line and field)."""
    if len(text.encode()) > MAX_POLICY_BYTES:
        raise PolicyError([Problem(None, "", f"the file is larger than {MAX_POLICY_BYTES} bytes")])
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        raise PolicyError([Problem(int(found.group(1)) if found else None, "", f"not valid TOML: {exc}")]) from exc
    lines = text.splitlines()
    problems: list[Problem] = []
    for key in document:
        if key != "rules":
            problems.append(Problem(_line_of(lines, key, None), key, "unknown key (a policy has only [rules.NAME] tables)"))
    tables = document.get("rules", {})
    if not isinstance(tables, dict) or not tables:
        problems.append(Problem(None, "rules", "no rule is enabled: add at least one [rules.NAME] table"))
        raise PolicyError(problems)
    rules = []
    for name, table in tables.items():
        where = f"rules.{name}"
        if name not in RULES:
            problems.append(Problem(_line_of(lines, where, None), where,
                                    f"unknown rule (known: {', '.join(sorted(RULES))})"))
            continue
        if not isinstance(table, dict):
            problems.append(Problem(None, where, "must be a table"))
            continue
        problems.extend(_table_problems(lines, name, table))
        parameters = {k: v for k, v in table.items() if k != "severity"}
        rules.append(Rule(name, str(table.get("severity", "")), parameters))
    if problems:
        raise PolicyError(problems)
    return Policy(tuple(rules))


def _table_problems(lines: list[str], name: str, table: dict[str, Any]) -> Iterator[Problem]:
    where = f"rules.{name}"
    spec = RULES[name]
    severity = table.get("severity")
    if severity not in SEVERITIES:
        yield Problem(_line_of(lines, where, "severity" if "severity" in table else None), f"{where}.severity",
                      f"must be one of {', '.join(SEVERITIES)}" + ("" if severity is None else f", not {severity!r}"))
    for key, value in table.items():
        if key == "severity":
            continue
        line = _line_of(lines, where, key)
        if key not in spec.parameters:
            known = ", ".join(["severity", *spec.parameters])
            yield Problem(line, f"{where}.{key}", f"unknown parameter (this rule takes: {known})")
            continue
        expected = spec.parameters[key][0]
        if expected is int and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            yield Problem(line, f"{where}.{key}", "must be a whole number of 0 or more")
        elif expected is list and not (isinstance(value, list) and all(isinstance(v, str) and v for v in value)):
            yield Problem(line, f"{where}.{key}", "must be a list of non-empty strings")
    for key, (_, required) in spec.parameters.items():
        if required and key not in table:
            yield Problem(_line_of(lines, where, None), f"{where}.{key}", "is required")


def evaluate(policy: Policy, release: ReleaseFacts) -> list[Violation]:
    """Every violation of every enabled rule, by component name, then rule order, then subject."""
    return [
        Violation(component.name, rule.name, rule.severity, message, subject)
        for component in sorted(release.components, key=lambda c: c.name)
        for rule in policy.rules
        for subject, message in RULES[rule.name].check(component, release, rule.parameters)
    ]
