"""The forms of rules 11 to 14 against an expert's hand-written SQL, on DuckDB and PostgreSQL.

    python -m bench.future_bench                                   # 1M customers, 10M orders, 3 runs
    python -m bench.future_bench --customers 100000 --orders 1000000 --runs 3 --no-postgres

One segment per form (bench/future.seg): active_weeks, active_months, active_days, sessions, an
anniversary in the next days with years_since, a count of conditions (`at least 2 of`), a median and a most
frequent value. Each is compiled for DuckDB and for PostgreSQL as of 2026-06-30 and timed against the
hand-written query an analyst who knows the rule would write for the same question (HANDWRITTEN below: a
filtered GROUP BY with a distinct count of the period, LAG for sessions, a month-and-day filter for the
anniversary, a sum of CASEs in HAVING for the count, the engine's own exact median or PERCENTILE_DISC, and for
the most frequent value the counts per category with the first kept by QUALIFY or DISTINCT ON), alternating
runs, medians compared; every pair must return the same members (count and key sum).

The data is bench/data.py's shop. DuckDB runs each measurement in a fresh process (bench/measure.py).
PostgreSQL is a throwaway cluster of Debian's server (the tests' harness, tests/engines/postgres.py)
loaded with the two tables' needed columns by COPY, analyzed, `work_mem` 256MB (an expert's setting for
an analytical query, given to both); queries run in one session after a warm-up run each, as a caller
runs them (the members fetched, see postgres_timer). `--postgres URL` uses a server of your own instead
(its schema `shop` is replaced).
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

import segdsl

from .data import AS_OF, DataSize, database
from .measure import Fingerprint, measure, members_task

HERE = Path(__file__).resolve().parent
SEGMENTS = HERE / "future.seg"
ENGINES = ("duckdb", "postgres")

# as of 2026-06-30: in last 4 weeks from 06-03, in last 6 months from 2025-12-31, in last 90 days from 04-02;
# anniversaries in the next 7 days are 07-01 .. 07-07 (no year end or 29 February in between); two years
# before D is 2024-06-30
_BOUNDS = {"end": "TIMESTAMP '2026-07-01 00:00:00'", "w4": "TIMESTAMP '2026-06-03 00:00:00'",
           "m6": "TIMESTAMP '2025-12-31 00:00:00'", "d90": "TIMESTAMP '2026-04-02 00:00:00'",
           "d30": "TIMESTAMP '2026-06-01 00:00:00'", "d365": "TIMESTAMP '2025-07-01 00:00:00'"}
# rule 13: every condition reads only the last 365 days, so a customer without an order in them meets none
_BROAD = """
            SELECT customer_id FROM shop.orders WHERE ordered_at >= {d365} AND ordered_at < {end}
            GROUP BY customer_id
            HAVING CASE WHEN max(ordered_at) >= {d30} THEN 1 ELSE 0 END + CASE WHEN count(*) >= 12 THEN 1 ELSE 0 END
                   + CASE WHEN coalesce(sum(amount) FILTER (WHERE ordered_at >= {d90}), 0) > 500 THEN 1 ELSE 0 END
                   >= 2"""

HANDWRITTEN: dict[str, dict[str, str]] = {
    "weekly_regulars": {
        "duckdb": """
            SELECT customer_id FROM shop.orders WHERE ordered_at >= {w4} AND ordered_at < {end}
            GROUP BY customer_id
            HAVING count(DISTINCT date_diff('day', CAST(ordered_at AS DATE), DATE '2026-06-30') // 7) >= 3""",
        "postgres": """
            SELECT customer_id FROM shop.orders WHERE ordered_at >= {w4} AND ordered_at < {end}
            GROUP BY customer_id
            HAVING count(DISTINCT (DATE '2026-06-30' - CAST(ordered_at AS DATE)) / 7) >= 3""",
    },
    # month k runs from the day after D less k months to D less k - 1 months: with D on the 30th, a day up to
    # the 30th belongs with the month before it
    "monthly_regulars": {
        "duckdb": """
            SELECT customer_id FROM shop.orders WHERE ordered_at >= {m6} AND ordered_at < {end}
            GROUP BY customer_id
            HAVING count(DISTINCT year(ordered_at) * 12 + month(ordered_at)
                                  - CASE WHEN day(ordered_at) <= 30 THEN 1 ELSE 0 END) >= 4""",
        "postgres": """
            SELECT customer_id FROM shop.orders WHERE ordered_at >= {m6} AND ordered_at < {end}
            GROUP BY customer_id
            HAVING count(DISTINCT EXTRACT(YEAR FROM ordered_at) * 12 + EXTRACT(MONTH FROM ordered_at)
                                  - CASE WHEN EXTRACT(DAY FROM ordered_at) <= 30 THEN 1 ELSE 0 END) >= 4""",
    },
    "frequent_days": {
        "duckdb": """
            SELECT customer_id FROM shop.orders WHERE ordered_at >= {d90} AND ordered_at < {end}
            GROUP BY customer_id HAVING count(DISTINCT CAST(ordered_at AS DATE)) >= 5""",
        "postgres": """
            SELECT customer_id FROM shop.orders WHERE ordered_at >= {d90} AND ordered_at < {end}
            GROUP BY customer_id HAVING count(DISTINCT CAST(ordered_at AS DATE)) >= 5""",
    },
    "bingers": {
        "duckdb": """
            SELECT customer_id FROM (
                SELECT customer_id, ordered_at,
                       lag(ordered_at) OVER (PARTITION BY customer_id ORDER BY ordered_at) AS previous
                FROM shop.orders WHERE ordered_at >= {d90} AND ordered_at < {end}
            ) AS o
            GROUP BY customer_id
            HAVING count(*) FILTER (WHERE previous IS NULL OR previous + INTERVAL 6 HOUR < ordered_at) >= 3""",
        "postgres": """
            SELECT customer_id FROM (
                SELECT customer_id, ordered_at,
                       lag(ordered_at) OVER (PARTITION BY customer_id ORDER BY ordered_at) AS previous
                FROM shop.orders WHERE ordered_at >= {d90} AND ordered_at < {end}
            ) AS o
            GROUP BY customer_id
            HAVING count(*) FILTER (WHERE previous IS NULL OR previous + INTERVAL '6 hours' < ordered_at) >= 3""",
    },
    "signup_week": {
        "duckdb": """
            SELECT customer_id FROM shop.customers
            WHERE month(signup_date) = 7 AND day(signup_date) BETWEEN 1 AND 7
              AND signup_date <= DATE '2024-06-30'""",
        "postgres": """
            SELECT customer_id FROM shop.customers
            WHERE EXTRACT(MONTH FROM signup_date) = 7 AND EXTRACT(DAY FROM signup_date) BETWEEN 1 AND 7
              AND signup_date <= DATE '2024-06-30'""",
    },
}


HANDWRITTEN["broad_buyers"] = {"duckdb": _BROAD, "postgres": _BROAD}
# rule 14, exactly: DuckDB's own median of the amounts with one more decimal place (of the DECIMAL(10,2) itself it
# rounds the mean of two middle values to cents); PostgreSQL's PERCENTILE_CONT is a double, so the two middle
# values are PERCENTILE_DISC from either end. The most frequent category: counts per customer and category, the
# first by count and category (code point: COLLATE "C" on PostgreSQL, whose mode() takes a tie arbitrarily)
HANDWRITTEN["typical_big_basket"] = {
    "duckdb": """
        SELECT customer_id FROM shop.orders WHERE ordered_at >= {d365} AND ordered_at < {end}
        GROUP BY customer_id HAVING median(CAST(amount AS DECIMAL(11, 3))) > 40""",
    "postgres": """
        SELECT customer_id FROM shop.orders WHERE ordered_at >= {d365} AND ordered_at < {end}
        GROUP BY customer_id
        HAVING percentile_disc(0.5) WITHIN GROUP (ORDER BY amount)
               + percentile_disc(0.5) WITHIN GROUP (ORDER BY amount DESC) > 80""",
}
HANDWRITTEN["book_lovers"] = {
    "duckdb": """
        SELECT customer_id FROM (
            SELECT customer_id, category, count(*) AS n FROM shop.orders
            WHERE ordered_at < {end} AND category IS NOT NULL GROUP BY customer_id, category
        ) AS g
        QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY n DESC, category) = 1 AND category = 'books'""",
    "postgres": """
        SELECT customer_id FROM (
            SELECT DISTINCT ON (customer_id) customer_id, category FROM (
                SELECT customer_id, category, count(*) AS n FROM shop.orders
                WHERE ordered_at < {end} AND category IS NOT NULL GROUP BY customer_id, category
            ) AS g
            ORDER BY customer_id, n DESC, category COLLATE "C"
        ) AS f
        WHERE category = 'books'""",
}


def handwritten_sql(segment: str, engine: str) -> str:
    return HANDWRITTEN[segment][engine].format(**_BOUNDS).strip()


@dataclass
class Comparison:
    segment: str
    engine: str
    compiled: list[float]
    handwritten: list[float]
    members: int

    @property
    def ratio(self) -> float:
        return statistics.median(self.compiled) / statistics.median(self.handwritten)


Timer = Callable[[str], tuple[float, Fingerprint]]


def compare(segment: str, engine: str, compiled: str, handwritten: str, timer: Timer, runs: int) -> Comparison:
    """Alternating runs of the two queries (on PostgreSQL after a warm-up run each: the table in shared buffers
    and the OS cache); their members must agree."""
    if engine == "postgres":
        timer(compiled)
        timer(handwritten)
    times: dict[str, list[float]] = {"compiled": [], "handwritten": []}
    prints: dict[str, Fingerprint] = {}
    for _ in range(runs):
        for name, sql in (("compiled", compiled), ("handwritten", handwritten)):
            seconds, fingerprint = timer(sql)
            times[name].append(seconds)
            if prints.setdefault(name, fingerprint) != fingerprint:
                raise RuntimeError(f"{segment} on {engine}: the {name} query gave different results on two runs")
    if prints["compiled"] != prints["handwritten"]:
        raise RuntimeError(f"{segment} on {engine}: the members differ: compiled {prints['compiled']}, "
                           f"hand-written {prints['handwritten']}")
    return Comparison(segment, engine, times["compiled"], times["handwritten"], prints["compiled"]["members"][0])


def duckdb_timer(db: Path, isolate: bool = True) -> Timer:
    def run(sql: str) -> tuple[float, Fingerprint]:
        result = measure(members_task(str(db), sql), isolate=isolate)
        return result.seconds, result.fingerprint
    return run


def load_postgres(connection, db: Path) -> None:
    """The columns the segments read, copied from the DuckDB file into the schema `shop`, analyzed."""
    with tempfile.TemporaryDirectory() as folder, duckdb.connect(str(db), read_only=True) as source:
        with connection.cursor() as cur:
            cur.execute("DROP SCHEMA IF EXISTS shop CASCADE")
            cur.execute("CREATE SCHEMA shop")
            cur.execute("CREATE TABLE shop.customers (customer_id BIGINT, signup_date DATE)")
            cur.execute("CREATE TABLE shop.orders (customer_id BIGINT, ordered_at TIMESTAMP, amount NUMERIC(12, 2), "
                        "category TEXT)")
            for table, columns in (("customers", "customer_id, signup_date"),
                                   ("orders", "customer_id, ordered_at, amount, category")):
                path = Path(folder) / f"{table}.csv"
                source.execute(f"COPY (SELECT {columns} FROM shop.{table}) TO '{path}' (HEADER false)")
                with cur.copy(f"COPY shop.{table} ({columns}) FROM STDIN (FORMAT csv)") as copy, path.open("rb") as f:
                    while chunk := f.read(1 << 20):
                        copy.write(chunk)
            cur.execute("ANALYZE shop.customers")
            cur.execute("ANALYZE shop.orders")


def postgres_timer(connection) -> Timer:
    """The query as a caller runs it (`segdsl run --segment`): its members fetched, then counted here. (Wrapped
    in an aggregate, PostgreSQL may plan a parallel join whose every worker builds the whole hash table of
    the customers' features, work no caller of the segment query pays for.)"""
    def run(sql: str) -> tuple[float, Fingerprint]:
        with connection.cursor() as cur:
            start = time.perf_counter()
            cur.execute(sql)
            keys = [row[0] for row in cur.fetchall()]
            seconds = time.perf_counter() - start
        return seconds, {"members": (len(keys), sum(keys))}
    return run


def _postgres(url: str | None):
    """A connection (and the throwaway server to close, when segdsl started one)."""
    import psycopg

    if url:
        return psycopg.connect(url, autocommit=True), None
    sys.path.insert(0, str(HERE.parent / "tests"))  # the tests' engine harness, as pytest puts it on the path
    from engines.postgres import PostgresEngine

    server = PostgresEngine()
    return server.connection, server


@contextmanager
def engine_timer(engine: str, db: Path, size: DataSize, progress: Callable[[str], None], postgres_url: str | None,
                 postgres_connection, isolate: bool, duckdb: Callable[[Path, bool], Timer] | None = None,
                 postgres: Callable[[object], Timer] | None = None,
                 load: Callable[[object, Path], None] = load_postgres) -> Iterator[Timer]:
    """A timer of queries on one engine: DuckDB's file in a fresh process per measurement (`isolate`), or
    PostgreSQL loaded with the data by `load` and `work_mem` set (a throwaway server, closed after, unless a
    connection or URL is given). `duckdb` and `postgres` make the timers (default: a segment's members)."""
    if engine == "duckdb":
        yield (duckdb or duckdb_timer)(db, isolate)
        return
    connection, server = (postgres_connection, None) if postgres_connection else _postgres(postgres_url)
    try:
        progress(f"loading {size.label} into PostgreSQL")
        load(connection, db)
        connection.execute("SET work_mem = '256MB'")
        yield (postgres or postgres_timer)(connection)
    finally:
        if server is not None:
            server.close()


def run(size: DataSize, runs: int, engines: tuple[str, ...], postgres_url: str | None = None,
        progress: Callable[[str], None] = print, data_dir: Path | None = None, postgres_connection=None,
        isolate: bool = True) -> list[Comparison]:
    """Each segment on each engine, compiled against hand-written; `postgres_connection` an open one to use."""
    program = segdsl.load_file(SEGMENTS)
    db = database(size, data_dir)
    found: list[Comparison] = []
    for engine in engines:
        with engine_timer(engine, db, size, progress, postgres_url, postgres_connection, isolate) as timer:
            for segment in HANDWRITTEN:
                compiled = segdsl.to_sql(program, engine, segment, AS_OF)
                result = compare(segment, engine, compiled, handwritten_sql(segment, engine), timer, runs)
                progress(f"{engine} {segment}: {result.ratio:.2f}x ({result.members} members)")
                found.append(result)
    return found


def report(results: list[Comparison], size: DataSize, runs: int, title: str = "Rules 11 to 14") -> str:
    lines = [f"# {title} against hand-written SQL ({size.label}, {runs} runs, as of {AS_OF})", "",
             "| segment | engine | members | compiled (s) | hand-written (s) | ratio |", "|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r.segment} | {r.engine} | {r.members:,} | {statistics.median(r.compiled):.3f} | "
                     f"{statistics.median(r.handwritten):.3f} | {r.ratio:.2f}x |")
    lines.append("")
    for engine in dict.fromkeys(r.engine for r in results):
        ratios = [r.ratio for r in results if r.engine == engine]
        mean = math.exp(sum(math.log(x) for x in ratios) / len(ratios))
        lines.append(f"- {engine}: geometric mean {mean:.2f}x, worst {max(ratios):.2f}x")
    return "\n".join(lines) + "\n"


def command_line(argv: list[str] | None, module: str, description: str, out: Path,
                 bench: Callable[..., list[Comparison]], title: str) -> int:
    """`python -m bench.<module>`: the sizes, runs and engines from the arguments; the report printed and
    written to `out` (or --out)."""
    parser = argparse.ArgumentParser(prog=f"python -m bench.{module}", description=description)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-postgres", action="store_true", help="DuckDB only")
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server of your own (schema shop replaced)")
    parser.add_argument("--out", type=Path, default=out)
    args = parser.parse_args(argv)
    size = DataSize(args.customers, args.orders)
    engines = ENGINES[:1] if args.no_postgres else ENGINES
    results = bench(size, args.runs, engines, args.postgres, lambda line: print(line, file=sys.stderr, flush=True))
    text = report(results, size, args.runs, title)
    args.out.write_text(text)
    print(text)
    return 0


def main(argv: list[str] | None = None) -> int:
    return command_line(argv, "future_bench", __doc__.splitlines()[0], HERE / "results_future.md", run,
                        "Rules 11 to 14")


if __name__ == "__main__":
    sys.exit(main())
