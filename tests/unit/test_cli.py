"""``ora-xblock validate`` and ``ora-xblock export``."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ora_xblock import scenarios
from ora_xblock.cli import main

INVALID = "<openassessment><title>t</title><rubric/><assessments/></openassessment>"


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A course export: one ORA in its own file, one inline in a vertical, a pointer, and other blocks."""
    (tmp_path / "openassessment").mkdir()
    (tmp_path / "vertical").mkdir()
    (tmp_path / "problem").mkdir()
    (tmp_path / "openassessment" / "good.xml").write_text(scenarios.resource_text("scenarios/peer_only.xml"))
    (tmp_path / "vertical" / "unit.xml").write_text(
        f'<vertical><openassessment url_name="good"/>{INVALID}<problem url_name="p"/></vertical>'
    )
    (tmp_path / "problem" / "p.xml").write_text("<problem><p>2+2?</p></problem>")
    (tmp_path / "broken.xml").write_text("<not closed")
    return tmp_path


def test_validate_finds_problems_in_a_course_export(course: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(course)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert f"{course / 'openassessment' / 'good.xml'}:1: ok" in out
    assert any(line.startswith(f"{course / 'vertical' / 'unit.xml'}:1: error [rubric.no_criteria]") for line in out)
    assert out[-1] == "2 problem(s) checked, 1 invalid"


def test_validate_json_report(course: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["validate", "--json", str(course)])
    report = json.loads(capsys.readouterr().out)
    assert (report["valid"], report["invalid"]) == (1, 1)
    codes = {error["code"] for entry in report["files"] for error in entry["errors"]}
    assert codes == {"rubric.no_criteria", "steps.none"}


def test_validate_exits_0_when_all_files_are_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.xml"
    good.write_text(scenarios.resource_text("scenarios/self_only.xml"))
    assert main(["validate", str(good)]) == 0
    assert "1 problem(s) checked, 0 invalid" in capsys.readouterr().out


def test_validate_reports_a_missing_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "nope.xml")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_export_prints_canonical_olx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "p.xml"
    source.write_text(scenarios.resource_text("scenarios/hundred_years_war.xml"))
    assert main(["export", str(source)]) == 0
    first = capsys.readouterr().out
    source.write_text(first)
    assert main(["export", str(source)]) == 0
    assert capsys.readouterr().out == first
    assert 'text_response_editor="tinymce"' in first


def test_export_of_an_invalid_file_fails_with_its_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "bad.xml"
    source.write_text(INVALID)
    assert main(["export", str(source)]) == 1
    assert "[rubric.no_criteria]" in capsys.readouterr().err


def test_python_dash_m_runs_the_cli(tmp_path: Path) -> None:
    source = tmp_path / "bad.xml"
    source.write_text(INVALID)
    result = subprocess.run(
        [sys.executable, "-m", "ora_xblock", "validate", "--json", str(source)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert json.loads(result.stdout)["invalid"] == 1
