#!/usr/bin/env python
"""Django's command-line utility for Parley."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    from helpdesk import runtime

    runtime.prepare()  # var/ folders and the development secret key, before any command runs
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
