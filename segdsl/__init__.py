"""segdsl: customer segments in a small language, compiled to SQL for your own warehouse.

    >>> import segdsl
    >>> sql = segdsl.compile_file("examples/retail.seg", dialect="snowflake", segment="lapsed",
    ...                           as_of=datetime.date(2026, 6, 30), params={"lapse": "60"})
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .compile.compiler import compile_file, compile_text, load_file, load_text, to_sql
    from .dialects import DIALECTS
    from .errors import SegdslError, render
    from .lang.model import Program
    from .run.history import Written
    from .run.jobs import diff, materialize, members, sizes
    from .run.targets import Result

# each name from the module that defines it, imported when first used: `import segdsl` (and every command,
# which imports a submodule) pays only for what it reads
_EXPORTS = {"compile_file": "compile.compiler", "compile_text": "compile.compiler", "load_file": "compile.compiler",
            "load_text": "compile.compiler", "to_sql": "compile.compiler", "DIALECTS": "dialects",
            "SegdslError": "errors", "render": "errors", "Program": "lang.model", "Written": "run.history",
            "diff": "run.jobs", "materialize": "run.jobs", "members": "run.jobs", "sizes": "run.jobs",
            "Result": "run.targets"}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'segdsl' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)


__all__ = ["DIALECTS", "Program", "Result", "SegdslError", "Written", "compile_file", "compile_text", "diff",
           "load_file", "load_text", "materialize", "members", "render", "sizes", "to_sql"]
