"""Trino: the standard forms throughout."""

from __future__ import annotations

from .base import Dialect


class Trino(Dialect):
    name = "trino"
