"""Tests of the command line (segdsl/cli/) as users meet it: its contract, errors that teach, robustness to
any input, the README's set-up command."""
