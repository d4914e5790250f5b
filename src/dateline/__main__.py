"""The `dateline` console command: Django's management commands with Dateline's settings preset."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.config.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    if (garbled := argument_not_utf8(sys.argv[1:])) is not None:
        print(f"dateline: {garbled}", file=sys.stderr)
        sys.exit(2)  # a malformed command line, as argparse exits for one
    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        # A setting the environment got wrong (DATELINE_DEBUG=maybe): its message names the
        # variable and what it takes; the traceback through the settings module says nothing.
        sys.exit(f"dateline: {error}")
    except BrokenPipeError:
        # The reader of the output went away (`dateline … | head`): not an error of ours.
        # Python's own recipe: no traceback, and nothing flushed to the closed pipe at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(141)  # 128 + SIGPIPE, as a shell reports a command the pipe closed on
    except DatabaseError as error:
        # `migrate` failing is not a database left unset: its own error says what went wrong.
        from django.conf import settings

        from dateline.config.database import described, not_set_up_message, unapplied_migrations

        if sys.argv[1:2] != ["migrate"] and (unapplied := unapplied_migrations()):
            # Not Django's traceback ("no such table"): what is wrong, and the one cure.
            sys.exit(f"dateline: {not_set_up_message(unapplied)}")
        if settings.DEBUG:
            raise
        # An operator's trouble (unreachable, refused, read-only, a path that is not there):
        # the database and its answer, not a hundred lines through Django.
        sys.exit(f"dateline: {described(error)} (DATELINE_DEBUG=true shows the traceback)")


def argument_not_utf8(arguments: list[str]) -> str | None:
    """Why one of the arguments cannot be taken, or None. An argument that is not UTF-8 (typed
    in a Latin-1 terminal) reaches Python as lone surrogates, which no database, hash or output
    takes (a traceback) and a note or a tag would drop without a word. A file's name is bytes,
    not text: an argument naming a file that is there is taken as it is."""
    from dateline.copy.characters import printable_name

    for argument in arguments:
        value = (
            argument.partition("=")[2]
            if argument.startswith("--") and "=" in argument
            else argument
        )
        if any("\udc80" <= c <= "\udcff" for c in value) and not os.path.lexists(value):
            return f"{printable_name(argument)} is not UTF-8 text (nor the name of a file)"
    return None


if __name__ == "__main__":
    main()
