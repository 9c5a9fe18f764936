"""The options and argument types the commands share, and how a command reports a user error."""

from __future__ import annotations

import functools
import sys
from datetime import date

import click

from ..errors import SegdslError, render
from ..run.demo_day import DEMO_AS_OF
from . import output


def as_of_day(ctx, param, value: str | None) -> date | None:
    """A day YYYY-MM-DD, or an instant YYYY-MM-DDTHH:MM in the program's zone (a datetime, rule 10)."""
    from ..lang.timeline import parse_as_of

    if value is None:
        return None
    try:
        return parse_as_of(value)
    except ValueError as exc:
        if "calendar" in str(exc) or "offset" in str(exc):
            raise click.BadParameter(str(exc)) from None
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD or an instant YYYY-MM-DDTHH:MM") from None


class FilePath(click.Path):
    """click.Path, refusing a NUL: no file name holds one (click's own check raised a ValueError)."""

    def convert(self, value, param, ctx):
        if "\0" in str(value):
            self.fail(f"{value!r} holds a NUL character, which no file name can", param, ctx)
        return super().convert(value, param, ctx)


def _params(ctx, param, values: tuple[str, ...]) -> dict[str, str]:
    parsed = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{item!r} is not NAME=VALUE")
        parsed[name.strip()] = value
    return parsed


def _names(ctx, param, values: tuple[str, ...]) -> tuple[str, ...]:
    """--with NAME,... (repeatable): the names in order, blanks dropped."""
    return tuple(name.strip() for value in values for name in value.split(",") if name.strip())


def table_models(ctx, param, values: tuple[str, ...]) -> dict[str, str]:
    """--ref TABLE=MODEL pairs."""
    parsed = {}
    for item in values:
        table, sep, model = item.partition("=")
        if not sep or not table.strip() or not model.strip():
            raise click.BadParameter(f"{item!r} is not TABLE=MODEL")
        parsed[table.strip()] = model.strip()
    return parsed


def user_errors(command):
    """Print SegdslErrors with their source and exit 1."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except SegdslError as exc:
            output.echo(render(exc), err=True)
            sys.exit(1)

    return wrapper


as_of_option = click.option("--as-of", callback=as_of_day, metavar="YYYY-MM-DD[THH:MM]",
                            help="Evaluate as of the end of this day, or as of this instant in the program's time "
                                 "zone (default: the database's current date; "
                                 f"on the demo data, its last day {DEMO_AS_OF.isoformat()}).")
param_option = click.option("--param", "params", multiple=True, callback=_params, metavar="NAME=VALUE",
                            help="Override a parameter of the file (repeatable).")
segment_option = click.option("--segment", metavar="NAME", help="One segment or segmentation (default: all).")
with_option = click.option("--with", "with_names", multiple=True, callback=_names, metavar="NAME,...",
                           help="With --segment: also a column per trait, segmentation, segment or entity column "
                                "named, or path from the entity (a lookup's column, a JSON key) (comma-separated, "
                                "repeatable), e.g. --with ltv,email,regions.name.")
format_option = click.option("--format", "fmt", type=click.Choice(output.FORMATS), default="table", show_default=True)
table_option = click.option("--table", required=True, metavar="NAME", help="The history table: TABLE or SCHEMA.TABLE.")


def db_option(help: str, required: bool = False):
    """--db TARGET, or the SEGDSL_DB environment variable; `env:NAME` reads another variable."""
    return click.option("--db", "target", metavar="TARGET", envvar="SEGDSL_DB", show_envvar=True,
                        required=required, help=help + " `env:NAME` reads the variable NAME.")
