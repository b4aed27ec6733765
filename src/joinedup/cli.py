"""The ``joinedup`` command: one entry point over the project's management commands.

Command names may be written with hyphens (``joinedup seed-demo``); they map to
Django's underscored names.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "joinedup.settings")
    args = list(sys.argv if argv is None else argv)
    args[0] = "joinedup"
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
