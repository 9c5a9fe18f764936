"""The names of the SQL dialects segdsl compiles to, without loading them (the command line's choices)."""

DIALECTS: tuple[str, ...] = ("duckdb", "postgres", "snowflake", "bigquery", "redshift", "databricks", "spark",
                             "trino", "mysql", "sqlite", "clickhouse", "tsql")
