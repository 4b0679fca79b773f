"""audits.links: which URLs become links, and where they point (plain objects, no database)."""

from types import SimpleNamespace

import pytest

from audits.links import Link, https_base, repo_link, safe_url, upstream_links

SHA = "c0ffee" * 6 + "abcd"
PINNED = "a" * 40


def release(source_url: str):
    return SimpleNamespace(source_url=source_url, commit=SimpleNamespace(sha=SHA))


def component(**fields):
    values = {"name": "bash", "spec_type": "upstream", "dist_git_url": "https://src.example.org/rpms/bash.git",
              "dist_git_branch": "f43", "upstream_name": "", "upstream_commit": ""}
    return SimpleNamespace(**{**values, **fields})


@pytest.mark.parametrize(
    ("url", "base"),
    [
        ("https://github.com/example/azl.git", "https://github.com/example/azl"),
        ("https://github.com/example/azl/", "https://github.com/example/azl"),
        ("https://github.com/example/azl", "https://github.com/example/azl"),
        ("http://github.com/example/azl.git", ""),  # not https
        ("/srv/git/azl", ""),  # a local path
        ("file:///srv/git/azl.git", ""),
        ("git@github.com:example/azl.git", ""),
        ("https://user:token@github.com/example/azl.git", ""),  # credentials are never shown
        ("https://user@github.com/example/azl.git", ""),
        ("https:///no-host", ""),
        ("", ""),
    ],
)
def test_only_https_urls_with_a_host_and_no_credentials_have_a_base(url, base):
    assert https_base(url) == base


def test_repo_links_point_at_the_ingested_commit():
    r = release("https://github.com/example/azl.git")
    assert repo_link(r, "tree") == f"https://github.com/example/azl/tree/{SHA}"
    assert repo_link(r, "blob", "base/comps/bash.comp.toml") == f"https://github.com/example/azl/blob/{SHA}/base/comps/bash.comp.toml"
    assert repo_link(r, "commit", "1234abcd") == "https://github.com/example/azl/commit/1234abcd"


def test_gitlab_repo_links_use_its_dash_paths():
    r = release("https://gitlab.example.org/group/azl.git")
    assert repo_link(r, "tree") == f"https://gitlab.example.org/group/azl/-/tree/{SHA}"
    assert repo_link(r, "blob", "a/b.toml") == f"https://gitlab.example.org/group/azl/-/blob/{SHA}/a/b.toml"
    assert repo_link(r, "commit", "1234abcd") == "https://gitlab.example.org/group/azl/-/commit/1234abcd"


def test_a_repository_that_cannot_be_linked_gives_no_links():
    for url in ("/srv/git/azl", "https://user:pw@github.com/example/azl.git"):
        assert repo_link(release(url), "tree") == repo_link(release(url), "commit", SHA) == ""


def test_a_pinned_component_links_its_dist_git_tree_and_spec_at_the_commit():
    assert upstream_links(component(upstream_commit=PINNED)) == [
        Link(f"Dist-git tree at the pinned commit {PINNED[:12]}", f"https://src.example.org/rpms/bash/tree/{PINNED}"),
        Link("bash.spec at the pinned commit", f"https://src.example.org/rpms/bash/blob/{PINNED}/f/bash.spec"),
    ]


def test_the_spec_is_named_after_the_dist_git_package_actually_used():
    (_, spec) = upstream_links(component(upstream_name="bash5", upstream_commit=PINNED))
    assert spec == Link("bash5.spec at the pinned commit", f"https://src.example.org/rpms/bash/blob/{PINNED}/f/bash5.spec")


def test_an_unpinned_component_links_its_branch_and_the_branch_history():
    assert upstream_links(component()) == [
        Link("Dist-git branch f43", "https://src.example.org/rpms/bash/tree/f43"),
        Link("History of branch f43 (find the snapshot date)", "https://src.example.org/rpms/bash/commits/f43"),
    ]


@pytest.mark.parametrize(
    "fields",
    [
        {"spec_type": "local"},  # written in the distro repository: nothing upstream
        {"dist_git_url": ""},
        {"dist_git_url": "file:///srv/rpms/bash.git"},
        {"dist_git_url": "https://user:pw@src.example.org/rpms/bash.git"},
        {"dist_git_branch": ""},  # neither pinned nor on a branch
    ],
)
def test_components_without_a_linkable_dist_git_have_no_upstream_links(fields):
    assert upstream_links(component(**fields)) == []


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("https://bugzilla.example.org/1", "https://bugzilla.example.org/1"),
        ("http://bugs.example.org/2", "http://bugs.example.org/2"),
        ("javascript:alert(1)", ""),
        ("data:text/html,x", ""),
        ("RHBZ#12345", ""),
        ("", ""),
    ],
)
def test_only_http_urls_become_links(url, link):
    assert safe_url(url) == link
