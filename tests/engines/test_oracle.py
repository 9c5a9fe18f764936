"""The reference evaluator (tests/engines/oracle.py) on hand-computed cases: LANGUAGE.md's tricky points."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from engines import oracle
from segdsl.compile.compiler import load_text

D = date(2024, 6, 30)
HEAD = """customers from shop.customers key cid
events orders from shop.orders by cid at at
events tickets from support.tickets by cid at opened date
"""


def customer(cid, **attributes):
    return {"cid": cid, "age": None, "country": None, "email": None, "signup": None, "seen_at": None, **attributes}


def order(cid, at, amount=None, category=None):
    return {"cid": cid, "at": at, "amount": amount, "category": category}


def ticket(cid, opened):
    return {"cid": cid, "opened": opened}


def members(condition, customers, orders=(), tickets=(), as_of=D, extra=""):
    program = load_text(HEAD + extra + f"segment s:\n    {condition}\n")
    tables = {"shop.customers": list(customers), "shop.orders": list(orders), "support.tickets": list(tickets)}
    return oracle.evaluate(program, tables, as_of)["s"]


ONE = [customer(1)]


# ---- rule 1: the as-of day --------------------------------------------------------------


def test_events_after_the_end_of_the_as_of_day_do_not_exist():
    orders = [order(1, datetime(2024, 6, 30, 23, 59, 59, 999999)), order(2, datetime(2024, 7, 1, 0, 0)),
              order(3, None)]
    people = [customer(1), customer(2), customer(3)]
    assert members("has orders", people, orders) == {1}
    assert members("count(orders) = 0", people, orders) == {2, 3}
    assert members("has orders", people, orders, as_of=date(2024, 7, 1)) == {1, 2}


def test_events_after_the_as_of_day_do_not_answer_a_then_no():
    orders = [order(1, datetime(2024, 6, 29, 12))]
    late = [ticket(1, date(2024, 7, 1))]
    assert members("orders then no tickets within 5 days", ONE, orders, late) == {1}
    assert members("orders then no tickets within 5 days", ONE, orders, late, as_of=date(2024, 7, 1)) == set()


# ---- rule 2: windows --------------------------------------------------------------------


@pytest.mark.parametrize("moment, in_last_30", [
    (datetime(2024, 6, 1, 0, 0), True),            # D-29, the first day
    (datetime(2024, 5, 31, 23, 59, 59), False),    # D-30
    (datetime(2024, 6, 30, 23, 59, 59), True),     # D
])
def test_in_last_and_before_last_split_every_event_by_whole_days(moment, in_last_30):
    assert members("has orders in last 30 days", ONE, [order(1, moment)]) == ({1} if in_last_30 else set())
    assert members("has orders before last 30 days", ONE, [order(1, moment)]) == (set() if in_last_30 else {1})


def test_months_step_by_calendar_clamped_to_the_month_end():
    march_31 = date(2024, 3, 31)  # minus one month is 2024-02-29: the window is 03-01 .. 03-31
    inside, outside = datetime(2024, 3, 1, 0, 0), datetime(2024, 2, 29, 23, 0)
    assert members("has orders in last 1 month", ONE, [order(1, inside)], as_of=march_31) == {1}
    assert members("has orders in last 1 month", ONE, [order(1, outside)], as_of=march_31) == set()
    assert members("has orders before last 1 month", ONE, [order(1, outside)], as_of=march_31) == {1}
    leap = date(2024, 2, 29)  # minus one year is 2023-02-28: the window starts 2023-03-01
    assert members("has orders in last 1 year", ONE, [order(1, datetime(2023, 3, 1))], as_of=leap) == {1}
    assert members("has orders in last 1 year", ONE, [order(1, datetime(2023, 2, 28, 12))], as_of=leap) == set()


def test_weeks_ago_and_date_ranges_include_both_ends():
    orders = [order(1, datetime(2024, 6, 16, 0, 0)), order(2, datetime(2024, 6, 23, 23, 59))]
    people = [customer(1), customer(2)]
    assert members("has orders between 14 and 7 days ago", people, orders) == {1, 2}
    assert members("has orders between 7 and 14 days ago", people, orders) == {1, 2}
    assert members("has orders between 13 and 8 days ago", people, orders) == set()
    assert members("has orders in last 2 weeks", people, orders) == {2}  # 06-17 .. 06-30
    assert members("has orders between 2024-06-16 and 2024-06-23", people, orders) == {1, 2}
    assert members("has orders since 2024-06-17", people, orders) == {2}
    assert members("has orders until 2024-06-16", people, orders) == {1}


def test_attributes_are_tested_by_day_and_not_cut_by_the_as_of_day():
    people = [customer(1, signup=date(2024, 6, 1)), customer(2, signup=date(2024, 7, 15)),
              customer(3, seen_at=datetime(2024, 6, 30, 23, 59))]
    assert members("signup in last 30 days", people) == {1}
    assert members("signup until 2024-12-31", people) == {1, 2}
    assert members("signup since 2024-06-01", people) == {1}  # since A is A .. D
    assert members("seen_at <= 2024-06-30", people) == {3}
    assert members("seen_at = 2024-06-30", people) == {3}
    assert members("seen_at in (2024-06-30)", people) == {3}
    assert members("seen_at > 2024-06-29", people) == {3}


# ---- rule 3: two-valued logic -----------------------------------------------------------


def test_comparisons_with_missing_values_are_false_and_not_is_the_complement():
    people = [customer(1, country="US", email="a@x.com"), customer(2, country="CA"), customer(3)]
    assert members('country != "US"', people) == {2}
    assert members('not country = "US"', people) == {2, 3}
    assert members('country not in ("US")', people) == {2}
    assert members('not (country in ("US"))', people) == {2, 3}
    assert members('email not like "a%"', people) == set()
    assert members('not (email like "a%")', people) == {2, 3}
    assert members("country is null", people) == {3}


def test_not_of_an_aggregate_comparison_includes_customers_without_events():
    people = [customer(1), customer(2)]
    orders = [order(1, datetime(2024, 6, 1), Decimal(100))]
    assert members("avg(orders.amount) < 50", people, orders) == set()
    assert members("not (avg(orders.amount) < 50)", people, orders) == {1, 2}


# ---- rule 4: customers without events; NULL values ---------------------------------------


def test_customers_without_events_count_zero_and_have_no_other_aggregates():
    people = [customer(1)]
    assert members("count(orders) = 0 and sum(orders.amount) = 0 and no orders", people)
    for value in ("avg(orders.amount)", "min(orders.amount)", "max(orders.amount)", "first(orders.at)",
                  "last(orders.category)", "days_since_last(orders)"):
        assert members(f"{value} is null", people) == {1}


def test_sum_of_null_values_is_zero_and_count_distinct_ignores_nulls():
    orders = [order(1, datetime(2024, 6, 1), None, "a"), order(1, datetime(2024, 6, 2), None, None),
              order(1, datetime(2024, 6, 3), None, "a")]
    assert members("sum(orders.amount) = 0 and avg(orders.amount) is null", ONE, orders) == {1}
    assert members("count(distinct orders.category) = 1 and count(orders) = 3", ONE, orders) == {1}


def test_first_and_last_values_take_the_largest_among_events_at_the_same_time():
    at = datetime(2024, 6, 1, 12)
    orders = [order(1, at, Decimal(5), "b"), order(1, at, Decimal(9), None), order(1, at, None, "a"),
              order(1, datetime(2024, 6, 2), Decimal(1), "z")]
    assert members('first(orders.category) = "b" and first(orders.amount) = 9', ONE, orders) == {1}
    assert members('last(orders.category) = "z" and last(orders.amount) = 1', ONE, orders) == {1}
    assert members("first(orders.at) = 2024-06-01 and last(orders.at) in last 29 days", ONE, orders) == {1}


def test_days_since_last_counts_whole_days_to_the_as_of_day():
    orders = [order(1, datetime(2024, 6, 20, 23, 59)), order(1, datetime(2024, 7, 2))]
    assert members("days_since_last(orders) = 10", ONE, orders) == {1}
    assert members("days_since_last(tickets) = 0", ONE, tickets=[ticket(1, D)]) == {1}


def test_division_is_real_and_missing_when_the_divisor_is_zero():
    orders = [order(1, datetime(2024, 6, 1)), order(2, datetime(2024, 6, 1))]
    people = [customer(1, age=3), customer(2, age=0)]
    assert members("count(orders) / age > 0.3", people, orders) == {1}
    assert members("not (count(orders) / age > 0.3)", people, orders) == {2}


def test_like_is_case_sensitive_with_percent_and_underscore_only():
    people = [customer(1, email="a_b"), customer(2, email="A_B"), customer(3, email="a\\b"), customer(4, email="ab")]
    assert members('email like "a_b"', people) == {1, 3}
    assert members('email like "a%"', people) == {1, 3, 4}
    assert members('email like "a\\\\b"', people) == {3}


# ---- rule 5: ranking ----------------------------------------------------------------------


def test_top_percent_never_splits_ties():
    ages = [50, 40, 40, 30, 20, 10, 10, 10, 5, None]
    people = [customer(i + 1, age=a) for i, a in enumerate(ages)]  # n = 9 values
    assert members("age in top 10%", people) == {1}            # ceil(0.9) = 1
    assert members("age in top 20%", people) == {1, 2, 3}      # ceil(1.8) = 2: the tie at rank 2 stays whole
    assert members("age in bottom 30%", people) == {6, 7, 8, 9}  # ceil(2.7) = 3: rank 2 tie of three
    assert members("not (age in top 10%)", people) == set(range(2, 11))


def test_quintiles_share_the_lowest_rank_of_a_tie():
    ages = [1, 2, 2, 3, 4, 5, 6, 7, 8, 9]  # n = 10: r = 1, 2, 2, 4, 5, ... -> 1 + floor(5 * (r - 1) / 10)
    people = [customer(i + 1, age=a) for i, a in enumerate(ages)] + [customer(99)]
    assert members("quintile(age) = 1", people) == {1, 2, 3}
    assert members("quintile(age) = 2", people) == {4}        # r = 4: 1 + floor(15 / 10)
    assert members("quintile(age) = 3", people) == {5, 6}     # r = 5, 6
    assert members("quintile(age) = 5", people) == {9, 10}
    assert members("decile(age) = 2", people) == {2, 3}
    assert members("quintile(age) is null", people) == {99}


def test_ranking_counts_only_customers_and_values_that_exist():
    people = [customer(1, age=1), customer(2, age=2), customer(None, age=100)]
    assert members("age in top 50%", people) == {2}


# ---- rule 6: sequences --------------------------------------------------------------------


def test_then_within_includes_both_ends_of_the_span():
    a = datetime(2024, 6, 1, 12, 0)
    assert members("orders then orders within 2 days", ONE, [order(1, a), order(1, datetime(2024, 6, 3, 12))]) == {1}
    assert members("orders then orders within 2 days", ONE,
                   [order(1, a), order(1, datetime(2024, 6, 3, 12, 0, 1))]) == set()


def test_one_table_on_both_sides_needs_two_rows():
    a = datetime(2024, 6, 1, 12)
    assert members("orders then orders within 0 days", ONE, [order(1, a)]) == set()
    assert members("orders then orders within 0 days", ONE, [order(1, a), order(1, a)]) == {1}
    assert members("orders then no orders within 3 days", ONE, [order(1, a)]) == {1}
    assert members("orders then no orders within 3 days", ONE, [order(1, a), order(1, a)]) == set()


def test_a_date_time_column_compares_both_sides_as_days():
    orders = [order(1, datetime(2024, 6, 10, 18))]
    assert members("orders then tickets within 0 days", ONE, orders, [ticket(1, date(2024, 6, 10))]) == {1}
    assert members("orders then tickets within 2 days", ONE, orders, [ticket(1, date(2024, 6, 12))]) == {1}
    assert members("orders then tickets within 1 day", ONE, orders, [ticket(1, date(2024, 6, 12))]) == set()
    assert members("tickets then orders within 0 days", ONE, orders, [ticket(1, date(2024, 6, 10))]) == {1}


def test_then_no_needs_one_unanswered_first_event():
    orders = [order(1, datetime(2024, 6, 1)), order(1, datetime(2024, 6, 20))]
    tickets = [ticket(1, date(2024, 6, 2))]
    assert members("orders then no tickets within 3 days", ONE, orders, tickets) == {1}
    assert members("orders in last 15 days then no tickets within 3 days", ONE, orders, tickets) == {1}
    assert members("orders before last 15 days then no tickets within 3 days", ONE, orders, tickets) == set()
    assert members("orders then no tickets within 3 days", [customer(2)], orders, tickets) == set()


# ---- rules 7 and 8: segmentations, keys ----------------------------------------------------


def test_segmentation_first_match_wins_and_labels_can_be_compared():
    program = load_text(HEAD + """segment adult:
    age >= 18
segmentation band:
    senior when age >= 65
    adult when adult
    else other
segment not_adult:
    band != "adult"
""")
    tables = {"shop.customers": [customer(1, age=70), customer(2, age=30), customer(3), customer(None, age=30)],
              "shop.orders": [], "support.tickets": []}
    assert oracle.labels(program, tables, D) == {"band": {1: "senior", 2: "adult", 3: "other"}}
    assert oracle.evaluate(program, tables, D) == {"adult": {1, 2}, "not_adult": {1, 3}}
    assert oracle.wide(program, tables, D) == {1: (True, True, "senior"), 2: (True, False, "adult"),
                                               3: (False, True, "other")}


def test_events_belong_to_the_customer_with_the_same_key():
    orders = [order(None, datetime(2024, 6, 1)), order(7, datetime(2024, 6, 1)), order(2, datetime(2024, 6, 1))]
    assert members("has orders", [customer(1), customer(2)], orders) == {2}


# ---- rules 11 and 12: the future, regularity, sessions ----------------------------------


def test_the_future_and_regularity_contract_tables_hold_in_the_oracle():
    """Every hand-computed case of tests/compile/test_contract_future.py, evaluated by the oracle."""
    from compile import test_contract_future as future

    program = load_text(future.PROGRAM)
    tables = {t.name: t.records() for t in future.TABLES}
    found = oracle.evaluate(program, tables, future.D)
    wrong = [f"{condition}: expected {sorted(expected)}, got {sorted(found[f'case_{i}'])}"
             for i, (condition, expected) in enumerate(future.CASES) if found[f"case_{i}"] != expected]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("as_of, anniversary, years", [
    (date(2027, 2, 28), date(2027, 2, 28), 27), (date(2027, 3, 1), date(2028, 2, 29), 27),
    (date(2028, 2, 28), date(2028, 2, 29), 27), (date(2028, 2, 29), date(2028, 2, 29), 28),
    (date(2000, 2, 28), date(2000, 2, 29), -1), (date(2000, 2, 29), date(2000, 2, 29), 0),
])
def test_a_leap_day_counts_as_28_february_in_a_year_without_it(as_of, anniversary, years):
    born = [customer(1, signup=date(2000, 2, 29))]
    assert members(f"anniversary(signup) = {anniversary} and years_since(signup) = {years}", born,
                   as_of=as_of) == {1}


def test_in_next_is_the_days_after_d_and_months_clamp():
    people = [customer(1, signup=date(2024, 2, 29)), customer(2, signup=date(2024, 3, 1)),
              customer(3, signup=date(2024, 1, 31))]
    assert members("signup in next 1 month", people, as_of=date(2024, 1, 31)) == {1}
    assert members("signup in next 0 days", people, as_of=date(2024, 1, 31)) == set()
    assert members("not (signup in next 1 year)", people, as_of=date(2023, 2, 28)) == {1, 2}  # .. 2024-02-28


def test_sessions_join_events_exactly_the_gap_apart_and_count_an_instant_once():
    at = datetime(2024, 6, 29, 10)
    orders = [order(1, at), order(1, at), order(1, datetime(2024, 6, 29, 10, 30)),
              order(1, datetime(2024, 6, 29, 11, 0, 0, 1))]
    assert members("sessions(orders, 30 minutes) = 2", ONE, orders) == {1}
    assert members("sessions(orders, 1 hour) = 1", ONE, orders) == {1}
    assert members("sessions(orders, 30 minutes) = 0", [customer(2)], orders) == {2}


def test_active_periods_count_back_from_d():
    orders = [order(1, datetime(2024, 6, 24)), order(1, datetime(2024, 6, 23, 23, 59)),
              order(1, datetime(2024, 5, 31)), order(1, datetime(2024, 5, 30))]
    assert members("active_weeks(orders) = 3", ONE, orders) == {1}       # weeks 1, 2 and 5
    assert members("active_months(orders) = 2", ONE, orders) == {1}      # 05-31 is in month 1, 05-30 in month 2
    assert members("active_days(orders in last 7 days) = 1", ONE, orders) == {1}
