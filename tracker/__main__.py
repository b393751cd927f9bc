"""``python -m tracker`` is the ``foi-tracker`` command."""

from tracker.cli import cli

if __name__ == "__main__":
    cli(prog_name="foi-tracker")
