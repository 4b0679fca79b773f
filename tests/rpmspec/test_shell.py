"""%(...) idioms evaluated without a shell, and everything else left unresolved."""

from __future__ import annotations

import time

import pytest

from audits.rpmspec.buildpython import BuildPython
from audits.rpmspec import shelltext
from audits.rpmspec.shell import expand_shell


@pytest.mark.parametrize(
    "command,output",
    [
        ("c=0123456789abcdef; echo ${c:0:7}", "0123456"),
        ("echo 1.2.3 | cut -d. -f1-2", "1.2"),
        ("echo 1.2.3 | cut -d '.' -f 3", "3"),
        ("echo 1.2~rc1 | cut -d~ -f1", "1.2"),
        ("echo abcdefghij | cut -c1-7", "abcdefg"),
        ("echo 1.2~rc1 | tr '~' '.'", "1.2.rc1"),
        ("echo 1.2.3 | tr . _", "1_2_3"),
        ("echo '1~2' | tr -d '~'", "12"),
        ('echo "foo-bar" | sed "s/-/_/g"', "foo_bar"),
        ("echo -O2 -g -Wall | sed -e 's/-g /-g1 /' -e 's/-Wall//'", "-O2 -g1 "),
        ("echo 1.2.3 | sed 's/\\./_/g'", "1_2_3"),
        ("echo 1.2.3 | sed -E 's/([0-9]+)\\.([0-9]+).*/\\2.\\1/'", "2.1"),
        ("echo 'a -O3 b' | sed 's/-O[[:digit:]]//'", "a  b"),
        ("echo 1.2.3 | awk -F. '{print $1\".\"$2}'", "1.2"),
        ("echo 1.2.3 | awk -F. '{print $2, $3}'", "2 3"),
        ("echo abcdefghij | head -c 8", "abcdefgh"),
        ("echo $((64+2))", "66"),
        ("echo $(( 7 / 2 - 1 ))", "2"),
        ("printf '%08d' 42", "00000042"),
        ("printf '%02d%02d' 1 2", "0102"),
        ("printf '%s-' a b", "a-b-"),
        ("v=1.2.3; echo ${v%%.*}", "1"),
        ("v=1.2.3; echo ${v%.*}", "1.2"),
        ("v=1.2.3; echo ${v#*.}", "2.3"),
        ("echo", ""),
        ("echo -n x", "x"),
        ('t="F40";echo ${t,,}', "f40"),
        ("t=f40; echo ${t^^}", "F40"),
        ("tr . - <<< repoze.sphinx.autointerface", "repoze-sphinx-autointerface"),
        ("sed 's/-//g' <<< 2016-01-26", "20160126"),
        ("echo '3.011' | tr '_' '.'}", "3.011"),
        ('LANG=C printf "%.4f" 0.72', "0.7200"),
        ("printf '%.6f' 1", "1.000000"),
        ('c="258.4"; [ "$c" = "${c#*.*}" ]; echo $?', "1"),
        ('c="258"; [ "$c" = "${c#*.*}" ]; echo $?', "0"),
        ('[ -z "" -a x != y ]; echo $?', "0"),
        ('echo 11.1.0 | grep "\\.0$" >/dev/null; echo $?', "0"),
        ('echo 11.1.1 | grep "\\.0$" >/dev/null; echo $?', "1"),
        ("echo 46-beta | grep -qE 'alpha|beta|final'; echo $?", "0"),
        ('if [ "a" == "b" -o "c" == "c" ]; then echo "0" ; else echo "1"; fi', "0"),
        ('if [ "a" == "b" -o "c" == "d" ]; then echo "0" ; else echo "1"; fi', "1"),
        ('echo "x$"', "x$"),
    ],
)
def test_a_recognised_idiom_gives_what_the_shell_would_print(command, output):
    assert expand_shell(command) == output


@pytest.mark.parametrize(
    "command",
    [
        "$(rm -rf /)",
        "echo $(rm -rf /)",
        "echo `id`",
        "echo x; rm -rf /",
        "echo x > /etc/passwd",
        "cat < /etc/passwd",
        "echo x && id",
        "echo x || id",
        "echo x &",
        "rm -rf /",
        "pkg-config --modversion glib-2.0",
        "date +%s",
        "echo $HOME",
        "echo *",
        "echo ~",
        "LANG=C rpm -q foo",
        "echo x | sed 's/x/y/w /tmp/out'",
        "echo x | sed -i 's/x/y/' file",
        "echo x | sed 'e id'",
        "echo x | awk '{system(\"id\")}'",
        "printf '%.1f' 0.15",
        "echo {a,b}",
        "echo x | grep x; echo $?",
        "test -f /usr/lib/os-release; echo $?",
        "[ -f /usr/lib/os-release ]; echo $?",
        "echo x | grep -v x >/dev/null; echo $?",
        "echo x | grep 'a\\|x' >/dev/null; echo $?",
        "echo $?",
        "echo $1",
        "if [ -x /usr/bin/ocamlopt ]; then echo 1; else echo 0; fi",
        "echo x | tr a b <<< y",
        "echo 'unterminated",
        "echo $((2**64))",
        "echo $((1/0))",
    ],
)
def test_anything_else_is_left_unresolved(command):
    assert expand_shell(command) is None


def test_an_overlong_command_is_left_unresolved():
    assert expand_shell("echo " + "x" * 10_000) is None


BYTEORDER_PROBE = "/usr/bin/python3 -c \"import sys;print (0 if sys.byteorder=='big' else 1)\""


@pytest.mark.parametrize("byteorder,output", [("little", "1"), ("big", "0")])
def test_pythons_byteorder_probe_answers_the_targets_byte_order(byteorder, output):
    assert expand_shell(BYTEORDER_PROBE, byteorder) == output


def test_pythons_byteorder_probe_is_unresolved_when_the_target_is_not_known():
    assert expand_shell(BYTEORDER_PROBE) is None


def test_any_other_python_is_never_answered():
    assert expand_shell("python3 -c \"import sys; print(sys.version_info[0])\"", "little") is None


PYTHON_VERSION_PROBE = ("RPM_BUILD_ROOT= /usr/bin/python3 -Esc "
                        "\"import sys; sys.stdout.write('{0.major}.{0.minor}'.format(sys.version_info))\"")


def test_pythons_version_probe_answers_the_build_pythons_version_and_notes_it():
    notes: list[str] = []
    assert expand_shell(PYTHON_VERSION_PROBE, "little", BuildPython("3", "14", "lib64"), notes) == "3.14"
    assert notes == [BuildPython("3", "14", "lib64").note]


def test_pythons_version_probe_is_unresolved_when_the_build_python_is_not_known():
    assert expand_shell(PYTHON_VERSION_PROBE, "little") is None


@pytest.mark.parametrize("command", [
    "echo " + "a" * 40 + "! | grep -qE '(a|aa)+$'; echo $?",
    "echo " + "a" * 40 + "! | sed -E 's/(a|aa)+$/x/'",
])
def test_a_pattern_that_backtracks_without_end_is_left_unresolved_within_its_budget(command):
    started = time.monotonic()
    assert expand_shell(command) is None
    assert time.monotonic() - started < 10 * shelltext.MATCH_SECONDS


@pytest.mark.parametrize("command", ["echo a | grep -qE '(a'; echo $?", "echo a | sed -E 's/(a/b/'"])
def test_a_pattern_that_does_not_compile_is_left_unresolved(command):
    assert expand_shell(command) is None
