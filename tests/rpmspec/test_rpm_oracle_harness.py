"""The rpm oracle's own sandbox and set-up, on tiny synthetic specs: a broken bubblewrap command, target
arch or macro/Lua loading shows here in seconds, without the corpus."""

from __future__ import annotations

import pytest

from audits.rpmspec.macropaths import distribution_macro_paths
from tests.support.rpm_oracle.runner import RpmVerdict, require_rpm, run_rpm

ARCHES = ("x86_64", "aarch64")

CONDITIONAL = """\
Name: conditional
Version: 1.0
%ifarch aarch64
Release: 2
%else
Release: 1
%endif
Summary: s
License: MIT
Provides: conditional-isa%{_isa}
%description
d
%files
"""

PARAMETRIC = """\
Name: parametric
Version: %{joined -s . 4 2}
Release: 1%{?dist}
Summary: s
License: MIT
%description
d
%files
"""

SUBPACKAGES = """\
Name: subpackages
Epoch: 3
Version: 1.0
Release: 1
Summary: s
License: MIT
%description
d
%package built
Summary: s
Requires: %{name}%{?_isa} = %{epoch}:%{version}-%{release}
%description built
d
%package declared-only
Summary: s
%description declared-only
d
%files
%files built
"""

SANDBOX = """\
Name: sandbox
Version: 1
Release: %(test -w /job/tree && echo writable || echo readonly).%(grep -c : /proc/net/dev)
Summary: s
License: MIT
%description
d
%files
"""

MACROS = """\
%joined(s:) %{lua: local words = require "synthetic.common"; print(words.join(rpm.expand("%{-s*}"), arg))}
"""

WORDS_MODULE = """\
local M = {}
function M.join(separator, items) return table.concat(items, separator) end
return M
"""

VENDOR_MACROS = """\
%_vendor synthetic
%distcore .syn%{release_major}
"""

RELEASE = """\
Name: synthetic-release
Version: 7
Release: 1
Summary: s
License: MIT
%global release_major 7
%description
d
%install
cat >> %{buildroot}%{_rpmconfigdir}/macros.d/macros.dist << END
%%release_major %{release_major}
%%dist %%{distcore}.%%{_vendor}
END
%files
"""

MACRO_FILES = {
    "specs/s/synthetic-rpm-config/macros": VENDOR_MACROS,
    "specs/s/synthetic-rpm-config/common.lua": WORDS_MODULE,
    "specs/s/synthetic-rpm-macros/macros.synthetic": MACROS,
    "specs/s/synthetic-release/synthetic-release.spec": RELEASE,
}


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], RpmVerdict]:
    require_rpm()
    tree = tmp_path_factory.mktemp("tree")
    specs = {"conditional": CONDITIONAL, "parametric": PARAMETRIC, "subpackages": SUBPACKAGES,
             "sandbox": SANDBOX, "broken": "Name: broken\nVersion: 1-2\n"}
    files = MACRO_FILES | {spec_path(name): text for name, text in specs.items()}
    for path, text in files.items():
        (tree / path).parent.mkdir(parents=True, exist_ok=True)
        (tree / path).write_text(text)
    macro_paths = distribution_macro_paths(files, "synthetic")
    return run_rpm(tree, {arch: [spec_path(name) for name in specs] for arch in ARCHES}, macro_paths)


def spec_path(name: str) -> str:
    return f"specs/{name[0]}/{name}/{name}.spec"


def verdict(verdicts: dict[tuple[str, str], RpmVerdict], arch: str, name: str) -> RpmVerdict:
    found = verdicts[(arch, spec_path(name))]
    assert not found.error or name == "broken", found.log
    return found


@pytest.mark.parametrize(("arch", "release", "isa"), [("x86_64", "1", "(x86-64)"), ("aarch64", "2", "(aarch-64)")])
def test_ifarch_and_isa_follow_the_target_arch(verdicts, arch: str, release: str, isa: str) -> None:
    found = verdict(verdicts, arch, "conditional")
    assert (found.name, found.version, found.release) == ("conditional", "1.0", release)
    assert f"conditional-isa{isa}" in found.packages[0].provides


def test_a_parametric_macro_from_a_distribution_file_runs_its_lua_module(verdicts) -> None:
    assert verdict(verdicts, "x86_64", "parametric").version == "4.2"


def test_dist_comes_from_the_release_specs_macros_dist_and_the_vendor_file_read_after_the_platform(
        verdicts) -> None:
    assert verdict(verdicts, "aarch64", "parametric").release == "1.syn7.synthetic"


def test_only_packages_with_a_files_section_are_built(verdicts) -> None:
    found = verdict(verdicts, "x86_64", "subpackages")
    assert [p.name for p in found.packages] == ["subpackages", "subpackages-built", "subpackages-declared-only"]
    assert found.built_packages == ("subpackages", "subpackages-built")


def test_epoch_and_requires_are_reported(verdicts) -> None:
    found = verdict(verdicts, "aarch64", "subpackages")
    assert found.epoch == "3"
    assert "subpackages(aarch-64) = 3:1.0-1" in found.packages[1].requires


def test_rpm_runs_shell_only_with_a_read_only_tree_and_no_network_but_loopback(verdicts) -> None:
    assert verdict(verdicts, "x86_64", "sandbox").release == "readonly.1"


def test_a_spec_rpm_refuses_comes_back_with_rpms_reason(verdicts) -> None:
    found = verdict(verdicts, "x86_64", "broken")
    assert found.error and "Version" in found.log
