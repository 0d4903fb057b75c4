"""``python -m retrans``."""

from .cli import main

main()
