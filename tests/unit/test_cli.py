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


@pytest.mark.parametrize("date", ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_validate_reports_dates_at_the_edge_of_the_calendar_as_errors_not_a_traceback(
    tmp_path: Path, date: str
) -> None:
    source = tmp_path / "edge.xml"
    olx = scenarios.resource_text("scenarios/self_only.xml")
    source.write_text(olx.replace("<openassessment", f'<openassessment submission_due="{date}"', 1))
    for command in (["validate", str(source)], ["export", str(source)]):
        result = subprocess.run([sys.executable, "-m", "ora_xblock", *command], capture_output=True, text=True)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert "error [dates.out_of_range] submission_due" in result.stdout + result.stderr


def test_validate_reports_huge_numbers_as_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "huge.xml"
    olx = scenarios.resource_text("scenarios/self_only.xml").replace('points="2"', f'points="{10**26}"', 1)
    source.write_text(olx.replace("<openassessment", f'<openassessment resubmissions_grace_period="{10**20}:00:00"', 1))
    assert main(["validate", "--json", str(source)]) == 1
    (entry,) = json.loads(capsys.readouterr().out)["files"]
    assert [error["code"] for error in entry["errors"]] == [
        "option.points_too_high",
        "resubmission.grace_period_too_long",
    ]


def test_a_course_file_refused_for_its_dtd_is_reported_not_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    olx = scenarios.resource_text("scenarios/self_only.xml")
    (tmp_path / "wide.xml").write_bytes(f'<!DOCTYPE x [<!ENTITY e "e">]>{olx}'.encode("utf-16"))
    assert main(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{tmp_path / 'wide.xml'}: error [olx.dtd_forbidden]" in out


def test_a_folder_named_like_a_file_is_walked_not_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "folder.xml"
    folder.mkdir()
    (folder / "inner.xml").write_text(scenarios.resource_text("scenarios/self_only.xml"))
    assert main(["validate", str(tmp_path)]) == 0  # a folder named *.xml is walked, not read
    assert "1 problem(s) checked, 0 invalid" in capsys.readouterr().out
    assert main(["export", str(folder)]) == 2
    assert "folder.xml" in capsys.readouterr().err
