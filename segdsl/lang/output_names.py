"""The names a program's results go by stay apart on every engine.

Every segment, segmentation, split and trait is a column of the whole-file query, beside the entity key's column (and
so of `run`, `materialize`, dbt's wide model and the insight commands, whose own columns start with
`segdsl_`); a segmentation's (or split's) own query returns the key and a column `label`. Engines fold bare names to
lower case (PostgreSQL) or upper case (Snowflake), compare them ignoring case (DuckDB, MySQL, SQL Server),
and some cut long ones (PostgreSQL at 63 bytes), so two names that differ only there are one column and
the results are silently wrong. Taken over every dialect at once:
- two segments, segmentations or traits clash when their names are equal ignoring case, or agree in the bytes
  the shortest-cutting engine keeps; each clashes with the entity key likewise;
- names starting with `segdsl_` are segdsl's own columns;
- a key named `label` clashes with the label column of a segmentation's query.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import Diagnostic
from . import ast

RESERVED_PREFIX = "segdsl_"
LABEL = "label"
# the shortest length an engine cuts names to, in UTF-8 bytes: PostgreSQL's (tests/lang check it is the dialects'
# least; written here, so that checking a program loads no dialect)
CUT_AT = 63


def problems(declared: Iterable[ast.Node], entity: ast.Entity | None) -> list[Diagnostic]:
    """Output names that clash, each at the later declaration with a note at the earlier one.

    `declared` is the program's declarations in order, each name's first declaration only.
    """
    found: list[Diagnostic] = []
    taken: dict[str, tuple[str, ast.Name]] = {}  # folded name -> (what it names, where)
    if entity is not None:
        if _reserved(entity.key.name):
            found.append(Diagnostic(_reserved_message(entity.key.name), entity.key.span, _VIEW_HINT))
        taken[_folded(entity.key.name)] = ("the entity key", entity.key)
    labelled = False
    for decl in declared:
        if not isinstance(decl, (ast.SegmentDecl, ast.SegmentationDecl, ast.SplitDecl, ast.TraitDecl)):
            continue
        kind, name = _KINDS[type(decl)], decl.name
        if _reserved(name.name):
            found.append(Diagnostic(_reserved_message(name.name), name.span, f"rename the {kind}"))
            continue
        if isinstance(decl, (ast.SegmentationDecl, ast.SplitDecl)) and not labelled and entity is not None \
                and _folded(entity.key.name) == _folded(LABEL):
            labelled = True
            found.append(Diagnostic(
                f"{kind} '{name.name}' returns its labels in a column '{LABEL}', the name of the entity key",
                name.span, f"a segmentation's query returns the key and a column '{LABEL}': {_VIEW_HINT}",
                ((f"the entity key '{entity.key.name}' is declared here", entity.key.span),)))
        folded = _folded(name.name)
        if folded not in taken:
            taken[folded] = (kind, name)
            continue
        what, first = taken[folded]
        found.append(Diagnostic(_clash(kind, name.name, what, first.name), name.span, f"rename the {kind}",
                                ((f"{what} '{first.name}' is declared here", first.span),)))
    return found


_KINDS = {ast.SegmentDecl: "segment", ast.SegmentationDecl: "segmentation", ast.SplitDecl: "split",
          ast.TraitDecl: "trait"}
_VIEW_HINT = "read the table through a view that renames the column"


def _folded(name: str) -> str:
    """A name as the most forgetful engine could see it: case ignored, cut where names are cut."""
    return name.casefold().encode()[:CUT_AT].decode(errors="ignore")


def _reserved(name: str) -> bool:
    return name.casefold().startswith(RESERVED_PREFIX)


def _reserved_message(name: str) -> str:
    return f"'{name}' starts with '{RESERVED_PREFIX}', which segdsl keeps for the columns it adds"


def _clash(kind: str, name: str, what: str, first: str) -> str:
    if name == first:  # the key's name (a name declared twice is reported as such)
        return f"{kind} '{name}' has the name of the entity key, a column of the whole-file query"
    if name.casefold() == first.casefold():
        return f"{kind} '{name}' and {what} '{first}' differ only in case, which most engines ignore in column names"
    return f"{kind} '{name}' and {what} '{first}' agree in their first {CUT_AT} bytes, where PostgreSQL cuts names"
