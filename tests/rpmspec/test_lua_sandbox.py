"""rpm's Lua semantics in the sandbox: print, returned values, rpm.*, macros, opt/arg, require."""

from __future__ import annotations

import pytest

from audits.rpmspec.lua import GLOBAL, LuaError, LuaSandbox
from tests.rpmspec.lua_fake_host import FakeHost

MODULES = {
    "fedora.common": "local function read(name) return rpm.expand('%{?' .. name .. '}') end\n"
    "loads = (loads or 0) + 1\nreturn { read = read }",
}


@pytest.fixture(scope="module")
def sandbox() -> LuaSandbox:
    return LuaSandbox(MODULES, vercmp=lambda a, b: (a > b) - (a < b))


def test_print_joins_its_arguments_with_tabs_and_adds_no_newline(sandbox):
    assert sandbox.run('print("a", 1) print("b")', FakeHost()) == "a\t1b"


def test_values_the_chunk_returns_are_printed_like_rpm_does(sandbox):
    assert sandbox.run('print("x") return 2, "y"', FakeHost()) == "x2\ty"


def test_a_chunk_that_prints_nothing_expands_to_the_empty_string(sandbox):
    assert sandbox.run("local x = 1", FakeHost()) == ""


def test_rpm_expand_goes_through_the_host(sandbox):
    host = FakeHost({"dist": ".azl4"})
    assert sandbox.run('print("1" .. rpm.expand("%{?dist}"))', host) == "1.azl4"


def test_the_autorelease_block_computes_its_release(sandbox):
    code = (
        'release_number = 5; base_release_number = tonumber(rpm.expand("%{?base}"));'
        " print(release_number + base_release_number - 1);"
    )
    assert sandbox.run(code, FakeHost({"base": "1"})) == "5"


def test_rpm_define_and_undefine_change_only_the_hosts_table(sandbox):
    host = FakeHost({"gone": "x"})
    sandbox.run('rpm.define("made 42") rpm.undefine("gone")', host)
    assert host.macros == {"made": "42"}


def test_rpm_isdefined_answers_defined_and_parametric(sandbox):
    host = FakeHost({"plain": "1"}, parametric={"withargs"})
    assert sandbox.run('print(rpm.isdefined("plain")) print(rpm.isdefined("withargs"))', host) == "true\tfalsetrue\ttrue"


def test_macros_index_expands_plain_macros_and_is_nil_for_undefined_ones(sandbox):
    host = FakeHost({"name": "foo"})
    assert sandbox.run("print(macros.name, macros.undefined_here)", host) == "foo\tnil"


def test_macros_index_of_a_parametric_macro_calls_it_with_a_table_of_arguments(sandbox):
    host = FakeHost(parametric={"py_dist_name"})
    assert sandbox.run('print(macros.py_dist_name({"a", "b"}))', host) == "py_dist_name(a b)"
    assert host.calls == [("py_dist_name", ("a", "b"))]


def test_assigning_to_macros_defines_and_nil_undefines(sandbox):
    host = FakeHost({"old": "1"})
    sandbox.run('macros.new = "v" macros.old = nil', host)
    assert host.macros == {"new": "v"}


def test_opt_and_arg_are_the_parametric_macros_options_and_arguments(sandbox):
    code = 'print(opt.b, opt.p == "", #arg, arg[1])'
    assert sandbox.run(code, FakeHost(), opt={"b": "3", "p": ""}, arg=["x"]) == "3\ttrue\t1\tx"


def test_opt_and_arg_are_empty_tables_without_a_parametric_macro(sandbox):
    assert sandbox.run("print(next(opt), #arg)", FakeHost()) == "nil\t0"


def test_require_loads_a_distribution_module_once_per_spec(sandbox):
    sandbox.new_state()
    code = 'local a = require "fedora.common" local b = require "fedora.common" print(a == b, loads, a.read("v"))'
    assert sandbox.run(code, FakeHost({"v": "1"})) == "true\t1\t1"
    assert sandbox.run('require "fedora.common" print(loads)', FakeHost()) == "1"


def test_a_module_is_loaded_afresh_for_the_next_spec(sandbox):
    sandbox.run('require "fedora.common"', FakeHost())
    sandbox.new_state()
    assert sandbox.run('require "fedora.common" print(loads)', FakeHost()) == "1"


def test_a_function_one_run_defines_is_called_by_a_later_run_as_in_rpms_one_lua_state(sandbox):
    sandbox.new_state()
    sandbox.run("function starts_with(s, p) return s:sub(1, #p) == p end", FakeHost())
    assert sandbox.run('print(starts_with("a0.1", "a0"))', FakeHost()) == "true"


def test_no_global_is_changed_while_chunks_only_use_locals(sandbox):
    sandbox.new_state()
    sandbox.run('local x = string.upper("a") print(x)', FakeHost())
    assert sandbox.changed == frozenset()


def test_a_new_global_is_named_among_the_changed_ones(sandbox):
    sandbox.new_state()
    sandbox.run("x = 1", FakeHost())
    assert {GLOBAL + "x", GLOBAL + "*"} == sandbox.changed


def test_changing_what_a_library_table_holds_changes_that_library(sandbox):
    sandbox.new_state()
    sandbox.run("table.extra = 1", FakeHost())
    assert GLOBAL + "table" in sandbox.changed


def test_the_host_hears_of_a_change_made_before_it_is_asked_to_expand(sandbox):
    sandbox.new_state()
    heard = []

    class Listening(FakeHost):
        def expand(self, text: str) -> str:
            heard.append(sandbox.changed)
            return super().expand(text)

    sandbox.run('rpm.expand("a") g = 1 rpm.expand("b")', Listening())
    assert heard == [frozenset(), {GLOBAL + "g", GLOBAL + "*"}]


def test_a_chunk_reaches_the_globals_it_names(sandbox):
    assert {GLOBAL + "print", GLOBAL + "x"} <= sandbox.reach("print(x)")


def test_a_chunk_naming_the_globals_table_reaches_every_global(sandbox):
    assert GLOBAL + "*" in sandbox.reach('print(_G["x"])')


def test_a_chunk_that_requires_a_module_reaches_the_globals_the_modules_name(sandbox):
    assert GLOBAL + "loads" in sandbox.reach('require "fedora.common"')


def test_rpm_vercmp_uses_the_comparison_it_was_given(sandbox):
    assert sandbox.run('print(rpm.vercmp("1", "2"), rpm.vercmp("b", "a"))', FakeHost()) == "-1\t1"


def test_rpm_vercmp_is_rpms_version_order_by_default():
    assert LuaSandbox().run('print(rpm.vercmp("1.10", "1.9"), rpm.vercmp("1.0~rc1", "1.0"))', FakeHost()) == "1\t-1"


def test_a_lua_error_becomes_a_lua_error_with_its_message(sandbox):
    with pytest.raises(LuaError, match="boom"):
        sandbox.run('error("boom")', FakeHost())


def test_a_syntax_error_is_a_lua_error(sandbox):
    with pytest.raises(LuaError, match="Lua failed"):
        sandbox.run("print(", FakeHost())


def test_an_exception_of_the_host_propagates_unchanged(sandbox):
    class Exhausted(Exception):
        pass

    class Failing(FakeHost):
        def expand(self, text: str) -> str:
            raise Exhausted("engine budget")

    with pytest.raises(Exhausted):
        sandbox.run('pcall(rpm.expand, "%{x}") print("went on")', Failing())


def test_lua_inside_rpm_expand_runs_nested_with_its_own_output(sandbox):
    class Nested(FakeHost):
        def expand(self, text: str) -> str:
            return sandbox.run('print("inner")', self) if text == "%{inner}" else super().expand(text)

    assert sandbox.run('print("a") print(rpm.expand("%{inner}")) print("b")', Nested()) == "ainnerb"


def test_a_global_set_to_nil_reads_as_nil(sandbox):
    sandbox.new_state()
    assert sandbox.run("print = nil local ok = pcall(function() print(1) end) return tostring(ok)", FakeHost()) == "false"


def test_pairs_over_the_globals_lists_library_globals_and_new_ones(sandbox):
    sandbox.new_state()
    code = "mine = 1 local seen = {} for k in pairs(_G) do seen[k] = true end return tostring(seen.string and seen.mine)"
    assert sandbox.run(code, FakeHost()) == "true"


def test_next_and_rawget_see_a_library_through_its_view(sandbox):
    sandbox.new_state()
    code = "math.extra = 2 local n = 0 for k in next, math do n = n + 1 end return rawget(math, 'extra'), n > 20"
    assert sandbox.run(code, FakeHost()) == "2\ttrue"


def test_a_library_entry_removed_is_gone_from_its_listing(sandbox):
    sandbox.new_state()
    code = "table.insert = nil local has = false for k in pairs(table) do has = has or k == 'insert' end return has"
    assert sandbox.run(code, FakeHost()) == "false"


def test_getmetatable_of_the_globals_is_nil_as_in_rpm(sandbox):
    sandbox.new_state()
    assert sandbox.run("return tostring(getmetatable(_G))", FakeHost()) == "nil"


def test_rewriting_a_library_entry_names_that_library_among_the_changed_ones(sandbox):
    sandbox.new_state()
    sandbox.run("string.format = nil", FakeHost())
    assert GLOBAL + "string" in sandbox.changed
