"""`python -m segdsl` is the `segdsl` command."""

from .cli.main import main

main()
