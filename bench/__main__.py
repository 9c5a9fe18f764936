"""`python -m bench`: run the benchmark (bench/README.md)."""

import sys

from .run import main

sys.exit(main())
