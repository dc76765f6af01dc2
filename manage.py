#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    from config.env import EnvError, exit_on_env_error

    try:
        execute_from_command_line(sys.argv)
    except EnvError as exc:
        exit_on_env_error(exc)


if __name__ == "__main__":
    main()
