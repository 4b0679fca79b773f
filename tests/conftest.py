"""Fixtures shared by every test package: users in each role and sample releases."""

import os

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from access.permissions import ADMIN, AUDITOR, RELEASE_MANAGER
from audits.services.ingest import ingest_release
from tests.audits import sample_repo
from tests.support.corpus import RUN_DIR_VARIABLE
from tests.support.gitrepo import commit_all, init_repo, write_files
from tests.support.users import PASSWORD
from tests.support.xdist_units import ContiguousUnitScheduling, run_order

# Non-loopback connections fail the test; the local Sigstore instance is a fixture everywhere.
pytest_plugins = ["tests.support.network_guard", "tests.support.sigstore_fixtures", "tests.support.signin_fixtures"]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """After pytest-django's order (database tests, transactional ones, the rest), the longest units of
    `-n 2` first (tests/support/xdist_units.py `run_order`); the order of the database tests holds."""
    items.sort(key=run_order)


def pytest_xdist_make_scheduler(config, log):
    return ContiguousUnitScheduling(config, log)


@pytest.fixture(scope="session", autouse=True)
def run_directory(tmp_path_factory):
    """A directory of this run that every xdist worker shares (each worker's base is one of its folders)."""
    base = tmp_path_factory.getbasetemp()
    os.environ[RUN_DIR_VARIABLE] = str(base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base)


@pytest.fixture(autouse=True)
def git_mirrors_of_the_test(settings, tmp_path_factory):
    """The history ingest's kept mirrors (PEDIGREE_GIT_MIRROR_DIR) in a directory of each test's own."""
    settings.PEDIGREE_GIT_MIRROR_DIR = str(tmp_path_factory.mktemp("git-mirrors"))


@pytest.fixture
def allow_local_sources(settings):
    settings.PEDIGREE_ALLOW_LOCAL_SOURCES = True
    return settings


# The second commit of the sample repository: bash's overlay changes, curl gets pinned and
# a new version, zlib is removed, newpkg is added.
SECOND_COMMIT = {
    "base/comps/components.toml": """
includes = ["**/*.comp.toml", "groups.toml"]

[components.curl]
spec = { type = "upstream", upstream-commit = "0123456789abcdef0123456789abcdef01234567" }

[components.newpkg]
""",
    "base/comps/groups.toml": """
[component-groups.check-skip]
description = "Tests that fail in the build environment"
components = ["newpkg"]

[component-groups.check-skip.default-component-config.build]
check = { skip = true, skip_reason = "Tests need network access" }
""",
    "specs/c/curl/curl.spec": sample_repo.spec("curl", "8.16.0"),
    "specs/z/zlib/zlib.spec": None,
    "specs/n/newpkg/newpkg.spec": sample_repo.spec("newpkg", "2.0"),
}


@pytest.fixture
def roles(db):
    call_command("setup_roles", stdout=open("/dev/null", "w"))


@pytest.fixture
def make_user(roles):
    def make(username: str, *role_names: str):
        user = get_user_model().objects.create_user(username, password=PASSWORD)
        user.groups.set(Group.objects.filter(name__in=role_names))
        return user

    return make


@pytest.fixture
def auditor(make_user):
    return make_user("audrey", AUDITOR)


@pytest.fixture
def release_manager(make_user):
    return make_user("manny", RELEASE_MANAGER)


@pytest.fixture
def portal_admin(make_user):
    return make_user("ada", ADMIN)


@pytest.fixture
def sample_git(tmp_path, allow_local_sources):
    """The sample repository with two commits; returns (path, first sha, second sha)."""
    repo = tmp_path / "repo"
    files = sample_repo.files()
    files["base/comps/bash/bash.comp.toml"] = files["base/comps/bash/bash.comp.toml"].replace(
        'description = "Require <b>coreutils</b>"', 'description = "Require <script>alert(1)</script> =HYPERLINK()"'
    )
    first = init_repo(repo, files)
    changed = dict(SECOND_COMMIT)
    changed["base/comps/bash/bash.comp.toml"] = files["base/comps/bash/bash.comp.toml"].replace(
        'value = "coreutils"', 'value = "coreutils >= 9"'
    )
    changed["specs/b/bash/bash.spec"] = sample_repo.spec("bash", "5.3", "Requires: coreutils >= 9")
    write_files(repo, changed)
    second = commit_all(repo, "second", date="2026-03-02T12:00:00+00:00")
    return repo, first, second


@pytest.fixture
def release(sample_git):
    repo, first, _ = sample_git
    return ingest_release(str(repo), first).release


@pytest.fixture
def two_releases(sample_git):
    repo, first, second = sample_git
    return ingest_release(str(repo), first).release, ingest_release(str(repo), second).release


@pytest.fixture
def licensed_git(tmp_path, allow_local_sources):
    """The sample repository with varied Licenses (sample_repo.LICENSES), then a commit that changes curl's
    and respells zlib's; returns (path, first sha, second sha)."""
    repo = tmp_path / "licensed"
    first = init_repo(repo, sample_repo.licensed_files())
    write_files(repo, sample_repo.licensed_files({**sample_repo.LICENSES, "curl": "MIT", "zlib": "zlib"}))
    return repo, first, commit_all(repo, "licenses", date="2026-03-02T12:00:00+00:00")


@pytest.fixture
def licensed_release(licensed_git):
    repo, first, _ = licensed_git
    return ingest_release(str(repo), first).release


@pytest.fixture
def subpackage_licensed_git(tmp_path, allow_local_sources):
    """The licensed repository, then a commit that changes curl's License (its packages inherit it) and the License
    bash-devel states (bash's own stays); returns (path, first sha, second sha)."""
    repo = tmp_path / "subpackage-licensed"
    first = init_repo(repo, sample_repo.licensed_files())
    second = sample_repo.licensed_files({**sample_repo.LICENSES, "curl": "MIT"})
    bash = "specs/b/bash/bash.spec"
    second[bash] = second[bash].replace("License: LGPL-2.1-or-later", "License: LGPL-2.1-or-later AND MIT")
    write_files(repo, second)
    return repo, first, commit_all(repo, "bash-devel's License", date="2026-03-02T12:00:00+00:00")


@pytest.fixture
def licensed_image_release(tmp_path, allow_local_sources):
    """The image repository (tests.audits.image_repo) with the Licenses of sample_repo.LICENSES."""
    from tests.audits import image_repo

    return image_repo.ingest(tmp_path, licensed=True)


@pytest.fixture
def auditor_client(client, auditor):
    client.force_login(auditor)
    return client


@pytest.fixture
def outsider(db):
    """Signed in, but holding no role."""
    return get_user_model().objects.create_user("outsider", password=PASSWORD)
