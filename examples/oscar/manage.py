#!/usr/bin/env python
"""The demo shop's Django entry point: `python manage.py runserver`, `migrate`, `test cod`."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "codshop.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
