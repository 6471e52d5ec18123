"""The package stays in small modules (issue 13): no Python module over 400 lines, no script over 300."""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "ora_xblock"


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_python_module_is_over_400_lines():
    modules = [path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts]
    assert len(modules) > 50
    assert {str(path.relative_to(PACKAGE)): _lines(path) for path in modules if _lines(path) > 400} == {}


def test_no_script_of_ours_is_over_300_lines():
    scripts = list((PACKAGE / "static" / "js").glob("*.js"))
    assert len(scripts) > 10
    assert {path.name: _lines(path) for path in scripts if _lines(path) > 300} == {}
