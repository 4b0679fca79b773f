"""Runs worker.py (Debian's real rpm 4.18 through the system python3-rpm) inside bubblewrap and returns
what rpm says about each spec, so tests can hold our own expander to it.

The specs and macro files come from an untrusted repository and rpm executes their %(...) shell and Lua,
so rpm only ever runs in a sandbox: every namespace unshared (no network), a fresh /proc, /dev and
/tmp, read-only /usr and job directory and nothing else of the host (no /etc, no home), killed with
its parent, memory bounded per process and per spec, time bounded per spec and per batch.
"""

from __future__ import annotations

import json
import resource
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

import pytest

from audits.rpmspec import efimodel, fontmodel, gomodel
from audits.rpmspec.gomodel import ModelStatus
from audits.rpmspec.macropaths import macro_file_role

SYSTEM_PYTHON = "/usr/bin/python3"
BWRAP = "/usr/bin/bwrap"
WORKER = Path(__file__).with_name("worker.py")
SANDBOX_JOB = "/job"
SECONDS_PER_SPEC = 30
BYTES_PER_SPEC = 2 << 30
BYTES_PER_WORKER = 4 << 30
SPECS_PER_BATCH = 300
SECONDS_PER_BATCH = 900


@dataclass(frozen=True, slots=True)
class RpmPackage:
    name: str
    arch: str
    has_files: bool  # rpmbuild builds only the declared packages with a %files section
    requires: tuple[str, ...]
    provides: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RpmVerdict:
    """rpm's answer for one spec on one arch: the identity when `error` is empty, else rpm's reason."""

    spec: str
    arch: str
    error: str
    log: str
    name: str = ""
    epoch: str = ""
    version: str = ""
    release: str = ""
    exclusive_arch: tuple[str, ...] = ()
    exclude_arch: tuple[str, ...] = ()
    packages: tuple[RpmPackage, ...] = ()
    prep_blanked: bool = False  # parsed again without %prep, which only rpm 4.20 understood
    seconds: float = 0.0

    @property
    def built_packages(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.packages if p.has_files)


def unavailable() -> str:
    """Why the oracle cannot run on this machine ("" when it can)."""
    for program in (BWRAP, SYSTEM_PYTHON):
        if not Path(program).exists():
            return f"{program} is not installed (apt-get install rpm python3-rpm bubblewrap)"
    probe = subprocess.run([SYSTEM_PYTHON, "-I", "-c", "import rpm"], capture_output=True, timeout=60)
    if probe.returncode != 0:
        return "the system python3 has no rpm module (apt-get install python3-rpm)"
    return ""


def require_rpm() -> None:
    reason = unavailable()
    if reason:
        pytest.skip(reason)


def sandbox_command(tree: Path, lua_dir: Path) -> list[str]:
    """bubblewrap around the system python3: only /usr, the repository tree, the Lua modules and the
    worker are visible, all read-only."""
    return [
        BWRAP, "--unshare-all", "--die-with-parent", "--new-session",
        "--ro-bind", "/usr", "/usr",
        *(arg for link in ("bin", "sbin", "lib", "lib64") for arg in ("--symlink", f"usr/{link}", f"/{link}")),
        "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
        "--ro-bind", str(tree), f"{SANDBOX_JOB}/tree",
        "--ro-bind", str(lua_dir), f"{SANDBOX_JOB}/lua",
        "--ro-bind", str(WORKER), f"{SANDBOX_JOB}/worker.py",
        "--clearenv", "--setenv", "HOME", "/tmp", "--setenv", "PATH", "/usr/bin",
        "--setenv", "LANG", "C.UTF-8", "--chdir", "/tmp",
        SYSTEM_PYTHON, "-I", f"{SANDBOX_JOB}/worker.py",
    ]


@dataclass(frozen=True)
class _Model:
    """What the oracle needs of one of Pedigree's models of a macro package (gomodel, fontmodel, efimodel)."""
    own_files: frozenset[str]  # the package's own macro files: the model is off when the repository has one
    status: Callable[[str | None, bool], ModelStatus]
    lua_source: Callable[[], str]
    macro_file_text: Callable[[], str]


_MODELS = {  # the macro file role kind (macropaths) -> the model; its Lua module is pedigree.<kind>
    "gomodel": _Model(gomodel.GO_MACRO_FILES, gomodel.go_model_status, gomodel.lua_source, gomodel.macro_file_text),
    "fontmodel": _Model(fontmodel.FONT_MACRO_FILES, fontmodel.font_model_status, fontmodel.lua_source,
                        fontmodel.macro_file_text),
    "efimodel": _Model(efimodel.EFI_MACRO_FILES, efimodel.efi_model_status, efimodel.lua_source,
                       efimodel.macro_file_text),
}


def macro_entries(tree: Path, macro_paths: Sequence[str], lua_dir: Path) -> list[dict[str, str]]:
    """The worker's macro files, each with the role rpm gives it (macropaths.macro_file_role); Lua
    modules are laid out in `lua_dir` where their package installs them under %_rpmluadir
    ("fedora.srpm.python" -> fedora/srpm/python.lua), which is where rpm's `require` looks. rpmrc is
    left out: it only sets %optflags, which no identity reads. Where Pedigree's go-rpm-macros,
    fonts-rpm-macros or efi-srpm-macros model stands in (gomodel.py, fontmodel.py, efimodel.py), rpm
    gets the model too, as a macro file and the Lua module it requires."""
    entries = []
    roles = [(path, macro_file_role(path)) for path in macro_paths]
    own = {kind: any(r is not None and r.kind != kind and r.name in model.own_files for _, r in roles)
           for kind, model in _MODELS.items()}
    for path, role in roles:
        if role is None:
            raise ValueError(f"{path} is no macro file rpm would read")
        if role.kind in _MODELS:
            model = _MODELS[role.kind]
            if model.status((tree / path).read_text(encoding="utf-8", errors="replace"), own[role.kind]).applied:
                (lua_dir / "pedigree").mkdir(exist_ok=True)
                (lua_dir / "pedigree" / f"{role.kind}.lua").write_text(model.lua_source(), encoding="utf-8")
                (lua_dir / role.name).write_text(model.macro_file_text(), encoding="utf-8")
                entries.append({"kind": "macros.d", "path": f"{SANDBOX_JOB}/lua/{role.name}", "name": role.name})
        elif role.kind == "lua":
            for module in (role.name, *role.aliases):
                target = lua_dir.joinpath(*module.split(".")).with_suffix(".lua")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes((tree / path).read_bytes())
        elif role.kind != "rpmrc":
            entries.append({"kind": role.kind, "path": f"{SANDBOX_JOB}/tree/{path}", "name": role.name})
    return entries


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (BYTES_PER_WORKER, BYTES_PER_WORKER))


def _verdict(line: str, tree_prefix: str) -> RpmVerdict:
    data = json.loads(line)
    packages = tuple(
        RpmPackage(p["name"], p["arch"], p["has_files"], tuple(p["requires"]), tuple(p["provides"]))
        for p in data.get("packages", ())
    )
    return RpmVerdict(
        spec=data["spec"].removeprefix(tree_prefix), arch=data["arch"],
        error="" if data["ok"] else data["error"], log=data["log"],
        name=data.get("name", ""), epoch=data.get("epoch", ""), version=data.get("version", ""),
        release=data.get("release", ""), exclusive_arch=tuple(data.get("exclusive_arch", ())),
        exclude_arch=tuple(data.get("exclude_arch", ())), packages=packages,
        prep_blanked=data.get("prep_blanked", False), seconds=data["seconds"],
    )


def _run_batch(command: list[str], job: dict[str, object], tree_prefix: str) -> list[RpmVerdict]:
    process = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=_limit_memory, start_new_session=True,
    )
    try:
        out, err = process.communicate(json.dumps(job), timeout=SECONDS_PER_BATCH)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise RuntimeError(f"the rpm oracle did not finish a batch within {SECONDS_PER_BATCH} seconds")
    verdicts = [_verdict(line, tree_prefix) for line in out.splitlines()]
    if process.returncode != 0 or len(verdicts) != len(job["specs"]):  # type: ignore[arg-type]
        raise RuntimeError(f"the rpm oracle failed (exit {process.returncode}): {err[-2000:]}")
    return verdicts


def _batches(items: Sequence[str]) -> Iterable[Sequence[str]]:
    return (items[i:i + SPECS_PER_BATCH] for i in range(0, len(items), SPECS_PER_BATCH))


def run_rpm(tree: Path, specs_by_arch: Mapping[str, Sequence[str]], macro_paths: Sequence[str], *,
            processes: int = 2) -> dict[tuple[str, str], RpmVerdict]:
    """rpm's verdict for every (arch, spec path) asked for. Paths are relative to `tree` (a checkout of
    the repository); `macro_paths` are the distribution's macro files, Lua modules and macro-file
    generators (macropaths.distribution_macro_paths), read with rpm's own macros and platform."""
    prefix = f"{SANDBOX_JOB}/tree/"
    with tempfile.TemporaryDirectory(prefix="rpm-oracle-lua-") as lua_dir:
        entries = macro_entries(tree, macro_paths, Path(lua_dir))
        command = sandbox_command(tree.resolve(), Path(lua_dir))
        jobs = [
            {"arch": arch, "specs": [prefix + spec for spec in batch], "lua_dir": f"{SANDBOX_JOB}/lua",
             "macro_files": entries,
             "seconds_per_spec": SECONDS_PER_SPEC, "bytes_per_spec": BYTES_PER_SPEC}
            for arch, specs in specs_by_arch.items() for batch in _batches(list(specs))
        ]
        with ThreadPoolExecutor(max_workers=processes) as pool:
            results = pool.map(lambda job: _run_batch(command, job, prefix), jobs)
            return {(v.arch, v.spec): v for batch in results for v in batch}
