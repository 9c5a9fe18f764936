"""Which names segdsl quotes, and how they are written inside the quotes.

Names that need quoting (non-ASCII, or reserved: sqlglot has no reserved-word list for most dialects)
are quoted; the rest stay bare, so the database's case folding applies as in hand-written SQL. Where bare
names fold to upper case (Snowflake) a quoted name keeps its case, so a name quoted only because it is
reserved is written in upper case (`order` -> "ORDER", the column a bare ORDER would name).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlglot import exp

if TYPE_CHECKING:
    from .base import Dialect

PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
CORE_RESERVED = frozenset((
    "all", "and", "any", "as", "asc", "between", "both", "by", "case", "cast", "check", "collate", "column",
    "constraint", "create", "cross", "current_date", "current_time", "current_timestamp", "default", "delete",
    "desc", "distinct", "drop", "else", "end", "except", "exists", "false", "fetch", "for", "foreign", "from",
    "full", "grant", "group", "having", "in", "inner", "insert", "intersect", "interval", "into", "is", "join",
    "leading", "left", "like", "limit", "natural", "not", "null", "offset", "on", "or", "order", "outer",
    "primary", "references", "right", "select", "table", "then", "to", "trailing", "true", "union", "unique",
    "update", "using", "when", "where", "window", "with",
))
# docs.snowflake.com/en/sql-reference/reserved-keywords, beyond the common ones
SNOWFLAKE_RESERVED = CORE_RESERVED | frozenset((
    "account", "alter", "connect", "connection", "current", "current_user", "database", "following",
    "gscluster", "ilike", "increment", "issue", "lateral", "localtime", "localtimestamp", "minus", "of",
    "organization", "qualify", "regexp", "revoke", "rlike", "row", "rows", "sample", "schema", "set", "some",
    "start", "tablesample", "trigger", "try_cast", "values", "view", "whenever",
))


def needs_quotes(name: str, dialect: Dialect) -> bool:
    """A name segdsl quotes: not plain ASCII, or reserved in the dialect."""
    return not PLAIN_NAME.fullmatch(name) or name.lower() in dialect.reserved_words


def quoted_form(name: str, dialect: Dialect) -> str:
    """A name as written inside quotes: the spelling its bare form means."""
    return name.upper() if dialect.bare_names_fold_to_upper and PLAIN_NAME.fullmatch(name) else name


def quote_names(tree: exp.Expr, dialect: Dialect) -> None:
    """Quote, in place, every bare identifier of `tree` that needs quotes."""
    for identifier in tree.find_all(exp.Identifier):
        if not identifier.quoted and needs_quotes(identifier.name, dialect):
            identifier.set("this", quoted_form(identifier.name, dialect))
            identifier.set("quoted", True)
