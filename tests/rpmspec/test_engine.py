import pytest

from audits.rpmspec.engine import BudgetExhausted, MacroEngine
from audits.rpmspec.reads import WHOLE

from .engine_support import SANDBOX, engine, macro_set


def test_plain_and_conditional_forms_expand_like_rpm():
    e = engine(foo="bar")
    assert e.expand("%foo %{foo} %{?foo} %{!?foo} %{?foo:yes} %{!?foo:no} %{?nope:x}%{!?nope:y} %%foo") == "bar bar bar  yes  y %foo"


def test_an_undefined_macro_stays_as_written():
    assert engine().expand("a-%{undefined_thing}-%nope") == "a-%{undefined_thing}-%nope"


def test_parametric_macro_receives_options_and_arguments():
    e = engine()
    e.expand("%define f(o:x) [%0|%1|%2|%#|%*|%**|%{-o}|%{-o*}|%{?-x:X}%{!?-x:nx}]")
    assert e.expand("%f -o val a b\n") == "[f|a|b|2|a b|-o val a b|-o val|val|nx]\n"
    assert e.expand("%{f -x c}") == "[f|c|%2|1|c|-x c|||X]"  # an undefined %2 stays, as in rpm
    assert e.expand("%{f:one two}") == "[f|one two|%2|1|one two|one two|||nx]"


def test_arguments_of_a_call_are_out_of_scope_afterwards():
    e = engine()
    e.expand("%define f() %1")
    assert e.expand("%f a\n%{?1:leaked}") == "a\n"


def test_define_is_lazy_and_global_expands_at_definition():
    e = engine(v="1")
    e.expand("%define lazy %v\n%global eager %v\n%define v 2\n")
    assert e.expand("%lazy %eager") == "2 1"


def test_a_define_inside_a_parametric_macro_is_local_to_the_call():
    e = engine()
    e.expand("%define f() %{define inner x}%inner")
    assert e.expand("%{f}|%{?inner}") == "x|"


def test_undefine_pops_the_latest_definition():
    e = engine(v="base")
    e.expand("%define v spec\n")
    e.expand("%undefine v\n")
    assert e.expand("%v") == "base"


def test_expand_expands_twice():
    e = engine(a="%%b", b="B")
    assert e.expand("%{expand:%a}") == "B"


@pytest.mark.parametrize(
    ("text", "result"),
    [("%{basename:/a/b.c}", "b.c"), ("%{dirname:/a/b.c}", "/a"), ("%{suffix:x.tar.gz}", "gz"),
     ("%{shrink:  a   b }", "a b"), ("%{shescape:it's}", "'it'\\''s'"), ("%{url2path:https://h/p/x}", "/p/x"),
     ("%{len:abc}", "3"), ("%{upper:abc}", "ABC"), ("%{lower:ABC}", "abc"), ("%{sub abcdef 2 4}", "bcd"),
     ("%{gsub 1.2.3 %. _}", "1_2_3"), ("%{rpmversion}", "4.18.0"), ("%{getenv:HOME}", ""), ("%{exists:/etc/passwd}", "0"),
     ("%{defined dist}%{undefined dist}", "10"), ("%[1 + 2]", "3"), ("%{expr:2*3}", "6"), ("%[%{?nothing} + 1]", "1"),
     ("%{dnl comment}x", "x"), ("%{echo:hi}%{warn:w}", ""), ("%{macrobody:dist}", ".azl4"), ("%{verbose}", "0")],
)
def test_builtins(text, result):
    assert engine().expand(text) == result


def test_error_builtin_is_a_problem():
    e = engine()
    e.expand("%{error:broken}")
    assert e.problems == ["the spec calls %{error:broken}"]


def test_bcond_defines_with_macros_as_rpm():
    e = engine()
    e.expand("%bcond foo 1\n%bcond bar 0\n%bcond_without baz\n%bcond_with qux\n")
    assert e.expand("%{with foo}%{with bar}%{with baz}%{with qux}%{without foo}") == "10100"


def test_lua_runs_in_the_sandbox_with_the_calls_options_and_arguments():
    e = engine()
    e.expand("%define f(a:) %{lua: print(opt.a .. '/' .. arg[1] .. '/' .. rpm.expand('%dist'))}")
    assert e.expand("%{f -a x y}") == "x/y/.azl4"


def test_shell_commands_are_only_answered_for_known_idioms():
    e = engine(commit0="0123456789abcdef")
    assert e.expand("%(c=%{commit0}; echo ${c:0:7})") == "0123456"
    assert e.expand("%(rm -rf /)") == "%(rm -rf /)"
    assert any("rm -rf" in p for p in e.problems)


def test_line_continuation_in_a_define_body():
    e = engine()
    e.expand("%define two \\\nline1\\\nline2\n")
    assert e.expand("%two") == "\nline1\nline2"


def test_self_recursive_macro_stops_at_rpms_depth_limit():
    e = engine()
    e.expand("%define a %a")
    assert "%a" in e.expand("%a")
    assert any("64 levels" in p for p in e.problems)


def test_exponential_macros_exhaust_the_work_budget():
    e = MacroEngine(macro_set(**{f"m{i}": f"%m{i + 1}%m{i + 1}" for i in range(40)}), sandbox=SANDBOX, max_work=10_000)
    with pytest.raises(BudgetExhausted):
        e.expand("%m0")


def test_an_expansion_reused_from_the_cache_costs_the_work_it_cost_when_it_was_made():
    macros = macro_set(**{f"m{i}": f"%m{i + 1}%m{i + 1}" for i in range(8)}, m8="x")
    made = MacroEngine(macros, sandbox=SANDBOX)
    made.expand("%m0")
    assert made.work > 500
    reused = MacroEngine(macros, sandbox=SANDBOX, max_work=made.work - 1)  # shares the cache of `made`
    with pytest.raises(BudgetExhausted):
        reused.expand("%m0")


def test_an_expansion_reused_from_the_cache_counts_the_output_it_made():
    macros = macro_set(big="%{lua: for i = 1, 200 do print('yyyyy') end}")
    made = MacroEngine(macros, sandbox=SANDBOX)
    made.expand("%big")
    reused = MacroEngine(macros, sandbox=SANDBOX, max_output=made.output - 1)
    with pytest.raises(BudgetExhausted):
        reused.expand("%big")


def test_huge_output_exhausts_the_output_budget():
    e = MacroEngine(macro_set(x="y" * 1000), sandbox=SANDBOX, max_output=100_000)
    with pytest.raises(BudgetExhausted):
        e.expand("%{lua: for i = 1, 1000 do print(rpm.expand('%x')) end}")


def test_plain_macros_of_the_files_are_reused_until_the_spec_changes_what_they_read():
    e = engine(r="1%{?dist}")
    assert e.expand("%r") == "1.azl4"
    e.expand("%define dist .x\n")
    assert e.expand("%r") == "1.x"
    e.reset()
    assert e.expand("%r") == "1.azl4"


def test_parametric_calls_are_reused_until_the_spec_changes_what_they_read():
    e = engine(f__="%1%{?dist}")
    assert e.expand("%{f a}") == "a.azl4"
    assert e.expand("%{f b}") == "b.azl4"
    e.expand("%define dist .x\n")
    assert e.expand("%{f a}") == "a.x"
    e.reset()
    assert e.expand("%{f a}") == "a.azl4"


def many_reads(count: int) -> str:
    """A macro body that looks up `count` macros, as Fedora's %dist looks up 10,000 %{?distprefixN}."""
    return "".join(f"%{{?p{i}}}" for i in range(count))


def test_an_expansion_reusing_one_that_read_many_names_is_expanded_afresh_when_the_spec_changes_one():
    assert WHOLE <= 400  # the inner expansion's names are kept whole, not copied into the outer one's
    e = engine(inner=many_reads(400), outer="[%inner]")
    assert e.expand("%inner%outer") == "[]"
    e.reset()
    e.expand("%define p399 x\n")
    assert e.expand("%outer") == "[x]"
    e.reset()
    assert e.expand("%outer") == "[]"


def test_a_trace_holds_the_names_of_a_reused_expansion_that_read_many():
    e = engine(inner=many_reads(400), outer="[%inner]")
    e.expand("%outer")
    e.reset()
    trace = e.start_trace()
    e.expand("%outer")
    assert not trace.isdisjoint(frozenset({"p399"})) and trace.isdisjoint(frozenset({"p400"}))


def test_a_spec_macro_of_the_same_name_but_another_body_is_expanded_afresh():
    e = engine()
    e.expand("%define g() A%1\n")
    assert e.expand("%{g x}") == "Ax"
    e.reset()
    e.expand("%define g() B%1\n")
    assert e.expand("%{g x}") == "Bx"


def test_a_macro_files_lua_expansion_is_not_reused_once_the_spec_changed_the_lua_state():
    e = engine(show="%{lua: print(tostring(mark))}")
    assert e.expand("%show") == "nil"
    e.reset()
    e.expand("%{lua: mark = 'set'}")
    assert e.expand("%show") == "set"


def test_a_macro_files_lua_expansion_is_reused_when_the_spec_changed_only_globals_it_does_not_name(monkeypatch):
    e = engine(show="%{lua: print(tostring(mark))}")
    e.expand("%show")
    e.reset()
    e.expand("%{lua: other = 'set'}")
    monkeypatch.setattr(SANDBOX, "run", None)  # a run now would fail: the expansion must come from the cache
    assert e.expand("%show") == "nil"


def test_an_expand_argument_is_reused_by_the_next_spec_without_running_its_lua_again(monkeypatch):
    e = engine()
    text = "%{expand:%%{lua: print('x')}%{?v}}"
    assert e.expand(text) == "x"
    e.reset()
    monkeypatch.setattr(SANDBOX, "run", None)  # a run now would fail: the expansion must come from the cache
    assert e.expand(text) == "x"


def test_an_expand_argument_is_expanded_afresh_once_the_spec_changed_what_it_read():
    e = engine()
    assert e.expand("%{expand:%%{?distprefix}.a}") == ".a"
    e.reset()
    e.expand("%define distprefix .20240101git\n")
    assert e.expand("%{expand:%%{?distprefix}.a}") == ".20240101git.a"


def test_lua_reading_the_arguments_of_the_call_it_runs_in_is_not_reused_for_other_arguments():
    e = engine(inner="%{lua: print(arg[1] or 'none')}", outer__="%inner")
    assert e.expand("%{outer a}") == "a"
    assert e.expand("%{outer b}") == "b"
    assert e.expand("%inner") == "none"


def test_an_expand_that_loaded_a_file_of_the_spec_folder_is_not_reused_for_another_spec():
    files = {"m": "%v 1\n"}
    e = MacroEngine(macro_set(_sourcedir="/src"), sandbox=SANDBOX, read_source=lambda name: files.get(name))
    e.expand("%{expand:%%{load:%{_sourcedir}/m}}")
    assert e.expand("%v") == "1"
    e.reset()
    files["m"] = "%v 2\n"
    e.expand("%{expand:%%{load:%{_sourcedir}/m}}")
    assert e.expand("%v") == "2"


def test_the_lua_state_starts_afresh_for_the_next_spec():
    e = engine()
    e.expand("%{lua: mark = 'set'}")
    e.reset()
    assert e.expand("%{lua: print(tostring(mark))}") == "nil"
