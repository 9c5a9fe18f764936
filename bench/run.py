"""The benchmark's command line: `python -m bench [options]` (see bench/README.md)."""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

import segdsl

from . import compile_bench, jobs_bench, machine, report, suite
from .data import DataSize, database

HERE = Path(__file__).resolve().parent
SEGMENTS_FILE = HERE / "segments.seg"
ROW_FACTORS = (0.25, 0.5, 1.0)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=5, help="alternating runs per measurement (median reported)")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="where the generated DuckDB files are kept (default: $TMPDIR/segdsl-bench)")
    parser.add_argument("--fresh", action="store_true", help="regenerate the data even if a file exists")
    parser.add_argument("--out", type=Path, default=HERE / "results.md", help="the Markdown summary to write")
    parser.add_argument("--no-pandas", action="store_true", help="skip the pandas comparison")
    parser.add_argument("--no-row-scaling", action="store_true")
    parser.add_argument("--no-proposals", action="store_true")
    parser.add_argument("--compile-segments", type=int, default=1000,
                        help="segments in the generated file compiled for every dialect (0: skip)")
    parser.add_argument("--compile-sizes", default="100,300,1000,10000",
                        help="comma-separated file sizes for compile scaling ('': skip)")
    parser.add_argument("--compile-budget", type=float, default=300.0,
                        help="skip a compile-scaling size whose extrapolated time exceeds this many seconds")
    parser.add_argument("--jobs-sizes", default="250,500,1000,2000,4000",
                        help="comma-separated segment counts for materialize and overlap scaling ('': skip)")
    parser.add_argument("--in-process", action="store_true",
                        help="measure in this process: faster, but no memory figures (used by the smoke test)")
    return parser.parse_args(argv)


def run(args: argparse.Namespace, progress=None) -> report.Results:
    """Every measurement the options ask for."""
    say = progress or (lambda text: print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True))
    size = DataSize(args.customers, args.orders, args.seed)
    isolate = not args.in_process
    results = report.Results(machine.describe(), size, args.runs, "python -m bench " + shlex.join(sys.argv[1:]),
                             machine.load_average())
    program = segdsl.load_file(SEGMENTS_FILE)
    say(f"data: {size.label}")
    db = str(database(size, args.data_dir, args.fresh))

    results.segments = suite.compare_segments(program, db, args.runs, isolate, not args.no_pandas, say)
    results.whole = suite.whole_file(program, size, args.runs, isolate, args.data_dir, say)
    results.whole_agrees = suite.whole_file_agrees(results.whole, results.segments)
    if not args.no_row_scaling:
        for factor in ROW_FACTORS:
            scaled = size.scaled(factor)
            results.scaling.append(results.whole if factor == 1.0 else
                                   suite.whole_file(program, scaled, args.runs, isolate, args.data_dir, say))
    if not args.no_proposals:
        results.proposals, results.not_applicable = suite.compare_proposals(program, db, args.runs, isolate, say)
    if args.compile_segments:
        say(f"compile: {args.compile_segments:,} segments for every dialect")
        results.dialects = compile_bench.compile_timings(args.compile_segments, repeat=3)
    sizes = [int(n) for n in args.compile_sizes.split(",") if n.strip()]
    if sizes:
        say(f"compile scaling: {sizes}")
        results.compile_scaling = compile_bench.scaling(sizes, args.compile_budget)
        if not args.no_proposals:
            say("compile scaling without sqlglot's defensive copies (proposal)")
            results.compile_scaling_no_copies = compile_bench.scaling(sizes, args.compile_budget, no_copies=True)
            results.no_copies_checked_segments = min(max(sizes), 300)
            results.no_copies_same_sql = compile_bench.same_sql_without_copies(results.no_copies_checked_segments)
    jobs = [int(n) for n in args.jobs_sizes.split(",") if n.strip()]
    if jobs:
        say(f"jobs scaling: {jobs}")
        results.jobs = jobs_bench.jobs_timings(jobs)
    results.load_after = machine.load_average()
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results = run(args)
    text = report.markdown(results)
    print(text)
    args.out.write_text(text, encoding="utf-8")
    print(f"written: {args.out}", file=sys.stderr)
    agree = all(s.agrees for s in results.segments) and results.whole_agrees is not False
    agree = agree and all(p.agrees for p in results.proposals)
    if not agree:
        print("MEMBERS DIFFER between the contenders: see the tables above", file=sys.stderr)
    return 0 if agree else 1
