"""The ``joinedup`` command: one entry point over the project's management commands.

Command names are written with hyphens (``joinedup seed-demo``); they map to
Django's underscored names, and the help lists them the same way.

``joinedup link`` is the exception: the linkage core's own command line
(``joinedup.linkage.cli``), handed its arguments before Django is imported, so it
needs no settings, no secret key and no database.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.core.management import ManagementUtility

LINK: str = "link"


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    args[0] = "joinedup"
    if len(args) > 1 and args[1] == LINK:
        sys.exit(_link(args[2:]))
    if len(args) > 2 and args[1] == "help" and args[2] == LINK:
        sys.exit(_link(["--help"]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "joinedup.settings")
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    if len(args) > 2 and args[1] == "help" and not args[2].startswith("-"):
        args[2] = args[2].replace("-", "_")
    from django.core.exceptions import ImproperlyConfigured

    try:
        _utility(args).execute()
    except ImproperlyConfigured as error:
        # The settings come from the environment: say what is missing in one line, not a traceback.
        sys.exit(f"joinedup: {error}")


def _link(argv: list[str]) -> int:
    from joinedup.linkage.cli import main as link_main

    return link_main(argv)


def _utility(args: list[str]) -> ManagementUtility:
    # Imported here so that `joinedup link` never loads Django.
    from django.core.management import ManagementUtility

    class JoinedupUtility(ManagementUtility):
        def main_help_text(self, commands_only: bool = False) -> str:
            lines = super().main_help_text(commands_only).splitlines()
            if commands_only:
                # Command names only, one a line, sorted: the link command among them.
                return "\n".join(sorted([*(line.replace("_", "-") for line in lines), LINK]))
            # Command names are the indented lines.
            lines = [line.replace("_", "-") if line.startswith("    ") else line for line in lines]
            # Not a Django command, so Django does not list it: add it for people to find.
            return "\n".join([*lines, "", "[linkage]", f"    {LINK}"])

    return JoinedupUtility(args)


if __name__ == "__main__":
    main()
