"""`python -m scanner` runs the command line."""

from scanner.cli import main

main()
