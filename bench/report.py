"""The benchmark's results as a printed table and a Markdown summary (bench/results.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .compile_bench import CompileTiming, Skipped
from .data import AS_OF, DataSize
from .jobs_bench import JobsTiming
from .suite import ProposalResult, Runs, SegmentResult, WholeFileResult, geometric_mean


@dataclass
class Results:
    machine: dict[str, str]
    size: DataSize
    runs: int
    command: str
    load_before: str
    load_after: str = ""
    segments: list[SegmentResult] = field(default_factory=list)
    whole: WholeFileResult | None = None
    whole_agrees: bool | None = None
    scaling: list[WholeFileResult] = field(default_factory=list)
    dialects: list[CompileTiming] = field(default_factory=list)
    compile_scaling: list[CompileTiming | Skipped] = field(default_factory=list)
    compile_scaling_no_copies: list[CompileTiming | Skipped] = field(default_factory=list)
    no_copies_same_sql: bool | None = None
    no_copies_checked_segments: int = 0
    proposals: list[ProposalResult] = field(default_factory=list)
    not_applicable: list[tuple[str, str]] = field(default_factory=list)
    jobs: list[JobsTiming] = field(default_factory=list)


def _s(seconds: float) -> str:
    return f"{seconds:.3f}" if seconds < 10 else f"{seconds:.1f}"


def _mb(runs: Runs | None) -> str:
    return "-" if runs is None or runs.peak_rss is None else f"{runs.peak_rss / 2**20:.0f}"


def _x(ratio: float | None) -> str:
    return "-" if ratio is None else f"{ratio:.2f}x"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _members(segment: SegmentResult) -> str:
    fingerprint = segment.members
    if list(fingerprint) == ["members"]:
        return f"{fingerprint['members'][0]:,}"
    return ", ".join(f"{label} {count:,}" for label, (count, _) in sorted(fingerprint.items()))


def targets(results: Results) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for each target of issue 4 that was measured."""
    found: list[tuple[str, str, bool | None]] = []
    if results.segments:
        ratios = [s.ratio for s in results.segments]
        gm, worst = geometric_mean(ratios), max(results.segments, key=lambda s: s.ratio)
        found.append(("generated within 1.25x of hand-written (geometric mean)", f"{gm:.2f}x", gm <= 1.25))
        found.append(("no segment worse than 2x", f"worst {worst.name} {worst.ratio:.2f}x", worst.ratio <= 2))
        with_pandas = [s for s in results.segments if s.pandas is not None]
        if with_pandas:
            slowest = min(with_pandas, key=lambda s: s.pandas_ratio)
            found.append(("faster than pandas on every segment (incl. loading)",
                          f"closest {slowest.name}: pandas {slowest.pandas_ratio:.2f}x the generated time",
                          all(s.pandas_ratio > 1 for s in with_pandas)))
        found.append(("same members everywhere", "all agree" if all(s.agrees for s in results.segments)
                      else "DIFFERENCES: " + ", ".join(s.name for s in results.segments if not s.agrees),
                      all(s.agrees for s in results.segments) and results.whole_agrees is not False))
    if results.whole:
        found.append(("whole file within 2x of the one-scan floor", f"{results.whole.ratio:.2f}x",
                      results.whole.ratio <= 2))
    if len(results.scaling) >= 2:
        per_row = [w.wide.median / w.size.orders for w in results.scaling]
        spread = max(per_row) / min(per_row)
        found.append(("linear in rows (time per order across sizes)", f"max/min time per order {spread:.2f}",
                      spread <= 1.5))
    if results.dialects:
        slowest = min(results.dialects, key=lambda t: t.segments_per_second)
        slowest_cpu = min(results.dialects, key=lambda t: t.cpu_segments_per_second)
        found.append((f"≥1,000 segments/s compiled per dialect ({slowest.segments:,}-segment file; "
                      "met: by CPU time, wall time in parentheses)",
                      f"slowest {slowest_cpu.dialect}: {slowest_cpu.cpu_segments_per_second:,.0f}/s "
                      f"({slowest.dialect}: {slowest.segments_per_second:,.0f}/s)",
                      slowest_cpu.cpu_segments_per_second >= 1000))
    measured = [t for t in results.compile_scaling if isinstance(t, CompileTiming)]
    if len(measured) >= 2:
        per = [t.total_seconds / t.segments for t in measured]
        skipped = [t for t in results.compile_scaling if isinstance(t, Skipped)]
        found.append(("linear compile time in segments", f"ms/segment {1000 * per[0]:.2f} → {1000 * per[-1]:.2f}"
                      + (f"; {skipped[0].segments:,} skipped" if skipped else ""),
                      per[-1] / per[0] <= 1.5 and not skipped))
    return found


def markdown(results: Results) -> str:
    lines = ["# segdsl benchmark results", "",
             f"Command: `{results.command}`  ", f"Data: {results.size.label} (seed {results.size.seed}), "
             f"as of {AS_OF.isoformat()}; medians of {results.runs} alternating runs, each in a fresh process.", ""]
    lines += _table(["machine", ""], [[k, v] for k, v in results.machine.items()]
                    + [["load average (1, 5, 15 min)", f"before: {results.load_before}; after: {results.load_after}"]])
    lines += ["", "## Targets (issue 4)", ""]
    lines += _table(["target", "measured", "met"],
                    [[name, value, {True: "yes", False: "**no**", None: "-"}[met]]
                     for name, value, met in targets(results)])
    if results.segments:
        lines += ["", "## Segments: generated SQL vs hand-written SQL vs pandas", "",
                  "Times in seconds (wall clock, median). ratio = generated / hand-written; cpu ratio = the same "
                  "for the process's CPU time; pandas = pandas / generated (above 1: the SQL is faster). "
                  "Peak memory = the measuring process's peak RSS in MiB (interpreter, libraries and DuckDB's "
                  "buffer pool included).", ""]
        rows = []
        for s in results.segments:
            rows.append([s.name, _members(s), _s(s.generated.median), _s(s.handwritten.median), _x(s.ratio),
                         _x(s.cpu_ratio), _s(s.pandas.median) if s.pandas else "-", _x(s.pandas_ratio),
                         f"{_mb(s.generated)} / {_mb(s.handwritten)} / {_mb(s.pandas)}",
                         "yes" if s.agrees else "**NO**"])
        gm = geometric_mean([s.ratio for s in results.segments])
        gm_cpu = geometric_mean([s.cpu_ratio for s in results.segments])
        with_pandas = [s.pandas_ratio for s in results.segments if s.pandas]
        rows.append(["**geometric mean**", "", "", "", f"**{gm:.2f}x**", f"{gm_cpu:.2f}x", "",
                     _x(geometric_mean(with_pandas)) if with_pandas else "-", "", ""])
        lines += _table(["segment", "members", "generated", "hand-written", "ratio", "cpu ratio", "pandas",
                         "pandas / gen", "peak MiB gen / hand / pandas", "same members"], rows)
    if results.whole:
        w = results.whole
        separate = sum(s.generated.median for s in results.segments if not s.name.startswith("_"))
        lines += ["", "## Whole file (wide table, every segment) vs the one-scan floor", "",
                  "floor: `SELECT customer_id, count(*), sum(amount), max(ordered_at) FROM shop.orders GROUP BY 1`; "
                  "separately: the sum of the generated per-segment medians above.", ""]
        lines += _table(["query", "seconds", "vs floor", "peak MiB"],
                        [["whole file", _s(w.wide.median), _x(w.ratio), _mb(w.wide)],
                         ["floor", _s(w.floor.median), "1.00x", _mb(w.floor)],
                         ["each segment separately (sum)", _s(separate), _x(separate / w.floor.median), "-"]]
                        + ([[f"whole file without the sequence segments ({', '.join(w.sequence_segments)})",
                             _s(w.without_sequences.median), _x(w.without_sequences.median / w.floor.median),
                             _mb(w.without_sequences)]] if w.without_sequences else []))
        lines += ["", "Whole-file members equal each segment's own query: "
                  + ("yes" if results.whole_agrees else "**NO**")]
    if results.scaling:
        lines += ["", "## Row scaling (whole file)", ""]
        lines += _table(["data", "whole file s", "floor s", "vs floor", "whole file s per 1M orders", "peak MiB"],
                        [[w.size.label, _s(w.wide.median), _s(w.floor.median), _x(w.ratio),
                          _s(w.wide.median / w.size.orders * 1e6), _mb(w.wide)] for w in results.scaling])
    if results.dialects:
        n = results.dialects[0].segments
        lines += ["", f"## Compile throughput: a generated file of {n:,} segments, whole file, per dialect", "",
                  "parse + check is shared by every dialect; SQL = building and printing the statement.", ""]
        lines += _table(["dialect", "parse + check s", "SQL s", "segments/s", "segments/s by CPU time",
                         "SQL characters"],
                        [[t.dialect, _s(t.load_seconds), _s(t.sql_seconds), f"{t.segments_per_second:,.0f}",
                          f"{t.cpu_segments_per_second:,.0f}", f"{t.sql_chars:,}"] for t in results.dialects])
    for title, timings in (("Compile scaling (duckdb, whole file)", results.compile_scaling),
                           ("Proposal, compile scaling without sqlglot's defensive copies (duckdb, whole file)",
                            results.compile_scaling_no_copies)):
        if not timings:
            continue
        lines += ["", f"## {title}", ""]
        rows = []
        for t in timings:
            if isinstance(t, Skipped):
                rows.append([f"{t.segments:,}", "skipped", f"estimated {t.estimate_seconds:,.0f} s from the growth "
                             "between the two previous sizes", "-", "-"])
            else:
                rows.append([f"{t.segments:,}", _s(t.load_seconds), _s(t.sql_seconds),
                             f"{1000 * t.total_seconds / t.segments:.2f}", f"{t.segments_per_second:,.0f}"])
        lines += _table(["segments", "parse + check s", "SQL s", "ms per segment", "segments/s"], rows)
    if results.no_copies_same_sql is not None:
        lines += ["", f"Same SQL text with and without the copies ({results.no_copies_checked_segments:,} segments, "
                  "every dialect): "
                  + ("yes" if results.no_copies_same_sql else "**NO**")]
    if results.proposals or results.not_applicable:
        lines += ["", "## Proposed SQL shapes (bench/proposals.py): hand-modified compiled SQL", ""]
        rows = [[p.name, p.description, _s(p.current.median), _s(p.proposed.median), _x(p.ratio),
                 "yes" if p.agrees else "**NO**"] for p in results.proposals]
        rows += [[name, f"not applicable: {why}", "-", "-", "-", "-"] for name, why in results.not_applicable]
        lines += _table(["proposal", "change", "compiled s", "proposed s", "proposed / compiled", "same members"],
                        rows)
    if results.jobs:
        lines += ["", "## Jobs scaling (bench/jobs_bench.py: duckdb, the demo shop, simple segments)", "",
                  "whole file = the whole-file query alone (`sizes`), which both jobs wrap; materialize = one day "
                  "into a new history table; overlap = every pair of segments. Seconds, one run each.", ""]
        lines += _table(["segments", "whole file s", "materialize s", "history rows", "rows per second",
                         "overlap s"],
                        [[f"{t.segments:,}", _s(t.whole_file_seconds), _s(t.materialize_seconds), f"{t.rows:,}",
                          f"{t.rows / t.materialize_seconds:,.0f}",
                          "-" if t.overlap_seconds is None else _s(t.overlap_seconds)] for t in results.jobs])
    return "\n".join(lines) + "\n"
