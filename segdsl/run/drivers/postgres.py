"""postgresql:// and postgres:// URLs, opened with psycopg (the `postgres` extra): libpq's own URL form."""

from __future__ import annotations

from ..targets import PostgresTarget


def connect(url: str, writable: bool) -> PostgresTarget:
    return PostgresTarget.connect(url)
