"""`python -m extractor` runs the `extract` command."""

from extractor.launch import main

main()
