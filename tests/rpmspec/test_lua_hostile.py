"""Hostile Lua: nothing escapes the sandbox, every budget holds, no run leaks into the next."""

from __future__ import annotations

import time

import pytest

from audits.rpmspec.lua import LuaError, LuaSandbox
from tests.rpmspec.lua_fake_host import FakeHost


@pytest.fixture(scope="module")
def sandbox() -> LuaSandbox:
    return LuaSandbox(max_instructions=200_000, max_memory=16 * 1024 * 1024, max_output=10_000)


def fails(sandbox: LuaSandbox, code: str) -> str:
    with pytest.raises(LuaError) as caught:
        sandbox.run(code, FakeHost())
    return str(caught.value)


@pytest.mark.parametrize("name", ["os", "debug", "package", "coroutine", "posix", "python", "load", "loadstring",
                                  "dofile", "loadfile", "collectgarbage", "string.dump", "math.random"])  # fmt: skip
def test_dangerous_globals_are_absent(sandbox, name):
    assert sandbox.run(f"print({name} == nil)", FakeHost()) == "true"


@pytest.mark.parametrize("name", ["execute", "spawn", "open", "load", "glob"])
def test_rpm_functions_that_touch_the_system_are_absent(sandbox, name):
    assert sandbox.run(f"print(rpm.{name} == nil)", FakeHost()) == "true"


@pytest.mark.parametrize("name", ["open", "popen", "read", "lines", "write", "input", "output", "close", "tmpfile",
                                  "type", "stdin", "stdout"])  # fmt: skip
def test_io_has_nothing_but_stderr(sandbox, name):
    assert sandbox.run(f"print(io.{name} == nil)", FakeHost()) == "true"


def test_io_holds_only_stderr(sandbox):
    assert sandbox.run("local n = {} for k in pairs(io) do n[#n + 1] = k end print(table.concat(n, ' '))",
                       FakeHost()) == "stderr"


@pytest.mark.parametrize("name", ["read", "lines", "seek", "close", "flush", "setvbuf"])
def test_stderr_has_nothing_but_write(sandbox, name):
    assert sandbox.run(f"print(io.stderr.{name} == nil)", FakeHost()) == "true"


def test_a_warning_on_stderr_is_discarded_and_the_chunk_goes_on(sandbox):
    assert sandbox.run("io.stderr:write('Unknown priority'):write('!') print('after')", FakeHost()) == "after"


def test_stderr_cannot_be_given_new_fields_or_a_metatable(sandbox):
    assert "read-only" in fails(sandbox, "io.stderr.read = function() end")
    assert sandbox.run("print(getmetatable(io.stderr))", FakeHost()) == "false"


def test_changing_io_does_not_survive_into_the_next_spec(sandbox):
    sandbox.run("io.open = function() return 1 end", FakeHost())
    sandbox.new_state()
    assert sandbox.run("print(io.open == nil)", FakeHost()) == "true"


def test_rpm_interactive_is_false(sandbox):
    assert sandbox.run("print(rpm.interactive)", FakeHost()) == "false"


def test_an_endless_loop_stops_at_the_instruction_budget(sandbox):
    assert fails(sandbox, "while true do end") == "Lua exceeded its budget of 200000 instructions"


def test_pcall_cannot_catch_the_budget_to_loop_forever(sandbox):
    code = "while true do pcall(function() while true do end end) end"
    assert "instructions" in fails(sandbox, code)


def test_xpcall_cannot_catch_the_budget_either(sandbox):
    code = "while true do xpcall(function() while true do end end, function(e) return e end) end"
    assert "instructions" in fails(sandbox, code)


def test_a_huge_string_hits_the_memory_budget(sandbox):
    assert fails(sandbox, 'return string.rep("x", 1e9)') == "Lua exceeded its memory budget of 16777216 bytes"


def test_a_caught_out_of_memory_still_ends_the_run(sandbox):
    assert "memory budget" in fails(sandbox, 'local ok = pcall(string.rep, "x", 1e9) print("went on")')


def test_output_beyond_its_budget_ends_the_run(sandbox):
    assert fails(sandbox, 'for i = 1, 100 do print(string.rep("x", 1000)) end') == "Lua printed more than 10000 bytes"


def test_require_reaches_no_standard_or_disk_module(sandbox):
    assert "not found" in fails(sandbox, 'require "os"')


def test_bytecode_cannot_be_loaded(sandbox):
    assert "nil value" in fails(sandbox, "load(string.dump(print))")


def test_finalizers_are_refused(sandbox):
    assert "__gc" in fails(sandbox, "setmetatable({}, {__gc = function() while true do end end})")


def test_rpm_functions_are_lua_functions_not_python_objects_to_explore(sandbox):
    assert sandbox.run("print(type(rpm.expand))", FakeHost()) == "function"
    assert "attempt to index a function value" in fails(sandbox, "return rpm.expand.__globals__")


def test_an_error_object_with_a_tostring_loop_is_not_run_after_the_budget(sandbox):
    code = "error(setmetatable({}, {__tostring = function() while true do end end}))"
    assert fails(sandbox, code) == "Lua failed: (error object is a table value)"


def test_a_backtracking_pattern_on_a_long_subject_is_refused(sandbox):
    started = time.monotonic()
    assert "pattern too costly" in fails(sandbox, 'return (string.rep("a", 5000)):find(".-.-.-b")')
    assert time.monotonic() - started < 1


def test_ordinary_patterns_on_long_subjects_still_work(sandbox):
    code = 'local s = string.rep("ab ", 3000) local n = 0 for w in s:gmatch("%S+") do n = n + 1 end print(n)'
    assert sandbox.run(code, FakeHost()) == "3000"


def test_a_global_one_spec_set_is_not_visible_to_the_next_spec(sandbox):
    sandbox.run("leaked = 1", FakeHost())
    sandbox.new_state()
    assert sandbox.run("print(leaked)", FakeHost()) == "nil"


def test_changing_the_string_library_does_not_survive_into_the_next_spec(sandbox):
    sandbox.run("string.upper = nil", FakeHost())
    sandbox.new_state()
    assert sandbox.run('print(string.upper("a"))', FakeHost()) == "A"


def test_changing_the_string_library_never_reaches_string_methods(sandbox):
    sandbox.run("string.upper = nil", FakeHost())
    assert sandbox.run('print(("b"):upper())', FakeHost()) == "B"


def test_the_string_metatable_is_hidden(sandbox):
    assert sandbox.run('print(getmetatable(""))', FakeHost()) == "false"
    assert "index a boolean" in fails(sandbox, 'getmetatable("").__index.upper = nil')


def test_the_macros_metatable_is_locked(sandbox):
    assert sandbox.run("print(getmetatable(macros))", FakeHost()) == "false"


def test_a_run_after_a_failed_one_starts_with_a_full_budget(sandbox):
    fails(sandbox, "while true do end")
    assert sandbox.run("local n = 0 for i = 1, 10000 do n = n + i end print(n)", FakeHost()) == "50005000"


def test_rpm_define_reaches_only_the_host_of_that_run(sandbox):
    first, second = FakeHost(), FakeHost()
    sandbox.run('rpm.define("mine 1")', first)
    assert sandbox.run('print(rpm.expand("%{?mine}"))', second) == ""
    assert first.macros == {"mine": "1"}


def test_a_trivial_run_is_fast(sandbox):
    host = FakeHost()
    sandbox.run("print(1)", host)
    started = time.perf_counter()
    for _ in range(200):
        sandbox.run("print(1)", host)
    assert (time.perf_counter() - started) / 200 < 0.001  # ~25 µs measured; generous for a loaded machine


def test_a_library_function_one_spec_replaced_is_back_for_the_next_spec(sandbox):
    sandbox.run("string.upper = function() return 'x' end", FakeHost())
    sandbox.new_state()
    assert sandbox.run('print(string.upper("a"))', FakeHost()) == "A"


def test_the_globals_table_cannot_be_given_a_metatable(sandbox):
    with pytest.raises(LuaError, match="protected metatable"):
        sandbox.run("setmetatable(_G, {})", FakeHost())
