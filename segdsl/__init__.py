"""segdsl: customer segments in a small language, compiled to SQL for your own warehouse.

    >>> import segdsl
    >>> sql = segdsl.compile_file("examples/retail.seg", dialect="snowflake", segment="lapsed",
    ...                           as_of=datetime.date(2026, 6, 30), params={"lapse": "60"})
"""

from .compile.compiler import compile_file, compile_text, load_file, load_text, to_sql
from .dialects import DIALECTS
from .errors import SegdslError, render
from .lang.model import Program
from .run.history import Written
from .run.jobs import diff, materialize, members, sizes
from .run.targets import Result

__all__ = ["DIALECTS", "Program", "Result", "SegdslError", "Written", "compile_file", "compile_text", "diff",
           "load_file", "load_text", "materialize", "members", "render", "sizes", "to_sql"]
