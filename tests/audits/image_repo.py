"""The sample repository (sample_repo) with images: two KIWI descriptions, one with profiles."""

from __future__ import annotations

from pathlib import Path

from . import sample_repo

VM_KIWI = """<?xml version="1.0" encoding="utf-8"?>
<image schemaversion="8.3" name="sample-vm">
  <preferences><version>1.0</version><type image="oem" filesystem="ext4"/></preferences>
  <packages type="image">
    <!-- comments are not packages -->
    <package name="curl"/>
    <package name="bash"/>
    <package name="no-such-package"/>
    <namedCollection name="core-group"/>
    <archive name="root.tar.gz"/>
  </packages>
  <packages type="oem"><package name="mypkg"/></packages>
  <packages type="iso"><package name="not-built-for-oem"/></packages>
  <packages type="bootstrap">
    <package name="curl-devel" arch="x86_64"/>
  </packages>
  <packages type="delete"><package name="curl-devel"/></packages>
</image>
"""

BOX_KIWI = """<?xml version="1.0" encoding="utf-8"?>
<image schemaversion="8.3" name="sample-box">
  <profiles>
    <profile name="core" description="Core" import="true"/>
    <profile name="full" description="Full" import="true"><requires profile="core"/></profile>
  </profiles>
  <preferences><type image="oci"/></preferences>
  <packages type="image" profiles="core"><package name="zlib"/></packages>
  <packages type="image" profiles="full"><package name="bash"/><ignore name="coreutils"/></packages>
</image>
"""

IMAGES_TOML = """
[images.vm]
description = "Sample VM image"
definition = { type = "kiwi", path = "vm/vm.kiwi" }

[images.box-core]
description = "Sample container, core"
definition = { type = "kiwi", path = "box/box.kiwi", profile = "core" }

[images.box-full]
description = "Sample container, full"
definition = { type = "kiwi", path = "box/box.kiwi", profile = "full" }
"""


def files() -> dict[str, str]:
    """curl requires zlib (so zlib is in the vm's closure); bash requires coreutils, which no spec builds."""
    found = sample_repo.files()
    found["base/project.toml"] = found["base/project.toml"].replace(
        '"packages/packages.toml"]', '"packages/packages.toml", "images/images.toml"]'
    )
    found["specs/c/curl/curl.spec"] = sample_repo.spec("curl", "8.15.0", "Requires: zlib\nRequires: /bin/sh")
    found["base/images/images.toml"] = IMAGES_TOML
    found["base/images/vm/vm.kiwi"] = VM_KIWI
    found["base/images/box/box.kiwi"] = BOX_KIWI
    return found


def ingest(tmp_path: Path, *, licensed: bool = False):
    """The repository committed and ingested (local sources must be allowed): its Release. `licensed`: with the
    Licenses of sample_repo.LICENSES (bash-devel, not in any image, states LGPL-2.1-or-later)."""
    from audits.services.ingest import ingest_release
    from tests.support.gitrepo import init_repo

    repo = tmp_path / "repo"
    tree = sample_repo.licensed_files(tree=files()) if licensed else files()
    return ingest_release(str(repo), init_repo(repo, tree)).release
