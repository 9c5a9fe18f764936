"""Tests of the insight commands (segdsl/insight/): profiles, trends, backtests, series, the HTML report."""
