"""``python -m scorer`` runs the command-line interface, as the ``unct-scorer`` command does."""

from scorer.cli import run

run()
