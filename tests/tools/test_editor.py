"""Editor support: the VS Code extension's files, and its TextMate grammar run by a real TextMate engine.

The engine is textmate-grammar-python (a port of vscode-textmate) over
Oniguruma (onigurumacffi), the regex library VS Code uses. Every token
segdsl's own lexer finds in the examples must get the scope its kind calls
for, and the keywords of the TextMate grammar are exactly those of
grammar/segdsl.lark, so the two cannot drift apart.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import re
from pathlib import Path

import onigurumacffi
import pytest

from segdsl.lang.parse import grammar_text
from segdsl.tools import fmt
from segdsl.tools.lsp.completion import PHRASES

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "editors" / "vscode"
EXAMPLES = sorted((ROOT / "examples").glob("*.seg"))

# every keyword of the language in one program
ALL_KEYWORDS = """import "other.seg"
timezone "Europe/Berlin"
lookup products from shop.products key product_id with brands on brand_id
customers from shop.customers key customer_id with regions on region_id
events orders from shop.orders by customer_id at ordered_at timestamp with products on product_id where not gift
events tickets from support.tickets by customer_id at opened_on date
events visits from web.views by customer_id at viewed_at local json props, context
param lapse = 90
segment a "all of it":
    has orders in last 1 day and no orders before last 2 days or count(orders where x like "a%") > 1
    and count(distinct orders.sku between 2024-01-01 and 2024-02-01) >= 1 and sum(orders.amount) in top 5%
    and avg(orders.amount since 2024-01-01) < 1 and min(orders.amount until 2024-01-01) < 2
    and max(orders.amount) in bottom 5% and first(orders.ordered_at) between 1 and 2 weeks ago
    and last(orders.ordered_at) is not null and days_since_last(orders) > 3 and quintile(age) = 1
    and decile(age) = 2 and vip = true and vip != false and x not like "b" and y not in (1) and z is null
    and orders then tickets within 3 months and orders then no tickets within 1 year
    and orders then tickets within 3 days matching sku then orders within 1 week
        then no tickets within 2 days matching orders.sku = tickets.sku
    and country in ("US") and age in last 2 weeks and age in last 3 years and age in last 4 months
    and age in last 1 week and age in last 1 month
    and has visits in last 1 hour and has visits in last 2 hours and visits then orders within 1 minute
    and has visits before last 2 minutes
    and at least 1 of (vip = true, has orders) and at most 1 of (vip, has tickets) and exactly 1 of (vip, a, b)
    and age in next 2 days and anniversary(age) in next 1 week
    and years_since(age) > 1 and active_days(orders) + active_weeks(orders) + active_months(orders) > 1
    and sessions(orders, 1 minute) > sessions(orders, 2 minutes) + sessions(orders, 1 hour)
    and sessions(orders, 3 hours) > 1 and median(orders.amount) > most_frequent(orders.amount)
    and regions.name = "x" and count(distinct orders.products.brands.name where products.book) > 1
    and has visits where props.`utm source`.x = "y"
segmentation g:
    x when a
    else y
trait ltv "spend" = sum(orders.amount)
split w "test" of a salt "s1":
    holdout 10%
    "b" 12.5%
"""


@pytest.fixture(scope="module")
def tm_grammar() -> dict:
    return json.loads((EXTENSION / "syntaxes" / "segdsl.tmLanguage.json").read_text())


@pytest.fixture(scope="module")
def engine(tm_grammar: dict, tmp_path_factory):
    """The engine, imported from a scratch folder: it makes a .textmate_cache folder where it is imported."""
    here = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("textmate"))
    try:
        base = importlib.import_module("textmate_grammar.parsers.base")
    finally:
        os.chdir(here)
    logging.getLogger("textmate_grammar").setLevel(logging.ERROR)
    return base.LanguageParser(tm_grammar)


def scopes_by_position(engine, text: str) -> dict[tuple[int, int], list[str]]:
    """(0-based line, column) of each character -> the scopes the engine gives it."""
    found = {}
    for (line, column), content, scopes in engine.parse_string(text).flatten():
        for i in range(len(content)):
            found[(line, column + i)] = scopes
    return found


def grammar_keywords() -> set[str]:
    """The words the Lark grammar quotes as keywords, and those of its keyword patterns (`at least`)."""
    phrases = {word for words in PHRASES.values() for phrase in words for word in phrase.split()}
    return {w for w in re.findall(r'"([^"\\]+)"', grammar_text()) if re.fullmatch(r"[a-z_]+", w)} | phrases


def regexes(node) -> list[str]:
    if isinstance(node, dict):
        found = [v for k, v in node.items() if k in ("match", "begin", "end") and isinstance(v, str)]
        return found + [r for v in node.values() for r in regexes(v)]
    if isinstance(node, list):
        return [r for v in node for r in regexes(v)]
    return []


# ---- the extension's files ---------------------------------------------------------------


def test_manifest_contributes_the_language_and_grammar(tm_grammar: dict) -> None:
    manifest = json.loads((EXTENSION / "package.json").read_text())
    language, = manifest["contributes"]["languages"]
    assert language["extensions"] == [".seg"]
    grammar, = manifest["contributes"]["grammars"]
    assert grammar["language"] == language["id"]
    assert grammar["scopeName"] == tm_grammar["scopeName"] == "source.segdsl"
    assert (EXTENSION / grammar["path"]).resolve() == (EXTENSION / "syntaxes" / "segdsl.tmLanguage.json").resolve()
    configuration = json.loads((EXTENSION / language["configuration"]).read_text())
    assert configuration["comments"] == {"lineComment": "#"}
    assert ["(", ")"] in configuration["brackets"]
    for pattern in [configuration["wordPattern"], *(r["beforeText"] for r in configuration["onEnterRules"])]:
        onigurumacffi.compile(pattern)
    assert re.fullmatch(configuration["onEnterRules"][0]["beforeText"], 'segment a "d":  # x')


def test_every_regex_compiles_with_oniguruma(tm_grammar: dict) -> None:
    patterns = regexes(tm_grammar)
    assert len(patterns) > 20
    for pattern in patterns:
        onigurumacffi.compile(pattern)


def test_every_include_names_a_rule(tm_grammar: dict) -> None:
    text = json.dumps(tm_grammar)
    for name in re.findall(r'"include": "#([^"]+)"', text):
        assert name in tm_grammar["repository"], name


def test_keywords_are_the_grammars(tm_grammar: dict) -> None:
    listed = set()
    for pattern in regexes(tm_grammar["repository"]["keyword"]):
        alternation = re.fullmatch(r"\\b\(([a-z_|]+)\)(?:\\b|\(\?=.*\))", pattern)
        assert alternation, pattern
        listed |= set(alternation.group(1).split("|"))
    assert listed == grammar_keywords()


# ---- tokenizing real files -------------------------------------------------------------------


def expected_scope(token) -> str:
    if token.type == "STRING":
        return "string.quoted."
    if token.type == "DATE":
        return "constant.numeric.date."
    if token.type == "NUMBER":
        return "constant.numeric."
    if token.type in ("NAME", "SHARE_LABEL"):
        return "(variable|entity\\.name)\\."
    if re.fullmatch(r"[a-z_]+( +[a-z_]+)*", token):
        return "(keyword|storage\\.type|support\\.function|constant\\.language)\\."
    return "(keyword\\.operator|punctuation)\\."


@pytest.mark.parametrize("path", [*EXAMPLES, None], ids=lambda p: p.name if p else "all-keywords")
def test_every_token_gets_the_scope_of_its_kind(engine, path: Path | None) -> None:
    text = path.read_text() if path else ALL_KEYWORDS
    scopes = scopes_by_position(engine, text)
    tokens = fmt._tokens(fmt._token_parser().parse(text))
    if path is None:
        words = {word for t in tokens if t.type != "NAME" for word in t.split()}
        assert {w for w in words if re.fullmatch(r"[a-z_]+", w)} >= grammar_keywords()
    for token in tokens:
        for offset in (i for i, char in enumerate(token) if not char.isspace()):  # `at least`: its words
            stack = scopes[(token.line - 1, token.column - 1 + offset)]
            assert any(re.match(expected_scope(token), s) for s in stack[1:]), (str(token), token.line, stack)
    for line, column in (k for k, v in scopes.items() if text.splitlines()[k[0]][k[1]:].startswith("#")):
        assert scopes[(line, column)][1] == "comment.line.number-sign.segdsl"
        assert scopes[(line, len(text.splitlines()[line]) - 1)][1] == "comment.line.number-sign.segdsl"


def test_declared_names_are_scoped_as_declarations(engine) -> None:
    text = (ROOT / "examples" / "language.seg").read_text()
    scopes = scopes_by_position(engine, text)
    lines = text.splitlines()

    def scope_of(word: str, line_start: str) -> str:
        line = next(i for i, source_line in enumerate(lines) if source_line.startswith(line_start))
        column = lines[line].index(word, len(line_start) - len(word) if line_start.endswith(word) else 0)
        return scopes[(line, column)][-1]

    assert scope_of("one_and_done", "segment one_and_done") == "entity.name.function.segment.segdsl"
    assert scope_of("lifecycle", "segmentation lifecycle") == "entity.name.function.segment.segdsl"
    assert scope_of("tickets", "events tickets") == "entity.name.type.events.segdsl"
    assert scope_of("customers", "customers") == "entity.name.type.entity.segdsl"
    assert scope_of("lapse", "param lapse") == "variable.other.constant.param.segdsl"
    assert scope_of("champion", "    champion") == "entity.name.tag.label.segdsl"
    assert scope_of("other", "    else other") == "entity.name.tag.label.segdsl"
    assert scope_of("last", "    first(orders.ordered_at) in last") == "keyword.other.segdsl"
    assert scope_of("first", "    first(") == "support.function.aggregate.segdsl"
    assert scope_of("ordered_at", "    first(orders.ordered_at") == "variable.other.member.segdsl"


def test_a_journeys_words_are_keywords_and_its_matched_columns_names(engine) -> None:
    text = ("segment dropouts:\n    tracks where event = \"view\"\n"
            "        then tracks within 1 day matching product_id\n"
            "        then no orders within 3 days matching tracks.product_id = orders.sku\n")
    scopes = scopes_by_position(engine, text)
    lines = text.splitlines()

    def scope_of(line: int, word: str, nth: int = 0) -> str:
        column = [m.start() for m in re.finditer(rf"\b{word}\b", lines[line])][nth]
        return scopes[(line, column)][-1]

    for line in (2, 3):
        assert {scope_of(line, word) for word in ("then", "within", "matching")} == {"keyword.other.segdsl"}
    assert scope_of(3, "no") == "keyword.other.segdsl"
    assert scope_of(2, "product_id") == "variable.other.segdsl"
    assert scope_of(3, "product_id") == scope_of(3, "sku") == "variable.other.member.segdsl"
