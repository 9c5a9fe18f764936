"""The language server in a real client session: `python -m segdsl lsp` as a
subprocess, driven over stdio by pygls's own LanguageClient."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

pytest.importorskip("pygls")

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

import segdsl

ROOT = Path(__file__).resolve().parents[2]
PATIENCE = 120  # seconds: only so a broken server cannot hang the suite

MODEL = """\
customers from shop.customers key customer_id
events orders from shop.orders by customer_id at ordered_at
events visits from web.page_views by visitor_id at viewed_at

param lapse = 90
param since_day = 2024-01-01
"""

BROKEN = MODEL + """
segment big_spenders "Top 10% by lifetime spend":
    sum(orders.amount) in top 10%

segment lapsed_vips "Big spenders gone quiet":
    big_spendrs and no orders in last lapse days

segment browsers:
    has vists in last 30 days
"""

FIXED = BROKEN.replace("big_spendrs", "big_spenders").replace("vists", "visits")


class Session(LanguageClient):
    """A client that keeps what the server sends unasked: diagnostics and messages."""

    def __init__(self) -> None:
        super().__init__("segdsl-test", "1")
        self.diagnostics: asyncio.Queue[types.PublishDiagnosticsParams] = asyncio.Queue()
        self.messages: list[types.ShowMessageParams] = []
        self.returncode: int | None = None

        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.diagnostics.put_nowait(params)

        @self.feature(types.WINDOW_SHOW_MESSAGE)
        def on_message(params: types.ShowMessageParams) -> None:
            self.messages.append(params)

    async def server_exit(self, server: asyncio.subprocess.Process) -> None:
        self.returncode = server.returncode

    async def begin(self, options: dict | None = None, root: Path | None = None,
                    capabilities: types.ClientCapabilities | None = None) -> types.InitializeResult:
        await self.start_io(sys.executable, "-m", "segdsl", "lsp", cwd=str(ROOT))
        result = await asyncio.wait_for(self.initialize_async(types.InitializeParams(
            process_id=None, capabilities=capabilities or types.ClientCapabilities(),
            root_uri=from_fs_path(str(root)) if root else None, initialization_options=options)), PATIENCE)
        self.initialized(types.InitializedParams())
        return result

    async def end(self) -> None:
        await asyncio.wait_for(self.shutdown_async(None), PATIENCE)
        self.exit(None)
        await asyncio.wait_for(self._async_tasks[-1], PATIENCE)  # the task that waits for the process
        await self.stop()

    async def next_diagnostics(self, uri: str) -> types.PublishDiagnosticsParams:
        while True:
            params = await asyncio.wait_for(self.diagnostics.get(), PATIENCE)
            if params.uri == uri:
                return params

    def open(self, uri: str, text: str) -> None:
        self.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="segdsl", version=1, text=text)))

    def change(self, uri: str, version: int, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
        change = types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(*start), types.Position(*end)), text=text)
        self.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version), [change]))

    async def complete(self, uri: str, line: int, character: int) -> list[types.CompletionItem]:
        result = await asyncio.wait_for(self.text_document_completion_async(types.CompletionParams(
            types.TextDocumentIdentifier(uri), types.Position(line, character))), PATIENCE)
        return result.items if isinstance(result, types.CompletionList) else list(result or [])

    async def hover(self, uri: str, line: int, character: int) -> types.Hover | None:
        return await asyncio.wait_for(self.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier(uri), types.Position(line, character))), PATIENCE)

    async def definition(self, uri: str, line: int, character: int):
        return await asyncio.wait_for(self.text_document_definition_async(types.DefinitionParams(
            types.TextDocumentIdentifier(uri), types.Position(line, character))), PATIENCE)


def run(scenario) -> None:
    asyncio.run(scenario())


def locate(text: str, needle: str, skip: int = 0, occurrence: int = 0) -> tuple[int, int]:
    """0-based (line, UTF-16 column) of a needle's `occurrence`, `skip` characters in."""
    index = -1
    for _ in range(occurrence + 1):
        index = text.index(needle, index + 1)
    index += skip
    line = text.count("\n", 0, index)
    before = text[text.rfind("\n", 0, index) + 1:index]
    return line, len(before.encode("utf-16-le")) // 2


def labels(items: list[types.CompletionItem]) -> set[str]:
    return {item.label for item in items}


def test_a_session_from_open_to_exit(tmp_path):
    """initialize, didOpen, diagnostics, didChange to fix, completion, hover, definition, shutdown, exit."""
    path = tmp_path / "shop.seg"
    uri = from_fs_path(str(path))

    async def scenario():
        client = Session()
        result = await client.begin({"dialect": "snowflake"})
        capabilities = result.capabilities
        assert capabilities.completion_provider is not None and capabilities.hover_provider
        assert capabilities.definition_provider and capabilities.document_symbol_provider

        client.open(uri, BROKEN)
        published = await client.next_diagnostics(uri)
        by_message = {d.message.splitlines()[0]: d for d in published.diagnostics}
        assert set(by_message) == {"unknown segment 'big_spendrs'", "unknown event set 'vists'"}
        typo = by_message["unknown segment 'big_spendrs'"]
        assert "hint: did you mean 'big_spenders'?" in typo.message
        assert (typo.range.start.line, typo.range.start.character) == locate(BROKEN, "big_spendrs")
        assert (typo.range.end.line, typo.range.end.character) == locate(BROKEN, "big_spendrs", len("big_spendrs"))
        assert typo.severity == types.DiagnosticSeverity.Error and typo.source == "segdsl"
        assert "did you mean 'visits'?" in by_message["unknown event set 'vists'"].message

        # fix both typos with incremental edits
        client.change(uri, 2, locate(BROKEN, "big_spendrs"), locate(BROKEN, "big_spendrs", len("big_spendrs")),
                      "big_spenders")
        assert len((await client.next_diagnostics(uri)).diagnostics) == 1
        shifted = BROKEN.replace("big_spendrs", "big_spenders")
        client.change(uri, 3, locate(shifted, "vists"), locate(shifted, "vists", len("vists")), "visits")
        fixed = await client.next_diagnostics(uri)
        assert list(fixed.diagnostics) == [] and fixed.version == 3

        # completion: keywords from the grammar, event tables, columns, segments, parameters
        line, _ = locate(FIXED, "has visits")
        items = await client.complete(uri, line, len("    "))
        assert {"has", "no", "not", "count", "sum", "quintile"} <= labels(items)
        assert {"big_spenders", "lapsed_vips", "lapse", "orders", "visits"} <= labels(items)
        kinds = {item.label: item.kind for item in items}
        assert kinds["has"] == types.CompletionItemKind.Keyword
        assert kinds["big_spenders"] == types.CompletionItemKind.Function
        assert kinds["lapse"] == types.CompletionItemKind.Constant
        assert labels(await client.complete(uri, *locate(FIXED, "has visits", len("has ")))) == {"orders", "visits"}
        columns = await client.complete(uri, *locate(FIXED, "orders.amount", len("orders.")))
        assert labels(columns) == {"amount", "customer_id", "ordered_at"}
        assert {item.kind for item in columns} == {types.CompletionItemKind.Field}
        window = await client.complete(uri, *locate(FIXED, "lapse days", occurrence=0))
        assert labels(window) == {"lapse", "since_day"}

        # hover: description and SQL for the chosen dialect; a parameter's value
        hover = await client.hover(uri, *locate(FIXED, "big_spenders and", 3))
        program = segdsl.load_text(FIXED, str(path))
        assert hover.contents.kind == types.MarkupKind.Markdown
        assert "Top 10% by lifetime spend" in hover.contents.value
        assert segdsl.to_sql(program, "snowflake", "big_spenders") in hover.contents.value
        assert hover.range.start == types.Position(*locate(FIXED, "big_spenders and"))
        hover = await client.hover(uri, *locate(FIXED, "lapse days", 2))
        assert "`lapse`" in hover.contents.value and "= `90`" in hover.contents.value
        assert await client.hover(uri, 1, 2) is None  # nothing to say about a keyword (`events`)

        # definition: segments, parameters, event sets
        for needle, target in (("big_spenders and", 'big_spenders "Top'), ("lapse days", "lapse = 90"),
                               ("visits in last", "visits from")):
            found = await client.definition(uri, *locate(FIXED, needle, 2))
            assert found.uri == uri
            assert found.range.start == types.Position(*locate(FIXED, target))
            assert found.range.end == types.Position(*locate(FIXED, target, len(needle.split()[0])))
        assert await client.definition(uri, *locate(FIXED, "amount")) is None  # a column: no declaration

        # the outline
        outline = await asyncio.wait_for(client.text_document_document_symbol_async(types.DocumentSymbolParams(
            types.TextDocumentIdentifier(uri))), PATIENCE)
        assert [(s.name, s.kind) for s in outline] == [
            ("customers", types.SymbolKind.Class), ("orders", types.SymbolKind.Event),
            ("visits", types.SymbolKind.Event), ("lapse", types.SymbolKind.Constant),
            ("since_day", types.SymbolKind.Constant), ("big_spenders", types.SymbolKind.Function),
            ("lapsed_vips", types.SymbolKind.Function), ("browsers", types.SymbolKind.Function)]
        assert outline[5].detail == "Top 10% by lifetime spend"
        assert outline[5].selection_range.start == types.Position(*locate(FIXED, 'big_spenders "'))
        assert outline[5].range.start == types.Position(*locate(FIXED, "segment big_spenders"))
        assert outline[5].range.end == types.Position(*locate(FIXED, "10%", 3, occurrence=1))

        await client.end()
        assert client.returncode == 0

    run(scenario)


def test_positions_count_utf16_code_units(tmp_path):
    """Columns after non-ASCII text (é is one unit, 😀 two) in diagnostics, hover and definition."""
    text = MODEL + 'segment cafe_fans "Café 😀 lovers": has ordrs\nsegment x: country = "😀é" and cafe_fans\n'
    uri = from_fs_path(str(tmp_path / "unicode.seg"))

    async def scenario():
        client = Session()
        result = await client.begin()
        assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf16
        client.open(uri, text)
        [problem] = (await client.next_diagnostics(uri)).diagnostics
        line, column = locate(text, "ordrs")
        assert column == len('segment cafe_fans "Café  lovers": has ') + 2  # the emoji counts twice
        assert (problem.range.start.line, problem.range.start.character) == (line, column)
        assert (problem.range.end.line, problem.range.end.character) == (line, column + len("ordrs"))

        fixed = text.replace("ordrs", "orders")
        client.change(uri, 2, (line, column), (line, column + len("ordrs")), "orders")
        assert list((await client.next_diagnostics(uri)).diagnostics) == []
        found = await client.definition(uri, *locate(fixed, "cafe_fans\n", 5))
        assert found.range.start == types.Position(*locate(fixed, "cafe_fans"))
        hover = await client.hover(uri, *locate(fixed, "orders\n", 1))
        assert hover.range.start == types.Position(*locate(fixed, "orders\n"))
        assert "Café 😀 lovers" in (await client.hover(uri, *locate(fixed, "cafe_fans\n", 1))).contents.value
        await client.end()

    run(scenario)


def test_a_client_may_count_in_utf8(tmp_path):
    text = MODEL + 'segment cafe_fans "Café 😀": has ordrs or no orders in last lapse days\n'
    uri = from_fs_path(str(tmp_path / "unicode.seg"))

    async def scenario():
        client = Session()
        capabilities = types.ClientCapabilities(general=types.GeneralClientCapabilities(
            position_encodings=[types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf16]))
        result = await client.begin(capabilities=capabilities)
        assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
        client.open(uri, text)
        [problem] = (await client.next_diagnostics(uri)).diagnostics
        line = text.count("\n", 0, text.index("ordrs"))
        column = len('segment cafe_fans "Café 😀": has '.encode())
        assert (problem.range.start.line, problem.range.start.character) == (line, column)
        lapse = len('segment cafe_fans "Café 😀": has ordrs or no orders in last '.encode())
        hover = await client.hover(uri, line, lapse + 2)  # inside the name, counted in bytes
        assert hover.range == types.Range(types.Position(line, lapse), types.Position(line, lapse + len("lapse")))
        assert hover.contents.value == "**param** `lapse` = `90`"
        await client.end()

    run(scenario)


def test_a_broken_statement_leaves_the_rest_working(tmp_path):
    """Syntax errors are diagnosed; completion, hover and definition use the statements that parse."""
    text = FIXED + "\nsegment half_typed:\n    count(orders) >\n\nsegment later:\n    has orders\n"
    uri = from_fs_path(str(tmp_path / "broken.seg"))

    async def scenario():
        client = Session()
        await client.begin({"dialect": "postgres"})
        client.open(uri, text)
        [problem] = (await client.next_diagnostics(uri)).diagnostics
        assert problem.message.startswith("unexpected")
        assert problem.range.start.line > locate(text, "half_typed")[0]

        items = labels(await client.complete(uri, *locate(text, "has visits", 0)))
        assert {"later", "big_spenders", "lapse"} <= items and "half_typed" not in items
        found = await client.definition(uri, *locate(text, "big_spenders and", 1))
        assert found.range.start == types.Position(*locate(text, 'big_spenders "'))
        hover = await client.hover(uri, *locate(text, "later", 1))
        program = segdsl.load_text(text.replace("segment half_typed:\n    count(orders) >\n", ""), str(tmp_path))
        assert segdsl.to_sql(program, "postgres", "later") in hover.contents.value
        await client.end()

    run(scenario)


def test_long_chains_and_too_deep_nesting(tmp_path):
    """A 5,000-term chain and 2,000 segments each using the one before are answered like any document;
    nesting past the limit is a diagnostic where it starts, and the rest still works."""
    chains = MODEL + "\nsegment wide:\n    " + " and ".join(f"age > {i}" for i in range(5000)) + "\n" + "".join(
        f"\nsegment s{i}:\n    " + (f"s{i - 1} or " if i else "") + f"age = {i}\n" for i in range(2000))
    deep = MODEL + "\nsegment deep:\n    " + "(" * 500 + "age > 1" + ")" * 500 + "\n\nsegment fine:\n    has orders\n"
    uris = [from_fs_path(str(tmp_path / name)) for name in ("chains.seg", "deep.seg")]

    async def scenario():
        client = Session()
        await client.begin()
        client.open(uris[0], chains)
        assert list((await client.next_diagnostics(uris[0])).diagnostics) == []
        hover = await client.hover(uris[0], *locate(chains, "s1998 or", 1))
        assert "**segment** `s1998`" in hover.contents.value and "age = 1998" in hover.contents.value
        found = await client.definition(uris[0], *locate(chains, "s1998 or", 1))
        assert found.range.start == types.Position(*locate(chains, "s1998:"))
        assert "s1999" in labels(await client.complete(uris[0], *locate(chains, "age > 4999")))

        client.open(uris[1], deep)
        [problem] = (await client.next_diagnostics(uris[1])).diagnostics
        assert problem.message.startswith("nested too deeply: more than 64 levels")
        assert problem.range.start == types.Position(locate(deep, "((")[0], 4 + 64)
        hover = await client.hover(uris[1], *locate(deep, "fine:", 1))
        assert "**segment** `fine`" in hover.contents.value and "SELECT" in hover.contents.value
        await client.end()
        assert client.returncode == 0

    run(scenario)


def test_database_columns_and_types(tmp_path):
    """With {"db": ...} completion offers the database's columns and hover shows their types."""
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("CREATE SCHEMA shop")
    con.execute("CREATE TABLE shop.customers (customer_id INTEGER, loyalty_tier VARCHAR, birthday DATE)")
    con.execute("CREATE TABLE shop.orders (customer_id INTEGER, ordered_at TIMESTAMP, amount DECIMAL(10, 2), "
                "coupon VARCHAR)")
    con.close()
    text = MODEL + "segment big:\n    sum(orders.amount) > 100 and loyalty_tier = \"gold\"\n"
    uri = from_fs_path(str(tmp_path / "db.seg"))

    async def scenario():
        client = Session()
        await client.begin({"db": "warehouse.duckdb"}, root=tmp_path)  # relative to the workspace root
        client.open(uri, text)
        assert list((await client.next_diagnostics(uri)).diagnostics) == []
        columns = await client.complete(uri, *locate(text, "orders.amount", len("orders.")))
        assert labels(columns) == {"customer_id", "ordered_at", "amount", "coupon"}
        assert {c.label: c.detail for c in columns}["coupon"] == "shop.orders VARCHAR"
        entity = labels(await client.complete(uri, *locate(text, "loyalty_tier")))
        assert {"loyalty_tier", "birthday", "customer_id", "big", "lapse"} <= entity
        hover = await client.hover(uri, *locate(text, "loyalty_tier", 2))
        assert hover.contents.value == "**column** `loyalty_tier` of `customers` (shop.customers): VARCHAR"
        assert client.messages == []
        await client.end()

    run(scenario)


def test_bad_options_warn_and_the_server_carries_on(tmp_path):
    uri = from_fs_path(str(tmp_path / "shop.seg"))

    async def scenario():
        client = Session()
        await client.begin({"db": str(tmp_path / "missing.duckdb"), "dialect": "oracle"})
        client.open(uri, FIXED)
        assert list((await client.next_diagnostics(uri)).diagnostics) == []
        warnings = [m.message for m in client.messages if m.type == types.MessageType.Warning]
        assert any("missing.duckdb" in m and "does not exist" in m for m in warnings)
        assert any("unknown dialect 'oracle'" in m for m in warnings)
        hover = await client.hover(uri, *locate(FIXED, "big_spenders and", 1))
        program = segdsl.load_text(FIXED, str(tmp_path / "shop.seg"))
        assert segdsl.to_sql(program, "duckdb", "big_spenders") in hover.contents.value
        client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))
        assert list((await client.next_diagnostics(uri)).diagnostics) == []
        await client.end()

    run(scenario)


def test_without_pygls_the_command_says_what_to_install():
    blocked = "import sys; sys.modules['pygls'] = None; from segdsl.cli.main import main; main(['lsp'])"
    result = subprocess.run([sys.executable, "-c", blocked], cwd=ROOT, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=PATIENCE)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == "error: the language server needs pygls\nhint: install it: pip install 'segdsl[lsp]'\n"


def test_saving_a_file_rechecks_every_open_one(tmp_path):
    """Imports read other files from disk: a save re-publishes the diagnostics of all open documents."""
    first, second = (from_fs_path(str(tmp_path / name)) for name in ("a.seg", "b.seg"))

    async def scenario():
        client = Session()
        await client.begin()
        client.open(first, FIXED)
        client.open(second, BROKEN)
        assert list((await client.next_diagnostics(first)).diagnostics) == []
        assert len((await client.next_diagnostics(second)).diagnostics) == 2
        client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(first)))
        assert len((await client.next_diagnostics(second)).diagnostics) == 2
        await client.end()

    run(scenario)


def test_typing_fast_each_request_sees_the_latest_text(tmp_path):
    """Changes in a burst are checked once typing pauses; requests in between see every change."""
    uri = from_fs_path(str(tmp_path / "typing.seg"))
    typed = "segment fresh:\n    has orders\nsegment more:\n    "

    async def scenario():
        client = Session()
        await client.begin()
        client.open(uri, FIXED)
        assert list((await client.next_diagnostics(uri)).diagnostics) == []
        text = FIXED
        for version, char in enumerate(typed, start=2):
            end = locate(text + "$", "$", occurrence=0)
            client.change(uri, version, end, end, char)
            text += char
        items = labels(await client.complete(uri, *locate(text + "$", "$")))
        assert {"fresh", "big_spenders", "has"} <= items
        final = len(typed) + 1
        while (published := await client.next_diagnostics(uri)).version != final:
            pass
        [problem] = published.diagnostics
        assert problem.message.startswith("unexpected end of file")
        client.change(uri, final + 1, locate(text + "$", "$"), locate(text + "$", "$"), "fresh")
        while (published := await client.next_diagnostics(uri)).version != final + 1:
            pass
        assert list(published.diagnostics) == []
        await client.end()

    run(scenario)


def test_definitions_and_errors_reach_imported_files(tmp_path):
    """A segment file importing a shared data model: go-to-definition lands in the model file,
    and an error inside the model shows on the import line, linked to its real place."""
    model = tmp_path / "model.seg"
    model.write_text(MODEL + '\nsegment buyers "Bought at least once":\n    has orders\n')
    main = tmp_path / "retention.seg"
    text = 'import "model.seg"\n\nsegment lapsed:\n    buyers and no orders in last lapse days\n'
    main.write_text(text)
    uri, model_uri = from_fs_path(str(main)), from_fs_path(str(model))

    async def scenario():
        client = Session()
        await client.begin(root=tmp_path)
        client.open(uri, text)
        assert list((await client.next_diagnostics(uri)).diagnostics) == []
        for needle, target in (("buyers and", "buyers \"Bought"), ("lapse days", "lapse = 90"),
                               ("orders in", "orders from")):
            found = await client.definition(uri, *locate(text, needle))
            assert found.uri == model_uri
            assert found.range.start == types.Position(*locate(model.read_text(), target))
        hover = await client.hover(uri, *locate(text, "buyers and"))
        assert "Bought at least once" in hover.contents.value

        model.write_text(model.read_text().replace("has orders", "has ordrs"))
        client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(model_uri)))
        client.change(uri, 2, (1, 0), (1, 0), "\n")
        problems = []
        while not problems:
            problems = list((await client.next_diagnostics(uri)).diagnostics)
        (problem,) = problems
        assert problem.range.start.line == 0  # the import line
        assert "unknown event set 'ordrs'" in problem.message
        related = problem.related_information or []
        assert [r.location.uri for r in related] == [model_uri]
        await client.end()

    run(scenario)


def test_a_postgres_url_with_unqualified_tables(postgres_engine):
    """{"db": URL}: columns of tables named without a schema come from PostgreSQL's default schema."""
    import psycopg
    from engines.pgdb import fresh_database

    text = ("customers from customers key customer_id\nevents orders from orders by customer_id at ordered_at\n\n"
            "segment big:\n    sum(orders.amount) > 100\n")
    with fresh_database(postgres_engine, "segdsl_lsp") as url:
        with psycopg.connect(url, autocommit=True) as con:
            con.execute("CREATE TABLE customers (customer_id INTEGER, tier TEXT)")
            con.execute("CREATE TABLE orders (customer_id INTEGER, ordered_at TIMESTAMP, amount NUMERIC(10, 2))")
        uri = from_fs_path(str(ROOT / "unsaved.seg"))

        async def scenario():
            client = Session()
            await client.begin({"db": url}, root=ROOT)
            client.open(uri, text)
            assert list((await client.next_diagnostics(uri)).diagnostics) == []
            columns = await client.complete(uri, *locate(text, "orders.amount", len("orders.")))
            assert labels(columns) == {"customer_id", "ordered_at", "amount"}
            hover = await client.hover(uri, *locate(text, "amount", 1))
            assert hover.contents.value == "**column** `amount` of events `orders` (orders): numeric"
            assert client.messages == []
            await client.end()

        run(scenario)


def long_document(lines: int) -> str:
    """A program of `lines` lines: the model, then segments of ten lines each, comments and all."""
    segment = ("# {i}: bought lately, not a visitor\nsegment s{i} \"number {i}\":\n    has orders in last lapse days\n"
               "    and count(orders where amount > {i}) >= 2\n\n    # either way\n    and not s{previous}\n"
               "    and no visits in last 30 days\n\n\n")
    body = "".join(segment.format(i=i, previous=i // 2 if i else "x") for i in range((lines - 7) // 10))
    text = MODEL + "segment sx: has orders\n" + body
    return text + "\n" * (lines - text.count("\n"))


def test_a_long_document_is_answered(tmp_path):
    """50,000 lines and 5,000 declarations: completion, hover, definition and the outline answer, also
    between an edit and its check (PATIENCE only catches a hang)."""
    text = long_document(50_000)
    assert text.count("\n") == 50_000
    uri = from_fs_path(str(tmp_path / "long.seg"))

    async def scenario():
        client = Session()
        await client.begin()
        client.open(uri, text)
        last = locate(text, "no visits", occurrence=text.count("no visits") - 1)
        assert {"orders", "visits"} <= labels(await client.complete(uri, last[0], last[1] + len("no ")))
        middle = locate(text, "not s2000")  # in the declaration of s4000
        found = await client.definition(uri, middle[0], middle[1] + len("not s"))
        assert found.range.start == types.Position(*locate(text, 's2000 "'))
        assert "number 2000" in (await client.hover(uri, middle[0], middle[1] + len("not s"))).contents.value
        client.change(uri, 2, (0, 0), (0, 0), "# edited\n")  # every declaration moves one line down
        outline = await asyncio.wait_for(client.text_document_document_symbol_async(types.DocumentSymbolParams(
            types.TextDocumentIdentifier(uri))), PATIENCE)
        assert len(outline) == 6 + (50_000 - 7) // 10
        assert outline[-1].selection_range.start.line == locate(text, f"s{(50_000 - 7) // 10 - 1} \"")[0] + 1
        items = await client.complete(uri, middle[0] + 1, middle[1] + len("not "))
        assert {"s0", "s4998", "lapse"} <= labels(items)
        await client.end()

    run(scenario)


def test_completion_after_an_80_kb_comment(tmp_path):
    """A long run of letters (a comment) before the cursor, in it and after it (PATIENCE only catches a hang)."""
    comment = "# " + "abcdefgh" * 10_000
    text = MODEL + "\nsegment s:\n    has orders and\n" + comment + "\n    " + comment + "\n"
    uri = from_fs_path(str(tmp_path / "comment.seg"))
    after = text.count("\n") - 1

    async def scenario():
        client = Session()
        await client.begin()
        client.open(uri, text)
        assert labels(await client.complete(uri, after - 1, len(comment))) == set()  # in the comment
        assert labels(await client.complete(uri, after, 4 + len(comment))) == set()
        assert {"has", "no", "lapse"} <= labels(await client.complete(uri, after, 0))  # the run just before
        assert {"has", "no", "lapse"} <= labels(await client.complete(uri, after, 4))
        await client.end()

    run(scenario)
