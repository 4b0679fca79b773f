"""PURE PYTHON: where a remote branch or tag points now (`git ls-remote`), under the same rules as a fetch.

The watch of a ref (history.services.watch) polls with this instead of cloning: the source and ref are
validated as for `gitsource.fetch`, network sources go through the egress policy and are pinned to the
checked addresses, remote helpers, hooks and redirects are off, and git's stderr is logged, never shown.
"""

from __future__ import annotations

from access import egress as egress_policy
from access.egress import EgressPolicy

from .gitsource import GitSourceError, _clone_error, _pinned, _run, git_env, validate_ref, validate_source


def remote_commit(source: str, ref: str, *, allow_local: bool, timeout: float = 60,
                  egress: EgressPolicy | None = None) -> str:
    """The commit id `ref` (a branch, a tag or HEAD) names at `source` now; GitSourceError when it names
    none there, GitTransientError when the remote cannot be reached for now."""
    policy = egress if egress is not None else egress_policy.default_policy()
    source = validate_source(source, allow_local=allow_local, egress=policy)
    ref = validate_ref(ref)
    wanted = [ref] if ref.startswith("refs/") or ref == "HEAD" else [f"refs/heads/{ref}", f"refs/tags/{ref}"]
    pin_args, pin_env = _pinned(source, policy)
    env = git_env(isolated=False)
    env["GIT_ALLOW_PROTOCOL"] = "file:https:ssh" if allow_local else "https:ssh"
    env.update(pin_env)
    args = ["-c", "protocol.ext.allow=never", "-c", "core.hooksPath=/dev/null", "-c", "http.followRedirects=false",
            *pin_args, "ls-remote", "--", source, *wanted, *(f"{name}^{{}}" for name in wanted)]
    result = _run("ls-remote", args, env=env, timeout=timeout)
    if result.returncode != 0:
        raise _clone_error(source, result.stderr)
    found: dict[str, str] = {}
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        sha, _, name = line.partition("\t")
        found[name.strip()] = sha.strip()
    for name in wanted:  # a branch before a tag; an annotated tag's commit (^{}) before the tag object
        for candidate in (f"{name}^{{}}", name):
            if candidate in found:
                return found[candidate]
    raise GitSourceError(f"ref {ref!r} is not a branch or tag of {source} (a watch follows a branch or a tag)")
