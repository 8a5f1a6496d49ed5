"""Run search expressions: a tokenizer and a recursive-descent parser that produce an AST. Pure: no Django.

Filter grammar (keywords are case-insensitive; ``and`` binds tighter than ``or``)::

    expr        := and_expr ( OR and_expr )*
    and_expr    := primary ( AND primary )*
    primary     := '(' expr ')' | comparison
    comparison  := entity op literal
                 | entity [NOT] IN '(' literal ( ',' literal )* ')'
                 | entity ( LIKE | ILIKE ) string
    entity      := prefix '.' key | attribute          prefix: metrics, params, tags, attributes, datasets
    key         := [\\w./-]+ | `back-ticked` | "double-quoted"
    literal     := number | 'single-quoted' | "double-quoted"  (a quote inside is written twice)

Typing: metrics and ``datasets.version`` compare with numbers (=, !=, <, <=, >, >=); ``start_time`` and
``end_time`` compare with epoch milliseconds or ISO 8601 strings; params, tags and the other attributes are
strings (=, !=, LIKE, ILIKE, IN, NOT IN; LIKE uses ``%`` and ``_`` as SQL does, ``\\`` escapes them).

Order by: ``entity [ASC|DESC] ( ',' entity [ASC|DESC] )*`` over metrics, params, tags and attributes.

Every error is a :class:`SearchSyntaxError` carrying the 0-based character position and the offending token.
A filter nests parentheses at most 20 deep and holds at most 200 comparisons.

The same tokenizer and parser read MLflow's filters for registered models, model versions and experiments: a
:class:`Grammar` names the entity prefixes and attributes each of them accepts (``REGISTERED_MODELS``,
``MODEL_VERSIONS``, ``EXPERIMENTS``, following MLflow's ``SearchModelUtils``, ``SearchModelVersionUtils`` and
``SearchExperimentsUtils``); numeric attributes compare with numbers, ``*_time``/``*_timestamp`` attributes with
epoch milliseconds. Runs use ``RUNS``, the default.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from core.datetimes import utc_datetime

EntityKind = Literal["metric", "param", "tag", "attribute", "dataset"]
Value = str | float | datetime | tuple[str, ...]

RUN_STATUSES = ("running", "finished", "failed", "killed")
RUN_SOURCES = ("manual", "training", "mlflow")
STRING_ATTRIBUTES = ("status", "name", "run_id", "user", "source", "experiment", "code_version")
TIME_ATTRIBUTES = ("start_time", "end_time")
ATTRIBUTES = STRING_ATTRIBUTES + TIME_ATTRIBUTES
DATASET_KEYS = ("name", "version", "role")

MAX_DEPTH = 20
MAX_COMPARISONS = 200
NUMERIC_OPS = ("=", "!=", "<", "<=", ">", ">=")
STRING_OPS = ("=", "!=", "LIKE", "ILIKE", "IN", "NOT IN")

_PREFIXES: dict[str, EntityKind] = {
    "metric": "metric",
    "metrics": "metric",
    "param": "param",
    "params": "param",
    "parameter": "param",
    "parameters": "param",
    "tag": "tag",
    "tags": "tag",
    "attribute": "attribute",
    "attributes": "attribute",
    "attr": "attribute",
    "run": "attribute",
    "dataset": "dataset",
    "datasets": "dataset",
}
_ATTRIBUTE_ALIASES = {"run_name": "name", "user_id": "user", "experiment_name": "experiment", "run_id": "run_id"}
_DATASET_ALIASES = {"context": "role"}
_KEYWORDS = ("AND", "OR", "NOT", "IN", "LIKE", "ILIKE", "ASC", "DESC")
_ENUMS = {"status": RUN_STATUSES, "source": RUN_SOURCES}

_WORD = re.compile(r"[A-Za-z_]\w*")
_UNQUOTED_KEY = re.compile(r"[\w./-]+")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_OPERATORS = {">=": ">=", "<=": "<=", "!=": "!=", "<>": "!=", "==": "=", "=": "=", "<": "<", ">": ">"}


@dataclass(frozen=True)
class Grammar:
    """What one kind of object can be searched by: entity prefixes, attributes (name -> "string", "number" or
    "time") and which attributes order_by accepts (``orderable``; all attributes when empty)."""

    subject: str
    prefixes: Mapping[str, EntityKind]
    attributes: Mapping[str, str]
    aliases: Mapping[str, str] = field(default_factory=dict)
    orderable: Mapping[str, str] = field(default_factory=dict)
    example: str = "name = 'x'"

    @property
    def prefix_names(self) -> str:
        return ", ".join(f"{p}." for p in dict.fromkeys(self.prefixes))


RUNS = Grammar(
    subject="runs",
    prefixes=_PREFIXES,
    attributes={**dict.fromkeys(STRING_ATTRIBUTES, ""), **dict.fromkeys(TIME_ATTRIBUTES, "")},
    aliases=_ATTRIBUTE_ALIASES,
    example="metrics.f1 > 0.8",
)
_TAGS_AND_ATTRIBUTES: dict[str, EntityKind] = {
    "tag": "tag",
    "tags": "tag",
    "attribute": "attribute",
    "attributes": "attribute",
    "attr": "attribute",
}
REGISTERED_MODELS = Grammar(
    subject="registered models",
    prefixes=_TAGS_AND_ATTRIBUTES,
    attributes={"name": "string"},
    orderable={"name": "string", "timestamp": "time", "creation_timestamp": "time", "last_updated_timestamp": "time"},
)
MODEL_VERSIONS = Grammar(
    subject="model versions",
    prefixes=_TAGS_AND_ATTRIBUTES,
    attributes={"name": "string", "version_number": "number", "run_id": "string", "source_path": "string"},
    orderable={
        "name": "string",
        "version_number": "number",
        "creation_timestamp": "time",
        "last_updated_timestamp": "time",
        "timestamp": "time",
    },
)
EXPERIMENTS = Grammar(
    subject="experiments",
    prefixes=_TAGS_AND_ATTRIBUTES,
    attributes={"name": "string", "experiment_id": "string", "creation_time": "time", "last_update_time": "time"},
)


class SearchSyntaxError(ValueError):
    """A malformed filter or order_by: ``position`` is the 0-based offset of ``token`` in the text."""

    def __init__(self, message: str, position: int, token: str) -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.token = token

    def __str__(self) -> str:
        shown = f"{self.token!r}" if self.token else "end of input"
        return f"{self.message} (at position {self.position}, near {shown})"


# --- AST -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entity:
    kind: EntityKind
    key: str
    typing: str = field(default="", compare=False)  # "number", "time" or "string" when a grammar says so

    @property
    def numeric(self) -> bool:
        if self.typing:
            return self.typing == "number"
        return self.kind == "metric" or (self.kind == "dataset" and self.key == "version")

    @property
    def temporal(self) -> bool:
        if self.typing:
            return self.typing == "time"
        return self.kind == "attribute" and self.key in TIME_ATTRIBUTES


@dataclass(frozen=True)
class Comparison:
    entity: Entity
    op: str  # one of NUMERIC_OPS or STRING_OPS
    value: Value
    position: int


@dataclass(frozen=True)
class BoolOp:
    op: Literal["and", "or"]
    operands: tuple[Node, ...]


Node = Comparison | BoolOp


@dataclass(frozen=True)
class OrderKey:
    entity: Entity
    descending: bool


# --- tokenizer -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # KEY, STRING, NUMBER, OP, LPAREN, RPAREN, COMMA, END or a keyword (AND, OR, ...)
    text: str  # the source text of the token
    position: int
    value: str = ""  # STRING: the unquoted text; KEY: the key; OP: the normalised operator
    prefix: str | None = None  # KEY: the part before the dot, None for a bare attribute


def _read_quoted(text: str, start: int, quote: str) -> tuple[str, int]:
    """The unquoted content of a quoted run starting at ``start`` and the offset just after it."""
    out: list[str] = []
    i = start + 1
    while i < len(text):
        char = text[i]
        if char == quote:
            if text.startswith(quote * 2, i):
                out.append(quote)
                i += 2
                continue
            return "".join(out), i + 1
        out.append(char)
        i += 1
    kind = "key" if quote == "`" else "string"
    raise SearchSyntaxError(f"unterminated {kind}: missing closing {quote}", start, text[start:])


def _read_key(text: str, start: int) -> tuple[str, int]:
    if start < len(text) and text[start] in '`"':
        key, end = _read_quoted(text, start, text[start])
    else:
        match = _UNQUOTED_KEY.match(text, start)
        key, end = (match.group(), match.end()) if match else ("", start)
    if not key:
        raise SearchSyntaxError("expected a key after the '.'", start, text[start : start + 1])
    return key, end


def _word_token(text: str, start: int) -> Token:
    match = _WORD.match(text, start)
    assert match is not None
    word, end = match.group(), match.end()
    if end < len(text) and text[end] == ".":
        key, end = _read_key(text, end + 1)
        return Token("KEY", text[start:end], start, key, word)
    if word.upper() in _KEYWORDS:
        return Token(word.upper(), word, start)
    return Token("KEY", word, start, word, None)


def _number_token(text: str, start: int) -> Token | None:
    match = _NUMBER.match(text, start)
    if match is None:
        return None
    end = match.end()
    if end < len(text) and (text[end].isalnum() or text[end] in "_."):
        raise SearchSyntaxError("malformed number", start, text[start : end + 1])
    return Token("NUMBER", match.group(), start, match.group())


def _symbol_token(text: str, i: int) -> Token | None:
    for symbol, kind in (("(", "LPAREN"), (")", "RPAREN"), (",", "COMMA")):
        if text[i] == symbol:
            return Token(kind, symbol, i)
    for operator in sorted(_OPERATORS, key=len, reverse=True):
        if text.startswith(operator, i):
            return Token("OP", operator, i, _OPERATORS[operator])
    return None


def _next_token(text: str, i: int) -> Token:
    char = text[i]
    symbol = _symbol_token(text, i)
    if symbol is not None:
        return symbol
    if char in "'\"":
        value, end = _read_quoted(text, i, char)
        return Token("STRING", text[i:end], i, value)
    if char == "`":
        key, end = _read_quoted(text, i, "`")
        return Token("KEY", text[i:end], i, key, None)
    number = _number_token(text, i)
    if number is not None:
        return number
    if _WORD.match(text, i):
        return _word_token(text, i)
    raise SearchSyntaxError(f"unexpected character {char!r}", i, char)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        token = _next_token(text, i)
        tokens.append(token)
        i = token.position + len(token.text)
    tokens.append(Token("END", "", len(text)))
    return tokens


# --- parser --------------------------------------------------------------------------------------------------------


def _entity(token: Token, grammar: Grammar = RUNS, *, ordering: bool = False) -> Entity:
    if token.prefix is None:
        return _attribute(token, token.value, grammar, ordering=ordering)
    kind = grammar.prefixes.get(token.prefix.lower())
    if kind is None:
        raise SearchSyntaxError(
            f"unknown entity {token.prefix!r}: {grammar.subject} are searched by {grammar.prefix_names}",
            token.position,
            token.text,
        )
    if kind == "attribute":
        return _attribute(token, token.value, grammar, ordering=ordering)
    if kind == "dataset":
        if ordering:
            raise SearchSyntaxError("runs cannot be ordered by a dataset input", token.position, token.text)
        return Entity(kind, _dataset_key(token))
    return Entity(kind, token.value, "string" if grammar is not RUNS else "")


def _attribute(token: Token, name: str, grammar: Grammar = RUNS, *, ordering: bool = False) -> Entity:
    key = grammar.aliases.get(name.lower(), name.lower())
    attributes = grammar.orderable if ordering and grammar.orderable else grammar.attributes
    if key not in attributes:
        hint = ""
        if token.prefix is None and grammar is RUNS:
            hint = f" (did you mean metrics.{name} or params.{name}?)"
        elif token.prefix is None and "tag" in grammar.prefixes.values():
            hint = f" (did you mean tags.{name}?)"
        expected = ", ".join(attributes)
        raise SearchSyntaxError(
            f"unknown attribute {name!r}{hint}; {grammar.subject} {'order' if ordering else 'filter'} by one of "
            f"{expected}",
            token.position,
            token.text,
        )
    return Entity("attribute", key, attributes[key])


def _dataset_key(token: Token) -> str:
    key = _DATASET_ALIASES.get(token.value.lower(), token.value.lower())
    if key not in DATASET_KEYS:
        raise SearchSyntaxError(
            f"unknown dataset field {token.value!r}; expected one of {', '.join(DATASET_KEYS)}",
            token.position,
            token.text,
        )
    return key


def _describe(entity: Entity) -> str:
    if entity.kind == "attribute":
        return f"attribute {entity.key!r}"
    return f"{entity.kind} {entity.key!r}"


class _Parser:
    def __init__(self, text: str, grammar: Grammar = RUNS) -> None:
        self.grammar = grammar
        self.tokens = tokenize(text)
        self.index = 0
        self.depth = 0
        self.comparisons = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.current
        self.index += 1
        return token

    def error(self, message: str, token: Token | None = None) -> SearchSyntaxError:
        token = token or self.current
        return SearchSyntaxError(message, token.position, token.text)

    def expect(self, kind: str, message: str) -> Token:
        if self.current.kind != kind:
            raise self.error(message)
        return self.advance()

    def expect_end(self, what: str) -> None:
        if self.current.kind != "END":
            raise self.error(f"unexpected {self.current.text!r}: expected {what}")

    # filter ---------------------------------------------------------------------------------------------------

    def expression(self) -> Node:
        return self._chain("OR", "or", self.conjunction)

    def conjunction(self) -> Node:
        return self._chain("AND", "and", self.primary)

    def _chain(self, keyword: str, op: Literal["and", "or"], operand: Callable[[], Node]) -> Node:
        operands = [operand()]
        while self.current.kind == keyword:
            self.advance()
            operands.append(operand())
        return operands[0] if len(operands) == 1 else BoolOp(op, tuple(operands))

    def primary(self) -> Node:
        if self.current.kind == "LPAREN":
            return self.group()
        if self.current.kind != "KEY":
            raise self.error(f"expected a comparison such as {self.grammar.example}, or '('")
        return self.comparison()

    def group(self) -> Node:
        if self.depth >= MAX_DEPTH:
            raise self.error(f"parentheses nest deeper than {MAX_DEPTH} levels")
        self.depth += 1
        self.advance()
        node = self.expression()
        self.expect("RPAREN", "expected ')' or a conjunction (and, or)")
        self.depth -= 1
        return node

    def comparison(self) -> Comparison:
        self.comparisons += 1
        if self.comparisons > MAX_COMPARISONS:
            raise self.error(f"more than {MAX_COMPARISONS} comparisons in one filter")
        key = self.advance()
        entity = _entity(key, self.grammar)
        token = self.current
        if token.kind == "OP":
            return self._binary(entity, key.position)
        if token.kind in ("IN", "NOT"):
            return self._membership(entity, key.position)
        if token.kind in ("LIKE", "ILIKE"):
            self._string_only(entity, token.kind)
            self.advance()
            return Comparison(entity, token.kind, self._string(entity, self._literal(), pattern=True), key.position)
        raise self.error("expected an operator: =, !=, <, <=, >, >=, LIKE, ILIKE, IN or NOT IN")

    def _literal(self) -> Token:
        if self.current.kind not in ("NUMBER", "STRING"):
            raise self.error("expected a value: a number or a quoted string")
        return self.advance()

    def _binary(self, entity: Entity, position: int) -> Comparison:
        op = self.current.value
        ordered = entity.numeric or entity.temporal
        if not ordered and op not in ("=", "!="):
            raise self.error(f"{_describe(entity)} is a string: use =, !=, LIKE, ILIKE or IN, not {op}")
        self.advance()
        literal = self._literal()
        value = self._ordered_value(entity, literal) if ordered else self._string(entity, literal)
        return Comparison(entity, op, value, position)

    def _ordered_value(self, entity: Entity, literal: Token) -> float | datetime:
        if entity.temporal:
            return _timestamp(literal)
        if literal.kind != "NUMBER":
            raise self.error(f"{_describe(entity)} compares with a number", literal)
        value = float(literal.value)
        if entity.kind == "dataset" and not value.is_integer():
            raise self.error("datasets.version compares with a whole number", literal)
        return value

    def _string(self, entity: Entity, literal: Token, *, pattern: bool = False) -> str:
        if literal.kind != "STRING":
            raise self.error(f"{_describe(entity)} compares with a quoted string, e.g. '{literal.text}'", literal)
        runs = self.grammar is RUNS
        allowed = _ENUMS.get(entity.key) if runs and entity.kind == "attribute" and not pattern else None
        if allowed is None:
            return literal.value
        value = literal.value.lower()
        if value not in allowed:
            raise self.error(f"unknown {entity.key} {literal.value!r}; expected one of {', '.join(allowed)}", literal)
        return value

    def _string_only(self, entity: Entity, op: str) -> None:
        if entity.numeric or entity.temporal:
            raise self.error(f"{op} does not apply to {_describe(entity)}: use =, !=, <, <=, > or >=")

    def _membership(self, entity: Entity, position: int) -> Comparison:
        negated = self.current.kind == "NOT"
        self._string_only(entity, "NOT IN" if negated else "IN")
        if negated:
            self.advance()
            self.expect("IN", "expected IN after NOT")
        else:
            self.advance()
        self.expect("LPAREN", "expected '(' to open the IN list")
        values = [self._string(entity, self._literal())]
        while self.current.kind == "COMMA":
            self.advance()
            values.append(self._string(entity, self._literal()))
        self.expect("RPAREN", "expected ',' or ')' in the IN list")
        return Comparison(entity, "NOT IN" if negated else "IN", tuple(values), position)

    # order by ------------------------------------------------------------------------------------------------

    def order_keys(self) -> list[OrderKey]:
        keys = [self.order_key()]
        while self.current.kind == "COMMA":
            self.advance()
            keys.append(self.order_key())
        return keys

    def order_key(self) -> OrderKey:
        token = self.expect("KEY", "expected a key to order by, such as metrics.f1 or start_time")
        entity = _entity(token, self.grammar, ordering=True)
        descending = False
        if self.current.kind in ("ASC", "DESC"):
            descending = self.advance().kind == "DESC"
        elif self.current.kind not in ("COMMA", "END"):
            raise self.error("expected ASC, DESC, ',' or the end of the order_by clause")
        return OrderKey(entity, descending)


def _timestamp(literal: Token) -> datetime:
    if literal.kind == "NUMBER":
        try:
            return datetime.fromtimestamp(float(literal.value) / 1000, tz=UTC)
        except (OverflowError, OSError, ValueError):
            raise SearchSyntaxError("timestamp out of range", literal.position, literal.text) from None
    if literal.kind == "STRING":
        try:
            parsed = datetime.fromisoformat(literal.value)
        except ValueError:
            raise SearchSyntaxError("expected an ISO 8601 datetime", literal.position, literal.text) from None
        try:
            return utc_datetime(parsed)
        except ValueError:
            raise SearchSyntaxError("timestamp out of range", literal.position, literal.text) from None
    raise SearchSyntaxError(
        "times compare with epoch milliseconds or an ISO 8601 string", literal.position, literal.text
    )


def parse_filter(text: str, grammar: Grammar = RUNS) -> Node | None:
    """The AST of a filter expression; None when the expression is empty."""
    parser = _Parser(text, grammar)
    if parser.current.kind == "END":
        return None
    node = parser.expression()
    parser.expect_end("'and', 'or' or the end of the filter")
    return node


def parse_order_by(text: str, grammar: Grammar = RUNS) -> list[OrderKey]:
    """The keys of an order_by clause (``metrics.f1 DESC, params.lr, start_time``); [] when empty."""
    parser = _Parser(text, grammar)
    if parser.current.kind == "END":
        return []
    keys = parser.order_keys()
    parser.expect_end("',' or the end of the order_by clause")
    return keys


def like_to_regex(pattern: str) -> str:
    """A SQL LIKE pattern as an anchored regular expression valid in Python, PostgreSQL and SQLite.

    ``%`` matches any run of characters, ``_`` one character, and a backslash makes the next character literal.
    """
    out: list[str] = []
    escaped = False
    for char in pattern:
        if escaped:
            out.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "%":
            out.append(".*")
        elif char == "_":
            out.append(".")
        else:
            out.append(re.escape(char))
    if escaped:
        out.append(re.escape("\\"))
    return "(?s)\\A" + "".join(out) + "\\Z"
