"""Fetch a configuration repository from git and read it at one commit, without a checkout.

`fetch()` validates a user-supplied source and ref, makes a bare clone in a
temporary directory (removed when the `with` block ends, whatever happens) and
resolves the ref to a commit. `gittree.GitTree` then serves that commit's files
straight from the object database (it satisfies `audits.azldev.tree.RepoTree`), and
the history helpers of `githistory` answer "which commit last touched this" questions.

Every git call uses an argument list (never a shell), runs in its own process
group (killed on timeout or interrupt), ignores repository-locating variables
such as GIT_DIR inherited from the caller, and never prompts. Read-only calls on
the fetched repository also ignore the user's global and system git config, so
settings such as log.showSignature or blame.ignoreRevsFile cannot change output.

Network sources go through the egress policy (access.egress): the host is resolved and checked
once, and git is pinned to the checked addresses (http.curloptResolve, ssh -o HostName) and told
not to follow redirects, so it never resolves the name again or goes elsewhere. Error messages
are our own words: git's stderr (which carries what the remote said) is logged, never shown.
"""

from __future__ import annotations

import logging
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterable, Iterator
from urllib.parse import urlsplit

from access import egress as egress_policy
from access.egress import EgressPolicy

logger = logging.getLogger(__name__)

ALLOW_LOCAL_SETTING = "PEDIGREE_ALLOW_LOCAL_SOURCES"
MAX_SOURCE_LENGTH = 2048
MAX_REF_LENGTH = 255
STDERR_LIMIT = 2048
LOCAL_COMMAND_TIMEOUT = 120.0  # seconds, for commands on the already-fetched repository


class GitSourceError(ValueError):
    """The source or ref given by the user is unusable; the message says why and what is accepted."""


class GitTransientError(RuntimeError):
    """A failure worth retrying later (network trouble, timeout)."""


# ----------------------------------------------------------------------------- validation

_ACCEPTED_REMOTE = "https://host/path, ssh://[user@]host/path or user@host:path"
_ACCEPTED_LOCAL = "file:///abs/path, an absolute directory path or an absolute path to a .bundle file"
_HELPER_SYNTAX = re.compile(r"[A-Za-z0-9][A-Za-z0-9+.\-]*::")
_OPTION_TRICKS = re.compile(r"--(?:upload-pack|receive-pack|exec|config|template|separate-git-dir)", re.I)
_HOST = re.compile(r"[a-z0-9_](?:[a-z0-9_.\-]*[a-z0-9_])?\Z|[0-9a-f:.]*:[0-9a-f:.]*\Z")  # name or IPv6
_SCP = re.compile(r"(?P<user>[A-Za-z0-9_][A-Za-z0-9._~+\-]*)@(?P<host>[A-Za-z0-9_.\-]+|\[[0-9A-Fa-f:.]+\]):(?P<path>.+)\Z")
_HEX_ID = re.compile(r"[0-9a-fA-F]{7,40}\Z")
_REF_RULES = [(re.compile(rule), reason) for rule, reason in [  # git check-ref-format, one-level names allowed
    (r"^-", "it starts with '-'"),
    (r"[\x00-\x20\x7f]|\s", "it contains whitespace or a control character"),
    (r"[~^:?*\[\\]", "it contains one of the characters ~ ^ : ? * [ \\"),
    (r"\.\.", "it contains '..'"),
    (r"@\{|^@$", "it contains '@{' or is '@'"),
    (r"^/|/$|//", "it starts or ends with '/' or contains '//'"),
    (r"\.$", "it ends with '.'"),
    (r"(^|/)\.", "a path component starts with '.'"),
    (r"\.lock(/|$)", "a path component ends with '.lock'"),
]]


def _accepted(allow_local: bool) -> str:
    return f"accepted: {_ACCEPTED_REMOTE}" + (f", or {_ACCEPTED_LOCAL}" if allow_local else "")


def validate_source(source: str, *, allow_local: bool, egress: EgressPolicy | None = None) -> str:
    """Return `source` (local paths normalised) if it is safe to hand to `git clone`, else raise GitSourceError.

    Network addresses are checked against the egress policy without a lookup (literal internal
    addresses, odd numeric host forms, localhost); `fetch` resolves and checks the name again before
    connecting. `egress` defaults to the configured policy (access.egress.default_policy).
    """
    policy = egress if egress is not None else egress_policy.default_policy()

    def bad(reason: str) -> GitSourceError:
        return GitSourceError(f"invalid repository source {source!r}: {reason}; {_accepted(allow_local)}")

    if not isinstance(source, str) or not source:
        raise GitSourceError(f"the repository source is empty; {_accepted(allow_local)}")
    if len(source) > MAX_SOURCE_LENGTH:
        raise GitSourceError(f"the repository source is {len(source)} characters long (at most {MAX_SOURCE_LENGTH} accepted)")
    for i, c in enumerate(source):
        if c.isspace() or not c.isprintable():
            raise bad(f"whitespace or control character {c!r} at position {i}")
    if source.startswith("-"):
        raise bad("it starts with '-' and would be read as a git option")
    if _OPTION_TRICKS.search(source):
        raise bad("it contains a git command-line option")
    if _HELPER_SYNTAX.match(source):
        raise bad("'<transport>::' remote-helper addresses (ext::, fd::, ...) are never accepted")

    if "://" in source:
        scheme = source.split("://", 1)[0].lower()
        if scheme == "file":
            _require_local(source, allow_local)
            parts = urlsplit(source)
            if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
                raise bad("a file:// URL must name an absolute path on this machine")
            return source
        if scheme == "http":
            raise bad("plain http:// is unencrypted; use https://")
        if scheme == "git":
            raise bad("the git:// protocol is unauthenticated and unencrypted; use https:// or ssh://")
        if scheme not in ("https", "ssh"):
            raise bad(f"the {scheme}:// protocol is not supported")
        try:
            parts = urlsplit(source)
            host = parts.hostname or ""
            parts.port  # reading it validates the port (ValueError when malformed)
        except ValueError as exc:
            raise bad(f"malformed URL ({exc})") from None
        if not host or not _HOST.match(host):
            raise bad("missing or invalid host name")
        if parts.netloc.count("@") > 1 or "\\" in parts.netloc:
            raise bad("the address part holds more than one '@' or a backslash")
        problem = egress_policy.literal_problem(host, policy)
        if problem:
            raise bad(problem)
        if parts.password is not None:
            raise bad("URLs must not contain a password; configure a git credential helper instead")
        if (parts.username or "").startswith("-"):
            raise bad("the user name starts with '-'")
        if parts.path.strip("/") == "":
            raise bad("the URL names no repository path")
        if parts.path.lstrip("/").startswith("-"):
            raise bad("the repository path starts with '-'")
        return source

    if source.startswith("/"):
        _require_local(source, allow_local)
        path = os.path.normpath(source)
        if os.path.isdir(path) or (os.path.isfile(path) and path.endswith(".bundle")):
            return path
        raise bad("no such directory or .bundle file on this machine")

    m = _SCP.match(source)
    if m:
        host = m["host"].strip("[]").lower()
        if not _HOST.match(host) or host.startswith("-"):
            raise bad("invalid host name")
        problem = egress_policy.literal_problem(host, policy)
        if problem:
            raise bad(problem)
        if m["path"].startswith(("-", ":")):
            raise bad("the repository path starts with '-' or ':'")
        return source
    raise bad("relative paths and bare names are not accepted")


def _require_local(source: str, allow_local: bool) -> None:
    if not allow_local:
        raise GitSourceError(
            f"local sources are disabled on this server, so {source!r} was refused; "
            f"{_accepted(False)}. Local sources ({_ACCEPTED_LOCAL}) are enabled by the setting {ALLOW_LOCAL_SETTING}."
        )


def validate_ref(ref: str) -> str:
    """Return `ref` if it is a valid branch/tag name (git check-ref-format rules, one level allowed) or commit id."""

    def bad(reason: str) -> GitSourceError:
        return GitSourceError(
            f"invalid ref {ref!r}: {reason}; accepted: a branch or tag name following git's ref-name rules, "
            "or a 7 to 40 character hexadecimal commit id"
        )

    if not isinstance(ref, str) or not ref:
        raise GitSourceError("the ref is empty; give a branch name, a tag name or a commit id")
    if len(ref) > MAX_REF_LENGTH:
        raise bad(f"it is {len(ref)} characters long (at most {MAX_REF_LENGTH})")
    if not ref.isprintable():
        raise bad("it contains a control character")
    for rule, reason in _REF_RULES:
        if rule.search(ref):
            raise bad(reason)
    return ref


# ----------------------------------------------------------------------------- running git

_REPO_ENV = {
    "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT", "GIT_PREFIX",
    "GIT_SHALLOW_FILE", "GIT_GRAFT_FILE", "GIT_REPLACE_REF_BASE", "GIT_QUARANTINE_PATH", "GIT_CEILING_DIRECTORIES",
    "GIT_EXEC_PATH", "GIT_EXTERNAL_DIFF", "GIT_PAGER", "GIT_EDITOR",
}
BLAME_HEADER = re.compile(rb"[0-9a-f]{40,64} \d+ \d+")


def git_env(*, isolated: bool) -> dict[str, str]:
    """The caller's environment minus variables that would redirect git to another repository or inject config."""
    env = {k: v for k, v in os.environ.items()
           if k not in _REPO_ENV and not k.startswith(("GIT_CONFIG_KEY_", "GIT_CONFIG_VALUE_"))}
    env.update(GIT_TERMINAL_PROMPT="0", LC_ALL="C", LANGUAGE="C", GIT_NO_REPLACE_OBJECTS="1")
    if isolated:  # read-only work on our own repository: ignore user and system config
        env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    return env


def kill_process(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def _run(what: str, args: list[str], *, env: dict[str, str], timeout: float, stdin: bytes | None = None,
         cwd: str | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run git in its own process group; kill the whole group on timeout or interrupt."""
    try:
        proc = subprocess.Popen(
            ["git", *args], stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd, start_new_session=True,
        )
    except FileNotFoundError:
        raise RuntimeError("the git executable was not found on PATH") from None
    with proc:  # closes the pipes whatever happens
        try:
            out, err = proc.communicate(stdin, timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_process(proc)
            raise GitTransientError(f"git {what} timed out after {timeout:g} s") from None
        except BaseException:
            kill_process(proc)
            raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _trim(stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace").strip()
    return text if len(text) <= STDERR_LIMIT else "…" + text[-STDERR_LIMIT:]


def check_rev(rev: str) -> str:
    if not isinstance(rev, str) or not rev or rev.startswith("-") or any(c.isspace() or not c.isprintable() for c in rev):
        raise ValueError(f"not a usable revision: {rev!r}")
    return rev


def run_git(git_dir: Path, args: list[str], *, stdin: bytes | None = None, error: type[Exception] = GitSourceError,
         literal_paths: bool = False) -> bytes:
    env = git_env(isolated=True)
    if literal_paths:
        env["GIT_LITERAL_PATHSPECS"] = "1"
    result = _run(args[0], ["--git-dir", str(git_dir), *args], env=env, timeout=LOCAL_COMMAND_TIMEOUT, stdin=stdin)
    if result.returncode != 0:
        logger.warning("git %s failed in %s (exit status %s): %s", args[0], git_dir, result.returncode, _trim(result.stderr))
        raise error(f"git {args[0]} failed on the fetched repository (exit status {result.returncode}; "
                    "git's message is in the worker log)")
    return result.stdout


# ----------------------------------------------------------------------------- fetching

# What a failed clone said, in our words. Only git's own lines count: lines the remote sent
# ("remote: ...") are ignored, and no text of git's stderr reaches a user-facing message (it may
# carry what a server answered); the raw stderr goes to the log. First match wins.
_CLONE_FAILURES: tuple[tuple[tuple[str, ...], str, bool], ...] = (  # (markers, our words, transient)
    (("transport '",), "this transport is not allowed", False),
    (("could not resolve host", "could not resolve hostname", "temporary failure in name resolution",
      "name or service not known"), "the host name could not be resolved", True),
    (("timed out",), "the connection timed out", True),
    (("connection refused", "couldn't connect to server", "failed to connect"), "connection refused", True),
    (("network is unreachable", "no route to host"), "the network is unreachable", True),
    (("certificate",), "TLS failed: the server's certificate could not be verified", False),
    (("gnutls", "ssl_connect", "ssl_error", "tls connection", "ssl routines", "handshake"),
     "TLS failed (the secure connection could not be set up)", True),
    (("connection reset", "the remote end hung up unexpectedly", "early eof", "rpc failed", "broken pipe",
      "http/2 stream"), "the connection was interrupted", True),
    (("returned error: 500", "returned error: 502", "returned error: 503", "returned error: 504"),
     "the server failed (HTTP 5xx)", True),
    (("returned error: 30", "redirect"), "the server answered with a redirect, and redirects are not followed", False),
    (("host key verification failed",), "the SSH host key could not be verified", False),
    (("permission denied", "authentication failed", "could not read username", "could not read password",
      "terminal prompts disabled", "returned error: 401", "returned error: 403"),
     "access was denied (the repository needs credentials this server does not have)", False),
    (("not found", "does not appear to be a git repository", "is this a git repository", "does not exist",
      "returned error: 404", "not a git repository"), "not a git repository, or no repository at that address", False),
)

# The worker's own disk, not the source: no retry (it stays full) and no hint about the address.
_WORKSPACE = ("No space left on device", "Disk quota exceeded", "Read-only file system", "File too large")


def _workspace_error(detail: str) -> GitSourceError:
    return GitSourceError(
        f"the worker could not write its temporary clone under {tempfile.gettempdir()} (full or not writable: "
        f"{detail}); free space there or point TMPDIR at a writable disk, then start the job again"
    )


def _where(source: str) -> str:
    """The host (and port) of a network source, else the local path: what error messages name."""
    try:
        point = egress_policy.endpoint(source)
    except egress_policy.EgressRefused:
        point = None
    if point is None:
        return source
    host = f"[{point.host}]" if ":" in point.host else point.host
    default = {"https": 443, "ssh": 22}.get(point.scheme)
    return host if point.port == default else f"{host}:{point.port}"


def _clone_error(source: str, stderr: bytes) -> Exception:
    """Our sentence for a failed clone; git's stderr is logged only."""
    logger.warning("git clone of %s failed: %s", source, _trim(stderr))
    own_lines = [line for line in stderr.decode("utf-8", "replace").splitlines()
                 if not line.lstrip().lower().startswith("remote:")]
    text = "\n".join(own_lines)
    for marker in _WORKSPACE:
        if marker.lower() in text.lower():
            return _workspace_error(marker)
    where = _where(source)
    for markers, words, transient in _CLONE_FAILURES:
        if any(marker in text.lower() for marker in markers):
            if transient:
                return GitTransientError(f"could not fetch from {where}: {words} (this looks temporary)")
            return GitSourceError(f"could not fetch from {where}: {words}. Check that the address is right and "
                                  "that the repository is reachable without a password prompt")
    return GitSourceError(
        f"could not fetch from {where}: git clone failed. Check that the address is right and that the "
        "repository is reachable without a password prompt"
    )


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    author_name: str
    author_email: str
    authored_at: datetime  # timezone-aware
    committer_name: str
    committer_email: str
    committed_at: datetime  # timezone-aware
    subject: str
    message: str  # full message, trailing newlines removed


@dataclass
class Checkout:
    git_dir: Path  # a bare repository inside a temporary directory
    commit: CommitInfo  # the resolved commit of `ref`
    source: str
    ref: str


def _pinned(source: str, policy: EgressPolicy) -> tuple[list[str], dict[str, str]]:
    """Check a network source against the egress policy; git options and environment that pin the
    connection to the checked addresses. Nothing for local sources."""
    point = egress_policy.endpoint(source)
    if point is None:
        return [], {}
    where = _where(source)
    try:
        destination = egress_policy.check_host(point.host, point.port, policy)
    except egress_policy.EgressLookupError as exc:
        error = GitTransientError if exc.transient else GitSourceError
        raise error(f"could not fetch from {where}: {exc}") from None
    except egress_policy.EgressRefused as exc:
        raise GitSourceError(f"refused to fetch from {where}: {exc}") from None
    if destination.is_literal:
        return [], {}  # nothing to resolve, so nothing to rebind
    if point.scheme == "https":
        addresses = ",".join(f"[{a}]" if ":" in a else a for a in destination.addresses)
        # An empty value first drops any resolve entries from the git config files; the name is pinned
        # with and without a trailing dot, since curl looks up the name exactly as the URL writes it.
        pins = [f"http.curloptResolve={name}:{point.port}:{addresses}" for name in (destination.host, destination.host + ".")]
        return ["-c", "http.curloptResolve=", *(arg for pin in pins for arg in ("-c", pin))], {}
    # ssh: connect to the checked address, check the host key under the name the user gave.
    base = os.environ.get("GIT_SSH_COMMAND") or (shlex.quote(os.environ["GIT_SSH"]) if os.environ.get("GIT_SSH") else "ssh")
    pin = f"-o HostName={shlex.quote(destination.addresses[0])} -o HostKeyAlias={shlex.quote(destination.host)}"
    return [], {"GIT_SSH_COMMAND": f"{base} {pin}"}


def transfer(what: str, source: str, git_args: list[str], *, allow_local: bool, timeout: float,
             egress: EgressPolicy | None = None, cwd: str | None = None) -> None:
    """Run a git command that talks to `source` (clone, fetch) with remote helpers, hooks and redirects
    off, pinned to the addresses the egress policy checked (default: the configured policy); `source`
    must already be validated. A failure raises our sentence for it (GitSourceError or GitTransientError)."""
    pin_args, pin_env = _pinned(source, egress if egress is not None else egress_policy.default_policy())
    env = git_env(isolated=False)
    env["GIT_ALLOW_PROTOCOL"] = "file:https:ssh" if allow_local else "https:ssh"
    env.update(pin_env)
    args = ["-c", "protocol.ext.allow=never", "-c", "core.hooksPath=/dev/null", "-c", "http.followRedirects=false",
            *pin_args, *git_args]
    result = _run(what, args, env=env, timeout=timeout, cwd=cwd)
    if result.returncode != 0:
        raise _clone_error(source, result.stderr)


def clone_bare(source: str, dest: Path, *, allow_local: bool, timeout: float, egress: EgressPolicy | None = None) -> None:
    """`git clone --bare` of a validated `source` into `dest` (see `transfer`)."""
    transfer("clone", source, ["clone", "--bare", "--quiet", "--", source, str(dest)], allow_local=allow_local,
             timeout=timeout, egress=egress, cwd=str(dest.parent))


def resolve_ref(git_dir: Path, source: str, ref: str) -> str:
    candidates = [ref] if ref.startswith("refs/") or ref == "HEAD" else [f"refs/heads/{ref}", f"refs/tags/{ref}"]
    if _HEX_ID.match(ref):
        candidates.append(ref)
    env = git_env(isolated=True)
    for name in candidates:
        result = _run("rev-parse", ["--git-dir", str(git_dir), "rev-parse", "--verify", "--quiet", f"{name}^{{commit}}"],
                      env=env, timeout=LOCAL_COMMAND_TIMEOUT)
        if result.returncode == 0:
            return result.stdout.decode().strip()
    names = run_git(git_dir, ["for-each-ref", "--format=%(refname:short)", "--count=20", "refs/heads", "refs/tags"])
    known = ", ".join(names.decode("utf-8", "replace").split()) or "none"
    raise GitSourceError(
        f"ref {ref!r} was not found in {source}: it is not a branch, a tag or a commit id there "
        f"(some branches and tags it has: {known})"
    )


_SENTINEL = b"\x1e\x1fpedigree-commit"
_FORMAT = "--format=%x1e%x1fpedigree-commit%x00%H%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%s%x00%B"
LOG_OPTIONS = ["-z", _FORMAT, "--no-color", "--no-show-signature", "--no-renames", "--diff-merges=off"]


def parse_log(data: bytes) -> Iterator[tuple[CommitInfo, list[str]]]:
    """Parse `git log -z` output made with _FORMAT; yields each commit and its (--name-only) paths."""
    tokens = data.split(b"\0")
    i, n = 0, len(tokens)
    while i < n:
        if tokens[i] != _SENTINEL:
            i += 1
            continue
        f = [t.decode("utf-8", "replace") for t in tokens[i + 1 : i + 10]]
        info = CommitInfo(
            sha=f[0], author_name=f[1], author_email=f[2], authored_at=datetime.fromisoformat(f[3]),
            committer_name=f[4], committer_email=f[5], committed_at=datetime.fromisoformat(f[6]),
            subject=f[7], message=f[8].rstrip("\n"),
        )
        i += 10
        paths: list[str] = []
        while i < n and tokens[i] != _SENTINEL:
            token = tokens[i][1:] if not paths and tokens[i].startswith(b"\n") else tokens[i]
            if token:
                paths.append(token.decode("utf-8", "surrogateescape"))
            i += 1
        yield info, paths


def read_commits(git_dir: Path, shas: Iterable[str]) -> dict[str, CommitInfo]:
    wanted = list(dict.fromkeys(shas))
    if not wanted:
        return {}
    out = run_git(git_dir, ["log", "--no-walk=unsorted", "--stdin", *LOG_OPTIONS], stdin="\n".join(wanted).encode() + b"\n")
    return {info.sha: info for info, _ in parse_log(out)}


def checkout_at(git_dir: Path, source: str, ref: str) -> Checkout:
    """The fetched repository at `ref` resolved (GitSourceError naming some refs when it is not there)."""
    sha = resolve_ref(git_dir, source, ref)
    return Checkout(git_dir=git_dir, commit=read_commits(git_dir, [sha])[sha], source=source, ref=ref)


@contextmanager
def fetch(source: str, ref: str, *, allow_local: bool, timeout: float = 600,
          egress: EgressPolicy | None = None) -> Iterator[Checkout]:
    """Bare-clone `source` into a temporary directory and resolve `ref`; the directory is always removed.

    `timeout` bounds the clone; later local commands have their own limit (LOCAL_COMMAND_TIMEOUT).
    `egress` is the outbound-connection policy (default: the configured one, access.egress).
    """
    policy = egress if egress is not None else egress_policy.default_policy()
    source = validate_source(source, allow_local=allow_local, egress=policy)
    ref = validate_ref(ref)
    try:
        tmp = Path(tempfile.mkdtemp(prefix="pedigree-git-"))
    except OSError as exc:
        raise _workspace_error(f"{exc.strerror or exc}") from exc
    try:
        git_dir = tmp / "repo.git"
        clone_bare(source, git_dir, allow_local=allow_local, timeout=timeout, egress=policy)
        yield checkout_at(git_dir, source, ref)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
