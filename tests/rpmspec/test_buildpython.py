import pytest

from audits.rpmspec.buildpython import BuildPython, answer

PYTHON = BuildPython("3", "14", "lib64")
VERSION = "import sys; sys.stdout.write('{0.major}.{0.minor}'.format(sys.version_info))"
NODOTS = "import sys; sys.stdout.write('{0.major}{0.minor}'.format(sys.version_info))"


def site(name: str, prefix: str = "/usr") -> str:
    return f"import sysconfig; print(sysconfig.get_path('{name}', vars={{'platbase': '{prefix}', 'base': '{prefix}'}}))"


def probe(code: str, interpreter: str = "/usr/bin/python3") -> list[str]:
    return ["RPM_BUILD_ROOT=", interpreter, "-Esc", code]


def test_the_version_probe_answers_major_dot_minor():
    assert answer(probe(VERSION), PYTHON) == "3.14"


def test_the_version_without_dots_probe_answers_major_and_minor_joined():
    assert answer(probe(NODOTS), PYTHON) == "314"


def test_purelib_is_under_lib_of_the_given_base():
    assert answer(probe(site("purelib")), PYTHON) == "/usr/lib/python3.14/site-packages\n"


def test_platlib_is_under_the_platlibdir_of_the_given_platbase():
    assert answer(probe(site("platlib", "/app")), PYTHON) == "/app/lib64/python3.14/site-packages\n"


@pytest.mark.parametrize("argv", [
    probe("import sys; print(sys.implementation.cache_tag)"),
    probe("import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))"),
    probe(site("stdlib")),
    probe(VERSION, "/usr/bin/python3.11"),
    probe(VERSION + "; import os"),
    ["RPM_BUILD_ROOT=/x", "/usr/bin/python3", "-Esc", VERSION],
    ["/usr/bin/python3", "-Ic", VERSION],
])
def test_any_other_question_or_python_is_not_answered(argv):
    assert answer(argv, PYTHON) is None


DEFAULT = ("__default_python3_version", "3.14")


def test_the_build_python_comes_from_the_default_version_and_lib_macros():
    assert BuildPython.from_macros([("python3_pkgversion", "3"), DEFAULT, DEFAULT], "lib64") == PYTHON


@pytest.mark.parametrize("definitions,lib", [
    ([], "lib64"),
    ([("__default_python3_version", "%{x}")], "lib64"),
    ([DEFAULT, ("__default_python3_version", "3.13")], "lib64"),
    ([DEFAULT], "%{x}"),
    ([DEFAULT], None),
])
def test_no_build_python_unless_the_macro_files_state_one_plain_version_and_lib(definitions, lib):
    assert BuildPython.from_macros(definitions, lib) is None
