"""The demo data's last day, which the command line names in its help (without generating anything)."""

from datetime import date

DEMO_AS_OF = date(2026, 6, 30)
"""The day the demo data ends: no event in it happens after this day."""
