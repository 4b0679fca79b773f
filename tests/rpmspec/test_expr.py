import pytest

from audits.rpmspec.expr import ExprError, as_bool, evaluate
from audits.rpmspec.vercmp import compare_evr, rpmvercmp


@pytest.mark.parametrize(
    ("a", "b", "order"),
    [("1.0", "1.0", 0), ("1.0", "1.1", -1), ("1.10", "1.9", 1), ("1.0~rc1", "1.0", -1), ("1.0^git1", "1.0", 1),
     ("1.0a", "1.0", 1), ("1.0", "1.0a", -1), ("2.0", "10", -1), ("1.001", "1.1", 0), ("1.0.a", "1.0.1", -1),
     ("1~~", "1~", -1), ("1.0^", "1.0", 1)],
)
def test_rpmvercmp_orders_versions_as_rpm(a, b, order):
    assert rpmvercmp(a, b) == order
    assert rpmvercmp(b, a) == -order


def test_a_missing_epoch_is_zero_and_a_missing_release_sorts_lower():
    assert compare_evr("0:1.0-1", "1.0-1") == 0
    assert compare_evr("1:1.0", "2.0") == 1
    assert compare_evr("1.0", "1.0-1") == -1


@pytest.mark.parametrize(
    ("text", "value"),
    [("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("7 / 2", 3), ("-7 / 2", -3), ('"a" == "a"', 1), ('"a" + "b"', "ab"),
     ("1 && 0", 0), ("0 || 5", 5), ("1 ? 2 : 3", 2), ("!0", 1), ('v"1.2" < v"1.10"', 1), ("3 >= 3", 1), ('!""', 1)],
)
def test_expressions_evaluate_like_rpm(text, value):
    assert evaluate(text) == value


@pytest.mark.parametrize("text", ["", "1 +", "foo", '"a" == 1', "1 / 0", '"a', "1 = 1", "(1"])
def test_invalid_expressions_are_errors(text):
    with pytest.raises(ExprError):
        evaluate(text)


@pytest.mark.parametrize("nested", ["(" * 65 + "1" + ")" * 65, "!" * 65 + "1", "-" * 65 + "1", "1 ? " * 65 + "1" + " : 1" * 65])
def test_an_expression_nested_deeper_than_the_limit_is_refused_with_a_reason(nested):
    with pytest.raises(ExprError, match="nests deeper than 64 levels"):
        evaluate(nested)


def test_an_expression_nested_as_deep_as_the_limit_is_evaluated():
    assert evaluate("(" * 63 + "1" + ")" * 63) == 1


def test_an_if_condition_is_true_for_a_non_empty_string():
    assert as_bool('"x"') and not as_bool('""')


def test_short_circuit_does_not_expand_the_discarded_operand():
    seen = []

    def expand(text):
        seen.append(text)
        return "1" if text.startswith("%") else text

    assert evaluate("0 && %{boom}", expand=expand, find_macro_end=lambda t, i: len(t)) == 0
    assert seen == ["0"]
