"""A small synthetic azldev repository exercising each classification."""

DISTRO = """
[distros.azurelinux]
description = "Azure Linux"
default-version = "4.0"

[distros.azurelinux.versions.'4.0']
release-ver = "4.0"

[distros.azurelinux.versions.'4.0'.default-component-config]
spec = { type = "upstream", upstream-distro = { name = "fedora", version = "43", snapshot = "2026-02-24T00:00:00-08:00" } }
"""

FEDORA = """
[distros.fedora]
description = "Fedora Linux"
default-version = "43"
dist-git-base-uri = "https://src.example.org/rpms/$pkg.git"

[distros.fedora.versions.43]
release-ver = "43"
dist-git-branch = "f43"

[distros.fedora.versions.rawhide]
release-ver = "rawhide"
dist-git-branch = "rawhide"
"""


def spec(name: str, version: str = "1.0", extra: str = "") -> str:
    return f"""# This spec file has been modified by azldev.
Name: {name}
Version: {version}
Release: 3%{{?dist}}
Summary: The {name} package
License: MIT
URL: https://example.org/{name}
Source0: {name}-{version}.tar.gz
{extra}
%description
{name} does things.

%package devel
Summary: Development files for {name}

%description devel
Headers.

%build
make

%check
make check

%files
/usr/bin/{name}

%files devel
/usr/include/{name}.h
"""


def files() -> dict[str, str]:
    return {
        "azldev.toml": 'includes = ["distro/distro.toml", "base/project.toml"]\n',
        "distro/distro.toml": 'includes = ["*.distro.toml"]\n',
        "distro/azurelinux.distro.toml": DISTRO,
        "distro/fedora.distro.toml": FEDORA,
        "base/project.toml": """
includes = ["comps/components.toml", "packages/packages.toml"]

[project]
description = "sample"
default-distro = { name = "azurelinux" }
rendered-specs-dir = "../specs"
""",
        "base/comps/components.toml": """
includes = ["**/*.comp.toml", "groups.toml"]

[components.curl]
[components.zlib]
""",
        "base/comps/groups.toml": """
[component-groups.check-skip]
description = "Tests that fail in the build environment"
components = ["zlib"]

[component-groups.check-skip.default-component-config.build]
check = { skip = true, skip_reason = "Tests need network access" }
""",
        "base/comps/bash/bash.comp.toml": """
[components.bash]
spec = { type = "upstream", upstream-distro = { name = "fedora", version = "rawhide" } }

[[components.bash.overlays]]
type = "spec-add-tag"
description = "Require <b>coreutils</b>"
tag = "Requires"
value = "coreutils"
metadata = { category = "azl-compatibility", upstream-status = "inapplicable", bugs = [{ url = "https://bugs.example.org/1" }] }
""",
        "base/comps/mypkg/mypkg.comp.toml": """
[components.mypkg]
spec = { type = "local", path = "mypkg.spec" }
""",
        "base/comps/mypkg/mypkg.spec": spec("mypkg"),
        "base/packages/packages.toml": """
[default-package-config]
publish = { channel = "rpm-sdk" }

[package-groups.base]
default-package-config.publish.channel = "rpm-base"
packages = ["curl", "bash"]
""",
        "specs/c/curl/curl.spec": spec("curl", "8.15.0"),
        "specs/c/curl/sources": "SHA512 (curl-8.15.0.tar.gz) = " + "ab" * 64 + "\n",
        "specs/b/bash/bash.spec": spec("bash", "5.3", "Requires: coreutils"),
        "specs/z/zlib/zlib.spec": spec("zlib", "1.3"),
        "specs/m/mypkg/mypkg.spec": spec("mypkg"),
        "specs/o/orphan/orphan.spec": spec("orphan"),
    }


# A License per rendered spec for the license tests: valid (compound, permissive, copyleft) and invalid.
LICENSES = {"curl": "MIT OR Apache-2.0", "bash": "GPL-3.0-or-later", "zlib": "Zlib", "mypkg": "GPLv2+"}


def licensed_files(licenses: dict[str, str] = LICENSES, tree: dict[str, str] | None = None) -> dict[str, str]:
    """The sample repository (or `tree`, a variant of it) with `licenses` in the rendered specs; bash-devel states
    its own License."""
    tree = files() if tree is None else tree
    for name, value in licenses.items():
        path = f"specs/{name[0]}/{name}/{name}.spec"
        tree[path] = tree[path].replace("License: MIT", f"License: {value}")
    bash = "specs/b/bash/bash.spec"
    tree[bash] = tree[bash].replace("Summary: Development files for bash",
                                    "Summary: Development files for bash\nLicense: LGPL-2.1-or-later")
    return tree
