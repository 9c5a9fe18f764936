#!/bin/sh
# Run tests with the clock faked (libfaketime) to awkward days, to show that no
# test's truth depends on today's date, the clock or the machine's time zone.
# Not part of CI; see tests/README.md.
#
#   tests/faked_dates.sh                         # the date-sensitive tests on every day below
#   tests/faked_dates.sh tests/run/test_history.py   # other pytest arguments instead
#   FAKED_DAYS="2027-03-31 23:59:30" tests/faked_dates.sh
#
# A day is "YYYY-MM-DD hh:mm:ss" in the machine's time zone, or
# "TZ=<zone> YYYY-MM-DD hh:mm:ss" for that zone (the whole run then has TZ=<zone>).
# The clock starts there and ticks on: 23:59:30 passes midnight during the run.
# Needs Debian's faketime (apt-get install faketime). Run from the project root;
# SEGDSL_ENGINES and CI are passed on as usual. Prints pytest's summary line per
# day; exits 1 if any day had a failure.

set -u
command -v faketime >/dev/null || { echo "faketime not found: apt-get install faketime" >&2; exit 2; }

DAYS=${FAKED_DAYS:-"2028-02-29 12:00:00
2028-02-29 23:59:30
2027-03-01 00:00:30
2027-03-31 23:59:30
2026-12-31 23:59:30
2027-01-01 12:00:00
TZ=America/New_York 2027-03-14 01:59:30
TZ=America/New_York 2027-03-14 22:30:00
TZ=Europe/Berlin 2027-03-28 01:59:30
TZ=Pacific/Kiritimati 2027-03-01 08:00:00"}

if [ $# -eq 0 ]; then
    set -- tests/compile/test_contract.py tests/run/test_history.py tests/run/test_jobs_api.py \
        tests/tools/test_dbt.py tests/run/test_demo.py tests/cli/test_cli.py tests/cli/test_cli_audit.py \
        tests/insight/test_insight.py tests/insight/test_report.py tests/insight/test_series.py tests/test_golden.py \
        tests/compile/test_examples_everywhere.py tests/run/test_targets.py tests/compile/test_contract_future.py \
        tests/compile/test_contract_zones.py tests/tools/test_dbt_zones.py tests/tools/test_dbt_future.py \
        tests/cli/test_as_of_instants.py tests/run/test_history_instants.py tests/tools/test_dbt_traits.py \
        tests/cli/test_with.py
fi

PYTHONPATH="$(pwd)${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONPATH
status=0
newline='
'
old_ifs=$IFS
IFS=$newline
for day in $DAYS; do
    IFS=$old_ifs
    [ -n "$day" ] || continue
    case $day in
        TZ=*) zone=${day%% *}; zone=${zone#TZ=}; when=${day#* } ;;
        *) zone=${TZ:-}; when=$day ;;
    esac
    summary=$(env ${zone:+TZ=$zone} faketime "$when" python -m pytest -q -p no:cacheprovider "$@" 2>&1 | tail -n 1)
    echo "$day: $summary"
    case $summary in *failed*|*error*|"") status=1 ;; esac
done
exit $status
