"""Route every service method that has an ``actor`` through the checked unit of work.

    python tools/unit_of_work.py [--check] [ROOT]

In ``jobcenter_tui/services/*.py``, inside each function with a parameter named ``actor``:

    self._s.db.session(write=True)  ->  self._s.unit(actor, write=True)
    self._s.db.session()            ->  self._s.unit(actor)
    self._s.db.single_read()        ->  self._s.single_read(actor)

so that each call checks, in its own transaction, that the signed-in account is still active
with the access it signed in with (``Services.unit``). Re-runnable: a rewritten line no longer
matches. A line ending in ``# unit-of-work: none ...`` is left as it is on purpose (say why).
It prints the call sites left (no actor in scope). ``--check`` changes nothing and exits 1 when
a call site would be rewritten (for CI or after a merge).
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

SESSION = re.compile(r"self\._s\.db\.session\((\s*\)|)")
SINGLE_READ = re.compile(r"self\._s\.db\.single_read\(\s*\)")
LEFT = re.compile(r"\bdb\.(session|single_read)\(")
OPT_OUT = "# unit-of-work: none"


def _actor_lines(tree: ast.AST) -> set[int]:
    """Line numbers inside functions that take ``actor`` (nested functions included)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args
            names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
            if "actor" in names and node.end_lineno is not None:
                lines.update(range(node.lineno, node.end_lineno + 1))
    return lines


def _session_repl(match: re.Match[str]) -> str:
    return "self._s.unit(actor)" if match.group(1) else "self._s.unit(actor, "


def rewrite(source: str) -> tuple[str, int, list[tuple[int, str, bool]]]:
    """(new source, call sites rewritten, [(line, text, left on purpose) of sites left])."""
    inside = _actor_lines(ast.parse(source))
    out, changed, left = [], 0, []
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        if number in inside and OPT_OUT not in line:
            new = SINGLE_READ.sub("self._s.single_read(actor)", SESSION.sub(_session_repl, line))
            if new != line:
                changed += 1
                line = new
        if LEFT.search(line):
            left.append((number, line.strip(), OPT_OUT in line))
        out.append(line)
    return "".join(out), changed, left


def main(argv: list[str]) -> int:
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    root = Path(args[0]) if args else Path(__file__).resolve().parent.parent
    total = 0
    for path in sorted((root / "jobcenter_tui" / "services").glob("*.py")):
        source = path.read_text()
        new, changed, left = rewrite(source)
        total += changed
        if changed and not check:
            path.write_text(new)
        rel = path.relative_to(root)
        if changed:
            print(f"{rel}: {changed} call site(s) {'to rewrite' if check else 'rewritten'}")
        for number, text, on_purpose in left:
            print(f"{rel}:{number}: left ({'on purpose' if on_purpose else 'no actor in scope'}): {text}")
    return 1 if check and total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
