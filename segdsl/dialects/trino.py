"""Trino.

- AVG of a DECIMAL(18,4) is a DECIMAL(18,4): the mean rounded to 4 places (1, 2, 2 average 1.6667), so it
  is taken of the values as DECIMAL(38, 10).
"""

from __future__ import annotations

from .base import Dialect


class Trino(Dialect):
    name = "trino"
    average_keeps_argument_type = True
