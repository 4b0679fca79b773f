"""Which repository files are the distribution's macro files, in rpm's load order."""

from __future__ import annotations

from audits.rpmspec.macrofiles import distribution_macro_paths

REPO = [
    "specs/a/azurelinux-rpm-config/macros",
    "specs/a/azurelinux-rpm-config/rpmrc",
    "specs/a/azurelinux-rpm-config/macros.rpmautospec",
    "specs/a/azurelinux-rpm-config/common.lua",
    "specs/a/azurelinux-rpm-config/brp-strip-lto",
    "specs/a/azurelinux-release/azurelinux-release.spec",
    "specs/a/azurelinux-release/LICENSE",
    "specs/o/other-release/other-release.spec",
    "specs/r/redhat-rpm-config/macros",
    "specs/r/redhat-rpm-config/macros.rpmautospec",
    "specs/p/python-rpm-macros/macros.python-srpm",
    "specs/p/python-rpm-macros/python.lua",
    "specs/p/pyproject-rpm-macros/macros.aaa-pyproject-srpm",
    "specs/m/multilib-rpm-config/macros.ml",
    "specs/f/filesystem/macros.filesystem",
    "specs/f/filesystem/filesystem.spec",
    "specs/n/nginx/macros.nginx",
    "specs/r/rust/macros.rust-srpm",
    "specs/r/rust/macros.rust-toolset",
    "specs/x/x-rpm-macros/macros.backup~",
    "toml/azurelinux-rpm-config.toml",
]


def test_the_distributions_own_rpm_config_replaces_redhat_rpm_config():
    paths = distribution_macro_paths(REPO, "azurelinux")
    assert not any("redhat-rpm-config" in p for p in paths)


def test_redhat_rpm_config_is_used_when_the_distribution_has_no_rpm_config_of_its_own():
    paths = distribution_macro_paths(REPO, "otherdistro")
    assert "specs/r/redhat-rpm-config/macros" in paths and "specs/a/azurelinux-rpm-config/macros" not in paths


def test_the_load_order_is_rpmrc_then_macros_d_by_installed_name_then_the_vendor_file_then_lua():
    assert distribution_macro_paths(REPO, "azurelinux") == [
        "specs/a/azurelinux-rpm-config/rpmrc",
        "specs/p/pyproject-rpm-macros/macros.aaa-pyproject-srpm",
        "specs/a/azurelinux-release/azurelinux-release.spec",  # writes macros.dist
        "specs/f/filesystem/macros.filesystem",
        "specs/m/multilib-rpm-config/macros.ml",  # installed as macros.multilib
        "specs/p/python-rpm-macros/macros.python-srpm",
        "specs/a/azurelinux-rpm-config/macros.rpmautospec",
        "specs/r/rust/macros.rust-srpm",
        "specs/a/azurelinux-rpm-config/macros",
        "specs/a/azurelinux-rpm-config/common.lua",
        "specs/p/python-rpm-macros/python.lua",
    ]


def test_macro_files_of_ordinary_packages_are_not_in_the_build_root():
    assert "specs/n/nginx/macros.nginx" not in distribution_macro_paths(REPO, "azurelinux")


def test_a_package_whose_srpm_macros_sub_package_the_rpm_config_requires_brings_only_that_file():
    paths = distribution_macro_paths(REPO, "azurelinux")
    assert "specs/r/rust/macros.rust-srpm" in paths and "specs/r/rust/macros.rust-toolset" not in paths


def test_names_rpm_skips_in_macros_d_are_skipped():
    assert "specs/x/x-rpm-macros/macros.backup~" not in distribution_macro_paths(REPO, "azurelinux")


def test_only_the_distributions_release_spec_generates_macros_dist():
    assert "specs/o/other-release/other-release.spec" not in distribution_macro_paths(REPO, "azurelinux")
