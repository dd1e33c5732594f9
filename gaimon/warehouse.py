"""The one module that talks to DuckDB: connecting, migrating, views and named SQL files.

SQL lives in `warehouse/`: numbered migrations (applied once each, recorded in
`schema_migrations`), views and macros (re-created on every migrate), and named queries
that stages run through `query()`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import duckdb

from gaimon.errors import GaimonError
from gaimon.home import REPO_ROOT, Home

SQL_ROOT = REPO_ROOT / "warehouse"


def sql(name: str) -> str:
    """Text of a named SQL file under warehouse/, e.g. 'queries/upsert_documents'."""
    return (SQL_ROOT / f"{name}.sql").read_text(encoding="utf-8")


# Everything gaimon needs (json, parquet, icu) is built into DuckDB: nothing is ever fetched
# or loaded at run time, so a foreign file (say a SQLite database) cannot make DuckDB download
# an extension.
NO_EXTENSIONS = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}

_DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file
_SQLITE_MAGIC = b"SQLite format 3\x00"
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.*?) \(PID (?P<pid>\d+)\)")


class WarehouseFileError(GaimonError, FileNotFoundError):
    """The warehouse file is missing, or is not a (sound) DuckDB database. `problem` says
    what is wrong with a file that is there, without what to do about it."""

    def __init__(self, message: str, problem: str | None = None):
        super().__init__(message)
        self.problem = problem


_REPLACE = "move it away and run `gaimon init` for a new one, or put a backup in its place"


class WarehouseLocked(GaimonError, RuntimeError):
    """Another process holds the warehouse file; the message names it, `holder` too."""

    def __init__(self, message: str, holder: str = ""):
        super().__init__(message)
        self.holder = holder


def check_file(path: Path) -> None:
    """Refuse, in one line, a warehouse file that DuckDB cannot or should not open."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except FileNotFoundError:
        raise WarehouseFileError(f"no warehouse at {path}: run `gaimon init` first") from None
    what = (
        "is empty"
        if not head
        else "is a SQLite database"
        if head.startswith(_SQLITE_MAGIC)
        else None
        if head[8:12] == _DUCKDB_MAGIC
        else f"is not a DuckDB database (it starts with {head[:8]!r})"
    )
    if what:
        problem = f"{path} {what}, not a gaimon warehouse"
        raise WarehouseFileError(f"{problem}: {_REPLACE}", problem)


def existing(home: Home) -> Home:
    """The home, if there is one: commands that only read must not create it."""
    if not home.root.is_dir():
        raise WarehouseFileError(
            f"no gaimon home at {home.root}; run `gaimon init` (or set GAIMON_HOME)"
        )
    return home


def connect(
    path: Path | str, read_only: bool = False, files: bool | None = None
) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse, with extension loading off.

    `files`: whether SQL may read and write other files (read_json, COPY TO). Writers need it
    (they load batch files); readers do not, unless they export. Default: only writers.
    """
    path = Path(path)
    if read_only or path.exists():
        check_file(path)
    config: dict[str, Any] = dict(NO_EXTENSIONS)
    if not (files if files is not None else not read_only):
        config["enable_external_access"] = False
    try:
        con = duckdb.connect(str(path), read_only=read_only, config=config)
    except duckdb.IOException as exc:
        raise _open_error(path, exc, read_only) from exc
    con.execute("SET TimeZone = 'UTC'")
    return con


def _open_error(path: Path, exc: duckdb.Error, read_only: bool) -> Exception:
    message = str(exc)
    held = _LOCK_HOLDER.search(message)
    if held:
        holder = describe_process(int(held["pid"]), held["program"])
        if read_only:
            return WarehouseLocked(
                f"{path} is being written by another process ({holder}); try again when it is done",
                holder,
            )
        return WarehouseLocked(
            f"the warehouse {path} is in use by another process ({holder}): "
            "writing needs it alone; analysts query the snapshot (`gaimon sql`), "
            "not this file",
            holder,
        )
    return _damaged(path, exc) or exc


def _damaged(path: Path, exc: duckdb.Error) -> WarehouseFileError | None:
    message = " ".join(str(exc).split())
    if not (
        "read enough bytes" in message
        or "not a valid DuckDB" in message
        or "corrupt" in message.lower()
    ):
        return None
    problem = f"{path} is damaged ({message.removeprefix('IO Error: ')})"
    return WarehouseFileError(
        f"{problem}: put a backup in its place (the analysts' snapshot "
        "gaimon-analyst.duckdb beside it is a copy as of the last run), or move "
        "it away and run `gaimon init`",
        problem,
    )


def describe_process(pid: int, program: str = "") -> str:
    """'PID 123: gaimon sql' from the process's command line, as far as this machine shows it."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        words = [
            Path(a.decode(errors="replace")).name if i == 0 else a.decode(errors="replace")
            for i, a in enumerate(argv)
            if a
        ]
        command = " ".join(" ".join(words).split())[:120]  # one line, whatever the arguments hold
    except OSError:
        command = Path(program).name if program else "unknown program"
    return f"PID {pid}: {command}"


@contextmanager
def open_warehouse(
    path: Path | str, read_only: bool = False, files: bool | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection for the `with` block. A file found cut short while reading (its header was
    sound) is a WarehouseFileError naming it, like one found so when opening."""
    con = connect(path, read_only=read_only, files=files)
    try:
        yield con
    except duckdb.IOException as exc:
        damaged = _damaged(Path(path), exc)
        with suppress(duckdb.Error):  # closing a damaged file fails too; the error says why
            con.close()
        if damaged is None:
            raise
        raise damaged from exc
    except BaseException:
        con.close()
        raise
    con.close()


class ReadOnlyError(GaimonError, RuntimeError):
    """A statement tried to change the warehouse, or to touch files, in an analyst session."""


def analyst_connection(path: Path | str) -> duckdb.DuckDBPyConnection:
    """A connection that can read the warehouse and nothing else.

    The file is opened read-only, and access to other files (COPY TO, ATTACH, INSTALL,
    read_csv...) is switched off and locked, so no statement can write anywhere. Not even
    DuckDB's spill folder beside the file is writable: a query that does not fit in memory
    fails instead. Temporary tables still work: they live in memory. DuckDB applies these
    settings to every connection of this process to the same file while this one is open, so
    use it on its own.
    """
    path = Path(path)
    check_file(path)
    config = {**NO_EXTENSIONS, "enable_external_access": False, "temp_directory": ""}
    try:
        con = duckdb.connect(str(path), read_only=True, config=config)
    except duckdb.IOException as exc:
        raise _open_error(path, exc, True) from exc
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET lock_configuration = true")
    return con


def run_analyst(con: duckdb.DuckDBPyConnection, text: str) -> tuple[list[str], list[tuple]]:
    """Run one or more statements; the columns and rows of the last one."""
    statements = con.extract_statements(text)
    if not statements:
        return [], []
    try:
        for statement in statements[:-1]:
            con.execute(statement.query)
        cursor = con.execute(statements[-1].query)
    except (duckdb.InvalidInputException, duckdb.PermissionException) as exc:
        message = str(exc)
        if "read-only" in message:
            raise ReadOnlyError(
                "the warehouse is open read-only here: this statement would change "
                f"it ({message.split(': ', 1)[-1]})"
            ) from exc
        if (
            isinstance(exc, duckdb.PermissionException)
            or "configuration has been locked" in message
        ):
            raise ReadOnlyError(
                "files and settings cannot be touched from an analyst session "
                "(use `gaimon export` to write Parquet)"
            ) from exc
        raise
    columns = [d[0] for d in cursor.description or []]
    return columns, cursor.fetchall() if columns else []


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: a failure anywhere inside leaves the warehouse as it was."""
    con.execute("BEGIN")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def migrations() -> list[Path]:
    return sorted((SQL_ROOT / "migrations").glob("[0-9][0-9][0-9][0-9]_*.sql"))


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply unapplied migrations in order, then (re)create views and macros."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ DEFAULT now())"
    )
    done = {row[0] for row in con.execute("SELECT name FROM schema_migrations").fetchall()}
    applied = []
    for path in migrations():
        if path.name in done:
            continue
        with transaction(con):
            con.execute(path.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_migrations (name) VALUES (?)", [path.name])
        applied.append(path.name)
    create_views(con)
    stamp_weeks(con)
    return applied


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Views and macros are derived: re-created on every migrate.

    Files may build on each other; rather than encode an order in their names, a file whose
    dependency is not there yet is retried after the others.
    """
    pending = [
        p for folder in ("macros", "views") for p in sorted((SQL_ROOT / folder).glob("*.sql"))
    ]
    while pending:
        failed: list[tuple[Path, duckdb.Error]] = []
        for path in pending:
            try:
                con.execute(path.read_text(encoding="utf-8"))
            except duckdb.CatalogException as exc:
                failed.append((path, exc))
        if len(failed) == len(pending):
            path, exc = failed[0]
            raise RuntimeError(f"cannot create {path.relative_to(SQL_ROOT)}: {exc}") from exc
        pending = [path for path, _ in failed]


def stamp_weeks(con: duckdb.DuckDBPyConnection) -> None:
    """Give documents and signals written without their ISO week (by hand, in tests) that week.

    v_signals joins on the stored week, so a row without one would not be seen.
    """
    run_script(con, "queries/stamp_weeks")


def query(con: duckdb.DuckDBPyConnection, name: str, params: Any = None) -> list[dict[str, Any]]:
    """Run a named query and return rows as dicts."""
    cursor = con.execute(sql(name), params) if params is not None else con.execute(sql(name))
    columns = [d[0] for d in cursor.description or []]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def run_script(
    con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None
) -> None:
    """Run every statement of a named SQL file, each with the named parameters it uses.

    DuckDB binds parameters to one statement only, so a file of several is run statement by
    statement.
    """
    run_statements(con, sql(name), params)


def run_statements(
    con: duckdb.DuckDBPyConnection, text: str, params: dict[str, Any] | None = None
) -> None:
    params = params or {}
    for statement in con.extract_statements(text):
        code = _COMMENT.sub("", statement.query)
        wanted = {k: params[k] for k in _PARAM.findall(code) if k in params}
        con.execute(statement.query, wanted) if wanted else con.execute(statement.query)


_PARAM = re.compile(r"\$([A-Za-z_]\w*)")
_COMMENT = re.compile(r"--[^\n]*")


def init(path: Path | str) -> list[str]:
    with open_warehouse(path) as con:
        return migrate(con)
