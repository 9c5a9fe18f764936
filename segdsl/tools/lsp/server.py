"""`segdsl lsp`: the language server, over stdio, built on pygls.

A thin layer: document.py checks and parses the text, completion.py and
hover.py answer; this module only speaks the protocol (URIs, positions in
the negotiated encoding, lsprotocol types), and transport.py reads the
frames, so that a bad one costs only itself. A document is checked after a
pause in typing, in a background thread (background.py): a request never
waits for the check of a long document; meanwhile it sees the text as it
is, parsed but not checked. Standard output is the protocol's channel:
`serve` points sys.stdout at stderr before it starts, so no stray print can
corrupt a message.

initializationOptions: {"dialect": "snowflake"} picks the SQL shown on
hover (default duckdb); {"db": TARGET} (a DuckDB file or a folder of
CSV/Parquet files, relative to the workspace root, a database URL such as
postgresql://... or snowflake://..., or env:NAME, as `--db` takes) adds the database's columns to completion and
hover, and keys sampled from its JSON columns to completion (json_samples.py); an unqualified table name is
looked up in its default schema (PostgreSQL: public).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import duckdb
from lsprotocol import types
from pygls import uris
from pygls.lsp.server import LanguageServer

from ... import dialects
from ...errors import Diagnostic, SegdslError
from ...lang import ast
from ...lang.model import Program
from ...run.catalog import Database
from ...run.redact import redact
from ...run.runner import ENV_PREFIX, open_target
from ...run.urls import is_url
from . import transport
from .background import Worker
from .completion import complete
from .document import Document, analyze, parse_statements
from .hover import definition, hover
from .json_samples import KeySamples
from .positions import line_index

log = logging.getLogger(__name__)
PAUSE = 0.2  # seconds of quiet after a change before the document is checked again

KINDS = {"keyword": types.CompletionItemKind.Keyword, "event": types.CompletionItemKind.Class,
         "column": types.CompletionItemKind.Field, "segment": types.CompletionItemKind.Function,
         "segmentation": types.CompletionItemKind.Enum, "split": types.CompletionItemKind.Enum,
         "param": types.CompletionItemKind.Constant, "trait": types.CompletionItemKind.Variable,
         "table": types.CompletionItemKind.Module, "lookup": types.CompletionItemKind.Struct,
         "key": types.CompletionItemKind.Property}
SYMBOL_KINDS = {"entity": types.SymbolKind.Class, "event": types.SymbolKind.Event, "param": types.SymbolKind.Constant,
                "segment": types.SymbolKind.Function, "segmentation": types.SymbolKind.Enum,
                "split": types.SymbolKind.Enum, "trait": types.SymbolKind.Variable, "lookup": types.SymbolKind.Struct}


class SegdslServer(LanguageServer):
    """The server's state: options, the last analysis of each open document."""

    def __init__(self) -> None:
        try:
            own_version = version("segdsl")
        except PackageNotFoundError:
            own_version = "0"
        super().__init__("segdsl", own_version, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.dialect = "duckdb"
        self.database: Database | None = None
        self.samples: KeySamples | None = None
        self.documents: dict[str, Document] = {}
        self.last_good: dict[str, Program] = {}
        self.waiting: dict[str, asyncio.TimerHandle] = {}
        self.checks = Worker("segdsl-checks")

    @property
    def encoding(self) -> str:
        encoding = self.workspace.position_encoding or "utf-16"
        return str(getattr(encoding, "value", encoding))

    def configure(self, options: object, root: str | None) -> None:
        options = options if isinstance(options, dict) else {}
        dialect = options.get("dialect")
        if dialect is not None:
            try:
                self.dialect = dialects.get(dialect).name
            except SegdslError:
                self.warn(f"segdsl: unknown dialect {dialect!r}; showing duckdb SQL "
                          f"(dialects: {', '.join(dialects.DIALECTS)})")
        target = options.get("db")
        if target is not None and not isinstance(target, str):
            self.warn(f"segdsl: 'db' names a file or folder, not {target!r}")
        elif target:
            if not (is_url(target) or target.startswith(ENV_PREFIX)) and root and not Path(target).is_absolute():
                target = str(Path(root) / target)
            self.database = self.load_database(target)
            self.samples = KeySamples(target, self.warn) if self.database is not None else None

    def load_database(self, target: str) -> Database | None:
        try:
            with open_target(target) as opened:
                return Database(opened.catalog(), opened.search_path())
        except (SegdslError, duckdb.Error) as exc:
            self.warn(f"segdsl: no database columns: {exc}")
            return None

    def warn(self, message: str) -> None:
        message = redact(message)
        log.warning(message)
        self.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=message))

    # ---- documents
    def is_open(self, uri: str) -> bool:
        return uri in self.workspace.text_documents

    def document(self, uri: str) -> Document:
        """The document as it is now, for a request: between checks only parsed, not re-checked."""
        doc = self.documents.get(uri)
        current = self.workspace.get_text_document(uri).source
        if doc is not None and doc.text == current:
            return doc
        program = doc.program if doc is not None else self.last_good.get(uri)
        return Document(file_of(uri), current, parse_statements(current, file_of(uri))[0], program, (), {})

    def publish_soon(self, uri: str) -> None:
        """Check after a pause in typing: a burst of changes costs one check."""
        waiting = self.waiting.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        self.waiting[uri] = asyncio.get_running_loop().call_later(PAUSE, self.publish_now, uri)

    def publish_now(self, uri: str) -> None:
        self.waiting.pop(uri, None)
        if self.is_open(uri):  # not closed meanwhile
            self.publish(uri, self.workspace.get_text_document(uri).version)

    def publish(self, uri: str, version: int | None) -> None:
        """Check the document as it is now, in the background; its diagnostics go out when the check ends."""
        text = self.workspace.get_text_document(uri).source
        self.checks.submit(functools.partial(analyze, text, file_of(uri), self.last_good.get(uri)),
                           functools.partial(self.checked, uri, version))

    def checked(self, uri: str, version: int | None, doc: Document) -> None:
        """A check's result: kept for requests, and its diagnostics published (unless closed meanwhile)."""
        if not self.is_open(uri):
            return
        if not doc.problems and doc.program is not None:
            self.last_good[uri] = doc.program
        self.documents[uri] = doc
        diagnostics = [lsp_diagnostic(doc, uri, d, self.encoding) for d in doc.problems]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=diagnostics))

    def range(self, text: str, span: ast.Span | None) -> types.Range:
        return lsp_range(text, span, self.encoding)

    def offset(self, doc: Document, position: types.Position) -> int:
        return line_index(doc.text, self.encoding).offset(position.line, position.character)


def lsp_range(text: str, span: ast.Span | None, encoding: str = "utf-16") -> types.Range:
    """A span of `text` as an LSP range (0-based, columns in the encoding's code units)."""
    if span is None:
        return types.Range(types.Position(0, 0), types.Position(0, 0))
    (line, column), (end_line, end_column) = line_index(text, encoding).span_range(span)
    return types.Range(types.Position(line, column), types.Position(end_line, end_column))


def lsp_diagnostic(doc: Document, uri: str, problem: Diagnostic, encoding: str = "utf-16") -> types.Diagnostic:
    """A problem as an LSP diagnostic of the document `uri`, the hint in its message.

    A problem in a file this one imports is shown at the import that leads
    there, naming the spot, with the spot itself as related information;
    so are the places a problem's notes point at.
    """
    message = problem.message + (f"\nhint: {problem.hint}" if problem.hint else "")
    span = problem.span
    related = [(note, where) for note, where in problem.notes if where is not None]
    if span is not None and span.file != doc.file:
        related.insert(0, (problem.message, span))
        message = f"{span.file}:{span.line}:{span.column}: {message}"
        span = _import_span(doc, span.file)
    information = [types.DiagnosticRelatedInformation(
        types.Location(uri_of(where.file, doc, uri), lsp_range(doc.text_of(where.file), where, encoding)), note)
        for note, where in related]
    return types.Diagnostic(range=lsp_range(doc.text, span, encoding), message=message,
                            severity=types.DiagnosticSeverity.Error, source="segdsl",
                            related_information=information or None)


def file_of(uri: str) -> str:
    """The file name a document's spans carry: its path, or the URI when it has none."""
    return uris.to_fs_path(uri) or uri


def uri_of(file: str, doc: Document, uri: str) -> str:
    if file == doc.file:
        return uri
    return uris.from_fs_path(os.path.abspath(file)) or file


def _import_span(doc: Document, file: str) -> ast.Span | None:
    """The import statement of this document that leads to `file` (else its first import)."""
    imports = [s for s in doc.module.statements if isinstance(s, ast.Import)]
    target = os.path.abspath(file)
    for stmt in imports:
        if os.path.abspath(os.path.join(os.path.dirname(doc.file), stmt.path)) == target:
            return stmt.span
    return imports[0].span if imports else None


def build_server() -> SegdslServer:
    """A server with every feature registered."""
    server = SegdslServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: SegdslServer, params: types.InitializeParams) -> None:
        root = uris.to_fs_path(params.root_uri) if params.root_uri else params.root_path
        ls.configure(params.initialization_options, root)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: SegdslServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.publish(params.text_document.uri, params.text_document.version)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: SegdslServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.publish_soon(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: SegdslServer, params: types.DidSaveTextDocumentParams) -> None:
        for uri in list(ls.workspace.text_documents):  # a saved file may be one that others import
            ls.publish(uri, ls.workspace.get_text_document(uri).version)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: SegdslServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        waiting = ls.waiting.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        ls.documents.pop(uri, None)
        ls.last_good.pop(uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=["."]))
    def completion(ls: SegdslServer, params: types.CompletionParams) -> types.CompletionList:
        doc = ls.document(params.text_document.uri)
        items = [types.CompletionItem(label=c.label, kind=KINDS[c.kind], detail=c.detail or None)
                 for c in complete(doc, ls.offset(doc, params.position), ls.database, ls.samples)]
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: SegdslServer, params: types.HoverParams) -> types.Hover | None:
        doc = ls.document(params.text_document.uri)
        found = hover(doc, ls.offset(doc, params.position), ls.dialect, ls.database)
        if found is None:
            return None
        text, span = found
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
                           range=ls.range(doc.text, span))

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def on_definition(ls: SegdslServer, params: types.DefinitionParams) -> types.Location | None:
        uri = params.text_document.uri
        doc = ls.document(uri)
        span = definition(doc, ls.offset(doc, params.position))
        if span is None:
            return None
        return types.Location(uri_of(span.file, doc, uri), ls.range(doc.text_of(span.file), span))

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def on_outline(ls: SegdslServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        doc = ls.document(params.text_document.uri)
        return [types.DocumentSymbol(name=s.name, kind=SYMBOL_KINDS[s.kind], range=ls.range(doc.text, s.decl.span),
                                     selection_range=ls.range(doc.text, s.span), detail=s.detail or None)
                for s in doc.outline()]

    return server


def serve() -> None:
    """Serve over stdin/stdout until the client says exit."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # stdout carries the protocol alone
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    transport.run(build_server(), stdin, stdout)
