"""Tests of running segments on databases (segdsl/run/): targets, history tables, the jobs API, checking a
file against a database, password redaction, the demo data."""
