"""``ora-xblock``: check and export ORA problems from the command line.

ora-xblock validate PATH...   check files, or course export folders
ora-xblock export FILE        print a problem's canonical OLX
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from lxml import etree

from .definition import load_olx
from .definition.errors import InvalidDefinition
from .definition.olx import definition_from_element, parse_xml_safely, to_olx
from .definition.validate import raise_if_invalid

ORA_TAGS = ("openassessment", "ora_xblock")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="ora-xblock", description="Check and export ORA problems.")
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check problem files or course export folders")
    validate.add_argument("paths", nargs="+", type=Path)
    validate.add_argument("--json", action="store_true", help="print one JSON report")
    export = commands.add_parser("export", help="print the canonical OLX of a problem file")
    export.add_argument("path", type=Path)
    args = parser.parse_args(argv)
    if args.command == "validate":
        return _validate(args.paths, as_json=args.json)
    return _export(args.path)


def _validate(paths: Sequence[Path], *, as_json: bool) -> int:
    missing = [path for path in paths if not path.exists()]
    if missing:
        for path in missing:
            print(f"{path}: no such file or folder", file=sys.stderr)
        return 2
    report = [{"path": where, "errors": errors} for where, errors in _check_all(paths)]
    invalid = [entry for entry in report if entry["errors"]]
    if as_json:
        print(
            json.dumps(
                {
                    "files": report,
                    "valid": len(report) - len(invalid),
                    "invalid": len(invalid),
                },
                indent=2,
            )
        )
    else:
        for entry in report:
            if not entry["errors"]:
                print(f"{entry['path']}: ok")
            for error in entry["errors"]:
                print(f"{entry['path']}: error [{error['code']}] {error['message']}")
        print(f"{len(report)} problem(s) checked, {len(invalid)} invalid")
    return 1 if invalid else 0


def _check_all(paths: Sequence[Path]) -> Iterator[tuple[str, list[dict[str, str]]]]:
    """Each problem's location and errors: files given by name, and every problem in given folders."""
    for path in paths:
        if path.is_file():
            yield str(path), _errors(lambda path=path: load_olx(path.read_bytes()))
            continue
        for found in sorted(path.rglob("*.xml")):
            try:
                root = parse_xml_safely(found.read_bytes())
            except InvalidDefinition:
                continue  # not a well-formed OLX file, so not an ORA problem either
            for element in root.iter(*ORA_TAGS):
                if len(element):  # a pointer (<openassessment url_name=.../>) has no children
                    yield (
                        f"{found}:{element.sourceline}",
                        _errors(lambda element=element: _load_element(element)),
                    )


def _load_element(element: etree._Element) -> None:
    raise_if_invalid(definition_from_element(element))


def _errors(load: Callable[[], object]) -> list[dict[str, str]]:
    try:
        load()
    except InvalidDefinition as invalid:
        return [error.as_dict() for error in invalid.errors]
    return []


def _export(path: Path) -> int:
    try:
        definition = load_olx(path.read_bytes())
    except OSError as exc:
        print(f"{path}: {exc.strerror}", file=sys.stderr)
        return 2
    except InvalidDefinition as invalid:
        for error in invalid.errors:
            print(f"{path}: error [{error.code}] {error.message()}", file=sys.stderr)
        return 1
    sys.stdout.write(to_olx(definition))
    return 0
