"""Where the export is and how to read it in place: the files, their format, and the SQL that
turns them into one table of events (user, session, time, event, revenue)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from scanner.errors import BadInput

if TYPE_CHECKING:
    import duckdb

GA4_COLUMNS = ("event_name", "event_timestamp", "user_pseudo_id")
# The BigQuery export writes INT64 as strings in JSON: read them as text, cast afterwards.
GA4_JSON_TYPES = {
    "event_name": "VARCHAR",
    "event_timestamp": "VARCHAR",
    "user_pseudo_id": "VARCHAR",
    "event_params": "STRUCT(key VARCHAR, value STRUCT(string_value VARCHAR, int_value VARCHAR, "
    "float_value DOUBLE, double_value DOUBLE))[]",
    "ecommerce": "STRUCT(purchase_revenue DOUBLE)",
}
SUFFIXES = {
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
    ".gz": "json",
    ".parquet": "parquet",
    ".csv": "csv",
}


@dataclass(frozen=True)
class ExportOptions:
    """The export and, for an event log, its columns (GA4 exports need none)."""

    path: Path
    user_column: str = ""
    session_column: str = ""
    time_column: str = ""
    event_column: str = ""
    mapping: Path | None = None  # YAML: the export's event names -> the plan's


LOG_DEFAULTS = {"user": "user_id", "session": "session_id", "time": "event_time", "event": "event"}


@dataclass(frozen=True)
class Source:
    files: list[str]
    format: str  # json, parquet or csv
    ga4: bool
    columns: dict[str, str]  # name -> DuckDB type
    description: str


def find_source(con: duckdb.DuckDBPyConnection, options: ExportOptions) -> Source:
    """The files to read and their kind; BadInput when there are none or they do not fit."""
    path = options.path
    if path.is_dir():
        files = sorted(p for p in path.glob("events_*") if _format(p))
        if not files:
            raise BadInput(
                f"{path}: no events_YYYYMMDD files (.json, .jsonl, .json.gz or .parquet) in it; "
                "give the folder of a GA4 BigQuery export, or an event log file."
            )
    elif path.is_file():
        files = [path]
    else:
        raise BadInput(f"{path}: no such file or folder; give the analytics export.")
    formats = {_format(p) for p in files}
    if len(formats) != 1 or None in formats:
        raise BadInput(
            f"{path}: give .json (newline-delimited), .parquet or .csv files of one kind."
        )
    fmt = str(formats.pop())
    names = [str(p) for p in files]
    columns = _columns(con, fmt, names, path)
    log_named = any(
        (options.user_column, options.session_column, options.time_column, options.event_column)
    )
    ga4 = fmt != "csv" and not log_named and all(c in columns for c in GA4_COLUMNS)
    if fmt == "json" and not ga4:
        missing = ", ".join(c for c in GA4_COLUMNS if c not in columns)
        raise BadInput(
            f"{path}: not a GA4 BigQuery export (no {missing} column); an event log goes in a "
            ".csv or .parquet file."
        )
    kind = "GA4 BigQuery export" if ga4 else "event log"
    description = f"{kind} ({fmt}, {len(files)} file(s)): {path.name}"
    return Source(names, fmt, ga4, columns, description)


def _format(path: Path) -> str | None:
    return SUFFIXES.get(path.suffix.lower())


def _reader(fmt: str, files: list[str], typed: bool) -> str:
    listed = "[" + ", ".join(_literal(f) for f in files) + "]"
    if fmt == "json":
        types = f", columns={GA4_JSON_TYPES!r}" if typed else ""
        return f"read_json({listed}, format='newline_delimited'{types})"
    if fmt == "parquet":
        return f"read_parquet({listed}, union_by_name=true)"
    return f"read_csv({listed}, header=true, union_by_name=true)"


def _columns(
    con: duckdb.DuckDBPyConnection, fmt: str, files: list[str], path: Path
) -> dict[str, str]:
    import duckdb  # loaded by count_export, which opened `con`

    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {_reader(fmt, files, typed=False)}").fetchall()
    except duckdb.Error as error:
        raise BadInput(f"{path}: cannot be read as {fmt} ({_first_line(error)}).") from None
    return {str(row[0]): str(row[1]) for row in rows}


def events_sql(source: Source, options: ExportOptions) -> str:
    """SELECT u, s, ts (microseconds), name, revenue FROM the export."""
    columns = source.columns
    if source.ga4:
        reader = _reader(source.format, source.files, typed=True)
        typed = source.format == "json"
        session, revenue = "NULL", "NULL"
        if typed or "event_params" in columns:
            param = "list_filter(event_params, lambda p: p.key = '{}')[1].value"
            session = f"CAST({param.format('ga_session_id')}.int_value AS VARCHAR)"
            value = param.format("value")
            revenue = (
                f"coalesce({value}.double_value, {value}.float_value, "
                f"TRY_CAST({value}.int_value AS DOUBLE))"
            )
        if typed or "ecommerce" in columns:
            revenue = f"coalesce(ecommerce.purchase_revenue, {revenue})"
        return (
            "SELECT hash(user_pseudo_id) AS u, hash(user_pseudo_id, coalesce("
            f"{session}, '')) AS s, TRY_CAST(event_timestamp AS BIGINT) AS ts, event_name AS "
            f"name, {revenue}::DOUBLE AS revenue FROM {reader} WHERE user_pseudo_id IS NOT NULL"
        )
    named = {
        "user": options.user_column or LOG_DEFAULTS["user"],
        "session": options.session_column or LOG_DEFAULTS["session"],
        "time": options.time_column or LOG_DEFAULTS["time"],
        "event": options.event_column or LOG_DEFAULTS["event"],
    }
    for role, column in named.items():
        if column not in columns:
            raise BadInput(
                f"{options.path}: no column {column!r} for the {role} (its columns: "
                f"{', '.join(sorted(columns))}); name it with --{role}-column."
            )
    user, session, time, event = (_identifier(named[k]) for k in LOG_DEFAULTS)
    return (
        f"SELECT hash({user}::VARCHAR) AS u, hash({user}::VARCHAR, {session}::VARCHAR) AS s, "
        f"{_microseconds(time, columns[named['time']])} AS ts, {event}::VARCHAR AS name, "
        f"NULL::DOUBLE AS revenue FROM {_reader(source.format, source.files, typed=False)} "
        f"WHERE {user} IS NOT NULL"
    )


def _microseconds(column: str, type_name: str) -> str:
    """A time column as microseconds: numbers are seconds, text and timestamps are times."""
    numeric = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL")
    if type_name.upper().lstrip("U").startswith(numeric):
        return f"CAST({column} * 1000000 AS BIGINT)"
    return f"epoch_us(TRY_CAST({column} AS TIMESTAMP))"


def read_mapping(path: Path | None) -> dict[str, str]:
    """The mapping file: a YAML mapping of the export's event names to the plan's."""
    if path is None:
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInput(f"{path}: no such mapping file.") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise BadInput(f"{path}: not a readable YAML mapping ({_first_line(error)}).") from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise BadInput(
            f"{path}: give one 'export_event: plan_event' line per event (a YAML mapping of names)."
        )
    return dict(sorted(data.items()))


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
