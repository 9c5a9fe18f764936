"""Tests of the compiler (segdsl/compile/): the plan, the SQL shapes it emits, and what the compiled SQL
means on real engines (LANGUAGE.md's semantic contract, pinned regressions, sequences, every example
against the reference evaluator)."""
