"""What the commands check of the database before they use it."""


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
    return f"the database {where} could not be used: {answer}"


def not_set_up_message(unapplied: int) -> str:
    return (
        f"the database is not set up ({unapplied} migrations not applied); "
        "run `dateline migrate` first"
    )
