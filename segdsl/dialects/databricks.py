"""Databricks: Spark SQL, with Spark's corrections (a timestamp moves by INTERVAL n DAY, which every runtime
reads). The other forms sqlglot prints for Databricks (DATEADD and DATEDIFF with a unit) need Databricks
Runtime 10.4 LTS or later, so that is the minimum runtime (README, Dialects)."""

from __future__ import annotations

from .spark import Spark


class Databricks(Spark):
    name = "databricks"
