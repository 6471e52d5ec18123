"""One error catalogue (issue 13): every code the source answers with is in ora_xblock/errors.py with its
status, the catalogue lists nothing the source never answers, and docs/api.md shows exactly the catalogue."""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from pathlib import Path

from ora_xblock.errors import CODES
from ora_xblock.handlers.endpoints import STATUS

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "ora_xblock"
KINDS = {kind.__name__: status for kind, status in STATUS.items()}  # Invalid: 400, NotAllowed: 403, ...


def _name(node: ast.expr) -> str | None:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None


def _literal(node: ast.expr | None) -> object:
    return node.value if isinstance(node, ast.Constant) else None


class _Scan:
    """The (code, status) pairs the package's source answers with, and the sites whose code it can't tell.

    A code is found where it is raised: a Refusal kind's first argument (or a tuple ``(Kind, code, ...)``),
    ``HandlerError``'s second, ``_refuse``'s third. A code that is a parameter of the function raising it is
    read from every call of that function; one that picks its template from a module's table
    (``TABLE[code]``) stands for every key of that table.
    """

    def __init__(self) -> None:
        self.trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in PACKAGE.rglob("*.py")}
        self.calls = [node for tree in self.trees.values() for node in ast.walk(tree) if isinstance(node, ast.Call)]
        self.found: set[tuple[str, int]] = set()
        self.unresolved: list[str] = []
        for path, tree in self.trees.items():
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            self._visit(tree, [], path, module)

    def _visit(self, node: ast.AST, functions: list[ast.FunctionDef], path: Path, module: str) -> None:
        if isinstance(node, ast.FunctionDef):
            functions = [*functions, node]
        if isinstance(node, ast.Call) and node.args:
            called, args = _name(node.func), node.args
            if called in KINDS:
                self._add(args[0], args[1] if len(args) > 1 else None, KINDS[called], functions, path, module)
            elif called == "HandlerError" and isinstance(args[0], ast.Constant):  # else it passes a refusal on
                self._add(args[1], None, args[0].value, functions, path, module)
            elif called == "_refuse" and isinstance(args[1], ast.Constant):
                self._add(args[2], None, args[1].value, functions, path, module)
        if isinstance(node, ast.Tuple) and len(node.elts) > 1 and _name(node.elts[0]) in KINDS:
            self._add(node.elts[1], None, KINDS[str(_name(node.elts[0]))], functions, path, module)
        for child in ast.iter_child_nodes(node):
            self._visit(child, functions, path, module)

    def _add(
        self,
        code: ast.expr,
        template: ast.expr | None,
        status: int,
        functions: list[ast.FunctionDef],
        path: Path,
        module: str,
    ) -> None:
        if isinstance(_literal(code), str):
            self.found.add((str(_literal(code)), status))
        elif isinstance(code, ast.Name) and functions and code.id in [a.arg for a in functions[-1].args.args]:
            self.found.update((passed, status) for passed in self._passed(functions[-1], code.id))
        elif isinstance(template, ast.Subscript) and isinstance(template.value, ast.Name):
            self.found.update((key, status) for key in getattr(importlib.import_module(module), template.value.id))
        else:
            self.unresolved.append(f"{path.relative_to(ROOT)}:{code.lineno}")

    def _passed(self, function: ast.FunctionDef, parameter: str) -> Iterator[str]:
        index = [a.arg for a in function.args.args].index(parameter)
        for call in self.calls:
            if _name(call.func) == function.name:
                keywords = {keyword.arg: keyword.value for keyword in call.keywords}
                value = call.args[index] if index < len(call.args) else keywords.get(parameter)
                yield str(_literal(value))


SCAN = _Scan()


def test_every_code_the_source_answers_with_can_be_read_from_it():
    assert SCAN.unresolved == []
    assert len(SCAN.found) > 60


def test_every_code_raised_is_in_the_catalogue_with_the_status_it_is_answered_with():
    raised: dict[str, set[int]] = {}
    for code, status in SCAN.found:
        raised.setdefault(code, set()).add(status)
    assert {code: sorted(statuses) for code, statuses in raised.items()} == {
        code: list(statuses) for code, (statuses, _) in CODES.items()
    }


def test_every_refusal_is_a_client_error_or_a_try_again():
    statuses = {status for statuses, _ in CODES.values() for status in statuses}
    assert all(400 <= status < 500 or status == 503 for status in statuses)
    assert all(statuses == tuple(sorted(statuses)) for statuses, _ in CODES.values())


def test_the_api_docs_list_exactly_the_catalogue_with_statuses_and_meanings():
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    section = text.split("\n## Error codes\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \| ([\d, ]+) \| (.+) \|$", section, re.MULTILINE)
    assert rows == [
        (code, ", ".join(map(str, statuses)), meaning) for code, (statuses, meaning) in sorted(CODES.items())
    ]
