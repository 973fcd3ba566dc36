"""``python -m scorer`` runs the command-line interface."""

from scorer.cli import main

main()
