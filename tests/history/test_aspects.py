"""history.states.Aspects: the kinds of change told from short per-aspect digests must be exactly the kinds
`changes()` reports from the decoded states, and "changes since" with a `kind` filter must list the same
components, in the same order, with the same changes and counts as filtering `changes()` did."""

import random
from dataclasses import replace

import pytest

from history.changes import KIND_GROUPS, change_set, kinds_of
from history.states import KINDS, Aspects, BinaryFacts, OverlayFacts, aspects_for, changed_kinds, changes
from tests.support.history import build_history, state

EVERY_KIND = frozenset(KINDS)


def kinds_by_changes(old, new) -> frozenset[str]:
    return frozenset(c.kind for c in changes(old, new))


def kinds_by_aspects(old, new, kinds=EVERY_KIND) -> frozenset[str]:
    return changed_kinds(old.aspects() if old else None, new.aspects() if new else None, kinds)


def overlay(type_: str, description: str, digest: str) -> OverlayFacts:
    return OverlayFacts(type_, description, digest)


A, B, C = overlay("patch-add", "fix", "d1"), overlay("spec-add-tag", "tag", "d2"), overlay("patch-add", "fix", "d3")


@pytest.mark.parametrize("old, new", [
    ((), (A,)), ((A,), ()), ((A,), (C,)), ((A, B), (B, A)), ((A, A), (A,)), ((A,), (A, A)), ((A, A), (C,)),
    ((A, B), (C,)), ((A,), (C, C)), ((A, C), (C, overlay("patch-add", "fix", "d4"))), ((B,), (A,)), ((A, B), (A, B)),
])
def test_overlay_kinds_match_changes_including_duplicates_reordering_and_pairing(old, new):
    before, after = state("bash", overlays=old), state("bash", overlays=new)
    assert kinds_by_aspects(before, after) == kinds_by_changes(before, after)


def test_each_aspect_tells_its_kind_and_nothing_else():
    base = state("zlib", binaries=(BinaryFacts("zlib", "MIT"), BinaryFacts("zlib-devel", "MIT")))
    cases = {
        "verdict": replace(base, headline="altered"),
        "build": replace(base, build='{"with": ["x"]}'),
        "version": replace(base, evr="2.0-1.azl4"),
        "license": replace(base, license="Zlib", binaries=(BinaryFacts("zlib", "MIT"), BinaryFacts("zlib-devel", "MIT"))),
        "binary-license": replace(base, binaries=(BinaryFacts("zlib", "MIT"), BinaryFacts("zlib-devel", "Zlib"))),
        "spec-origin": replace(base, spec_origin="upstream"),
        "spec": replace(base, spec_sha256="f" * 64),
    }
    for kind, changed in cases.items():
        assert kinds_by_changes(base, changed) == {kind}, kind
        assert kinds_by_aspects(base, changed) == {kind}, kind
    assert kinds_by_aspects(None, base) == {"added"} and kinds_by_aspects(base, None) == {"removed"}
    assert kinds_by_aspects(base, replace(base, groups=("g",), verdict="other words")) == set()


def test_reasons_version_fallback_and_licenses_changing_together():
    base = state("zlib", evr="", version="1.0", binaries=(BinaryFacts("zlib", "MIT"),))
    for changed in (replace(base, reasons=(("x", "y"),)),  # same headline, other reasons: a verdict change
                    replace(base, version="1.1", spec_sha256="e" * 64),  # no EVR: the Version; the spec goes with it
                    replace(base, evr="1.0", version="9"),  # the EVR wins over the Version
                    replace(base, license="GPL", binaries=(BinaryFacts("zlib", "GPL"),)),  # binary follows main
                    replace(base, license="GPL", binaries=(BinaryFacts("zlib", "BSD"),)),
                    replace(base, binaries=(BinaryFacts("zlib-libs", "GPL"),))):  # no binary in both
        assert kinds_by_aspects(base, changed) == kinds_by_changes(base, changed), changed


def test_only_the_asked_kinds_are_told_from_only_the_aspects_they_need():
    old, new = state("bash"), state("bash", license="GPL", overlays=(A,), headline="altered")
    assert aspects_for(frozenset({"overlay-added"})) == ("overlays",)
    assert aspects_for(frozenset({"spec", "binary-license"})) == ("version", "license", "binaries", "spec")
    only_overlays = Aspects(overlays=old.aspects().overlays), Aspects(overlays=new.aspects().overlays)
    assert changed_kinds(*only_overlays, KIND_GROUPS_OVERLAYS) == {"overlay-added"}
    assert changed_kinds(old.aspects(), new.aspects(), frozenset({"license", "build"})) == {"license"}


KIND_GROUPS_OVERLAYS = frozenset(KIND_GROUPS["overlays"])


def test_aspects_are_the_same_from_a_state_and_from_its_stored_json():
    s = state("bash", overlays=(A, B), reasons=(("overlays", "2"),), binaries=(BinaryFacts("bash", "GPL"),))
    assert type(s).from_json(s.to_json()).aspects() == s.aspects()
    assert len(s.aspects().verdict) == 16 and len(s.aspects().overlays.split()) == 2


# A synthetic history where every kind of change happens, alone and together, plus changes of no kind.

TYPES = ("patch-add", "spec-add-tag", "spec-search-replace")
LICENSES = ("MIT", "GPL-2.0-or-later", "Apache-2.0")


def mutate(rng: random.Random, s):
    """A random change of a state: one aspect, or a few at once; None removes the component."""
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        roll = rng.randrange(12)
        if roll == 0:
            return None
        if roll == 1:
            s = replace(s, headline=rng.choice(("intact", "altered", "pinned")), reasons=((str(rng.randrange(3)), "r"),))
        elif roll == 2:
            s = replace(s, overlays=s.overlays + (overlay(rng.choice(TYPES), f"o{rng.randrange(3)}", f"{rng.randrange(4)}"),))
        elif roll == 3 and s.overlays:
            i = rng.randrange(len(s.overlays))
            s = replace(s, overlays=s.overlays[:i] + s.overlays[i + 1:])
        elif roll == 4 and s.overlays:
            i = rng.randrange(len(s.overlays))
            o = s.overlays[i]
            s = replace(s, overlays=s.overlays[:i] + (replace(o, digest=f"{rng.randrange(4)}"),) + s.overlays[i + 1:])
        elif roll == 5:
            s = replace(s, build=rng.choice(("{}", '{"with": ["x"]}', '{"without": ["y"]}')))
        elif roll == 6:
            s = replace(s, evr=rng.choice(("", "1.0-1.azl4", "1.1-1.azl4")), version=rng.choice(("1.0", "1.1")))
        elif roll == 7:
            main = rng.choice(LICENSES)
            s = replace(s, license=main, binaries=tuple(replace(b, license=main) for b in s.binaries))
        elif roll == 8 and s.binaries:
            i = rng.randrange(len(s.binaries))
            s = replace(s, binaries=s.binaries[:i] + (replace(s.binaries[i], license=rng.choice(LICENSES)),) + s.binaries[i + 1:])
        elif roll == 9:
            s = replace(s, spec_origin=rng.choice(("snapshot", "upstream", "local")))
        elif roll == 10:
            s = replace(s, spec_sha256=rng.choice("abc") * 64)
        else:
            s = replace(s, groups=(rng.choice(("g1", "g2")),), verdict=rng.choice(("v1", "v2")))  # no kind at all
    return s


def random_commits(seed: int, components: int = 25, commits: int = 14) -> list[dict]:
    rng = random.Random(seed)
    current = {f"pkg{i:02}": state(f"pkg{i:02}", binaries=(BinaryFacts(f"pkg{i:02}", "MIT"), BinaryFacts(f"pkg{i:02}-devel", "MIT")))
               for i in range(components)}
    history = [dict(current)]
    for n in range(1, commits):
        for name in rng.sample(sorted(current), min(6, len(current))):
            changed = mutate(rng, current[name])
            if changed is None:
                del current[name]
            else:
                current[name] = changed
        if rng.random() < 0.3:
            current[f"new{n:02}"] = state(f"new{n:02}")
        history.append(dict(current))
    return history


def test_random_state_pairs_tell_every_kind_exactly():
    rng = random.Random(7)
    for _ in range(3000):
        old = state("pkg", overlays=(A, B), binaries=(BinaryFacts("pkg", "MIT"), BinaryFacts("pkg-devel", "MIT")))
        for _ in range(rng.randrange(3)):
            old = mutate(rng, old) or old
        new = mutate(rng, old)
        assert kinds_by_aspects(old, new) == kinds_by_changes(old, new), (old, new)


def filtered_by_changes(distribution, old_seq: int, new_seq: int, keep) -> list[tuple]:
    """The result as it was computed before aspects: every pair's states decoded, changes() filtered by kind."""
    from history import querysets

    found = []
    for c in querysets.with_changes(distribution, querysets.differing(distribution, old_seq, new_seq)):
        kept = [x for x in c.changes if x.kind in keep]
        if kept:
            found.append((c.name, c.before.digest if c.before else None, c.after.digest if c.after else None, kept))
    return found


@pytest.mark.django_db
def test_changes_since_with_every_kind_is_identical_to_filtering_the_decoded_changes():
    snapshots = build_history("azurelinux", random_commits(seed=13))
    distribution = snapshots[0].distribution
    seen: set[str] = set()
    for old, new in [(0, 13), (3, 9), (6, 7), (12, 2), (5, 5)]:
        for kind in [*KIND_GROUPS, *KINDS]:
            keep = kinds_of(kind)
            result = change_set(distribution, {"from": snapshots[old].commit.sha, "to": snapshots[new].commit.sha,
                                               "kind": kind})
            expected = filtered_by_changes(distribution, old, new, keep)
            assert len(result) == len(expected)
            assert [(c.name, c.before.digest if c.before else None, c.after.digest if c.after else None, c.changes)
                    for c in result.components] == expected, (old, new, kind)
            counts: dict[str, int] = {}
            for *_, kept in expected:
                for k in dict.fromkeys(x.kind for x in kept):
                    counts[k] = counts.get(k, 0) + 1
            assert result.kind_counts == counts
            seen |= counts.keys()
    assert seen == set(KINDS)  # the history exercised every kind


@pytest.mark.django_db
def test_a_kind_filter_decodes_only_the_components_read(monkeypatch):
    from history import querysets

    snapshots = build_history("azurelinux", random_commits(seed=13))
    decoded = []
    monkeypatch.setattr(querysets, "STATES", querysets.BoundedCache(10_000))
    real = querysets.State.from_json
    monkeypatch.setattr(querysets.State, "from_json", classmethod(lambda cls, data: decoded.append(1) or real(data)))
    result = change_set(snapshots[0].distribution, {"from": snapshots[0].commit.sha, "kind": "version"})
    assert len(result) >= 2 and decoded == []
    result[:1]
    assert 0 < len(decoded) <= 2  # the first component's states at both ends, not the others'


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_aspects_of_existing_rows_and_reverses():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from history.models import ASPECT_COLUMNS
    from history.models import ComponentState as Row
    from history.states import ComponentState as State

    snapshots = build_history("azurelinux", random_commits(seed=3, components=8, commits=5))
    data_before = dict(Row.objects.values_list("pk", "data"))
    expected = {pk: State.from_json(data).aspects() for pk, data in data_before.items()}
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("history", "0001_initial")])
        with connection.cursor() as cursor:
            columns = {c.name for c in connection.introspection.get_table_description(cursor, Row._meta.db_table)}
        assert "aspect_overlays" not in columns and "data" in columns  # backwards: the columns are gone, data kept
        executor = MigrationExecutor(connection)
        executor.migrate([("history", "0002_state_aspects")])
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    names = list(ASPECT_COLUMNS)
    stored = {pk: Aspects(**dict(zip(names, values)))
              for pk, *values in Row.objects.values_list("pk", *ASPECT_COLUMNS.values())}
    assert len(stored) == len(expected) > 8 and stored == expected
    assert dict(Row.objects.values_list("pk", "data")) == data_before
    assert snapshots  # the rows came from a history
