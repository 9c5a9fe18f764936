"""The language server on rule 17: after a JSON column's dot, the keys the files' paths read there; JSON columns
offered as columns; lookups and keys carry a kind the editor knows."""

from __future__ import annotations

import duckdb
import pytest

from segdsl.tools.lsp.completion import complete
from segdsl.tools.lsp.document import analyze
from segdsl.tools.lsp.hover import hover
from segdsl.tools.lsp.json_samples import KeySamples
from segdsl.tools.lsp.server import KINDS, SYMBOL_KINDS

from .cursor import at, completions

PROGRAM = ("lookup products from shop.products key product_id json specs\n"
           "customers from shop.customers key customer_id json prefs\n"
           "events tracks from web.tracks by user_id at ts json properties\n"
           "events orders from shop.orders by customer_id at ordered_at with products on product_id\n"
           'segment paid: has tracks where properties.utm.source = "google" and properties.price > 20\n'
           'segment tested: has tracks where properties.`ab test` = "B"\n'
           "trait top = max(tracks.properties.price)\n"
           'segment pro: prefs.plan = "pro"\n'
           'segment large: has orders where products.specs.size = "L"\n'
           "segment bought: tracks then orders within 1 day\n"
           "    matching tracks.properties.product_id = orders.product_id\n")


def test_after_a_json_columns_dot_in_a_filter_the_keys_read_there():
    found = completions(PROGRAM + "segment s:\n    has tracks where properties.|")
    assert found == {"utm": "key", "price": "key", "`ab test`": "key", "product_id": "key"}


def test_after_a_nested_key_the_keys_below_it():
    assert completions(PROGRAM + "segment s:\n    has tracks where properties.utm.|") == {"source": "key"}
    assert completions(PROGRAM + "segment s:\n    has tracks where properties.utm.source.|") == {}
    assert completions(PROGRAM + "segment s:\n    has tracks where properties.price.|") == {}


def test_after_an_event_sets_json_column_in_an_aggregate():
    found = completions(PROGRAM + "segment s:\n    sum(tracks.properties.|) > 1")
    assert {"utm", "price", "`ab test`", "product_id"} == found.keys()
    assert completions(PROGRAM + "segment s:\n    sum(tracks.properties.utm.|) > 1") == {"source": "key"}


def test_the_entitys_and_a_lookups_json_columns():
    assert completions(PROGRAM + "segment s:\n    prefs.|") == {"plan": "key"}
    assert completions(PROGRAM + "segment s:\n    has orders where products.specs.|") == {"size": "key"}


def test_a_json_column_is_a_column_of_its_declaration():
    assert completions(PROGRAM + "segment s:\n    count(tracks.|) > 1")["properties"] == "column"
    assert completions(PROGRAM + "segment s:\n    has tracks where |")["properties"] == "column"


def test_a_json_column_without_paths_yet_offers_no_keys_rather_than_tables():
    text = "customers from c key id\nevents t from t by id at at json p\nsegment s: has t where p.|"
    assert completions(text) == {}


def test_keys_come_from_every_file_that_parses_even_with_this_statement_broken():
    found = completions(PROGRAM + "segment s:\n    has tracks where properties.| and (")
    assert "utm" in found


def test_every_kind_completion_and_the_outline_give_is_one_the_server_maps():
    text, offset = at(PROGRAM + "segment s:\n    has orders where |")
    doc = analyze(text, "t.seg")
    kinds = {c.kind for c in complete(doc, offset)} | {"key", "lookup"}
    assert kinds <= KINDS.keys()
    assert {s.kind for s in doc.outline()} <= SYMBOL_KINDS.keys()


def test_with_a_database_the_keys_sampled_from_its_json_columns(tmp_path):
    """Keys no file reads yet come from the database's values, nested ones under their parent; each column is
    read once for the session."""
    warehouse = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute("CREATE SCHEMA web")
    con.execute("CREATE TABLE web.tracks (user_id INTEGER, ts TIMESTAMP, properties JSON)")
    con.execute("""INSERT INTO web.tracks VALUES
        (1, '2026-06-01', '{"plan": "pro", "utm": {"campaign": "spring", "source": "google"}}'),
        (2, '2026-06-02', '{"coupon code": "X1", "items": [{"sku": "a"}]}'),
        (3, '2026-06-03', NULL), (4, '2026-06-04', '[1, 2]'), (5, '2026-06-05', '"text"')""")
    con.close()
    samples = KeySamples(str(warehouse), warn=pytest.fail)
    text, offset = at(PROGRAM + 'segment s: has tracks where properties.|')
    found = {c.label: c.kind for c in complete(analyze(text, "t.seg"), offset, samples=samples)}
    assert found == {"utm": "key", "price": "key", "product_id": "key", "`ab test`": "key", "plan": "key",
                     "`coupon code`": "key", "items": "key"}
    text, offset = at(PROGRAM + 'segment s: has tracks where properties.utm.|')
    assert {c.label for c in complete(analyze(text, "t.seg"), offset, samples=samples)} == {"source", "campaign"}
    assert list(samples.found) == [(("web", "tracks"), "properties")]  # one read, kept


def test_a_database_that_cannot_be_read_gives_the_files_keys_and_one_warning(tmp_path):
    warnings: list[str] = []
    samples = KeySamples(str(tmp_path / "missing.duckdb"), warn=warnings.append)
    for _ in range(2):
        text, offset = at(PROGRAM + 'segment s: has tracks where properties.|')
        assert {c.label for c in complete(analyze(text, "t.seg"), offset, samples=samples)} == {
            "utm", "price", "product_id", "`ab test`"}
    assert len(warnings) == 1 and "no JSON keys from the database" in warnings[0]


def test_keys_sampled_from_a_postgresql_jsonb_column(postgres_engine):
    """psycopg hands jsonb over decoded: its objects' keys are read the same."""
    import psycopg
    from engines.pgdb import fresh_database

    with fresh_database(postgres_engine, "segdsl_lsp_json") as url:
        with psycopg.connect(url, autocommit=True) as con:
            con.execute("CREATE SCHEMA web")
            con.execute("CREATE TABLE web.tracks (user_id INTEGER, ts TIMESTAMP, properties JSONB)")
            con.execute("""INSERT INTO web.tracks VALUES (1, '2026-06-01', '{"device": {"os": "ios"}}')""")
        samples = KeySamples(url, warn=pytest.fail)
        text, offset = at(PROGRAM + 'segment s: has tracks where properties.device.|')
        assert {c.label for c in complete(analyze(text, "t.seg"), offset, samples=samples)} == {"os"}


@pytest.mark.parametrize(("written", "shown"), [
    ("properties.utm.sou|rce", "**JSON key** `utm.source` in the JSON column `properties`"),
    ("properties.u|tm.source", "**JSON key** `utm` in the JSON column `properties`"),
    ("properties.`ab t|est`", "**JSON key** `ab test` in the JSON column `properties`"),
    ("max(tracks.properties.pr|ice)", "**JSON key** `price` in the JSON column `properties`"),
    ("prefs.pl|an", "**JSON key** `plan` in the JSON column `prefs`"),
    ("products.specs.si|ze", "**JSON key** `size` in the JSON column `specs`"),
    ("tracks.properties.produ|ct_id = orders", "**JSON key** `product_id` in the JSON column `properties`"),
    ("max(tracks.prop|erties.price)", "**column** `properties` of events `tracks` (web.tracks), JSON objects"),
    # joined by `and` to the filter before it, the checker reads it inside that filter (json_filters.py)
    ("and prop|erties.price", "**column** `properties` of events `tracks` (web.tracks), JSON objects"),
    ("and properties.pr|ice", "**JSON key** `price` in the JSON column `properties`"),
    ("prefs|.plan", "**column** `prefs` of `customers` (shop.customers), JSON objects"),
])
def test_hover_on_a_path_tells_the_json_column_from_its_keys(written, shown):
    marked = PROGRAM.replace(written.replace("|", ""), written, 1)
    text, offset = at(marked)
    found = hover(analyze(text, "t.seg"), offset)
    assert found is not None and found[0].startswith(shown)
    assert text[found[1].start:found[1].end] in written.replace("|", "")


def test_keys_are_not_lookups_nor_columns_of_their_own():
    doc = analyze(PROGRAM, "t.seg")
    assert "properties" in doc.columns_used("tracks")
    assert not {"utm", "source", "price"} & (doc.columns_used("tracks") | doc.columns_used(None))
    assert not [ref for ref in doc.references() if ref.role in ("lookup", "lookup_column") and ref.name == "utm"]
