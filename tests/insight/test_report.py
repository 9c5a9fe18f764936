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
from segdsl.insight import charts, report, shown
from segdsl.insight.backtest import backtest
from segdsl.insight.items import load_with_items
from segdsl.run import demo, runner

from .layout import faults

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
    assert not re.search(r"\bsrc\s*=|url\(", page, re.IGNORECASE)
    links = re.findall(r"\bhref\s*=\s*[\"']?([^\"' >]*)", page, re.IGNORECASE)
    assert links and all(link.startswith("#") and f"id={link[1:]}>" in page for link in links)  # its contents
    browser.get(out.as_uri())
    errors = [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]
    assert errors == []
    program, _ = load_with_items(RETAIL, None, [])
    with runner.open_target(None, program) as db:
        sizes = runner.sizes(db, program, demo.DEMO_AS_OF).rows
    bars = browser.find_elements("css selector", ".bar")
    assert [b.get_attribute("title") for b in bars] == [
        f"{label or name}: {size:,} ({shown.share(share)})" for name, label, size, share in sizes]
    # one scale for every size chart: a bar's length is its share of every customer
    fills = [float(f.get_attribute("style").split("width:")[1].rstrip("%;")) for f in
             browser.find_elements("css selector", ".bar .fill")]
    assert fills == pytest.approx([100 * share for *_, share in sizes], abs=0.01)
    segments = len(program.segments)
    cells = browser.find_elements("css selector", "td.cell")
    assert len(cells) == segments * segments
    assert {cell.text for cell in cells[::segments + 1]} == {"100"}  # each segment holds all of itself
    assert len(browser.find_elements("css selector", "svg.spark")) == segments
    for chart in browser.find_elements("css selector", "svg.spark"):
        ticks = [t.get_attribute("textContent") for t in chart.find_elements("css selector", "text.tick")]
        assert ticks[0] == "0" and "2026-06-30" in ticks  # a y-axis from zero, the days under the line
    assert len(browser.find_elements("css selector", "details pre")) == segments + len(program.segmentations)
    assert browser.find_element("css selector", "h1").text == "retail"
    shot = tmp_path / "report.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000


def test_report_text_is_escaped():
    program, _ = load_with_items(RETAIL, None, [])
    figures = report.Figures("<b>x</b>", demo.DEMO_AS_OF,
                             runner.Sizes(("name", "label", "size", "share"), [("young_adults", "", 1, 0.0001)],
                                          10_000),
                             runner.Result(("a", "b", "both", "share_of_a", "share_of_b"), []),
                             runner.Result(("as_of", "name", "label", "size", "share"), []),
                             runner.Result(("segment", "label", "item", "statistic", "value", "share"),
                                           [("<script>", "", "customers", "count", 1, 1.0),
                                            ("<script>", "", "<em>", "= <u>", 1, 1.0)]),
                             {"s": "SELECT '<x>'"})
    page = report.render(figures, program)
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert "<script>" not in page and "SELECT &#x27;&lt;x&gt;&#x27;" in page
    assert "<em>" not in page and "<u>" not in page
    assert "<0.1%" not in page and "&lt;0.1%" in page


def test_without_by_the_report_profiles_the_numeric_columns_and_the_traits(tmp_path):
    values = Path(__file__).parents[2] / "examples" / "values.seg"
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", str(values), "--out", str(out), "--from", "2026-06-16"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    for trait in segdsl.load_file(values).traits:
        assert f"<th>{trait}</th>" in page, trait
    assert "<th>age</th>" in page  # the customers' numeric column


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
    titles = [row.get_attribute("title") for row in browser.find_elements("css selector", ".lift .interval")]
    assert titles == [f"{label}: {shown.points(d)} ({shown.points(lo)} to {shown.points(hi)})"
                      for label, d, lo, hi in drawn]
    assert len(browser.find_elements("css selector", ".lift .dot")) == 2


def test_a_report_without_an_outcome_has_no_backtest_and_refuses_a_baseline(tmp_path):
    out = tmp_path / "report.html"
    plain = CliRunner().invoke(main, ["report", str(WINBACK), "--out", str(out)])
    assert plain.exit_code == 0 and "id=backtest" not in out.read_text(encoding="utf-8")
    refused = CliRunner().invoke(main, ["report", str(WINBACK), "--out", str(out), "--baseline", "email"])
    assert refused.exit_code == 1 and refused.stderr == "error: --baseline is the backtest's: give --outcome too\n"
    unknown = CliRunner().invoke(main, ["report", str(WINBACK), "--out", str(out), "--outcome", "has orders",
                                        "--baseline", "hold"])
    assert unknown.exit_code == 1 and "did you mean 'holdout'?" in unknown.stderr


LONG_NAMES = """customers from shop.customers key customer_id
events orders from shop.orders by customer_id at ordered_at
segment customers_who_bought_something_expensive_in_the_spring_campaign_window_last_year "A very long description \
that goes on about what these customers did during the spring campaign of last year and why we care":
    sum(orders.amount) > 500
segment b: has orders
segmentation an_extraordinarily_long_segmentation_name_for_testing_the_wrapping "Tiers":
    platinum_customers_with_remarkably_long_label_names_indeed when sum(orders.amount) > 1000
    else other
"""
PAGES = {"retail, three items": (RETAIL, ["--by", "age", "--by", "sum(orders.amount)", "--by", "country"]),
         "values, the default profile": (Path(__file__).parents[2] / "examples" / "values.seg", []),
         "a backtest's lift": (WINBACK, ["--outcome", "has orders", "--days", "60"]),
         "long names and descriptions": (LONG_NAMES, [])}


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pages")
    written = {}
    for n, (name, (file, arguments)) in enumerate(PAGES.items()):
        out = folder / f"page{n}.html"
        if isinstance(file, str):  # the program's text
            (folder / f"page{n}.seg").write_text(file, encoding="utf-8")
            file = folder / f"page{n}.seg"
        result = CliRunner().invoke(main, ["report", str(file), "--out", str(out), *arguments])
        assert result.exit_code == 0, result.output
        written[name] = out
    return written


@pytest.mark.parametrize("width", [1400, 400])
@pytest.mark.parametrize("name", PAGES)
def test_the_report_fits_the_screen_without_overlapping_text(browser, pages, name, width, tmp_path):
    """At a desktop's width and at a phone's: no horizontal scrolling, no two texts over each other."""
    assert faults(browser, pages[name].as_uri(), width) == []
    shot = tmp_path / f"report-{width}.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000


def test_the_layout_check_finds_a_page_too_wide_and_texts_over_each_other(browser, tmp_path):
    page = tmp_path / "broken.html"
    page.write_text("""<!DOCTYPE html><html><head><meta name=viewport content="width=device-width"></head><body>
        <div style="width:900px">wide</div>
        <div style="position:relative;height:3em"><span style="position:absolute">first words</span>
        <span style="position:absolute;left:20px">second words</span></div>
        <details><summary>closed</summary><p>hidden</p><p style="margin-top:-1em">hidden too</p></details>
        <svg width=300 height=40><text x=10 y=20>svg one</text><text x=20 y=22>svg two</text></svg>
        </body></html>""", encoding="utf-8")
    found = faults(browser, page.as_uri(), 400)
    assert found[0] == "the page is 908 px wide in a 400 px viewport"
    assert [fault.split(" at ")[0] for fault in found[1:]] == ['"first words" overlaps "second words"',
                                                               '"svg one" overlaps "svg two"']
    assert faults(browser, page.as_uri(), 1400)[0].startswith('"first words" overlaps')


def test_a_trend_starts_its_axis_at_zero_and_says_its_change():
    card = charts.trend("steady", "One more customer", [(date(2026, 6, 23), 362), (date(2026, 6, 30), 363)])
    assert "362 → 363: +1 (+0.3%)" in card and "<small>One more customer</small>" in card
    heights = [float(y) for y in re.findall(r'cy="([\d.]+)"', card)]
    assert abs(heights[0] - heights[1]) < 0.5  # one customer in 363 is not a jump
    assert ">0</text>" in card and ">2026-06-23</text>" in card and ">2026-06-30</text>" in card
    flat = charts.trend("flat", None, [(date(2026, 6, 30), 0)])
    assert "0 → 0: unchanged" in flat


def test_the_report_trends_twelve_weekly_days_unless_told(tmp_path):
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", str(WINBACK), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "12 weekly as-of days, 2026-04-14 to 2026-06-30" in out.read_text(encoding="utf-8")
