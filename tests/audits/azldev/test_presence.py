"""The presence check: every overlay of a rendered synthetic component is classified, and
removing any one overlay's effect from the rendered output turns its verdict to absent."""

from __future__ import annotations

import gzip
import io
import tarfile

import pytest

from audits.azldev.build_presence import check_build_presence
from audits.azldev.overlays import render_spec
from audits.azldev.presence import (
    ABSENT, NOT_VERIFIABLE, PRESENT, PresenceVerdict, check_presence, summarise,
)  # fmt: skip

SPEC = """\
Name:           demo
Version:        1.0
Release:        3%{?dist}
Summary:        Demo package
License:        MIT
Source0:        demo-1.0.tar.gz
Source1:        demo.conf
Source2:        old.service
Patch0:         fix-build.patch
Patch1:         CVE-1.patch
BuildRequires:  gcc
BuildRequires:  make

%description
Demo.

%package devel
Summary:        Development files

%description devel
Headers.

%package -n python3-demo
Summary:        Python bindings

%description -n python3-demo
Bindings.

%generate_buildrequires
%pyproject_buildrequires

%prep
%autosetup -p1

%build
%configure --enable-foo
%make_build

%install
%make_install
install -m 644 demo.conf %{buildroot}/etc/demo.conf

%check
make check

%files
%{_bindir}/demo

%files devel
%{_includedir}/demo.h

%files -n python3-demo
%{python3_sitelib}/demo

%changelog
* Mon Jan 05 2026 Someone <someone@example.com> - 1.0-3
- Initial
"""


def tar_gz(entries: dict[str, bytes]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:") as tar:
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue())


ARCHIVE = {"pkg-1.0/vendor/a.js": b"a", "pkg-1.0/src/main.c": b"int fedora;\n", "pkg-1.0/README": b"r"}
FILES = {
    "demo.conf": b"port=1\n",
    "README.fedora": b"fedora notes\n",
    "old.service": b"[Unit]\n",
    "fix-build.patch": b"diff",
    "CVE-1.patch": b"diff",
    "pkg-1.0.tar.gz": tar_gz(ARCHIVE),
}
SOURCES = {"patches/fix-abi.patch": b"diff --git", "files/extra.macros": b"%azl 1\n"}

OVERLAYS = [
    {"type": "spec-add-tag", "tag": "BuildRequires", "value": "cmake"},  # 0
    {"type": "spec-insert-tag", "tag": "Source9999", "value": "extra.macros"},  # 1
    {"type": "spec-set-tag", "tag": "Version", "value": "2.0"},  # 2
    {"type": "spec-update-tag", "tag": "Summary", "value": "Headers", "package": "devel"},  # 3
    {"type": "spec-remove-tag", "tag": "BuildRequires", "value": "make"},  # 4
    {"type": "spec-prepend-lines", "section": "%build", "lines": ["export CFLAGS=-O1"]},  # 5
    {"type": "spec-append-lines", "section": "%files", "package": "devel", "lines": ["%{_libdir}/libdemo.so"]},  # 6
    {"type": "spec-search-replace", "section": "%build", "regex": "--enable-foo", "replacement": "--disable-foo"},  # 7
    {"type": "spec-search-replace", "section": "%install", "regex": "^install -m 644 demo\\.conf.*$", "replacement": ""},  # 8
    {"type": "spec-remove-section", "section": "%generate_buildrequires"},  # 9
    {"type": "spec-remove-subpackage", "package": "python3-demo"},  # 10
    {"type": "patch-add", "source": "patches/fix-abi.patch"},  # 11
    {"type": "patch-remove", "file": "CVE-*.patch"},  # 12
    {"type": "file-prepend-lines", "file": "demo.conf", "lines": ["# azl"]},  # 13
    {"type": "file-search-replace", "file": "demo.conf", "regex": "port=1", "replacement": "port=2"},  # 14
    {"type": "file-add", "file": "extra.macros", "source": "files/extra.macros"},  # 15
    {"type": "file-remove", "file": "README.*"},  # 16
    {"type": "file-rename", "file": "old.service", "replacement": "demo.service"},  # 17
    {"type": "file-remove", "archive": "pkg-1.0.tar.gz", "file": "vendor/**"},  # 18
    {"type": "file-search-replace", "archive": "pkg-1.0.tar.gz", "file": "src/*.c", "regex": "fedora", "replacement": "azl"},  # 19
    {"type": "spec-prepend-lines", "lines": ["# top banner"]},  # 20
    {"type": "spec-append-lines", "lines": ["%global azl_marker 1"]},  # 21
]
DELETION = 8  # an empty replacement leaves nothing to find
OVERLAY_TYPES = {o["type"] for o in OVERLAYS}


@pytest.fixture(scope="module")
def rendered() -> tuple[str, dict[str, bytes]]:
    result = render_spec(
        SPEC, OVERLAYS, build={"check": {"skip": True, "skip_reason": "flaky"}}, synthetic_commits=1,
        files=dict(FILES), read_source=SOURCES.__getitem__,
    )  # fmt: skip
    assert result.files is not None
    return result.spec_text, result.files


def verdict_of(verdicts: list[PresenceVerdict], position: int) -> PresenceVerdict:
    return next(v for v in verdicts if v.position == position)


def test_the_synthetic_component_uses_every_overlay_type():
    assert OVERLAY_TYPES == {
        "spec-add-tag", "spec-insert-tag", "spec-set-tag", "spec-update-tag", "spec-remove-tag", "spec-prepend-lines",
        "spec-append-lines", "spec-search-replace", "spec-remove-section", "spec-remove-subpackage", "patch-add",
        "patch-remove", "file-prepend-lines", "file-search-replace", "file-add", "file-remove", "file-rename",
    }  # fmt: skip


def test_every_overlay_of_the_rendered_component_is_present_except_the_deletion(rendered):
    spec, files = rendered
    verdicts = check_presence(spec, OVERLAYS, files=files)
    assert [v.position for v in verdicts] == list(range(len(OVERLAYS)))
    assert {v.position: v.verdict for v in verdicts if v.verdict != PRESENT} == {DELETION: NOT_VERIFIABLE}
    assert verdict_of(verdicts, DELETION).code == "empty-replacement"


def test_a_bumped_release_still_counts_as_the_overlay_value(rendered):
    spec, _ = rendered  # rendered with one synthetic commit: Release 3 became 4
    verdict = check_presence(spec, [{"type": "spec-set-tag", "tag": "Release", "value": "3%{?dist}"}])[0]
    assert (verdict.verdict, verdict.code) == (PRESENT, "release-bumped") and "Release: 4%{?dist}" in spec


def test_without_file_contents_file_overlays_cannot_be_decided(rendered):
    spec, files = rendered
    verdicts = check_presence(spec, OVERLAYS, files=set(files))
    undecided = {v.position: v.code for v in verdicts if v.verdict == NOT_VERIFIABLE}
    assert undecided == {
        8: "empty-replacement", 13: "no-file-contents", 14: "no-file-contents", 18: "archive-not-available",
        19: "archive-not-available",
    }  # fmt: skip


def test_without_a_file_list_only_spec_effects_are_decided(rendered):
    spec, _ = rendered
    verdicts = check_presence(spec, OVERLAYS)
    assert {v.position for v in verdicts if v.verdict == NOT_VERIFIABLE} == {8, 13, 14, 15, 16, 17, 18, 19}
    assert all(v.verdict == PRESENT for v in verdicts if v.position in (11, 12))


def test_a_file_the_spec_does_not_reference_is_not_verifiable_when_missing(rendered):
    spec, files = rendered
    overlay = {"type": "file-add", "file": "notes.txt", "source": "x"}
    verdict = check_presence(spec, [overlay], files=files)[0]
    assert (verdict.verdict, verdict.code) == (NOT_VERIFIABLE, "file-unreferenced")


def test_a_later_overlay_that_rewrites_the_text_makes_an_absence_not_verifiable():
    overlays = [
        {"type": "spec-append-lines", "section": "%build", "lines": ["make docs"]},
        {"type": "spec-search-replace", "section": "%build", "regex": "make docs", "replacement": "make man"},
    ]
    rendered = render_spec(SPEC, overlays).spec_text
    verdicts = check_presence(rendered, overlays)
    assert [(v.verdict, v.code) for v in verdicts] == [(NOT_VERIFIABLE, "superseded"), (PRESENT, "replaced")]


def test_a_later_rewrite_of_unrelated_text_does_not_excuse_an_absence():
    overlays = [
        {"type": "spec-add-tag", "tag": "BuildRequires", "value": "cmake"},
        {"type": "spec-search-replace", "section": "%build", "regex": "--enable-foo", "replacement": "--disable-foo"},
    ]
    rendered = render_spec(SPEC, overlays).spec_text.replace("BuildRequires: cmake\n", "")
    assert check_presence(rendered, overlays)[0].verdict == ABSENT


def test_a_regex_that_also_matches_its_replacement_is_judged_by_the_replacement():
    overlays = [{"type": "spec-search-replace", "section": "%build", "regex": "%configure", "replacement": "%configure --with-x"}]
    verdict = check_presence(render_spec(SPEC, overlays).spec_text, overlays)[0]
    assert verdict.verdict == PRESENT and "only that is evidence" in verdict.reason


def test_a_replacement_that_is_a_prefix_of_the_unreplaced_text_is_not_mistaken_for_presence():
    overlays = [{"type": "spec-search-replace", "regex": "^%configure --enable-foo$", "replacement": "%configure"}]
    verdict = check_presence(SPEC, overlays)[0]
    assert verdict.verdict == ABSENT and verdict.code == "regex-still-matches"


def test_a_catastrophic_regex_is_not_verifiable_instead_of_hanging():
    spec = SPEC.replace("Demo.\n", "a" * 5000 + "b\n")
    verdict = check_presence(spec, [{"type": "spec-search-replace", "regex": "(a+)+$", "replacement": "x"}], regex_timeout=0.3)[0]
    assert (verdict.verdict, verdict.code) == (NOT_VERIFIABLE, "regex-timeout")


def test_build_effects_header_and_check_skip_are_present(rendered):
    spec, _ = rendered
    verdicts = check_build_presence(spec, {"check": {"skip": True, "skip_reason": "flaky"}})
    assert [(v.type, v.verdict) for v in verdicts] == [("azldev header", PRESENT), ("build.check.skip", PRESENT)]


def test_a_missing_check_skip_is_absent():
    verdicts = check_build_presence(SPEC, {"check": {"skip": True, "skip_reason": "flaky"}})
    assert [v.verdict for v in verdicts] == [ABSENT, ABSENT]


def test_summary_counts_verdicts_and_names_the_reasons(rendered):
    spec, files = rendered
    summary = summarise(check_presence(spec, OVERLAYS, files=set(files)))
    assert (summary["total"], summary[PRESENT], summary[ABSENT], summary[NOT_VERIFIABLE]) == (22, 17, 0, 5)
    assert summary["text"] == (
        "22 overlays: 17 present; 5 not verifiable because no-file-contents (2), archive-not-available (2), empty-replacement (1)"
    )


# --------------------------------------------------------------------------- one mutation per overlay


def replace(old: str, new: str):
    def mutate(spec: str, files: dict[str, bytes]) -> tuple[str, dict[str, bytes]]:
        assert old in spec, old
        return spec.replace(old, new, 1), files

    return mutate


def with_file(name: str, data: bytes | None):
    def mutate(spec: str, files: dict[str, bytes]) -> tuple[str, dict[str, bytes]]:
        files = dict(files)
        if data is None:
            files.pop(name)
        else:
            files[name] = data
        return spec, files

    return mutate


MUTATIONS = {
    0: replace("BuildRequires: cmake\n", ""),
    1: replace("Source9999: extra.macros\n", ""),
    2: replace("Version: 2.0\n", "Version: 1.0\n"),
    3: replace("Summary: Headers\n", "Summary: Development files\n"),
    4: replace("BuildRequires:  gcc\n", "BuildRequires:  gcc\nBuildRequires: make\n"),
    5: replace("export CFLAGS=-O1\n", ""),
    6: replace("%{_libdir}/libdemo.so\n", ""),
    7: replace("--disable-foo", "--enable-foo"),
    DELETION: replace("%make_install\n", "%make_install\ninstall -m 644 demo.conf %{buildroot}/etc/demo.conf\n"),
    9: replace("%prep\n", "%generate_buildrequires\n%pyproject_buildrequires\n\n%prep\n"),
    10: replace("%changelog\n", "%files -n python3-demo\n%{python3_sitelib}/demo\n\n%changelog\n"),
    11: replace("Patch2: fix-abi.patch\n", ""),
    12: replace("Patch0:         fix-build.patch\n", "Patch0:         fix-build.patch\nPatch1: CVE-1.patch\n"),
    13: with_file("demo.conf", b"port=2\n"),
    14: with_file("demo.conf", b"# azl\nport=1\n"),
    15: with_file("extra.macros", None),
    16: with_file("README.fedora", b"fedora notes\n"),
    17: with_file("old.service", b"[Unit]\n"),
    18: with_file("pkg-1.0.tar.gz", tar_gz({**ARCHIVE, "pkg-1.0/src/main.c": b"int azl;\n"})),
    19: with_file("pkg-1.0.tar.gz", tar_gz({"pkg-1.0/src/main.c": b"int fedora;\n", "pkg-1.0/README": b"r"})),
    20: replace("# top banner\n", ""),
    21: replace("%global azl_marker 1\n", ""),
}


def test_every_overlay_has_a_mutation():
    assert sorted(MUTATIONS) == list(range(len(OVERLAYS)))


@pytest.mark.parametrize("position", sorted(MUTATIONS), ids=lambda p: f"{p}-{OVERLAYS[p]['type']}")
def test_removing_an_overlays_effect_makes_it_absent(rendered, position):
    spec, files = MUTATIONS[position](*rendered)
    verdicts = check_presence(spec, OVERLAYS, files=files)
    mutated = verdict_of(verdicts, position)
    assert mutated.verdict == ABSENT, mutated
    assert mutated.reason
    others = {v.position: v.verdict for v in verdicts if v.position != position and v.verdict != PRESENT}
    assert others in ({}, {DELETION: NOT_VERIFIABLE}), others
