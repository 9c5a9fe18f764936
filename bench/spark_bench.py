"""A whole file on Spark through Spark Connect: `python -m bench.spark_bench [--file retail] [options]`.

The whole file of bench/segments.seg (or, with `--file retail`, of examples/retail.seg), compiled by
segdsl for Spark, against an expert's hand-written Spark SQL for the same segments
(bench/handwritten_spark.py, bench/handwritten_spark_retail.py) and against the floor, on the generated
data of bench/data.py (and bench/retail_data.py): written once to Parquet by DuckDB (beside its DuckDB
file), then registered in Spark as external tables (`segdsl_bench.customers`, `segdsl_bench.orders`,
...: a database of the benchmark's own, dropped at the end; the programs read it instead of `shop`,
`web` and `support`).

Spark runs in a local Spark Connect server that this command starts from pyspark's own jars
(tests/engines/spark_connect.py: local[2], loopback, `--driver-memory`), or in the one `--url` names.
Each contender runs once to warm up (code generation, the JVM's JIT), then `--runs` times,
alternating; medians are reported, with the server's CPU time when it is local. Every query is
reduced to member counts and key sums per segment and label, which must agree between the compiled
and the hand-written query. Exit code 1 when they do not.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import duckdb
from sqlglot import exp

import segdsl
from segdsl.lang.model import Program

from . import machine
from .data import AS_OF, DataSize
from .spark_files import FILES, BenchFile

HERE = Path(__file__).resolve().parent
DATABASE = "segdsl_bench"

Fingerprint = dict[str, tuple[int, int]]


@dataclass
class Contender:
    name: str
    sql: str                      # reduced to one row: a count and a key sum (a checksum) per name
    names: tuple[str, ...]
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    fingerprint: Fingerprint | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(self.cpu_seconds) if self.cpu_seconds else None


@dataclass
class SparkResults:
    file: BenchFile
    size: DataSize
    runs: int
    command: str
    machine: dict[str, str]
    load_before: str
    compiled: Contender
    expert: Contender
    floor: Contender
    load_after: str = ""
    warm_up: dict[str, float] = field(default_factory=dict)

    @property
    def agrees(self) -> bool:
        return self.compiled.fingerprint == self.expert.fingerprint


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.spark_bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", choices=sorted(FILES), default="segments",
                        help="bench/segments.seg (default) or examples/retail.seg")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=3,
                        help="alternating timed runs per query, median reported (0: the warm-up runs alone, which "
                             "check the members)")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="where the generated data is kept (default: $TMPDIR/segdsl-bench)")
    parser.add_argument("--url", default=None, help="a running Spark Connect server (default: start a local one)")
    parser.add_argument("--driver-memory", default="4g", help="the local server's heap")
    parser.add_argument("--out", type=Path, default=None,
                        help="the Markdown report to write (default: bench/results_spark.md, "
                             "bench/results_spark_retail.md with --file retail)")
    return parser.parse_args(argv)


def parquet_folder(file: BenchFile, size: DataSize, data_dir: Path | None = None) -> Path:
    """A folder with a subfolder of Parquet per table of `file` (customers/, orders/, ...), written from
    the DuckDB data set when missing. Timestamps are written with UTC time zone (Spark TIMESTAMP),
    decimals as decimals, dates as dates."""
    source = file.database(size, data_dir)
    folder = source.with_name(source.stem + "_parquet")
    if not folder.exists():
        partial = folder.with_name(folder.name + ".partial")
        with duckdb.connect(str(source), read_only=True) as con:
            con.execute("SET TimeZone = 'UTC'")
            con.execute("SET enable_progress_bar = false")
            for table, source_table in file.tables.items():
                (partial / table).mkdir(parents=True, exist_ok=True)
                schema, name = source_table.split(".")
                stamps = [column for column, in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
                    "AND data_type = 'TIMESTAMP' ORDER BY ordinal_position", [schema, name]).fetchall()]
                replace = f" REPLACE ({', '.join(f'{c}::TIMESTAMPTZ AS {c}' for c in stamps)})" if stamps else ""
                con.execute(f"COPY (SELECT *{replace} FROM {source_table}) "
                            f"TO '{partial / table / 'part-0.parquet'}' (FORMAT parquet)")
        partial.rename(folder)
    return folder


def register(spark: Any, file: BenchFile, folder: Path) -> None:
    """The benchmark's database, with the tables of `file` as external Parquet tables over the folder."""
    spark.sql(f"DROP DATABASE IF EXISTS {DATABASE} CASCADE")
    spark.sql(f"CREATE DATABASE {DATABASE}")
    for table in file.tables:
        spark.sql(f"CREATE TABLE {DATABASE}.{table} USING parquet LOCATION "
                  f"{exp.Literal.string(str(folder / table)).sql('spark')}")


def member_tests(program: Program) -> dict[str, exp.Expr]:
    """Per segment and per segmentation label (`lifecycle=new`), the test of membership in a wide row."""
    tests: dict[str, exp.Expr] = {name: exp.column(name, quoted=True) for name in program.segments}
    for name, segmentation in program.segmentations.items():
        for label in dict.fromkeys([*(label for label, _ in segmentation.rules), segmentation.otherwise]):
            tests[f"{name}={label}"] = exp.EQ(this=exp.column(name, quoted=True),
                                              expression=exp.Literal.string(label))
    return tests


def fingerprint_sql(query: str, tests: dict[str, exp.Expr]) -> str:
    """A whole-file query reduced to one row: per test, its member count and the sum of their keys."""
    parts = []
    for test in tests.values():
        keys = exp.Case(ifs=[exp.If(this=test.copy(), true=exp.column("customer_id"))])
        parts += [exp.func("count_if", test.copy()), exp.func("coalesce", exp.Sum(this=keys), exp.Literal.number(0))]
    return f"SELECT {', '.join(part.sql('spark') for part in parts)} FROM ({query}) AS q"


def contenders(file: BenchFile, program: Program) -> tuple[Contender, Contender, Contender]:
    tests = member_tests(program)
    floor = f"SELECT count(*), sum(pmod(hash(*), 1000)) FROM ({file.floor_sql(DATABASE)}) AS q"
    return (Contender("whole file, compiled by segdsl",
                      fingerprint_sql(segdsl.to_sql(program, "spark", None, AS_OF), tests), tuple(tests)),
            Contender("whole file, an expert's Spark SQL",
                      fingerprint_sql(file.whole_file_sql(AS_OF, DATABASE), tests), tuple(tests)),
            Contender(file.floor_name, floor, ("rows",)))


def _server_cpu(pid: int | None) -> float | None:
    """The server process's user + system CPU seconds so far (Linux), when it runs here."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _measure(spark: Any, contender: Contender, pid: int | None) -> float:
    """One run: its wall-clock seconds; its server CPU time is kept when `pid` is given."""
    cpu, start = _server_cpu(pid), time.perf_counter()
    values = list(spark.sql(contender.sql).collect()[0])
    seconds = time.perf_counter() - start
    after = _server_cpu(pid)
    if cpu is not None and after is not None:
        contender.cpu_seconds.append(after - cpu)
    found = {name: (int(values[2 * i]), int(values[2 * i + 1] or 0)) for i, name in enumerate(contender.names)}
    if contender.fingerprint not in (None, found):
        raise RuntimeError(f"{contender.name} returned different results on different runs")
    contender.fingerprint = found
    return seconds


def run(args: argparse.Namespace, url: str | None = None, progress=None) -> SparkResults:
    """Every measurement; on the server at `url` (or args.url), else on a local server started here."""
    say = progress or (lambda text: print(f"[spark bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr,
                                          flush=True))
    file = FILES[args.file]
    size = DataSize(args.customers, args.orders, args.seed)
    program = file.program_over(DATABASE)
    say(f"data: {size.label}")
    folder = parquet_folder(file, size, args.data_dir)
    server = None
    url = url or args.url
    if url is None:
        say(f"starting a local Spark Connect server ({args.driver_memory} heap)")
        server = _local_server(args.driver_memory)
        url = server.url
    pid = server.pid if server is not None else None
    from pyspark.sql.connect.session import SparkSession

    spark = SparkSession.builder.remote(url).create()
    try:
        register(spark, file, folder)
        compiled, expert, floor = contenders(file, program)
        results = SparkResults(file, size, args.runs, "python -m bench.spark_bench " + shlex.join(sys.argv[1:]),
                               {**machine.describe(), "pyspark": _version("pyspark"), "Java": _java(),
                                "Spark server": f"local[2], {args.driver_memory} heap" if server else url},
                               machine.load_average(), compiled, expert, floor)
        for contender in (compiled, expert, floor):
            say(f"warm-up: {contender.name}")
            results.warm_up[contender.name] = _measure(spark, contender, None)
        for round_ in range(args.runs):
            for contender in (compiled, expert, floor):
                say(f"run {round_ + 1}/{args.runs}: {contender.name}")
                contender.seconds.append(_measure(spark, contender, pid))
        results.load_after = machine.load_average()
        return results
    finally:
        spark.sql(f"DROP DATABASE IF EXISTS {DATABASE} CASCADE")  # external tables: the files stay
        spark.stop()
        if server is not None:
            server.close()


def _local_server(driver_memory: str) -> Any:
    sys.path.insert(0, str(HERE.parent / "tests"))  # the tests' engine harness, as pytest puts it on the path
    from engines.spark_connect import SparkConnectServer

    return SparkConnectServer(driver_memory=driver_memory)


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _java() -> str:
    import subprocess

    try:
        done = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (done.stderr.splitlines() or ["unknown"])[0]


def markdown(results: SparkResults) -> str:
    c, e, f = results.compiled, results.expert, results.floor

    def figure(value: float | None, unit: str = "") -> str:
        return "-" if value is None else f"{value:.2f}{unit}"

    def ratio(a: float | None, b: float | None) -> str:
        return "-" if a is None or b is None else f"{a / b:.2f}x"

    lines = [f"# segdsl on Spark Connect: {results.file.title}", "",
             f"Command: `{results.command}`  ",
             f"Data: {results.size.label} (seed {results.size.seed}), as of {AS_OF.isoformat()}, Parquet; "
             f"medians of {results.runs} alternating runs after one warm-up run each; time = the client's wall "
             "clock for the query and its one-row result, server CPU = the Spark server process's CPU time.", ""]
    lines += ["| machine |  |", "|---|---|"] + [f"| {k} | {v} |" for k, v in results.machine.items()]
    lines += [f"| load average (1, 5, 15 min) | before: {results.load_before}; after: {results.load_after} |", ""]
    lines += ["| query | seconds | vs expert | vs floor | server CPU s | CPU vs expert | warm-up s |",
              "|---|---|---|---|---|---|---|"]
    for contender in (c, e, f):
        lines.append(f"| {contender.name} | {figure(contender.median)} | {ratio(contender.median, e.median)} | "
                     f"{ratio(contender.median, f.median)} | {figure(contender.cpu_median)} | "
                     f"{ratio(contender.cpu_median, e.cpu_median)} | {figure(results.warm_up[contender.name])} |")
    lines += ["", "Same members (count and key sum per segment and label), compiled and expert: "
              + ("yes" if results.agrees else "**NO**"), ""]
    lines += ["| segment or label | members |", "|---|---|"]
    lines += [f"| {name} | {count:,} |" for name, (count, _) in (c.fingerprint or {}).items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results = run(args)
    text = markdown(results)
    print(text)
    out = args.out or FILES[args.file].out
    out.write_text(text, encoding="utf-8")
    print(f"written: {out}", file=sys.stderr)
    if not results.agrees:
        print("MEMBERS DIFFER between the compiled and the hand-written query", file=sys.stderr)
    return 0 if results.agrees else 1


if __name__ == "__main__":
    sys.exit(main())
