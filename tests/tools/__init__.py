"""Tests of the tools around the language (segdsl/tools/): dbt, fmt, the language server, editor support."""
