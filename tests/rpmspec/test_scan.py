from audits.rpmspec.scan import line_call_finder


def test_a_line_call_is_found_only_at_the_start_of_a_line_after_blanks():
    first = line_call_finder(("gopkg", "gometa"))
    assert first("Name: x\n  %{gopkg}\n%gometa\n") == "gopkg"
    assert first("Requires: %gopkg\n\t%gometa -f\n") == "gometa"
    assert first("%gopkgfiles\n# %gometa\n") is None
