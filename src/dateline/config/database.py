"""What the commands check of the database before they use it."""

import os
from pathlib import Path


def unapplied_migrations() -> int:
    """How many migrations the database lacks; 0 when it cannot even tell (the database is
    unreachable: that error is the one to show)."""
    from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except DatabaseError:
        return 0


def described(error: Exception) -> str:
    """`error` in one line, naming the database it came from."""
    from django.db import DEFAULT_DB_ALIAS, connections

    database = connections[DEFAULT_DB_ALIAS].settings_dict
    where = (
        f"{database['NAME']} on {database['HOST'] or 'localhost'}:{database['PORT'] or 5432}"
        if database["ENGINE"].endswith("postgresql")
        else str(database["NAME"])
    )
    answer = " ".join(str(error).split()) or type(error).__name__
    if not database["ENGINE"].endswith("postgresql"):
        answer += _file_system_trouble(Path(database["NAME"]))
    return f"the database {where} could not be used: {answer}"


def _file_system_trouble(path: Path) -> str:
    """What SQLite's answer leaves out when its directory is read-only or its disk full: it
    says "unable to open database file" or "disk I/O error" (it writes beside the file even to
    read: the write-ahead log's index)."""
    directory = path.parent
    try:
        if not directory.is_dir():
            return ""
        if not os.access(directory, os.W_OK):
            return f" ({directory} cannot be written: a read-only file system or directory)"
        if os.statvfs(directory).f_bavail == 0:
            return f" (the disk of {directory} is full)"
    except OSError:
        return ""
    return ""


def not_set_up_message(unapplied: int) -> str:
    return (
        f"the database is not set up ({unapplied} migrations not applied); "
        "run `dateline migrate` first"
    )
