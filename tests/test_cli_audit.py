"""The command line's answers to the defects an outside audit found: each a clear error or a well-formed result.

Every case runs the real CLI (click's CliRunner) on the demo data, a CSV
folder or a small file, and checks the exit code, the message and that no
traceback reaches the user.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from segdsl.cli import main

RETAIL = Path(__file__).resolve().parent.parent / "examples" / "retail.seg"
LABELS = """customers from shop.customers key customer_id
events orders from shop.orders by customer_id at ordered_at
param lapse = 90
param wanted = "fresh"
segmentation lc:
    fresh when has orders in last 30 days
    else old
"""


def invoke(*args: str, input: bytes | str | None = None):
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def seg(tmp_path: Path, text: str) -> str:
    path = tmp_path / "p.seg"
    path.write_text(text)
    return str(path)


# ---- 1: fmt - on bytes that are not UTF-8


def test_fmt_stdin_that_is_not_utf8_is_a_positioned_error():
    result = invoke("fmt", "-", input=b"segment x: \xff\n")
    assert result.exit_code == 1 and result.stdout == ""
    assert "<stdin>:1:12: error: the file is not valid UTF-8 (byte 0xff)" in result.stderr
    assert "hint: save the file as UTF-8" in result.stderr


# ---- 10 and 12: windows out of range, labels never given, values from --param


def test_a_window_amount_from_param_beyond_the_limit_names_the_param(tmp_path):
    path = seg(tmp_path, LABELS + "segment gone: no orders in last lapse days\n")
    for value in ("1e400", "99999999999", "100001"):
        result = invoke("compile", path, "--param", f"lapse={value}")
        assert result.exit_code == 1, value
        assert "p.seg:8:33: error: too long: at most 100000 days" in result.stderr
        assert f"hint: 'lapse' is set by --param lapse={value}" in result.stderr
    assert invoke("compile", path, "--param", "lapse=100000").exit_code == 0


@pytest.mark.parametrize("window, most", [("orders in last 3226 months", "3225 months (100000 days)"),
                                          ("orders in last 274 years", "273 years (100000 days)"),
                                          ("orders between 200000 and 1 days ago", "100000 days")])
def test_a_literal_window_beyond_the_limit_is_an_error(tmp_path, window, most):
    result = invoke("check", seg(tmp_path, LABELS + f"segment gone: has {window}\n"))
    assert result.exit_code == 1 and f"error: too long: at most {most}" in result.stderr
    assert "--param" not in result.stderr


def test_a_bad_param_value_says_it_came_from_param(tmp_path):
    result = invoke("check", seg(tmp_path, LABELS + "segment gone: no orders in last lapse days\n"),
                    "--param", "lapse=-3")
    assert result.exit_code == 1
    assert "p.seg:8:33: error: expected a whole number of 0 or more" in result.stderr
    assert "hint: 'lapse' is set by --param lapse=-3" in result.stderr


def test_a_label_the_segmentation_never_gives_is_an_error(tmp_path):
    text = LABELS + 'segment a: lc = "zz"\nsegment b: lc in ("fresh", "olde")\nsegment c: lc != wanted\n'
    result = invoke("check", seg(tmp_path, text))
    assert result.exit_code == 1
    assert """p.seg:8:17: error: segmentation 'lc' never gives the label "zz"\n""" in result.stderr
    assert "hint: its labels: fresh, old\n" in result.stderr
    assert """p.seg:9:28: error: segmentation 'lc' never gives the label "olde"\n""" in result.stderr
    assert "hint: did you mean 'old'? (its labels: fresh, old)" in result.stderr
    assert "p.seg:10:" not in result.stderr  # "fresh" is a label
    again = invoke("check", seg(tmp_path, LABELS + "segment c: lc = wanted\n"), "--param", "wanted=fres")
    assert again.exit_code == 1 and """never gives the label "fres\"""" in again.stderr
    assert "hint: did you mean 'fresh'? (its labels: fresh, old); 'wanted' is set by --param wanted=fres" in again.stderr
    fine = invoke("check", seg(tmp_path, LABELS + 'segment c: lc = "old" or lc in ("fresh")\n'))
    assert fine.exit_code == 0, fine.stderr


# ---- 12: a folder where a file is expected


@pytest.mark.parametrize("command", ["run", "check", "compile", "sizes", "overlap"])
def test_a_folder_or_a_missing_file_is_a_user_error_with_exit_1(tmp_path, command):
    folder = invoke(command, str(tmp_path))
    assert folder.exit_code == 1 and f"error: cannot read {tmp_path}: it is a folder, not a file" in folder.stderr
    missing = invoke(command, str(tmp_path / "nowhere.seg"))
    assert missing.exit_code == 1 and "error: cannot read" in missing.stderr


# ---- 3: profile --sample, one document per format


def test_profile_with_a_sample_is_one_document_in_every_format():
    args = ["profile", str(RETAIL), "--segment", "loyal", "--segment", "age_band", "--by", "age", "--sample", "2"]
    as_json = invoke(*args, "--format", "json")
    assert as_json.exit_code == 0
    rows = json.loads(as_json.stdout)
    sampled = [row for row in rows if row["item"] == "(sample)"]
    assert len(sampled) == 2 * 6 and {row["statistic"] for row in sampled} == {"customer_id"}
    assert all(isinstance(row["value"], int) and row["share"] is None for row in sampled)
    # each group's sampled keys follow its own figures
    groups = [(row["segment"], row["label"]) for row in rows]
    assert groups == sorted(groups, key=groups.index)
    as_csv = invoke(*args, "--format", "csv")
    table = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert table[0] == ["segment", "label", "item", "statistic", "value", "share"]
    assert all(len(row) == 6 for row in table) and sum(row[2] == "(sample)" for row in table) == 12
    assert as_csv.stdout.count("segment,label") == 1
    as_table = invoke(*args)
    assert as_table.stdout.count("(") and as_table.stdout.rstrip().endswith(f"({len(rows)} rows)")
    assert as_table.stdout.count(" rows)") == 1


# ---- 4: overlap of segmentations


def test_overlap_includes_the_labels_of_named_segmentations():
    result = invoke("overlap", str(RETAIL), "--segment", "rfm_value", "--segment", "persona", "--format", "csv")
    assert result.exit_code == 0
    table = list(csv.reader(io.StringIO(result.stdout)))
    assert table[0] == ["a", "a_label", "b", "b_label", "both", "share_of_a", "share_of_b"]
    assert len(table) - 1 == 5 * 9  # rfm_value's 5 labels against persona's 9; no pair within one segmentation
    assert all(row[0] == "rfm_value" and row[2] == "persona" for row in table[1:])
    assert sum(int(row[4]) for row in table[1:]) == 5000  # each customer has one label of each


# ---- 7: privacy of small groups


def test_a_small_group_shows_only_its_size_in_profile_and_report(tmp_path):
    text = RETAIL.read_text() + "\nsegment tiny: customer_id <= 2\n"
    path = seg(tmp_path, text)
    result = invoke("profile", path, "--segment", "tiny", "--by", "age", "--by", "country",
                    "--by", "has orders", "--by", "email", "--format", "json")
    assert result.exit_code == 0
    tiny = [row for row in json.loads(result.stdout) if row["segment"] == "tiny"]
    assert tiny[0] == {"segment": "tiny", "label": None, "item": "customers", "statistic": "count",
                       "value": 2, "share": 0.0004}
    assert [(row["item"], row["statistic"]) for row in tiny[1:]] == [
        ("age", "mean"), ("age", "median"), ("age", "known"), ("country", "known"), ("has orders", "share"),
        ("email", "distinct values (values withheld: mostly unique)"), ("email", "known")]
    assert all(row["value"] is None and row["share"] is None for row in tiny[1:])
    out = tmp_path / "report.html"
    assert invoke("report", path, "--out", str(out), "--by", "country").exit_code == 0
    page = out.read_text()
    rows = re.findall(r"<tr><td>tiny</td>.*?</tr>", page)
    assert rows == ["<tr><td>tiny</td><td></td><td>customers</td><td>count</td><td>2</td><td>0.0004</td></tr>",
                    "<tr><td>tiny</td><td></td><td>country</td><td>known</td><td></td><td></td></tr>"]
