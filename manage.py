#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import sys

from django.core.management import execute_from_command_line

from digital_office.settings import use_default_settings

if __name__ == "__main__":
    use_default_settings()
    execute_from_command_line(sys.argv)
