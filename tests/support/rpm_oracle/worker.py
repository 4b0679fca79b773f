"""The rpm side of the oracle: parses spec files with Debian's real rpm (python3-rpm) and prints what rpm
says about each one, one JSON line per spec.

Run by the system /usr/bin/python3 (the project's venv has no rpm bindings) inside bubblewrap, never
directly by the tests (see runner.py). It reads one JSON job on stdin:
    {"arch": "x86_64", "macro_files": [{"kind": "macros.d", "path": ...}, {"kind": "generator",
     "path": ".../azurelinux-release.spec", "name": "macros.dist"}, {"kind": "vendor", ...}],
     "lua_dir": "...", "specs": [...],
     "seconds_per_spec": 20, "bytes_per_spec": 1073741824}
rpm's configuration (its own base macros and the platform of the target arch, and the distribution's
macro files where rpm reads them) is loaded once; each spec is then parsed in a forked child, so what one spec
defines (%global, Lua globals) never leaks into the next and one runaway spec is killed alone.
This file imports nothing from the project: it runs where the project is not installed.
"""

import json
import os
import re
import resource
import select
import signal
import subprocess
import sys
import tempfile
import time

import rpm

LOG_LIMIT = 4000
# rpm 4.20's %autosetup -C (the distribution's rpm) is an error for rpm 4.18: such a spec is parsed again
# with its %prep blanked, which cannot change the identity (conditionals stay, so %if nesting holds).
NEWER_PREP = "Unknown option C in autosetup"
SECTIONS = re.compile(
    r"%(prep|build|install|check|clean|files|package|description|changelog|conf|generate_buildrequires"
    r"|pre|post|preun|postun|pretrans|posttrans|preuntrans|postuntrans|verifyscript|sourcelist|patchlist"
    r"|(trans)?(file)?trigger\w*)(\s|$)"
)
CONDITIONAL = re.compile(r"%(if\w*|else|elif\w*|endif)(\s|$)")
# python3-rpm shows a %files section with no lines exactly as no %files (rpmbuild builds the first, not
# the second): when the text has such a section, rpmspec --builtrpms (23 ms more) settles it.
EMPTY_FILES = re.compile(
    r"^%files\b[^\n]*(\n(?=[ \t]*(" + SECTIONS.pattern + "|" + CONDITIONAL.pattern + r"))|\Z)", re.M
)
HEREDOC = re.compile(r"""^\s*cat\s+>>?\s*(?P<target>\S+)\s*<<-?\s*['"]?(?P<delimiter>\w+)['"]?\s*$""")
LUA_PATH = '%{{lua: package.path = "{}/?.lua;" .. package.path}}'


def load_configuration(job):
    """rpm's own macros and platform for the arch, with the distribution's files where rpm reads them:
    macros.d (and the macros.dist a release spec writes) before the platform file, the vendor file
    after it. Returns the files loaded after rpm's configuration, in order (for rpmspec --load)."""
    rpm.reloadConfig(job["arch"])
    loads = []
    for entry in job["macro_files"]:
        if entry["kind"] != "vendor":
            loads.append(generate(entry, job) if entry["kind"] == "generator" else entry["path"])
            rpm.expandMacro("%{load:" + loads[-1] + "}")
    late = [rpm.expandMacro("%{_rpmconfigdir}/platform/%{_target}/macros")]  # read again, so it wins
    late += [entry["path"] for entry in job["macro_files"] if entry["kind"] == "vendor"]
    for path in late:
        rpm.expandMacro("%{load:" + path + "}")
    loads += late
    rpm.addMacro("_rpmluadir", job["lua_dir"])
    # rpm fixed Lua's package.path when it started its Lua state: point it at the distribution's
    # modules (fedora/common.lua, fedora/srpm/python.lua, ... as the packages install them).
    rpm.expandMacro(LUA_PATH.format(job["lua_dir"]))
    return loads


def generate(entry, job):
    """The macro file a release spec writes from its %install here-document, as rpm expands it."""
    install = parse(entry["path"], job, install_script)
    if not install["ok"]:
        raise SystemExit(f"rpm cannot parse {entry['path']}: {install['error']} {install['log']}")
    body, inside, delimiter = [], False, None
    for line in install["install"].splitlines():
        heredoc = HEREDOC.match(line)
        if heredoc and heredoc.group("target").endswith("/" + entry["name"]):
            inside, delimiter = True, heredoc.group("delimiter")
        elif inside and line.strip() == delimiter:
            inside = False
        elif inside:
            body.append(line)
    target = os.path.join(tempfile.mkdtemp(), entry["name"])
    with open(target, "w") as generated:
        generated.write("\n".join(body) + "\n")
    return target


def install_script(path, job, log):
    try:
        return {"ok": True, "install": text(rpm.spec(path).install)}
    except ValueError as error:
        return {"ok": False, "error": str(error)}


def built_by_rpmspec(path, job):
    """The names rpmspec --builtrpms lists, under the same configuration as load_configuration."""
    command = ["rpmspec", "--target", job["arch"], *("--load=" + f for f in job["loads"]),
               "--eval", LUA_PATH.format(job["lua_dir"]), "-D", "_sourcedir " + os.path.dirname(path),
               "-D", "_specdir " + os.path.dirname(path), "-q", "--builtrpms", "--qf", "%{NAME}\\n", path]
    listed = subprocess.run(command, stdout=subprocess.PIPE, check=True, timeout=job["seconds_per_spec"])
    return {line for line in listed.stdout.decode("utf-8", "replace").splitlines() if line}


def dependencies(header, tag):
    return [entry.DNEVR()[2:] for entry in rpm.ds(header, tag)]


def text(value):
    if value is None:
        return ""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def describe(spec):
    """What rpm would build: the source identity and the binary packages that have a %files section
    (rpmbuild skips a declared package without one)."""
    source = spec.sourceHeader
    packages = []
    for package in spec.packages:
        header = package.header
        packages.append({
            "name": text(header[rpm.RPMTAG_NAME]),
            "arch": text(header[rpm.RPMTAG_ARCH]),
            "has_files": package.fileList is not None or package.fileFile is not None,
            "requires": dependencies(header, rpm.RPMTAG_REQUIRENAME),
            "provides": dependencies(header, rpm.RPMTAG_PROVIDENAME),
        })
    return {
        "name": text(source[rpm.RPMTAG_NAME]),
        "epoch": text(source[rpm.RPMTAG_EPOCH]),
        "version": text(source[rpm.RPMTAG_VERSION]),
        "release": text(source[rpm.RPMTAG_RELEASE]),
        "exclusive_arch": [text(a) for a in source[rpm.RPMTAG_EXCLUSIVEARCH]],
        "exclude_arch": [text(a) for a in source[rpm.RPMTAG_EXCLUDEARCH]],
        "packages": packages,
    }


def blank_prep(text):
    """The spec with every line of %prep but its conditionals emptied (line numbers unchanged)."""
    lines, in_prep = text.split("\n"), False
    for index, line in enumerate(lines):
        section = SECTIONS.match(line)
        if section:
            in_prep = section.group(1) == "prep"
        elif in_prep and not CONDITIONAL.match(line.lstrip()):
            lines[index] = ""
    return "\n".join(lines)


def described(path, job):
    result = {"ok": True, **describe(rpm.spec(path))}
    unlisted = [p for p in result["packages"] if not p["has_files"]]
    if unlisted:
        with open(path, encoding="utf-8", errors="replace") as source:
            ambiguous = EMPTY_FILES.search(source.read())
        if ambiguous:
            built = built_by_rpmspec(path, job)
            for package in unlisted:
                package["has_files"] = package["name"] in built
            result["asked_rpmspec"] = True
    return result


def parse_spec(path, job, log):
    """rpm's description of the spec; a spec that only rpm 4.20's %prep syntax stops is parsed again
    without it (marked prep_blanked)."""
    try:
        return described(path, job)
    except subprocess.SubprocessError as error:
        return {"ok": False, "error": f"rpmspec --builtrpms failed: {error}"}
    except ValueError as error:  # rpm raises "can't parse specfile" and logs the reason
        log.seek(0)
        if NEWER_PREP not in log.read().decode("utf-8", "replace"):
            return {"ok": False, "error": str(error)}
    with open(path, encoding="utf-8", errors="surrogateescape") as source:
        text = blank_prep(source.read())
    copy = os.path.join(tempfile.mkdtemp(), os.path.basename(path))
    with open(copy, "w", encoding="utf-8", errors="surrogateescape") as blanked:
        blanked.write(text)
    try:
        return {"prep_blanked": True, **described(copy, job)}
    except ValueError as error:
        return {"ok": False, "prep_blanked": True, "error": str(error)}


def parse_in_child(path, job, examine, write_fd):
    """The child's whole life: parse one spec, write one JSON object to the pipe, exit."""
    resource.setrlimit(resource.RLIMIT_AS, (job["bytes_per_spec"], job["bytes_per_spec"]))
    log = tempfile.TemporaryFile()
    for stream in (1, 2):  # rpm's messages (and any %(...) it runs) must not reach the JSON on stdout
        os.dup2(log.fileno(), stream)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    rpm.addMacro("_sourcedir", os.path.dirname(path))
    rpm.addMacro("_specdir", os.path.dirname(path))
    os.chdir(os.path.dirname(path))
    result = examine(path, job, log)
    log.seek(0)
    result["log"] = log.read(LOG_LIMIT).decode("utf-8", "replace")
    data = json.dumps(result).encode()
    view = memoryview(data)
    while view:
        view = view[os.write(write_fd, view):]
    os._exit(0)


def read_child(pid, read_fd, seconds):
    """The child's JSON, or an error when it overran its time or died without answering."""
    deadline = time.monotonic() + seconds
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return {"ok": False, "error": f"rpm did not finish within {seconds} seconds", "log": ""}
        ready, _, _ = select.select([read_fd], [], [], left)
        if ready:
            chunk = os.read(read_fd, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if not chunks:
        return {"ok": False, "error": f"rpm died without an answer (wait status {status})", "log": ""}
    return json.loads(b"".join(chunks))


def parse(path, job, examine):
    read_fd, write_fd = os.pipe()
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        try:
            parse_in_child(path, job, examine, write_fd)
        finally:
            os._exit(1)
    os.close(write_fd)
    try:
        return read_child(pid, read_fd, job["seconds_per_spec"])
    finally:
        os.close(read_fd)


def main():
    job = json.load(sys.stdin)
    job["loads"] = load_configuration(job)
    for path in job["specs"]:
        started = time.monotonic()
        result = parse(path, job, parse_spec)
        result.update(spec=path, arch=job["arch"], seconds=round(time.monotonic() - started, 4))
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
