"""The command line: thin click commands over the library.

Exit codes: 0 ok, 1 a user error (program, data or parameter), 2 a usage
error (click's own). Errors print as file:line:col with a caret; never a
traceback.
"""

from __future__ import annotations

import functools
import sys
from datetime import date

import click

from . import compiler, output, runner
from .dialects import DIALECTS
from .errors import SegdslError, render


def _as_of(ctx, param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD") from None


def _params(ctx, param, values: tuple[str, ...]) -> dict[str, str]:
    parsed = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{item!r} is not NAME=VALUE")
        parsed[name.strip()] = value
    return parsed


def _user_errors(command):
    """Print SegdslErrors with their source and exit 1."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except SegdslError as exc:
            click.echo(render(exc), err=True)
            sys.exit(1)

    return wrapper


as_of_option = click.option("--as-of", callback=_as_of, metavar="YYYY-MM-DD",
                            help="Evaluate as of the end of this day (default: the database's current date).")
param_option = click.option("--param", "params", multiple=True, callback=_params, metavar="NAME=VALUE",
                            help="Override a parameter of the file (repeatable).")
segment_option = click.option("--segment", metavar="NAME", help="One segment or segmentation (default: all).")


@click.group()
@click.version_option(package_name="segdsl")
def main() -> None:
    """segdsl: customer segments compiled to SQL for your own warehouse."""


@main.command("compile")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--dialect", type=click.Choice(DIALECTS), default="duckdb", show_default=True)
@segment_option
@as_of_option
@param_option
@_user_errors
def compile_command(file: str, dialect: str, segment: str | None, as_of: date | None, params: dict[str, str]) -> None:
    """Print the SQL of a segment, a segmentation, or the whole file."""
    program = compiler.load_file(file, params)
    click.echo(compiler.to_sql(program, dialect, segment, as_of) + ";")


@main.command("run")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--db", "target", metavar="TARGET", help="DuckDB file or folder of CSV/Parquet files (default: demo data).")
@segment_option
@as_of_option
@param_option
@click.option("--format", "fmt", type=click.Choice(output.FORMATS), default="table", show_default=True)
@_user_errors
def run_command(file: str, target: str | None, segment: str | None, as_of: date | None, params: dict[str, str],
                fmt: str) -> None:
    """Run on DuckDB: a segment's members, or every segment's size."""
    program = compiler.load_file(file, params)
    if target is None and as_of is None:
        from .demo import DEMO_AS_OF

        as_of = DEMO_AS_OF
        click.echo(f"demo data, as of {as_of.isoformat()}", err=True)
    con = runner.open_target(target, program)
    try:
        result = (runner.members(con, program, segment, as_of) if segment is not None
                  else runner.sizes(con, program, as_of))
    finally:
        con.close()
    click.echo(output.render(result.columns, result.rows, fmt), nl=False)


@main.command("check")
@click.argument("file", type=click.Path(dir_okay=False))
@param_option
@_user_errors
def check_command(file: str, params: dict[str, str]) -> None:
    """Parse and check a file; exit 0 when it is clean."""
    program = compiler.load_file(file, params)
    click.echo(f"{file}: ok ({len(program.segments)} segments, {len(program.segmentations)} segmentations)")


@main.command("lsp")
@_user_errors
def lsp_command() -> None:
    """Serve the language server protocol over stdio (for editors)."""
    try:
        from .lsp import serve
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] not in ("pygls", "lsprotocol"):
            raise
        from .errors import error

        raise error("the language server needs pygls", None, "install it: pip install 'segdsl[lsp]'") from None
    serve()
