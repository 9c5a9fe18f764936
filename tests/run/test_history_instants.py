"""materialize as of an instant (rule 10): the history keeps the instant's day D, and a second run that day
replaces the first."""

from __future__ import annotations

from datetime import date, datetime

import duckdb

from segdsl.compile.compiler import load_text
from segdsl.run import jobs

PROGRAM = '''timezone "America/New_York"
customers from c key id
events o from o by id at ordered_at
segment recent:
    has o in last 3 hours
'''


def test_two_instants_of_one_day_keep_one_day_of_history():
    con = duckdb.connect()
    con.execute("CREATE TABLE c (id INTEGER); INSERT INTO c VALUES (1), (2)")
    con.execute("CREATE TABLE o (id INTEGER, ordered_at TIMESTAMP)")
    # 16:00 and 18:00 UTC are 12:00 and 14:00 in New York (EDT) on 2026-06-30
    con.execute("INSERT INTO o VALUES (1, TIMESTAMP '2026-06-30 16:00:00'), (2, TIMESTAMP '2026-06-30 18:00:00')")
    program = load_text(PROGRAM)
    first = jobs.materialize(con, program, "history", datetime(2026, 6, 30, 13, 0))
    assert (first.as_of, first.rows) == (date(2026, 6, 30), 1)
    second = jobs.materialize(con, program, "history", "2026-06-30T14:30")
    assert (second.as_of, second.rows) == (date(2026, 6, 30), 2)
    assert con.execute("SELECT as_of, count(*) FROM history GROUP BY as_of").fetchall() == [(date(2026, 6, 30), 2)]


def test_without_an_as_of_the_day_kept_is_todays_in_the_zone():
    con = duckdb.connect()
    con.execute("CREATE TABLE c (id INTEGER); INSERT INTO c VALUES (1)")
    con.execute("CREATE TABLE o (id INTEGER, ordered_at TIMESTAMP)")
    program = load_text(PROGRAM.replace("America/New_York", "Pacific/Kiritimati"))
    today_sql = "SELECT CAST(CAST(CURRENT_TIMESTAMP AT TIME ZONE 'Pacific/Kiritimati' AS TIMESTAMP) AS DATE)"
    before = con.execute(today_sql).fetchone()[0]
    written = jobs.materialize(con, program, "history")
    assert written.as_of in {before, con.execute(today_sql).fetchone()[0]}  # Kiritimati's midnight may pass
