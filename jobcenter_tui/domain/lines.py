"""Lines of an import file read defensively: whatever the bytes, a line is a value or a named problem.

A file comes from outside (another system's export, a spreadsheet, an attacker): one line of it
may be invalid UTF-8, nest a thousand levels deep, carry a 70-digit number or a terminal escape
sequence. Each such line is refused with words, never with an exception, and the other lines
still count. Nothing here echoes input raw: :func:`printable` escapes control characters so an
error message cannot drive the terminal it is printed on.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

MAX_LINE_BYTES = 1_000_000  # a full record is a few KB; a posting's description at most ~120 KB of JSON
MAX_DEPTH = 16  # a record nests 3 levels (preferences.desired_occupations[0].soc_code)
INT_LIMIT = 2**63 - 1  # what the store's integer columns hold
BOM = b"\xef\xbb\xbf"

# C0 and C1 controls, DEL, and the bidirectional overrides and isolates (they reorder what a
# terminal shows: "Trojan Source"). Tab and newline are allowed only where a field says so.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Worth a closer look: a control character escaped (\u001b, \n …) or raw (DEL, C1, bidi). Most
# lines have none and are not walked; the tests are substring searches first (microseconds a line).
_ESCAPED = re.compile(r"\\(?:[bfnrt]|u00(?:[01][0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])|u20(?:2[a-eA-E]|6[6-9]))")
_RAW = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Characters a name may not consist of only: spaces, zero-width and format characters, fillers.
_INVISIBLE = re.compile(r"[\s\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
                        r"\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0]*")

CONTROL_MESSAGE = "must not contain control characters (such as NUL, ESC or a terminal escape sequence)"


class LineProblem(ValueError):
    """A line that is not a JSON value at all; ``message`` says why in words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def printable(text: str, limit: int = 200) -> str:
    """``text`` safe to print on a terminal: control characters escaped (``\\x1b``), long text cut."""
    if len(text) > limit:
        text = text[:limit] + "…"
    return CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def invisible(text: str) -> bool:
    """True when ``text`` shows nothing: empty, spaces, or only zero-width and format characters."""
    return _INVISIBLE.fullmatch(text) is not None


def split_lines(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(line number, bytes) of a JSON Lines file; a UTF-8 BOM at the start is dropped, ``\\r\\n`` accepted.

    Only ``\\n`` ends a line (U+2028 inside a string is not a line break).
    """
    if data.startswith(BOM):
        data = data[len(BOM):]
    for number, raw in enumerate(data.split(b"\n"), start=1):
        yield number, raw[:-1] if raw.endswith(b"\r") else raw


def decode_line(raw: bytes) -> str:
    """One line as text, or LineProblem naming the first byte that is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LineProblem(f"is not UTF-8 text (byte {exc.start + 1} of the line); save the file as UTF-8") from None


def too_long(size: int, unit: str = "bytes") -> str | None:
    """Why a line of ``size`` bytes (or characters) is refused before it is read, if it is."""
    if size > MAX_LINE_BYTES:
        return f"is {size:,} {unit} long; a line holds at most {MAX_LINE_BYTES:,}"
    return None


def _depth(text: str) -> int:
    """How deep ``[`` and ``{`` nest, outside strings (only called on lines with many brackets)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise LineProblem(f"holds a number too large to be a value ({printable(text, 20)})")
    return value


def _no_constant(name: str) -> Any:
    raise LineProblem(f"holds {name}, which is not a number JSON allows")


_DECODER = json.JSONDecoder(parse_float=_finite_float, parse_constant=_no_constant)
_DECIMAL_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_no_constant)


def load_json(text: str, *, decimal: bool = False) -> Any:
    """``json.loads`` that cannot crash: too long, too deep, too many digits and bad JSON are LineProblems."""
    if problem := too_long(len(text), "characters"):
        raise LineProblem(problem)
    if text.count("[") + text.count("{") > MAX_DEPTH and _depth(text) > MAX_DEPTH:
        raise LineProblem(f"nests lists or objects more than {MAX_DEPTH} levels deep")
    try:  # the decoders are made once: json.loads with options would build one per line
        return (_DECIMAL_DECODER if decimal else _DECODER).decode(text)
    except json.JSONDecodeError as exc:
        raise LineProblem(f"is not valid JSON ({exc.msg}, column {exc.colno})") from None
    except RecursionError:
        raise LineProblem(f"nests lists or objects more than {MAX_DEPTH} levels deep") from None
    except LineProblem:
        raise
    except ValueError:  # Python refuses to convert a number of more than 4,300 digits
        raise LineProblem("holds a number with too many digits") from None


def suspect(text: str) -> bool:
    """Whether a line may hold a control character (then :func:`value_problems` says where)."""
    return bool(("\\" in text and _ESCAPED.search(text)) or "\x7f" in text
                or (not text.isascii() and _RAW.search(text)))


def load_line(text: str, *, decimal: bool = False) -> tuple[Any, bool]:
    """:func:`load_json`, and whether the value must be walked (:func:`value_problems`) because a
    control character may be in it. (Integers are bounded by each field's own rule.)"""
    return load_json(text, decimal=decimal), suspect(text)


def value_problems(value: Any, *, multiline: frozenset[str] = frozenset()) -> list[dict[str, str]]:
    """Control characters in keys or strings, integers beyond 64 bits, non-finite numbers: by field path.

    Walks without recursion (the caller has bounded the depth, but a dict from a screen has not).
    ``multiline`` names the top-level fields where tab and newline are text.
    """
    out: list[dict[str, str]] = []
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, dict):
            for key, sub in item.items():
                name = str(key)
                sub_path = f"{path}.{name}" if path else name
                if CONTROL.search(name):
                    out.append({"field": printable(sub_path, 80), "message": "is a field name with control characters"})
                    continue
                stack.append((sub_path, sub))
        elif isinstance(item, list):
            stack.extend((f"{path}[{i}]", sub) for i, sub in enumerate(item))
        elif isinstance(item, str):
            pattern = TEXT_CONTROL if path in multiline else CONTROL
            if pattern.search(item):
                out.append({"field": printable(path, 80) or "(record)", "message": CONTROL_MESSAGE})
        elif isinstance(item, bool):
            continue
        elif isinstance(item, int):
            if abs(item) > INT_LIMIT:
                out.append({"field": printable(path, 80) or "(record)", "message": "is too large a number"})
        elif isinstance(item, (float, Decimal)) and not math.isfinite(item):
            out.append({"field": printable(path, 80) or "(record)", "message": "must be a finite number"})
    out.sort(key=lambda e: e["field"])
    return out
