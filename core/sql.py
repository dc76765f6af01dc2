"""Raw SQL helpers, for the few queries the ORM cannot say as well: the counting upserts
(`INSERT ... ON CONFLICT ... DO UPDATE SET n = n + ...`) and the GROUP BYs over the raw
answers. Parameters always go through the driver; only names are put into the text,
quoted by the database's own rules."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection


def qn(name: str) -> str:
    """A table or column name, quoted for the database in use."""
    return connection.ops.quote_name(name)


def marks(values: Sequence) -> str:
    """One placeholder per value, for `IN (...)`: "%s, %s, %s"."""
    return ", ".join(["%s"] * len(values))


def fetch(sql: str, params: Sequence) -> list[tuple]:
    """Every row of a query."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def execute(sql: str, params: Sequence) -> None:
    """A statement whose rows, if any, are not needed."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
