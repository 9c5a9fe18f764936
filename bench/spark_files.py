"""The files the Spark benchmark measures (`python -m bench.spark_bench --file NAME`): each with its
.seg file, the generated DuckDB data it reads, the tables it needs in Spark, an expert's Spark SQL for
the whole file and the floor that the whole file cannot beat.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import segdsl
from segdsl.lang.model import Program

from . import data, handwritten_spark, handwritten_spark_retail, retail_data
from .data import DataSize

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class BenchFile:
    """A .seg file under measurement, and everything the Spark benchmark needs to measure it."""

    name: str
    path: Path
    title: str                                            # what the report's heading names
    tables: dict[str, str]                                # the table in Spark -> the DuckDB table it copies
    database: Callable[[DataSize, Path | None], Path]     # the DuckDB file holding those tables
    whole_file_sql: Callable[[date, str], str]            # the expert's query, as of a day, over a database
    floor_sql: Callable[[str], str]
    floor_name: str
    out: Path                                             # the default report

    def program_over(self, database: str) -> Program:
        """The file with every table it declares read from `database` (`shop.orders` is
        `database.orders`), under the names of `tables`."""
        text = re.sub(r"(?m)^((?:events\s+)?\w+\s+from\s+)\w+\.", rf"\g<1>{database}.", self.path.read_text())
        return segdsl.load_text(text, self.path.name)


FILES = {
    "segments": BenchFile(
        "segments", HERE / "segments.seg", "the benchmark's whole file",
        {"customers": "shop.customers", "orders": "shop.orders"},
        lambda size, data_dir: data.database(size, data_dir),
        handwritten_spark.whole_file_sql, handwritten_spark.floor_sql, "floor: one aggregate scan of orders",
        HERE / "results_spark.md"),
    "retail": BenchFile(
        "retail", HERE.parent / "examples" / "retail.seg", "the retail whole file (examples/retail.seg)",
        {"customers": "shop.customers", "orders": "shop.orders", "page_views": "web.page_views",
         "tickets": "support.tickets", "events": "web.events"},
        lambda size, data_dir: retail_data.database(size, data_dir),
        handwritten_spark_retail.whole_file_sql, handwritten_spark_retail.floor_sql,
        "floor: one aggregate scan of each event table", HERE / "results_spark_retail.md"),
}
