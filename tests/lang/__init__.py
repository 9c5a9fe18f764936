"""Tests of the language (segdsl/lang/): the grammar, the checker and what it lets through to the compiler,
imports, calendar-day windows."""
