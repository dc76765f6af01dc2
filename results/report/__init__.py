"""Results pages' tables, built from the count tables (or, under a date filter or for a
crosstab, from GROUP BY queries on the raw answers): see the methods page."""

from results.report.scope import Column, Scope, scope_for

__all__ = ["Column", "Scope", "scope_for"]
