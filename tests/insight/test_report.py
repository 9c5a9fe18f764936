"""The HTML report renders in a real headless Chromium (Debian's chromium + chromium-driver)."""

from __future__ import annotations

import os
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

import segdsl
from segdsl.cli.main import main
from segdsl.insight import report
from segdsl.insight.backtest import backtest
from segdsl.insight.items import load_with_items
from segdsl.run import demo, runner

RETAIL = Path(__file__).parents[2] / "examples" / "retail.seg"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    if not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)):
        message = "headless Chromium not found: apt-get install chromium chromium-driver"
        if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
            pytest.fail(message)
        pytest.skip(message)
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1100,1400"):
        options.add_argument(argument)
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def test_the_report_renders_offline_in_headless_chromium(browser, tmp_path):
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", str(RETAIL), "--out", str(out), "--by", "age",
                                       "--by", "sum(orders.amount)", "--by", "country"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    # self-contained: nothing to fetch, no script
    assert not re.search(r"<(script|link|img|iframe)\b", page, re.IGNORECASE)
    assert not re.search(r"(src|href)\s*=", page, re.IGNORECASE)
    browser.get(out.as_uri())
    errors = [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]
    assert errors == []
    program, _ = load_with_items(RETAIL, None, [])
    with runner.open_target(None, program) as db:
        sizes = runner.sizes(db, program, demo.DEMO_AS_OF).rows
    bars = browser.find_elements("css selector", "g.bar title")
    assert [b.get_attribute("textContent") for b in bars] == [
        f"{label or name}: {size} ({share:.1%})" for name, label, size, share in sizes]
    segments = len(program.segments)
    assert len(browser.find_elements("css selector", "rect.cell")) == segments * segments
    assert len(browser.find_elements("css selector", "svg.spark")) == segments
    assert len(browser.find_elements("css selector", "details pre")) == segments + len(program.segmentations)
    assert browser.find_element("css selector", "h1").text == "retail"
    shot = tmp_path / "report.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000


def test_report_text_is_escaped():
    program, _ = load_with_items(RETAIL, None, [])
    figures = report.Figures("<b>x</b>", demo.DEMO_AS_OF, runner.Result(("name", "label", "size", "share"),
                                                                          [("a<b", "", 1, 1.0)]),
                             runner.Result(("a", "b", "both", "share_of_a", "share_of_b"), []),
                             runner.Result(("as_of", "name", "label", "size", "share"), []),
                             runner.Result(("segment",), [("<script>",)]), {"s": "SELECT '<x>'"})
    page = report.render(figures, program)
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert "<script>" not in page and "SELECT &#x27;&lt;x&gt;&#x27;" in page


def test_without_by_the_report_profiles_the_files_traits(tmp_path):
    values = Path(__file__).parents[2] / "examples" / "values.seg"
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", str(values), "--out", str(out), "--from", "2026-06-16"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    for trait in segdsl.load_file(values).traits:
        assert f"<td>{trait}</td>" in page, trait


WINBACK = Path(__file__).parents[2] / "examples" / "winback_test.seg"


def test_the_report_backtests_an_outcome_and_draws_each_split_labels_lift(browser, tmp_path):
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", str(WINBACK), "--out", str(out), "--outcome", "has orders",
                                       "--days", "60", "--baseline", "email"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "Segments as of 2026-05-01; outcome <code>has orders</code> over the 60 days 2026-05-02 to 2026-06-30" \
        in page
    assert "<h3>winback: lift against email</h3>" in page
    browser.get(out.as_uri())
    assert [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")] == []
    program, (outcome,) = load_with_items(WINBACK, None, [("--outcome", "has orders")])
    with runner.open_target(None, program) as db:
        rows = backtest(db, program, date(2026, 5, 1), outcome, 60, baseline="email").rows
    drawn = [(row[1], row[7], row[8], row[9]) for row in rows if row[0] == "winback" and row[1] != "email"]
    titles = [title.get_attribute("textContent")
              for title in browser.find_elements("css selector", "svg.lift g.interval title")]
    assert titles == [f"{label}: {report._cell(d)} ({report._cell(lo)} to {report._cell(hi)})"
                      for label, d, lo, hi in drawn]
    assert len(browser.find_elements("css selector", "svg.lift circle")) == 2


def test_a_report_without_an_outcome_has_no_backtest_and_refuses_a_baseline(tmp_path):
    out = tmp_path / "report.html"
    plain = CliRunner().invoke(main, ["report", str(WINBACK), "--out", str(out)])
    assert plain.exit_code == 0 and "id=backtest" not in out.read_text(encoding="utf-8")
    refused = CliRunner().invoke(main, ["report", str(WINBACK), "--out", str(out), "--baseline", "email"])
    assert refused.exit_code == 1 and refused.stderr == "error: --baseline is the backtest's: give --outcome too\n"
    unknown = CliRunner().invoke(main, ["report", str(WINBACK), "--out", str(out), "--outcome", "has orders",
                                        "--baseline", "hold"])
    assert unknown.exit_code == 1 and "did you mean 'holdout'?" in unknown.stderr
