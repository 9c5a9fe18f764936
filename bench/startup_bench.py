"""The command line's start-up: each command in a fresh process, as an analyst runs it.

    python -m bench.startup_bench              # 5 runs each, medians

Times `segdsl --help`, `segdsl check` and `segdsl compile --segment` of examples/retail.seg (targets: at most
0.2 s), and `segdsl compile` of a generated 1,000-segment file (bench/compile_bench.py's) for every dialect,
start-up included (target: 1,000 segments per second or more). Wall times of `python -m segdsl`, the
grammar's parser tables already in the user's cache (the first command after an install builds them once)
and the package's bytecode compiled, as pip leaves an installed package (in a checkout, Python writes it
on the first run unless PYTHONDONTWRITEBYTECODE forbids it; without it every command compiles segdsl's
sources again, about 0.07 s more).
"""

from __future__ import annotations

import argparse
import compileall
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import segdsl
from segdsl.dialect_names import DIALECTS

from .compile_bench import generated_program

ROOT = Path(__file__).resolve().parents[1]
RETAIL = str(ROOT / "examples" / "retail.seg")
SEGMENTS = 1000


def seconds(args: list[str], runs: int) -> float:
    """The median wall time of `python -m segdsl ARGS` in a fresh process (after one run to warm the caches)."""
    command = [sys.executable, "-m", "segdsl", *args]
    subprocess.run(command, check=True, capture_output=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(runs: int) -> str:
    compileall.compile_dir(str(Path(segdsl.__file__).parent), quiet=1)
    lines = [f"# Start-up: each command in a fresh process (median of {runs} runs)", "",
             "| command | seconds | target |", "|---|---|---|"]
    for name, args in (("segdsl --help", ["--help"]), ("segdsl check examples/retail.seg", ["check", RETAIL]),
                       ("segdsl compile examples/retail.seg --segment lapsed",
                        ["compile", RETAIL, "--segment", "lapsed"])):
        lines.append(f"| `{name}` | {seconds(args, runs):.3f} | ≤ 0.2 s |")
    lines += ["", f"| dialect | `segdsl compile` of {SEGMENTS:,} segments (s) | segments per second | target |",
              "|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "big.seg"
        big.write_text(generated_program(SEGMENTS))
        for dialect in DIALECTS:
            took = seconds(["compile", str(big), "--dialect", dialect], max(1, runs // 2))
            lines.append(f"| {dialect} | {took:.2f} | {SEGMENTS / took:,.0f} | ≥ 1,000 |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results_startup.md")
    args = parser.parse_args(argv)
    text = report(args.runs)
    args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
