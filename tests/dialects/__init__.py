"""Tests of the SQL dialects (segdsl/dialects/): every form in every dialect, the forms whose reason shows
on an engine, quoting that keeps data data, the renderer against sqlglot's own."""
