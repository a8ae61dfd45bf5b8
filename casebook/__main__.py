"""`python -m casebook …`: the command line of build.py, for an installed package."""
from .cli import run

run()
