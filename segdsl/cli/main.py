"""The command line: thin click commands over the library.

Exit codes: 0 ok, 1 a user error (program, data or parameter), 2 a usage
error (click's own). Errors print as file:line:col with a caret; never a
traceback.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import click

from ..compile.gcpause import without_gc
from ..dialect_names import DIALECTS
from ..errors import SegdslError, render, render_notes
from . import output, progress
from .options import (
    FilePath,
    as_of_day,
    as_of_option,
    db_option,
    format_option,
    param_option,
    segment_option,
    table_models,
    table_option,
    user_errors,
    with_option,
)

# Each command imports what it uses when it runs: `segdsl --help` and a `check` load no SQL engine or dialect.
# `check` and `compile` run with the cyclic garbage collector paused (gcpause.py), imports included: the modules
# they load are alive to the end, so the collections it would make while loading them find nothing (5 ms).


class Commands(click.Group):
    """The command group; the insight commands (insight.py) are imported when one of them runs or a listing
    names them, not for every command."""

    INSIGHT = ("sizes", "overlap", "profile", "trend", "backtest", "report")

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.INSIGHT})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.INSIGHT and cmd_name not in self.commands:
            from . import insight

            for command in insight.COMMANDS:
                self.add_command(command)
        return super().get_command(ctx, cmd_name)


@click.group(cls=Commands)
@click.version_option(package_name="segdsl")
def main() -> None:
    """segdsl: customer segments compiled to SQL for your own warehouse."""


@main.command("compile")
@click.argument("file", type=FilePath())
@click.option("--dialect", type=click.Choice(DIALECTS), default="duckdb", show_default=True)
@segment_option
@with_option
@as_of_option
@param_option
@user_errors
@without_gc
def compile_command(file: str, dialect: str, segment: str | None, with_names: tuple[str, ...], as_of: date | None,
                    params: dict[str, str]) -> None:
    """Print the SQL of a segment, a segmentation, or the whole file."""
    from ..compile import compiler
    from ..run.exports import exported

    _segment_for(segment, with_names)
    program = compiler.load_file(file, params)
    items = exported(program, with_names, segment) if segment is not None else None
    output.data(compiler.to_sql(program, dialect, segment, as_of, items=items) + ";")


def _segment_for(segment: str | None, with_names: tuple[str, ...]) -> None:
    """--with names the columns of one segment's members: it needs --segment (the whole file has every trait)."""
    if with_names and segment is None:
        raise click.UsageError("--with needs --segment: the whole file's query already has a column per trait")


@main.command("run")
@click.argument("file", type=FilePath())
@db_option("Database URL (postgresql://, mysql://, snowflake://, ...: see the README), DuckDB file or folder of "
           "CSV/Parquet files (default: demo data).")
@segment_option
@with_option
@as_of_option
@param_option
@format_option
@user_errors
def run_command(file: str, target: str | None, segment: str | None, with_names: tuple[str, ...], as_of: date | None,
                params: dict[str, str], fmt: str) -> None:
    """Run on a database (default: the demo data): a segment's members (with --with, their traits and
    attributes: an audience to export), or every segment's size."""
    from ..compile import compiler
    from ..run import runner
    from . import sizes_table

    _segment_for(segment, with_names)
    program = compiler.load_file(file, params)
    if target is None and as_of is None:
        from ..run.demo import DEMO_AS_OF

        as_of = DEMO_AS_OF
        output.echo(f"demo data, as of {as_of.isoformat()}", err=True)
    with runner.open_target(target, program) as db:
        if segment is not None:
            result = runner.members(db, program, segment, as_of, with_names)
            output.show(result.columns, result.rows, fmt, "customer")
            return
        sizes_table.show(db, program, as_of, fmt)


@main.command("check")
@click.argument("file", type=FilePath())
@db_option("Also check tables, columns and types against this database (as for run).")
@param_option
@user_errors
@without_gc
def check_command(file: str, target: str | None, params: dict[str, str]) -> None:
    """Parse and check a file (and, with --db, against a database); exit 0 when it is clean."""
    from ..compile import compiler

    if target is None:
        program = compiler.load_file(file, params)
    else:
        from ..run import dbcheck

        checked = dbcheck.check_file(file, target, params)
        program = checked.program
        if checked.notes:
            output.echo(render_notes(checked.notes, program.sources), err=True)
    against = f", against {target}" if target is not None else ""
    splits = sum(s.split is not None for s in program.segmentations.values())
    listed = f", {_count(splits, 'split')}" if splits else ""
    output.echo(f"{file}: ok ({_count(len(program.segments), 'segment')}, "
               f"{_count(len(program.segmentations) - splits, 'segmentation')}{listed}{against})")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


@main.command("dbt")
@click.argument("file", type=FilePath())
@click.option("--out", "out_dir", required=True, type=FilePath(file_okay=False), help="Folder for the models.")
@click.option("--dialect", type=click.Choice(DIALECTS), default="duckdb", show_default=True)
@click.option("--ref", "refs", multiple=True, callback=table_models, metavar="TABLE=MODEL",
              help="Read TABLE (as the file names it, e.g. shop.orders) from dbt model MODEL (repeatable); "
                   "other tables are sources.")
@click.option("--name", metavar="NAME",
              help="The whole-file model's name, prefix of the others (default: the file's stem).")
@click.option("--sources/--no-sources", default=True, show_default=True,
              help="Write sources.yml (--no-sources: the project declares the sources itself).")
@click.option("--source-database", metavar="NAME",
              help="The sources' database (Snowflake database, BigQuery project) where the file names a table "
                   "without one (default: the target's).")
@param_option
@user_errors
def dbt_command(file: str, out_dir: str, dialect: str, refs: dict[str, str], name: str | None, sources: bool,
                source_database: str | None, params: dict[str, str]) -> None:
    """Write dbt models, sources and tests for a file."""
    from ..tools import dbt

    written = dbt.write(dbt.generate(file, name, dialect, refs, params, sources, source_database), out_dir)
    output.echo(f"wrote {len(written)} files to {out_dir}")


@main.command("fmt")
@click.argument("paths", nargs=-1, required=True, type=FilePath(allow_dash=True))
@click.option("--check", is_flag=True, help="Write nothing; list the files that would change and exit 1 if any.")
def fmt_command(paths: tuple[str, ...], check: bool) -> None:
    """Rewrite .seg files (or the .seg files under folders) in the canonical layout.

    `-` formats standard input to standard output. A file that does not parse
    is reported and left untouched.
    """
    from ..lang.source import decode
    from ..tools import fmt

    failed = False
    for path in fmt.seg_files(list(paths)):
        try:
            if path == "-":
                text = decode(sys.stdin.buffer.read(), "<stdin>")
                formatted = fmt.format_text(text, "<stdin>")
                changed = formatted != text
                if not check:
                    output.data(formatted, nl=False)
            else:
                changed = fmt.format_file(path, write=not check)
        except SegdslError as exc:
            output.echo(render(exc), err=True)
            failed = True
            continue
        if changed and check:
            output.echo(path)
            failed = True
        elif changed and path != "-":
            output.echo(f"reformatted {path}", err=True)
    sys.exit(1 if failed else 0)


@main.command("materialize")
@click.argument("file", type=FilePath())
@db_option("Database URL or DuckDB file to write to.", required=True)
@table_option
@as_of_option
@param_option
@user_errors
def materialize_command(file: str, target: str, table: str, as_of: date | None, params: dict[str, str]) -> None:
    """Write one day's segment membership into a history table (that day replaced, atomically)."""
    from ..compile import compiler
    from ..run import history, runner

    program = compiler.load_file(file, params)
    stages = progress.Stages("materialize", 1)
    with runner.open_target(target, program, writable=True) as db:
        stages(f"the day's members into {table}")
        written = history.materialize(db, program, table, as_of, after_delete=_paused_after_delete())
    output.echo(f"{written.table}: {written.rows} rows as of {written.as_of.isoformat()}{stages.took()}")


PAUSE_VARIABLE = "SEGDSL_TEST_PAUSE_AFTER_DELETE"
PAUSE_SECONDS = 300


def _paused_after_delete() -> Callable[[], None] | None:
    """For the tests that kill a materialize in the middle of its write: with SEGDSL_TEST_PAUSE_AFTER_DELETE=FILE,
    it creates FILE once the day's rows are deleted, inside the transaction, and waits there to be killed."""
    flag = os.environ.get(PAUSE_VARIABLE)
    if not flag:
        return None

    def pause() -> None:
        Path(flag).touch()
        time.sleep(PAUSE_SECONDS)

    return pause


@main.command("diff")
@db_option("Database URL or DuckDB file holding the history table.", required=True)
@table_option
@click.option("--from", "from_day", required=True, callback=as_of_day, metavar="YYYY-MM-DD",
              help="The day to compare from.")
@click.option("--to", "to_day", required=True, callback=as_of_day, metavar="YYYY-MM-DD",
              help="The day to compare to: 'entered' is in on this day, not on --from.")
@segment_option
@click.option("--summary", is_flag=True, help="Counts per segment and label instead of the customers.")
@format_option
@user_errors
def diff_command(target: str, table: str, from_day: date, to_day: date, segment: str | None, summary: bool,
                 fmt: str) -> None:
    """Who entered and who left each segment between two materialized days."""
    from ..run import history, runner

    with runner.open_target(target) as db:
        counts = history.diff_summary(db, table, from_day, to_day, segment)
        result = counts if summary else history.diff(db, table, from_day, to_day, segment)
        notes = history.setting_notes(db, table, from_day, to_day)
    output.show(result.columns, result.rows, fmt)
    for note in notes:
        output.echo(f"note: {note}", err=True)
    if not summary:
        entered = sum(row[4] for row in counts.rows)
        left = sum(row[5] for row in counts.rows)
        output.echo(f"{from_day.isoformat()} -> {to_day.isoformat()}: {entered} entered, {left} left "
                   f"(--summary: per segment)", err=True)


@main.command("demo")
@click.argument("file", type=FilePath(dir_okay=False))
@user_errors
def demo_command(file: str) -> None:
    """Write the demo data into a new DuckDB file (to try materialize and diff)."""
    from ..run.demo import DEMO_AS_OF, write_demo

    write_demo(file)
    output.echo(f"{file}: demo data written (its last day: {DEMO_AS_OF.isoformat()})")


@main.command("lsp")
@user_errors
def lsp_command() -> None:
    """Serve the language server protocol over stdio (for editors)."""
    try:
        from ..tools.lsp.server import serve
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] not in ("pygls", "lsprotocol"):
            raise
        from ..errors import error

        raise error("the language server needs pygls", None, "install it: pip install 'segdsl[lsp]'") from None
    serve()

