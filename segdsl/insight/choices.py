"""The insight commands' choices and defaults, which the command line reads before any command runs."""

STEPS = ("day", "week", "month")  # of a trend's as-of days
TOP = 5  # a profile's most frequent values of a category item
