"""``python -m image2music`` runs the command-line interface."""

from image2music.cli.main import run

run()
