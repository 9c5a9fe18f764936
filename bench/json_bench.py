"""Segments over a tracking log's JSON properties (rule 17) against an analyst's hand-written SQL, on DuckDB and
PostgreSQL.

    python -m bench.json_bench                                    # 1M customers, 10M tracks, 3 runs
    python -m bench.json_bench --customers 200000 --orders 2000000 --runs 3

bench/json.seg reads web.tracks' `properties` (bench/json_data.py: as many rows as orders): a text equality
on a nested key, a number compared and summed, and two paths in one scan. Each is compiled for DuckDB and
PostgreSQL as of 2026-06-30 and timed against what an analyst writes (HANDWRITTEN below): the engine's JSON
operator and a cast of the price (DuckDB's TRY_CAST; PostgreSQL's ::numeric, which a string that is no number
would stop with an error: the analyst knows the data is clean). segdsl's number is exact on any data (rule 17:
a string in JSON's number syntax, else missing), so its SQL checks the text first. The column is DuckDB's JSON
type and PostgreSQL's jsonb, what an analyst who keeps JSON in those engines has. Every pair must find the
same members (count and key sum). DuckDB runs each measurement in a fresh process; PostgreSQL is a throwaway
cluster, `work_mem` 256MB, a warm-up run each, as in bench/future_bench.py.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import duckdb

import segdsl

from . import json_data
from .data import AS_OF, DataSize
from .future_bench import ENGINES as ENGINES  # re-exported: the engines it runs on
from .future_bench import Comparison, command_line, compare, engine_timer

HERE = Path(__file__).resolve().parent
SEGMENTS = HERE / "json.seg"

_END = "TIMESTAMP '2026-07-01 00:00:00'"  # as of 2026-06-30: tracks before 07-01 exist
_SOURCE = {"duckdb": "properties->>'$.utm.source'", "postgres": "properties->'utm'->>'source'"}
_PRICE = {"duckdb": "TRY_CAST(properties->>'$.price' AS DOUBLE)", "postgres": "(properties->>'price')::numeric"}


def handwritten(engine: str) -> dict[str, str]:
    """The analyst's SQL of each segment on an engine."""
    source, price = _SOURCE[engine], _PRICE[engine]
    return {
        "google_regulars": f"""
            SELECT user_id AS customer_id FROM web.tracks WHERE {source} = 'google' AND ts < {_END}
            GROUP BY user_id HAVING count(*) >= 3""",
        "premium_viewers": f"""
            SELECT user_id AS customer_id FROM web.tracks WHERE {price} > 100 AND ts < {_END}
            GROUP BY user_id HAVING sum({price}) > 1000""",
        "newsletter_big_tickets": f"""
            SELECT DISTINCT user_id AS customer_id FROM web.tracks
            WHERE {source} = 'newsletter' AND {price} > 200 AND ts < {_END}""",
    }


def load_postgres(connection, db: Path) -> None:
    """shop.customers and web.tracks (properties as jsonb), copied from the DuckDB file, analyzed."""
    tables = {"shop.customers": "customer_id BIGINT",
              "web.tracks": "user_id BIGINT, ts TIMESTAMP, event TEXT, properties JSONB"}
    with tempfile.TemporaryDirectory() as folder, duckdb.connect(str(db), read_only=True) as source:
        with connection.cursor() as cur:
            for schema in ("shop", "web"):
                cur.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
                cur.execute(f"CREATE SCHEMA {schema}")
            for table, declared in tables.items():
                columns = ", ".join(part.split()[0] for part in declared.split(", "))
                cur.execute(f"CREATE TABLE {table} ({declared})")
                path = Path(folder) / f"{table}.csv"
                source.execute(f"COPY (SELECT {columns} FROM {table}) TO '{path}' (HEADER false)")
                with cur.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)") as copy, path.open("rb") as f:
                    while chunk := f.read(1 << 20):
                        copy.write(chunk)
                cur.execute(f"ANALYZE {table}")


def run(size: DataSize, runs: int, engines: tuple[str, ...], postgres_url: str | None = None,
        progress: Callable[[str], None] = print, data_dir: Path | None = None, postgres_connection=None,
        isolate: bool = True) -> list[Comparison]:
    """Each segment on each engine, compiled against hand-written; `postgres_connection` an open one to use."""
    program = segdsl.load_file(SEGMENTS)
    db = json_data.database(size, data_dir)
    found: list[Comparison] = []
    for engine in engines:
        with engine_timer(engine, db, size, progress, postgres_url, postgres_connection, isolate,
                          load=load_postgres) as timer:
            for segment, sql in handwritten(engine).items():
                compiled = segdsl.to_sql(program, engine, segment, AS_OF)
                result = compare(segment, engine, compiled, sql.strip(), timer, runs)
                progress(f"{engine} {segment}: {result.ratio:.2f}x ({result.members} members)")
                found.append(result)
    return found


def main(argv: list[str] | None = None) -> int:
    return command_line(argv, "json_bench", __doc__.splitlines()[0], HERE / "results_json.md", run,
                        "JSON properties (rule 17; a tracking log as large as the orders)")


if __name__ == "__main__":
    sys.exit(main())
