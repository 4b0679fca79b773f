"""rpm's macro-file syntax, as rpm's loader reads it, and the bounded loading of a macro set."""

from __future__ import annotations

from audits.rpmspec.macrofiles import MAX_FILE_BYTES, MacroDefinition, load_macro_set, parse_macro_file


def parsed(text: str) -> list[tuple[str, str, str | None]]:
    return [(d.name, d.body, d.options) for d in parse_macro_file(text, "specs/x/x-rpm-macros/macros.x")]


def test_a_plain_definition_has_its_body_without_surrounding_blanks():
    assert parsed("%_foo   /usr/foo  \n") == [("_foo", "/usr/foo", None)]


def test_the_origin_is_the_file_it_came_from():
    (definition,) = parse_macro_file("%a 1\n", "specs/a/a-rpm-macros/macros.a")
    assert definition == MacroDefinition("a", "1", None, "specs/a/a-rpm-macros/macros.a")


def test_a_parametric_definition_keeps_its_getopt_string():
    assert parsed("%autorelease(e:s:pb:n) %{?-p:0.}1\n") == [("autorelease", "%{?-p:0.}1", "e:s:pb:n")]


def test_empty_parentheses_make_a_parametric_macro_without_options():
    assert parsed("%f() x\n") == [("f", "x", "")]


def test_comments_blank_lines_and_stray_text_are_ignored():
    assert parsed("# %not a definition\n\nplain text\n  %indented yes\n") == [("indented", "yes", None)]


def test_a_trailing_backslash_continues_the_body_and_keeps_the_newline():
    assert parsed("%multi line one \\\n  line two\n%next 1\n") == [("multi", "line one \n  line two", None), ("next", "1", None)]


def test_an_open_brace_continues_the_definition_over_lines():
    text = "%lua_block %{lua:\n  print(1)\n}\n%after 2\n"
    assert parsed(text) == [("lua_block", "%{lua:\n  print(1)\n}", None), ("after", "2", None)]


def test_a_backslash_escapes_the_character_after_it():
    assert parsed("%esc a\\%b\n") == [("esc", "a%b", None)]


def test_double_percent_is_kept_for_the_expansion_to_handle():
    assert parsed("%fmt %%{NAME}\n") == [("fmt", "%%{NAME}", None)]


def test_a_body_in_braces_is_silently_ungrouped():
    assert parsed("%grouped {a b} trailing\n") == [("grouped", "a b", None)]


def test_an_empty_body_defines_nothing():
    assert parsed("%empty\n%empty2   \n") == []


def test_an_illegal_name_defines_nothing():
    assert parsed("%_ x\n%1abc x\n%-x y\n") == []


def test_an_unterminated_body_defines_nothing():
    assert parsed("%broken %{oops\n") == []


def test_an_unterminated_option_list_defines_nothing():
    assert parsed("%f(ab x\n") == []


def test_modifiers_are_read_past():
    assert parsed("%_fmt<l> %{NAME}\n") == [("_fmt", "%{NAME}", None)]


def test_carriage_returns_are_not_part_of_the_body():
    assert parsed("%crlf value\r\n") == [("crlf", "value", None)]


def files(contents: dict[str, bytes]):
    def read(path: str) -> bytes:
        return contents[path]

    return read


def test_load_macro_set_starts_with_rpms_own_macros_for_the_arch():
    macro_set = load_macro_set(files({}), [], "aarch64")
    names = {d.name: d.body for d in macro_set.definitions if d.origin == "rpm"}
    assert names["_arch"] == "aarch64" and names["__isa_name"] == "aarch"


def test_load_macro_set_puts_rpms_platform_macros_between_macros_d_and_the_vendor_file():
    contents = {
        "specs/x/x-rpm-macros/macros.x": b"%_libdir /wrong\n%from_d 1\n",
        "specs/a/azurelinux-rpm-config/macros": b"%_vendor azurelinux\n",
    }
    macro_set = load_macro_set(files(contents), list(contents), "x86_64")
    origins = [d.origin for d in macro_set.definitions if d.name in ("_libdir", "from_d", "_vendor")]
    assert origins == ["rpm", "specs/x/x-rpm-macros/macros.x", "specs/x/x-rpm-macros/macros.x", "rpm", "rpm",
                       "specs/a/azurelinux-rpm-config/macros"]  # fmt: skip


def test_lua_modules_are_recorded_under_their_installed_module_names():
    contents = {"specs/a/azurelinux-rpm-config/common.lua": b"return {}", "specs/p/python-rpm-macros/python.lua": b"return {1}"}
    macro_set = load_macro_set(files(contents), list(contents), "x86_64")
    assert dict(macro_set.lua_modules) == {"fedora.common": "return {}", "azurelinux.common": "return {}",
                                           "fedora.srpm.python": "return {1}"}  # fmt: skip


def test_rpmrc_gives_optflags_for_the_arch_only():
    rpmrc = b"include: /usr/lib/rpm/rpmrc\noptflags: x86_64 -O2 -m64\noptflags: aarch64 -O2 -mbranch\n"
    macro_set = load_macro_set(files({"specs/a/azurelinux-rpm-config/rpmrc": rpmrc}), ["specs/a/azurelinux-rpm-config/rpmrc"], "aarch64")
    assert [(d.name, d.body) for d in macro_set.definitions if d.name == "optflags"] == [("optflags", "-O2 -mbranch")]


def test_a_file_that_is_not_utf8_is_skipped_with_a_reason():
    path = "specs/x/x-rpm-macros/macros.bad"
    macro_set = load_macro_set(files({path: b"%a \xff\n"}), [path], "x86_64")
    assert macro_set.files == () and macro_set.problems == (f"{path} is not UTF-8 text and was skipped.",)


def test_an_oversized_file_is_skipped_with_a_reason():
    path = "specs/x/x-rpm-macros/macros.big"
    macro_set = load_macro_set(files({path: b"#" * (MAX_FILE_BYTES + 1)}), [path], "x86_64")
    assert macro_set.files == () and "larger than" in macro_set.problems[0]


def test_an_unreadable_file_is_skipped_with_a_reason():
    macro_set = load_macro_set(files({}), ["specs/x/x-rpm-macros/macros.gone"], "x86_64")
    assert "could not be read" in macro_set.problems[0]


def test_a_path_that_is_no_macro_file_is_refused_with_a_reason():
    macro_set = load_macro_set(files({"specs/x/x/x.spec": b""}), ["specs/x/x/x.spec"], "x86_64")
    assert macro_set.files == () and "not a macro file" in macro_set.problems[0]


def test_definitions_beyond_the_limit_are_dropped_with_a_reason(monkeypatch):
    from audits.rpmspec import macrofiles, rpmbase

    monkeypatch.setattr(macrofiles, "MAX_DEFINITIONS", len(rpmbase.core_macros("x86_64")) + 2)
    path = "specs/x/x-rpm-macros/macros.many"
    macro_set = load_macro_set(files({path: b"%a 1\n%b 2\n%c 3\n"}), [path], "x86_64")
    assert [d.name for d in macro_set.definitions if d.origin == path] == ["a", "b"]
    assert "only 2 of its definitions" in macro_set.problems[0]
