"""The build root's main Python 3, as the repository states it, for python-rpm-macros' probes.

macros.python3 defines %__python3_version, %__python3_sitelib... as ``%(RPM_BUILD_ROOT= %{__python3}
-Esc "...")``: questions to the build root's /usr/bin/python3. That interpreter is the distribution's
main Python: python-rpm-macros states its version in %__default_python3_version, and the spec of
that version (python3.14 at the corpus commit) builds, because it is the main one, the python3
package owning /usr/bin/python3, configured ``--with-platlibdir=%{_lib}``. Only the probes below
are answered, from those two macro-file values; nothing is run, and any other question to Python
(or to another Python) stays unresolved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

__all__ = ["MACROS", "BuildPython", "answer"]

_VERSION = re.compile(r"(\d+)\.(\d+)")
_WORD = re.compile(r"[A-Za-z0-9_]+")
_INTERPRETER = "/usr/bin/python3"  # %{__python3} with python-rpm-macros' %python3_pkgversion 3
_ENVIRONMENT = "RPM_BUILD_ROOT="  # macros.python3 empties it: Fedora's patch 00251 then keeps /usr
_FLAGS = frozenset({"-c", "-Esc"})  # -E (no PYTHON* variables), -s (no user site): no effect here
_VERSION_PROBES = {
    "import sys; sys.stdout.write('{0.major}.{0.minor}'.format(sys.version_info))": "{major}.{minor}",
    "import sys; sys.stdout.write('{0.major}{0.minor}'.format(sys.version_info))": "{major}{minor}",
}
# CPython's sysconfig scheme posix_prefix (the default on POSIX; patch 00251 changes only
# its defaults, and only outside an rpm build): purelib and platlib, abiflags empty (no free threading)
_SITE_PROBE = re.compile(r"import sysconfig; print\(sysconfig\.get_path\('(purelib|platlib)', "
                         r"vars=\{'platbase': '(/[^'\\]*)', 'base': '(/[^'\\]*)'\}\)\)")


MACROS = ("__default_python3_version", "_lib")  # what an answer depends on


@dataclass(frozen=True, slots=True)
class BuildPython:
    major: str
    minor: str
    platlibdir: str  # the %{_lib} the main Python was configured with

    @property
    def version(self) -> str:
        return f"{self.major}.{self.minor}"

    @property
    def note(self) -> str:
        return (f"the build root's Python 3 version, {self.version}, is taken from the repository's python-rpm-macros "
                f"%__default_python3_version (its python{self.version} spec, being the main Python, builds the python3 "
                f"package owning /usr/bin/python3); python-rpm-macros' probes of that Python (version, "
                f"site-packages) are answered with it, never run")

    @classmethod
    def from_macros(cls, definitions: Iterable[tuple[str, str]], lib: str | None) -> BuildPython | None:
        """From the macro files' (name, body) `definitions` of %__default_python3_version and the
        effective %_lib, or None when the version is not stated once (one plain value) or %_lib is
        not plain."""
        stated = {body.strip() for name, body in definitions if name == "__default_python3_version"}
        found = _VERSION.fullmatch(next(iter(stated))) if len(stated) == 1 else None
        if found is None or lib is None or not _WORD.fullmatch(lib.strip()):
            return None
        return cls(found.group(1), found.group(2), lib.strip())


def answer(argv: list[str], python: BuildPython) -> str | None:
    """The output of `argv` (``RPM_BUILD_ROOT= /usr/bin/python3 -Esc "<probe>"``) when it is one of the
    probes answered, else None."""
    if argv[:1] == [_ENVIRONMENT]:
        argv = argv[1:]
    if len(argv) != 3 or argv[0] != _INTERPRETER or argv[1] not in _FLAGS:
        return None
    template = _VERSION_PROBES.get(argv[2])
    if template is not None:
        return template.format(major=python.major, minor=python.minor)
    site = _SITE_PROBE.fullmatch(argv[2])
    if site is None:
        return None
    name, platbase, base = site.groups()
    if name == "purelib":
        return f"{base}/lib/python{python.version}/site-packages\n"
    return f"{platbase}/{python.platlibdir}/python{python.version}/site-packages\n"
