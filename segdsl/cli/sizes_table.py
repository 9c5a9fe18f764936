"""A file's segment sizes as the terminal shows them: a small report, not a query result.

The customers counted and the as-of day head it; then the segments, each with its size, its share as a
percentage and the description the analyst wrote (a parameter it names shown with the value used); then
each segmentation under its name, a line per label. `--format csv|json` prints the plain rows instead
(name, label, size, share: raw numbers, documented in the README).
"""

from __future__ import annotations

from datetime import date

from ..compile.plan import with_values
from ..insight.shown import percent
from ..lang.model import Program
from ..lang.timeline import as_of_day
from ..run import runner
from ..run.runner import Sizes
from ..run.targets import Target
from . import output


def show(target: Target, program: Program, as_of: date | None, fmt: str) -> None:
    """Print the sizes: the report on a terminal's table, the plain rows as CSV or JSON."""
    if fmt != "table":
        sized = runner.sizes(target, program, as_of)
        output.show(sized.columns, sized.rows, fmt)
        return
    moment = as_of if as_of is not None else runner.current_as_of(target, program)  # read once: the header's day
    output.data(render(program, runner.sizes(target, program, moment), as_of_day(moment)), nl=False)


def render(program: Program, sizes: Sizes, as_of: date | None) -> str:
    """The report for `segdsl run FILE` and `segdsl sizes FILE`."""
    total = sizes.customers
    header = f"{total:,} customer{'' if total == 1 else 's'}" + (f", as of {as_of.isoformat()}" if as_of else "")
    blocks = [[header]]
    counts = {(name, label): size for name, label, size, _ in sizes.rows}
    if program.segments:
        rows = [(name, counts[(name, "")], with_values(segment.description, program.params) or "")
                for name, segment in program.segments.items()]
        blocks.append(_block("segment", rows, total))
    for name, segmentation in program.segmentations.items():
        described = with_values(segmentation.description, program.params)
        rows = [(label, size, "") for (owner, label), size in counts.items() if owner == name]
        title = f"segmentation {name}" + (f": {described}" if described else "")
        blocks.append([title, *_block("label", rows, total)])
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


def _block(heading: str, rows: list[tuple[str, int, str]], total: int) -> list[str]:
    """Aligned lines: name, customers (thousands separated), share (a percentage), description."""
    cells = [(heading, "customers", "share", "description" if any(d for *_, d in rows) else "")]
    cells += [(name, f"{size:,}", percent(size, total), description) for name, size, description in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(3)]
    return [f"{name.ljust(widths[0])}  {size.rjust(widths[1])}  {share.rjust(widths[2])}  {description}".rstrip()
            for name, size, share, description in cells]

