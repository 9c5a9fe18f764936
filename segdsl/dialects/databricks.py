"""Databricks: Spark SQL, with Spark's corrections."""

from __future__ import annotations

from .spark import Spark


class Databricks(Spark):
    name = "databricks"
