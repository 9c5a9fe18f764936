"""postgresql:// and postgres:// URLs, opened with psycopg (the `postgres` extra)."""

from __future__ import annotations

from ..targets import PostgresTarget


def connect(url: str) -> PostgresTarget:
    return PostgresTarget.connect(url)
