"""rpm's expression language (`%if`, `%elif`, `%[...]`, `%{expr:...}`), with rpm 4.18's rules.

Values are integers, strings ("...") and versions (v"1.2"); operands of a binary operator must have
the same type. `%if` sees an already expanded line (an empty operand is a syntax error, as in rpm);
`%[...]` expands macros token by token (an empty expansion is the integer 0) and never expands the
branch that short-circuiting discards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .vercmp import compare_evr


class ExprError(Exception):
    """The expression is invalid; rpm would fail the build. str(e) is a one-sentence reason."""


@dataclass(frozen=True, slots=True)
class Version:
    evr: str


Value = int | str | Version

# Parentheses, unary operators and ternaries nested deeper than this are refused: no real spec nests more than a
# few, and the parser's recursion must stay far from both Python's limit and, compiled, the C stack's.
MAX_NESTING = 64

_TWO_CHAR = {"==": "==", "!=": "!=", "<=": "<=", ">=": ">=", "&&": "&&", "||": "||"}
_ONE_CHAR = set("+-*/()<>!?:,")


def _is_digit(c: str) -> bool:
    return "0" <= c <= "9"


def _is_alpha(c: str) -> bool:
    return ("a" <= c <= "z") or ("A" <= c <= "Z")


def _truthy(value: Value) -> bool:
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str):
        return value != ""
    return False


def _compare(a: Value, b: Value) -> int:
    if isinstance(a, Version) and isinstance(b, Version):
        return compare_evr(a.evr, b.evr)
    if isinstance(a, int) and isinstance(b, int):
        return (a > b) - (a < b)
    assert isinstance(a, str) and isinstance(b, str)
    return (a > b) - (a < b)


class _Parser:
    """Recursive descent over the text, one token of lookahead (as rpm's parser)."""

    def __init__(self, text: str, expand: Callable[[str], str] | None, find_macro_end: Callable[[str, int], int]):
        self.text = text
        self.pos = 0
        self.expand = expand
        self.find_macro_end = find_macro_end
        self.discard = 0
        self.nesting = 0
        self.token = ""
        self.value: Value | None = None
        self.advance()

    def _buffer(self, raw: str) -> str:
        if self.discard:
            return ""
        if raw and self.expand is not None:
            return self.expand(raw)
        return raw

    def _macro_span(self, start: int, stop_at_quote: bool) -> int:
        """End of a run of digits (or of a quoted string) where macros are skipped whole."""
        text, i = self.text, start
        while i < len(text):
            c = text[i]
            if c == "%" and self.expand is not None:
                i = len(text) if i + 1 >= len(text) else (i + 2 if text[i + 1] == "%" else self.find_macro_end(text, i + 1))
                continue
            if stop_at_quote:
                if c == '"':
                    return i
            elif not _is_digit(c):
                return i
            i += 1
        return i

    def advance(self) -> None:
        text, p = self.text, self.pos
        while p < len(text) and text[p].isspace():
            p += 1
        self.value = None
        if p >= len(text):
            self.token, self.pos = "EOF", p
            return
        pair = text[p : p + 2]
        c = text[p]
        if pair in _TWO_CHAR:
            self.token, self.pos = pair, p + 2
        elif c in "=&|":
            raise ExprError(f"syntax error while parsing {c}{c} in expression {text.strip()!r}")
        elif c in _ONE_CHAR:
            self.token, self.pos = c, p + 1
        elif _is_digit(c) or (c == "%" and self.expand is not None):
            end = self._macro_span(p, stop_at_quote=False)
            raw = self._buffer(text[p:end])
            digits = raw[1:] if raw.startswith("-") else raw
            if not all(_is_digit(d) for d in digits):
                kind = "a bare word" if raw[:1].isalpha() else "no integer"
                raise ExprError(f"macro expansion returned {kind} ({raw!r}) in expression {text.strip()!r}")
            self.token, self.value, self.pos = "INT", int(raw) if digits else 0, end
        elif c == '"' or (c == "v" and text[p + 1 : p + 2] == '"'):
            start = p + (2 if c == "v" else 1)
            end = self._macro_span(start, stop_at_quote=True)
            if end >= len(text):
                raise ExprError(f"unterminated string in expression {text.strip()!r}")
            raw = self._buffer(text[start:end])
            if c == "v":
                evr = "0" if self.discard else raw
                if not evr:
                    raise ExprError(f"invalid version in expression {text.strip()!r}")
                self.value = Version(evr)
            else:
                self.value = raw
            self.token, self.pos = "STR", end + 1
        elif _is_alpha(c):
            raise ExprError(f"bare words are not supported in expression {text.strip()!r}")
        else:
            raise ExprError(f"parse error in expression {text.strip()!r}")

    def _nest(self) -> None:
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise ExprError(f"expression nests deeper than {MAX_NESTING} levels")

    def primary(self) -> Value:
        self._nest()
        try:
            return self._primary()
        finally:
            self.nesting -= 1

    def _primary(self) -> Value:
        token = self.token
        if token == "(":
            self.advance()
            value = self.ternary()
            if self.token != ")":
                raise ExprError(f"unmatched ( in expression {self.text.strip()!r}")
            self.advance()
            return value
        if token in ("INT", "STR"):
            literal = self.value
            assert literal is not None
            self.advance()
            return literal
        if token == "-":
            self.advance()
            value = self.primary()
            if not isinstance(value, int):
                raise ExprError(f"- only on numbers in expression {self.text.strip()!r}")
            return -value
        if token == "!":
            self.advance()
            return int(not _truthy(self.primary()))
        if token == "EOF":
            raise ExprError(f"unexpected end of expression {self.text.strip()!r}")
        raise ExprError(f"syntax error in expression {self.text.strip()!r}")

    def _same_type(self, a: Value, b: Value) -> None:
        if type(a) is not type(b):
            raise ExprError(f"types must match in expression {self.text.strip()!r}")

    def multiplicative(self) -> Value:
        left = self.primary()
        while self.token in ("*", "/"):
            op = self.token
            self.advance()
            right = self.primary()
            self._same_type(left, right)
            if not isinstance(left, int) or not isinstance(right, int):
                raise ExprError(f"* and / are only for numbers in expression {self.text.strip()!r}")
            if self.discard:
                continue
            if op == "/" and right == 0:
                raise ExprError(f"division by zero in expression {self.text.strip()!r}")
            left = left * right if op == "*" else int(left / right)
        return left

    def additive(self) -> Value:
        left = self.multiplicative()
        while self.token in ("+", "-"):
            op = self.token
            self.advance()
            right = self.multiplicative()
            self._same_type(left, right)
            if isinstance(left, int) and isinstance(right, int):
                left = left + right if op == "+" else left - right
            elif isinstance(left, str) and isinstance(right, str) and op == "+":
                left = left + right
            else:
                raise ExprError(f"{op} is not supported for these operands in expression {self.text.strip()!r}")
        return left

    def relational(self) -> Value:
        left = self.additive()
        while self.token in ("==", "!=", "<", "<=", ">", ">="):
            op = self.token
            self.advance()
            right = self.additive()
            self._same_type(left, right)
            c = _compare(left, right)
            left = int({"==": c == 0, "!=": c != 0, "<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0}[op])
        return left

    def logical(self) -> Value:
        left = self.relational()
        while self.token in ("&&", "||"):
            op = self.token
            truth = _truthy(left)
            short = (op == "&&" and not truth) or (op == "||" and truth)
            self.discard += short
            self.advance()
            right = self.relational()
            self.discard -= short
            self._same_type(left, right)
            if not short:
                left = right
        return left

    def ternary(self) -> Value:
        condition = self.logical()
        if self.token != "?":
            return condition
        truth = _truthy(condition)
        self._nest()
        try:
            return self._branches(truth)
        finally:
            self.nesting -= 1

    def _branches(self, truth: bool) -> Value:
        self.discard += not truth
        self.advance()
        yes = self.ternary()
        self.discard -= not truth
        if self.token != ":":
            raise ExprError(f"syntax error in expression {self.text.strip()!r}")
        self.discard += truth
        self.advance()
        no = self.ternary()
        self.discard -= truth
        self._same_type(yes, no)
        return yes if truth else no

    def parse(self) -> Value:
        value = self.ternary()
        if self.token != "EOF":
            raise ExprError(f"syntax error in expression {self.text.strip()!r}")
        return value


def _no_macros(text: str, start: int) -> int:
    return start


def evaluate(
    text: str,
    *,
    expand: Callable[[str], str] | None = None,
    find_macro_end: Callable[[str, int], int] = _no_macros,
) -> Value:
    """The value of `text`; with `expand`, macros are expanded token by token (rpm's RPMEXPR_EXPAND)."""
    return _Parser(text, expand, find_macro_end).parse()


def as_bool(text: str) -> bool:
    """`%if` semantics: the (already expanded) condition's truth."""
    return _truthy(evaluate(text))


def as_text(value: Value) -> str:
    """How `%[...]` and `%{expr:...}` print a value."""
    if isinstance(value, Version):
        return value.evr
    return str(value)
