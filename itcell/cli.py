"""The ``itcell`` command: Django's management commands, with hyphens allowed in their names
(``itcell load-election bihar-2020`` runs ``load_election``)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(["itcell", *argv[1:]])
