"""The ``joinedup`` command: one entry point over the project's management commands.

Command names are written with hyphens (``joinedup seed-demo``); they map to
Django's underscored names, and the help lists them the same way.
"""

from __future__ import annotations

import os
import sys

from django.core.management import ManagementUtility


class JoinedupUtility(ManagementUtility):
    def main_help_text(self, commands_only: bool = False) -> str:
        lines = super().main_help_text(commands_only).splitlines()
        # Command names are the indented lines (or every line with --commands).
        return "\n".join(line.replace("_", "-") if commands_only or line.startswith("    ") else line for line in lines)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "joinedup.settings")
    args = list(sys.argv if argv is None else argv)
    args[0] = "joinedup"
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    if len(args) > 2 and args[1] == "help" and not args[2].startswith("-"):
        args[2] = args[2].replace("-", "_")
    JoinedupUtility(args).execute()


if __name__ == "__main__":
    main()
