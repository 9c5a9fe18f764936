"""`python -m segdsl` is the `segdsl` command."""

from .cli import main

main()
