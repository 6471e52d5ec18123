"""``ora-xblock``: check and export ORA problems from the command line.

ora-xblock validate PATH...   check files, or course export folders
ora-xblock export FILE        print a problem's canonical OLX
ora-xblock simulate           run synthetic learners through the peer services
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from lxml import etree

from .definition import load_olx
from .definition.errors import N_, DefinitionError, InvalidDefinition
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
    _add_simulate(commands)
    args = parser.parse_args(argv)
    if args.command == "validate":
        return _validate(args.paths, as_json=args.json)
    if args.command == "simulate":
        return _simulate(args)
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
    """Each problem's location and errors: files given by name, and every problem in given folders.

    In a folder, a file that is not well-formed XML is not a problem and is
    skipped; one refused for what it holds (a DTD, its size) is reported, as
    course import would refuse it.
    """
    for path in paths:
        if path.is_file():
            yield str(path), _errors(lambda path=path: load_olx(_read(path)))
            continue
        for found in sorted(path.rglob("*.xml")):
            if not found.is_file():
                continue
            try:
                root = parse_xml_safely(_read(found))
            except InvalidDefinition as invalid:
                if any(error.code != "olx.syntax" for error in invalid.errors):
                    yield str(found), [error.as_dict() for error in invalid.errors]
                continue
            for element in root.iter(*ORA_TAGS):
                if len(element):  # a pointer (<openassessment url_name=.../>) has no children
                    yield (
                        f"{found}:{element.sourceline}",
                        _errors(lambda element=element: _load_element(element)),
                    )


def _read(path: Path) -> bytes:
    """The file's bytes; a file that cannot be read is reported as an error of its own."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InvalidDefinition(
            [
                DefinitionError(
                    "file.unreadable", N_("The file cannot be read: {reason}."), params={"reason": exc.strerror}
                )
            ]
        ) from None


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


def _add_simulate(commands: argparse._SubParsersAction) -> None:
    simulate = commands.add_parser(
        "simulate",
        help="run synthetic learners through the peer services",
        description="Synthetic learners submit and review through the real services, in simulated time.",
    )
    simulate.add_argument("--learners", type=_positive, default=100)
    simulate.add_argument("--days", type=_positive_days, default=14, help="learners arrive over this many days")
    simulate.add_argument("--seed", type=int, default=1)
    simulate.add_argument("--must-grade", type=_positive, default=5)
    simulate.add_argument("--graded-by", type=_positive, default=3)
    simulate.add_argument("--flexible", action=argparse.BooleanOptionalAction, default=True)
    simulate.add_argument("--self", dest="self_step", action="store_true", help="add a self step after peer")
    simulate.add_argument("--leave-at-once", type=_share, default=0.2, help="share who submit and never review")
    simulate.add_argument("--leave-midway", type=_share, default=0.1, help="share who do about half their reviews")
    simulate.add_argument(
        "--continue", dest="continuing", type=_share, default=0.1, help="share of the rest who review more"
    )
    simulate.add_argument(
        "--reminders", action="store_true", help="remind learners who owe reviews (see the reminder model)"
    )
    simulate.add_argument(
        "--reminder-response",
        type=_share,
        default=0.3,
        help="the chance a reminded learner who stopped comes back (default 0.3)",
    )
    simulate.add_argument(
        "--noise",
        action="store_true",
        help="score the strategies against a reviewer-noise model on the simulated reviews (see simulate_noise)",
    )
    simulate.add_argument("--draws", type=_positive, default=5, help="with --noise: noise draws on the review graph")
    simulate.add_argument(
        "--options", type=_positive, nargs="+", default=[3, 4, 5], help="with --noise: options per criterion"
    )
    simulate.add_argument("--bias-sd", type=float, default=6, help="with --noise: SD of reviewers' bias (0-100)")
    simulate.add_argument("--noise-sd", type=float, default=8, help="with --noise: SD of each review's noise")
    simulate.add_argument(
        "--random-reviewers", type=int, default=3, help="with --noise: reviewers who pick options at random"
    )
    simulate.add_argument("--json", action="store_true", help="print the report as JSON")


def _simulate(args: argparse.Namespace) -> int:
    if args.leave_at_once + args.leave_midway > 1:
        print("--leave-at-once and --leave-midway add up to more than 1", file=sys.stderr)
        return 2
    if args.must_grade < args.graded_by:
        print("--must-grade must be at least --graded-by", file=sys.stderr)
        return 2
    with _django():
        from . import simulate  # its models need Django set up

        options = {name: getattr(args, name) for name in simulate.Params.__dataclass_fields__}
        if args.noise:
            from . import simulate_noise

            noise = simulate_noise.Noise(
                args.draws, tuple(args.options), args.bias_sd, args.noise_sd, args.random_reviewers
            )
            report = simulate_noise.run(simulate.Params(**options), noise)
            print(json.dumps(report, indent=2) if args.json else simulate_noise.text_report(report))
            return 0
        report = simulate.run(simulate.Params(**options))
    print(json.dumps(report, indent=2) if args.json else simulate.text_report(report))
    return 0


@contextmanager
def _django() -> Iterator[None]:
    """Django as already configured in this process, else a throwaway migrated SQLite file, removed after."""
    import django
    from django.conf import settings

    if settings.configured:
        yield
        return
    folder = tempfile.mkdtemp(prefix="ora-simulate-")
    settings.configure(
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "submissions", "ora_xblock"],
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(Path(folder) / "simulation.sqlite3"),
                # A throwaway file: no need to survive a crash.
                "OPTIONS": {"init_command": "PRAGMA synchronous=OFF; PRAGMA journal_mode=MEMORY"},
            }
        },
        USE_TZ=True,
        TIME_ZONE="UTC",
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    )
    try:
        django.setup()
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0, interactive=False)
        yield
        connections.close_all()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive whole number")
    return value


def _positive_days(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number of days")
    return value


def _share(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text} is not a share between 0 and 1")
    return value
