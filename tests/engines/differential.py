"""Differential checks shared by the per-engine modules (tests/engines/test_engine_<name>.py).

`check_generated_programs(engine)` draws random valid programs with random
data (tests/engines/programs.py), loads each data set into the engine once, runs
every segment's and segmentation's compiled query (and, for about one case
in four, the whole-file query) and requires exactly the members and labels
that tests/engines/oracle.py computes from LANGUAGE.md.

The number of cases per engine is SEGDSL_DIFF_EXAMPLES (default 300). The
seed is random per run and printed (and named in every failure message);
rerun a failure with SEGDSL_DIFF_SEED=<seed>, or paste the printed
@reproduce_failure blob. Hypothesis also replays a failure it saved in
.hypothesis/ before anything else.
"""

from __future__ import annotations

import os
import random
import time

from hypothesis import HealthCheck, given, note, seed, settings
from refusals import is_md5_refusal, is_zone_refusal

from segdsl.compile.compiler import to_sql
from segdsl.errors import SegdslError

from . import oracle
from .programs import Case, cases
from .values import comparable_row

EXAMPLES = int(os.environ.get("SEGDSL_DIFF_EXAMPLES", "300"))

STATS: dict[str, dict[str, float]] = {}


def _seed() -> int:
    return int(os.environ.get("SEGDSL_DIFF_SEED") or random.SystemRandom().randrange(2 ** 32))


def check_generated_programs(engine, examples: int = EXAMPLES) -> None:
    """Random programs on random data: the engine's results must equal the oracle's."""
    run_seed = _seed()
    print(f"differential {engine.name}: seed {run_seed} (rerun with SEGDSL_DIFF_SEED={run_seed})")
    stats = STATS.setdefault(engine.name, {"cases": 0, "queries": 0, "seconds": 0.0})

    @seed(run_seed)
    @settings(max_examples=examples, deadline=None, print_blob=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.large_base_example])
    @given(case=cases())
    def generated_program(case: Case) -> None:
        began = time.perf_counter()
        stats["queries"] += check_case(engine, case, f"seed {run_seed}")
        stats["cases"] += 1
        stats["seconds"] += time.perf_counter() - began

    generated_program()
    print(f"differential {engine.name}: {stats['cases']:.0f} cases, {stats['queries']:.0f} queries, "
          f"{stats['seconds']:.1f}s in load + queries")


def check_case(engine, case: Case, context: str = "") -> int:
    """Load one case, run each target's query; returns the number of queries run."""
    program = case.program()
    rows = case.rows()
    members = oracle.evaluate(program, rows, case.as_of)
    labels = oracle.labels(program, rows, case.as_of)
    engine.load(case.tables)
    queries = 0
    for name in [*program.segments, *program.segmentations]:
        got = _run(engine, program, name, case, context)
        queries += 1
        if got is None:
            continue
        if name in members:
            keys = [row[0] for row in got]
            _same(engine, name, case, context, _sorted(keys), _sorted(members[name]), program)
        else:
            # a split's query keeps the customers it labels (rule 18)
            expected = [(key, label) for key, label in labels[name].items() if label is not None
                        or program.segmentations[name].split is None]
            _same(engine, name, case, context, _sorted(got), _sorted(expected), program)
    if case.whole:
        got = _run(engine, program, None, case, context)
        queries += 1
        if got is None:
            return queries
        width = len(program.segments)
        traits_from = 1 + width + len(program.segmentations)
        normalized = [comparable_row((row[0], *(bool(v) if v is not None else None for v in row[1:1 + width]),
                                      *row[1 + width:]), traits_from) for row in got]
        expected = [comparable_row((key, *values), traits_from)
                    for key, values in oracle.wide(program, rows, case.as_of).items()]
        _same(engine, None, case, context, _sorted(normalized), _sorted(expected), program)
    return queries


def _run(engine, program, name: str | None, case: Case, context: str) -> list[tuple] | None:
    """The rows of a target's query; None where the dialect refuses it by rule 9 or 18 (as it must)."""
    try:
        sql = to_sql(program, engine.dialect, name, case.as_of)
    except SegdslError as exc:
        if is_zone_refusal(exc, engine.dialect) or is_md5_refusal(exc, engine.dialect):
            return None
        raise
    note(f"{engine.name} SQL for {name or 'the whole file'}:\n{sql}")
    try:
        return engine.query(sql)
    except Exception as exc:  # the compiled SQL must run on every engine
        raise AssertionError(f"{engine.name} rejected the SQL of {name or 'the whole file'} ({context}): "
                             f"{type(exc).__name__}: {exc}\n{sql}") from None


def _sorted(values) -> list:
    return sorted(values, key=repr)


def _same(engine, name, case: Case, context: str, got: list, expected: list, program) -> None:
    if got == expected:
        return
    extra = [v for v in got if v not in expected]
    missing = [v for v in expected if v not in got]
    target = name or "the whole file"
    raise AssertionError(f"{engine.name} disagrees with the oracle on {target} ({context}, as of {case.as_of}):\n"
                         f"  only the engine: {extra}\n  only the oracle: {missing}\n"
                         f"program:\n{case.source}params: {case.params}\n"
                         f"SQL:\n{to_sql(program, engine.dialect, name, case.as_of)}")
