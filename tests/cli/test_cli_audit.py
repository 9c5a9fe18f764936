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

from segdsl.cli.main import main

RETAIL = Path(__file__).resolve().parents[2] / "examples" / "retail.seg"
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
    for value in ("1e10", "99999999999", "100001"):
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
    assert ("hint: did you mean 'fresh'? (its labels: fresh, old); 'wanted' is set by --param wanted=fres"
            in again.stderr)
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
    assert as_table.stdout.count("(") and as_table.stdout.rstrip().endswith(f"({len(rows):,} rows)")
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
    card = re.search(r"<section class=card><h3><b>tiny</b>.*?</section>", page)
    assert card is not None and "<p class=note>2 customers · &lt;0.1% of all</p>" in card.group()
    assert re.findall(r"<tbody>.*?</tbody>", card.group()) == [
        "<tbody><tr><th>country</th><td>known</td><td class=num></td><td class=num></td><td></td></tr></tbody>"]


# ---- 9: CSV folders


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    (tmp_path / "data" / "shop").mkdir(parents=True)
    (tmp_path / "data" / "shop" / "customers.csv").write_text("customer_id,age\n1,30\n2,40\n")
    (tmp_path / "data" / "shop" / "orders.csv").write_text(
        "customer_id,ordered_at,amount\n1,12/1/2010 8:26,5\n2,12/3/2010 9:10,3\n1,12/2/2010 9:00,1\n")
    (tmp_path / "p.seg").write_text("customers from shop.customers key customer_id\n"
                                    "events orders from shop.orders by customer_id at ordered_at\n"
                                    "segment twice: count(orders) >= 2\n")
    return tmp_path


def test_a_bad_time_value_in_a_csv_is_named_and_points_at_its_event_declaration(folder):
    orders = folder / "data" / "shop" / "orders.csv"
    orders.write_text(orders.read_text() + "2,not a date,4\n")
    result = invoke("run", str(folder / "p.seg"), "--db", str(folder / "data"), "--as-of", "2011-01-01")
    assert result.exit_code == 1
    assert ("p.seg:2:1: error: column ordered_at of shop.orders holds text that is not a date or time: "
            f"'not a date' (line 5 of {orders})\n    2 | events orders from shop.orders") in result.stderr
    assert "12/1/2010" not in result.stderr


def test_an_unreadable_file_the_program_does_not_use_is_left_out(folder):
    (folder / "data" / "shop" / "junk.parquet").write_bytes(b"\x00\x01 not parquet")
    result = invoke("run", str(folder / "p.seg"), "--db", str(folder / "data"), "--as-of", "2011-01-01",
                    "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "name,label,size,share\ntwice,,1,0.5\n"
    (folder / "data" / "shop" / "orders.csv").unlink()
    (folder / "data" / "shop" / "orders.parquet").write_bytes(b"\x00\x01 not parquet")
    used = invoke("run", str(folder / "p.seg"), "--db", str(folder / "data"), "--as-of", "2011-01-01")
    assert used.exit_code == 1
    assert f"p.seg:2:1: error: cannot read {folder / 'data' / 'shop' / 'orders.parquet'}: " in used.stderr
    assert "hint: fix the file, or move it out of the folder" in used.stderr


# ---- 2, 11, 13: report's folder, trend's range, small things


def test_report_creates_its_folder_or_says_why_it_cannot(tmp_path):
    out = tmp_path / "new" / "deeper" / "report.html"
    result = invoke("report", str(RETAIL), "--out", str(out))
    assert result.exit_code == 0 and out.read_text().startswith("<!DOCTYPE html>")
    (tmp_path / "a_file").write_text("")
    blocked = invoke("report", str(RETAIL), "--out", str(tmp_path / "a_file" / "report.html"))
    assert blocked.exit_code == 1
    assert f"error: cannot create the folder {tmp_path / 'a_file'} for " in blocked.stderr


def test_trend_refuses_more_than_3660_as_of_days():
    result = invoke("trend", str(RETAIL), "--from", "1900-01-01", "--to", "2026-06-30", "--every", "day")
    assert result.exit_code == 1 and result.stdout == ""
    assert "error: the range 1900-01-01 .. 2026-06-30 has more than 3660 as-of days (every day)" in result.stderr
    assert "hint: step by week or month (--every), or shorten the range" in result.stderr
    monthly = invoke("trend", str(RETAIL), "--from", "1700-01-01", "--to", "2026-06-30", "--every", "month")
    assert monthly.exit_code == 1 and "hint: shorten the range" in monthly.stderr


def test_check_counts_in_words_and_as_of_help_names_the_demo_day(tmp_path):
    result = invoke("check", seg(tmp_path, LABELS + "segment a: has orders\nsegment b: no orders\n"))
    assert result.stdout.endswith("p.seg: ok (2 segments, 1 segmentation)\n")
    one = invoke("check", seg(tmp_path, LABELS.replace("segmentation lc", "segment one: has orders\nsegmentation lc")
                          + "segmentation lc2:\n    a when one\n    else b\n"))
    assert one.stdout.endswith("p.seg: ok (1 segment, 2 segmentations)\n"), one.output
    assert "on the demo data, its last day 2026-06-30" in " ".join(invoke("run", "--help").stdout.split())


def test_json_labels_of_plain_segments_are_null_and_the_sizes_table_shows_percentages():
    rows = json.loads(invoke("sizes", str(RETAIL), "--format", "json").stdout)
    assert {row["label"] for row in rows if row["name"] == "young_adults"} == {None}
    assert all(isinstance(row["label"], str) for row in rows if row["name"] == "persona")
    assert {row["share"] for row in rows if row["label"] == "top_payer"} == {0.05}  # 250 of 5000: raw
    table = invoke("sizes", str(RETAIL)).stdout
    assert table.startswith("5,000 customers, as of 2026-06-30\n")
    persona = table.split("segmentation persona")[1].splitlines()
    assert persona[2].split() == ["top_payer", "250", "5.0%"]
