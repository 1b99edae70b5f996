"""`python -m extractor` runs the `extract` command."""

from extractor.cli import main

main()
