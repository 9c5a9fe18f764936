"""Imports: a file and every file it imports, parsed into one Module.

A team keeps one data model and many segment files: `import "model.seg"`
pulls in another file's declarations. Paths resolve relative to the
importing file (a program given as text resolves them relative to the
current directory). Each file is loaded once however often it is imported;
an import cycle, an unreadable or undecodable file is an error at the
import line. Every span keeps naming the file it came from, and the error
carries every file's text so carets can be drawn in any of them. When the
only problems are syntax errors, the error (SyntaxErrors) keeps the
declarations that parse, so they can still be checked.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import Diagnostic, SegdslError
from . import ast
from .parse import SyntaxErrors, parse
from .source import Unreadable, read_source


def load_module(text: str, file: str, base: Path) -> tuple[ast.Module, dict[str, str]]:
    """The file's declarations with those of its imports (first), and every file's text."""
    loader = _Loader()
    statements = loader.load(text, file, base, Path(base, os.path.basename(file)).resolve(), (), None)
    if loader.problems:
        module = ast.Module(file, tuple(statements)) if loader.complete else None
        err = SyntaxErrors(loader.problems, module, frozenset(loader.broken))
        err.sources.update(loader.sources)
        raise err
    return ast.Module(file, tuple(statements)), loader.sources


_Link = tuple[Path, str, "ast.Span | None"]  # a file being loaded, its name, the import that led to it


class _Loader:
    def __init__(self) -> None:
        self.sources: dict[str, str] = {}
        self.problems: list[Diagnostic] = []
        self.loaded: set[Path] = set()
        self.broken: set[str] = set()  # names declarations that do not parse may declare
        self.complete = True  # every problem is a syntax error whose names are known

    def load(self, text: str, file: str, base: Path, identity: Path, chain: tuple[_Link, ...],
             via: ast.Span | None) -> list[ast.Statement]:
        """One file's statements, its imports' first; `chain` is the files being loaded, `via` the
        import that led here."""
        self.sources[file] = text
        self.loaded.add(identity)
        chain = (*chain, (identity, file, via))
        try:
            module = parse(text, file)
        except SegdslError as exc:
            if not isinstance(exc, SyntaxErrors) or exc.module is None:
                self._cannot_load(*exc.diagnostics)
                return []
            self.problems.extend(exc.diagnostics)
            self.broken |= exc.broken
            module = exc.module
        statements: list[ast.Statement] = []
        for stmt in module.statements:
            if isinstance(stmt, ast.Import):
                statements.extend(self._import(stmt, file, base, chain))
            else:
                statements.append(stmt)
        return statements

    def _import(self, stmt: ast.Import, importer: str, base: Path, chain: tuple[_Link, ...]) -> list[ast.Statement]:
        path = Path(base, stmt.path)
        try:
            identity = path.resolve()
        except (OSError, RuntimeError, ValueError):
            identity = path.absolute()
        if any(identity == seen for seen, _, _ in chain):
            start = next(i for i, (seen, _, _) in enumerate(chain) if seen == identity)
            cycle = [name for _, name, _ in chain[start:]] + [chain[start][1]]
            notes = tuple((f"{chain[i - 1][1]} imports {name} here", via)
                          for i, (_, name, via) in enumerate(chain) if i > start and via is not None)
            self._cannot_load(Diagnostic("import cycle: " + " -> ".join(cycle), stmt.span,
                                         "move what both files need into a third file that both import", notes))
            return []
        if identity in self.loaded:
            return []
        name = _display(importer, stmt.path)
        if not stmt.path.strip():
            self._cannot_load(Diagnostic("an import needs a file name", stmt.span, 'e.g. import "model.seg"'))
            return []
        if path.suffix != ".seg":
            self._cannot_load(Diagnostic(f"cannot import {name}: an import names a .seg file", stmt.span,
                                         'e.g. import "model.seg"'))
            return []
        try:
            text = read_source(path, name)
        except Unreadable as exc:
            self._cannot_load(Diagnostic(f"cannot read imported file {name}: {exc.reason}", stmt.span,
                                         exc.hint or f"imports are resolved relative to the importing file ({base})"))
            return []
        except SegdslError as exc:
            self._cannot_load(*exc.diagnostics)
            self.sources.update(exc.sources)
            return []
        return self.load(text, name, path.parent, identity, chain, stmt.span)

    def _cannot_load(self, *problems: Diagnostic) -> None:
        """A file that cannot be loaded: the names it declares are unknown, so nothing is checked."""
        self.problems.extend(problems)
        self.complete = False


def _display(importer: str, target: str) -> str:
    """How spans name an imported file: its path as seen from where the importer was named."""
    if importer.startswith("<"):
        return os.path.normpath(target)
    return os.path.normpath(os.path.join(os.path.dirname(importer), target))
