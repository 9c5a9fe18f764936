"""The benchmark's comparisons: each runs alternating measurements and checks members.

- segments: per segment, compiled SQL vs the hand-written SQL (and pandas);
- whole file: the wide table of all segments vs the one-scan floor;
- row scaling: the whole file at fractions of the data set;
- proposals: hand-modified compiled SQL (bench/proposals.py) vs the compiled SQL.
"""

from __future__ import annotations

import dataclasses
import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

import segdsl
from segdsl.lang import ast
from segdsl.lang import model as m
from segdsl.lang.model import Program, Segmentation, SegmentRef

from . import handwritten, proposals
from .data import AS_OF, DataSize, database
from .measure import (
    Fingerprint,
    Measurement,
    Task,
    labels_task,
    measure,
    members_task,
    pandas_task,
    rows_task,
    wide_task,
)

Progress = Callable[[str], None]


@dataclass
class Runs:
    """The repeated measurements of one contender."""

    measurements: list[Measurement] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(m.seconds for m in self.measurements)

    @property
    def cpu_median(self) -> float:
        return statistics.median(m.cpu_seconds for m in self.measurements)

    @property
    def peak_rss(self) -> int | None:
        peaks = [m.peak_rss for m in self.measurements if m.peak_rss is not None]
        return max(peaks) if peaks else None

    @property
    def base_rss(self) -> int | None:
        bases = [m.base_rss for m in self.measurements if m.base_rss is not None]
        return min(bases) if bases else None

    @property
    def fingerprint(self) -> Fingerprint:
        first = self.measurements[0].fingerprint
        if any(m.fingerprint != first for m in self.measurements):
            raise RuntimeError("a query returned different results on different runs")
        return first


def alternate(tasks: dict[str, Task], runs: int, isolate: bool) -> dict[str, Runs]:
    """Measure each task `runs` times, interleaved: A, B, A, B, ..."""
    results = {name: Runs() for name in tasks}
    for _ in range(runs):
        for name, task in tasks.items():
            results[name].measurements.append(measure(task, isolate))
    return results


@dataclass
class SegmentResult:
    name: str
    generated: Runs
    handwritten: Runs
    pandas: Runs | None

    @property
    def ratio(self) -> float:
        """Generated over hand-written time: above 1 is slower than the expert."""
        return self.generated.median / self.handwritten.median

    @property
    def cpu_ratio(self) -> float:
        return self.generated.cpu_median / self.handwritten.cpu_median

    @property
    def pandas_ratio(self) -> float | None:
        """pandas over generated time: above 1 is slower than the generated SQL."""
        return self.pandas.median / self.generated.median if self.pandas else None

    @property
    def members(self) -> Fingerprint:
        return self.generated.fingerprint

    @property
    def agrees(self) -> bool:
        same = self.generated.fingerprint == self.handwritten.fingerprint
        return same and (self.pandas is None or self.pandas.fingerprint == self.generated.fingerprint)


def geometric_mean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


def _is_segmentation(program: Program, name: str) -> bool:
    return isinstance(program.target(name), Segmentation)


def segment_task(program: Program, db: str, name: str, sql: str) -> Task:
    return (labels_task if _is_segmentation(program, name) else members_task)(db, sql)


def compare_segments(program: Program, db: str, runs: int, isolate: bool, with_pandas: bool,
                     progress: Progress) -> list[SegmentResult]:
    results = []
    for name in handwritten.segments():
        progress(f"segment {name}")
        tasks = {"generated": segment_task(program, db, name, segdsl.to_sql(program, "duckdb", name, AS_OF)),
                 "handwritten": segment_task(program, db, name, handwritten.handwritten_sql(name, AS_OF))}
        if with_pandas:
            tasks["pandas"] = pandas_task(db, name, AS_OF)
        done = alternate(tasks, runs, isolate)
        results.append(SegmentResult(name, done["generated"], done["handwritten"], done.get("pandas")))
    return results


@dataclass
class WholeFileResult:
    size: DataSize
    wide: Runs
    floor: Runs
    without_sequences: Runs | None = None  # the whole file less its sequence segments, where it has any
    sequence_segments: tuple[str, ...] = ()

    @property
    def ratio(self) -> float:
        return self.wide.median / self.floor.median


def whole_file_task(program: Program, db: str, sql: str | None = None) -> Task:
    """The whole-file query (compiled, unless `sql` is given) reduced to members per segment and label."""
    labels = {name: [*(label for label, _ in s.rules), s.otherwise] for name, s in program.segmentations.items()}
    sql = sql if sql is not None else segdsl.to_sql(program, "duckdb", None, AS_OF)
    return wide_task(db, sql, list(program.segments), labels)


def whole_file(program: Program, size: DataSize, runs: int, isolate: bool, data_dir, progress: Progress
               ) -> WholeFileResult:
    db = str(database(size, data_dir))
    progress(f"whole file, {size.label}")
    tasks = {"wide": whole_file_task(program, db), "floor": rows_task(db, handwritten.FLOOR)}
    reduced, dropped = without_sequences(program)
    if dropped and (reduced.segments or reduced.segmentations):
        tasks["without_sequences"] = whole_file_task(reduced, db)
    done = alternate(tasks, runs, isolate)
    return WholeFileResult(size, done["wide"], done["floor"], done.get("without_sequences"), dropped)


def without_sequences(program: Program) -> tuple[Program, tuple[str, ...]]:
    """The program less every segment and segmentation that uses a sequence (`A then B`), directly or
    through another segment: what the whole file costs apart from sorting events in time order."""
    def uses(node: object) -> bool:
        if isinstance(node, (m.Sequence, m.Journey)):
            return True
        if isinstance(node, SegmentRef):
            return uses(program.segments[node.name].condition)
        if isinstance(node, ast.Node):
            return any(uses(item) for value in vars(node).values()
                       for item in (value if isinstance(value, tuple) else (value,)))
        return False

    segments = {n: s for n, s in program.segments.items() if not uses(s.condition)}
    segmentations = {n: s for n, s in program.segmentations.items() if not any(uses(c) for _, c in s.rules)}
    dropped = tuple(n for n in [*program.segments, *program.segmentations]
                    if n not in segments and n not in segmentations)
    return dataclasses.replace(program, segments=segments, segmentations=segmentations), dropped


def whole_file_agrees(result: WholeFileResult, segments: list[SegmentResult]) -> bool:
    """Every segment's members in the wide table equal its own query's members."""
    wide = result.wide.fingerprint
    for segment in segments:
        for label, value in segment.members.items():
            column = segment.name if label == "members" else f"{segment.name}={label}"
            if wide.get(column, (0, 0)) != value:
                return False
    return True


@dataclass
class ProposalResult:
    name: str
    description: str
    current: Runs
    proposed: Runs

    @property
    def ratio(self) -> float:
        return self.proposed.median / self.current.median

    @property
    def agrees(self) -> bool:
        return self.current.fingerprint == self.proposed.fingerprint


def compare_proposals(program: Program, db: str, runs: int, isolate: bool, progress: Progress
                      ) -> tuple[list[ProposalResult], list[tuple[str, str]]]:
    """Measured proposals, and (name, reason) for those that no longer apply to the compiled SQL."""
    results, skipped = [], []
    for proposal in proposals.PROPOSALS:
        compiled = segdsl.to_sql(program, "duckdb", proposal.segment, AS_OF)
        try:
            rewritten = proposal.sql(compiled)
        except proposals.NotApplicable as exc:
            skipped.append((proposal.name, str(exc)))
            continue
        progress(f"proposal {proposal.name}")
        if proposal.segment is None:
            current, proposed = whole_file_task(program, db), whole_file_task(program, db, rewritten)
        else:
            current = segment_task(program, db, proposal.segment, compiled)
            proposed = segment_task(program, db, proposal.segment, rewritten)
        done = alternate({"current": current, "proposed": proposed}, runs, isolate)
        results.append(ProposalResult(proposal.name, proposal.description, done["current"], done["proposed"]))
    return results, skipped
