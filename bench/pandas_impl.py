"""The segments of bench/segments.seg in idiomatic pandas.

Each function loads the columns it needs from DuckDB into DataFrames (the
loading is part of the measured time: that is what a pandas workflow pays)
and returns the members' keys, or for the segmentation a Series of labels
indexed by key. Amounts arrive as float64 (DuckDB's DECIMAL -> pandas), so
sums are rounded to cents before they are compared or ranked.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import duckdb
import numpy as np
import pandas as pd


def _orders(con: duckdb.DuckDBPyConnection, as_of: date, *columns: str) -> pd.DataFrame:
    """Orders up to the end of the as-of day (columns: customer_id, ordered_at and `columns`)."""
    names = ", ".join(["customer_id", "ordered_at", *columns])
    frame = con.sql(f"SELECT {names} FROM shop.orders").df()
    return frame[frame["ordered_at"] < _day(as_of, 1)]


def _customers(con: duckdb.DuckDBPyConnection, *columns: str) -> pd.DataFrame:
    return con.sql(f"SELECT {', '.join(['customer_id', *columns])} FROM shop.customers").df()


def _day(as_of: date, offset: int) -> pd.Timestamp:
    return pd.Timestamp(datetime.combine(as_of + timedelta(days=offset), time()))


def young_women_na(con, as_of):
    c = _customers(con, "age", "gender", "country")
    keep = c["age"].between(18, 34) & (c["gender"] == "F") & c["country"].isin(["US", "CA"])
    return c.loc[keep, "customer_id"].to_numpy()


def active_30(con, as_of):
    o = _orders(con, as_of)
    return o.loc[o["ordered_at"] >= _day(as_of, -29), "customer_id"].unique()


def lapsed(con, as_of):
    last = _orders(con, as_of).groupby("customer_id")["ordered_at"].max()
    return last.index[last < _day(as_of, -89)].to_numpy()


def dormant(con, as_of):
    last = _orders(con, as_of).groupby("customer_id")["ordered_at"].max()
    days_since = (pd.Timestamp(as_of) - last.dt.normalize()).dt.days
    return last.index[days_since > 180].to_numpy()


def frequent(con, as_of):
    o = _orders(con, as_of)
    counts = o.loc[o["ordered_at"] >= _day(as_of, -364), "customer_id"].value_counts()
    return counts.index[counts >= 12].to_numpy()


def high_value(con, as_of):
    spend = _orders(con, as_of, "amount").groupby("customer_id")["amount"].sum().round(2)
    return spend.index[spend >= 2000].to_numpy()


def _top_spenders(con, as_of, customers: pd.DataFrame) -> pd.Index:
    spend = _orders(con, as_of, "amount").groupby("customer_id")["amount"].sum().round(2)
    spend = spend.reindex(customers["customer_id"], fill_value=0.0)
    place = spend.rank(method="min", ascending=False)
    return spend.index[place <= math.ceil(0.10 * len(spend))]


def top_spenders(con, as_of):
    return _top_spenders(con, as_of, _customers(con)).to_numpy()


def flower_fans(con, as_of):
    o = _orders(con, as_of, "category")
    recent = o[(o["category"] == "flowers") & (o["ordered_at"] >= _day(as_of, -179))]
    counts = recent["customer_id"].value_counts()
    return counts.index[counts >= 2].to_numpy()


def quick_repeat(con, as_of):
    o = _orders(con, as_of).sort_values(["customer_id", "ordered_at"])
    gap = o["ordered_at"].diff()
    same = o["customer_id"].eq(o["customer_id"].shift())
    return o.loc[same & (gap <= pd.Timedelta(days=7)), "customer_id"].unique()


def one_and_done(con, as_of):
    stats = _orders(con, as_of).groupby("customer_id")["ordered_at"].agg(["count", "max"])
    return stats.index[(stats["count"] == 1) & (stats["max"] < _day(as_of, -89))].to_numpy()


def lifecycle(con, as_of):
    customers = _customers(con)
    o = _orders(con, as_of, "amount")
    stats = o.groupby("customer_id").agg(n=("amount", "size"), total=("amount", "sum"),
                                         first_at=("ordered_at", "min"), last_at=("ordered_at", "max"))
    stats = stats.reindex(customers["customer_id"])
    spend = stats["total"].fillna(0.0).round(2)
    top = spend.rank(method="min", ascending=False) <= math.ceil(0.10 * len(spend))
    d30, d90 = _day(as_of, -29), _day(as_of, -89)
    label = np.select(
        [top & (stats["last_at"] >= d30), stats["first_at"] >= d30, (stats["n"] >= 2) & (stats["last_at"] < d90)],
        ["champion", "new", "at_risk"], default="other")
    return pd.Series(label, index=stats.index)


SEGMENTS: dict[str, Callable[[duckdb.DuckDBPyConnection, date], object]] = {
    f.__name__: f for f in (young_women_na, active_30, lapsed, dormant, frequent, high_value, top_spenders,
                            flower_fans, quick_repeat, one_and_done, lifecycle)
}
