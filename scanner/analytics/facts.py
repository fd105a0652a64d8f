"""Count what the export holds, in DuckDB: the events are read once into a compact table
(hashed user and session ids, microsecond times), then each count is one query over it."""

from __future__ import annotations

import tempfile
from typing import TYPE_CHECKING, Any

from scanner.analytics.source import ExportOptions, events_sql, find_source, read_mapping
from scanner.errors import BadInput
from scanner.models.validation import MIN_USERS, EventFacts, ExportFacts, PairFacts, PathCount

if TYPE_CHECKING:
    import duckdb

MEMORY_LIMIT = "1GB"  # DuckDB spills to disk past it
# Collected on every visit (GA4's automatic events): left out of the paths, which they would fill.
AUTOMATIC = ("session_start", "first_visit", "user_engagement", "page_view")
PATH_STEPS = 5  # a path keeps the last steps before the conversion
TOP_PATHS = 5

# Each event's first time per session (the one pass over all events), then per user.
SESSION_EVENTS = """
CREATE TEMP TABLE se AS SELECT u, s, name, min(ts) AS first_ts FROM ev
WHERE name NOT IN (SELECT name FROM macros) GROUP BY u, s, name
"""
USER_EVENTS = """
CREATE TEMP TABLE ue AS
SELECT se.u, se.name, min(se.first_ts) AS first_ts, conv.t,
       conv.t IS NULL OR min(se.first_ts) <= conv.t AS counted,
       coalesce(min(se.first_ts) < conv.t, false) AS before
FROM se LEFT JOIN conv USING (u) GROUP BY se.u, se.name, conv.t
"""
EVENTS = """
WITH s AS (
  SELECT se.name, count(*) AS sessions,
         count(*) FILTER (sconv.t IS NULL OR se.first_ts <= sconv.t) AS doers,
         count(*) FILTER (se.first_ts <= sconv.t) AS converted
  FROM se LEFT JOIN sconv USING (s) GROUP BY se.name
)
SELECT ue.name, count(*), s.sessions, count(*) FILTER (counted),
       count(*) FILTER (counted AND ue.t IS NOT NULL),
       coalesce(sum(conv.revenue) FILTER (counted), 0),
       count(*) FILTER (ue.t IS NOT NULL), count(*) FILTER (before),
       median((ue.t - first_ts) / 1e6) FILTER (before), s.doers, s.converted
FROM ue LEFT JOIN conv USING (u) JOIN s USING (name)
GROUP BY ue.name, s.sessions, s.doers, s.converted ORDER BY ue.name
"""
PAIRS = f"""
WITH m AS (SELECT * FROM ue WHERE counted AND name IN (
  SELECT name FROM ue WHERE counted GROUP BY name HAVING count(*) >= {MIN_USERS}))
SELECT a.name, b.name, count(*), count(*) FILTER (a.t IS NOT NULL),
       count(*) FILTER (b.first_ts < a.first_ts)
FROM m AS a JOIN m AS b ON a.u = b.u AND a.name <> b.name
GROUP BY a.name, b.name ORDER BY a.name, b.name
"""
# Per converting user (or session): the events before the conversion, in order, repeats
# collapsed, the last steps kept.
PATHS = """
CREATE TEMP TABLE {table} AS
WITH b AS (
  SELECT ev.{key} AS k, ev.ts, ev.name FROM ev JOIN {conv} AS cv ON ev.{key} = cv.{key}
  WHERE ev.ts < cv.t AND ev.name NOT IN (SELECT name FROM macros) AND ev.name NOT IN {automatic}
), c AS (
  SELECT k, ts, name, lag(name) OVER (PARTITION BY k ORDER BY ts, name) AS prev FROM b
), p AS (
  SELECT k, list(name ORDER BY ts DESC, name DESC)[1:{steps}] AS last
  FROM c WHERE prev IS DISTINCT FROM name GROUP BY k
)
SELECT list_reverse(last) AS steps, array_to_string(list_reverse(last), ' ') AS text,
       count(*) AS n
FROM p GROUP BY last
"""
TOP_PATH = """
SELECT name, steps FROM (
  SELECT unnest(list_distinct(steps)) AS name, steps, n, text FROM upaths
) QUALIFY row_number() OVER (PARTITION BY name ORDER BY n DESC, text) = 1 ORDER BY name
"""


def count_export(options: ExportOptions, macros: list[str]) -> ExportFacts:
    """Read the export and count, for the plan's macro events (the conversions)."""
    import duckdb  # here, not at import: every other command starts without DuckDB

    mapping = read_mapping(options.mapping)
    with tempfile.TemporaryDirectory(prefix="scanner-duckdb-") as spill:
        config = {
            "memory_limit": MEMORY_LIMIT,
            "temp_directory": spill,
            "preserve_insertion_order": False,
        }
        con = duckdb.connect(":memory:", config=config)  # type: ignore[arg-type]
        con.execute("SET enable_progress_bar = false")  # the library prints nothing
        try:
            return _count(con, options, mapping, macros)
        except duckdb.Error as error:
            message = str(error).strip().splitlines()[0]
            raise BadInput(f"{options.path}: cannot be read ({message}).") from None
        finally:
            con.close()


def _count(
    con: duckdb.DuckDBPyConnection,
    options: ExportOptions,
    mapping: dict[str, str],
    macros: list[str],
) -> ExportFacts:
    source = find_source(con, options)
    con.execute(f"CREATE TEMP TABLE ev AS {events_sql(source, options)}")
    read, untimed = _one(con, "SELECT count(*), count(*) FILTER (ts IS NULL) FROM ev")
    if read == 0:
        raise BadInput(f"{options.path}: the export holds no events.")
    if untimed:
        raise BadInput(
            f"{options.path}: {untimed} of {read} events have no readable time; give a "
            "timestamp (or seconds since 1970) in the time column."
        )
    names = [str(row[0]) for row in con.execute("SELECT DISTINCT name FROM ev").fetchall()]
    _apply_mapping(con, mapping, names, options)
    found = {mapping.get(name, name) for name in names}
    conversions = [name for name in macros if name in found]
    if not conversions:
        raise BadInput(
            f"{options.path}: no conversions in the data: none of the plan's macro events "
            f"({', '.join(macros)}) occurs; map the export's conversion event to one of them "
            "with --mapping."
        )
    con.execute("CREATE TEMP TABLE macros (name VARCHAR)")
    con.executemany("INSERT INTO macros VALUES (?)", [[name] for name in conversions])
    converting = "WHERE name IN (SELECT name FROM macros)"
    con.execute(
        "CREATE TEMP TABLE conv AS SELECT u, min(ts) AS t, coalesce(sum(revenue), 0) AS revenue "
        f"FROM ev {converting} GROUP BY u"
    )
    con.execute(
        f"CREATE TEMP TABLE sconv AS SELECT s, min(ts) AS t FROM ev {converting} GROUP BY s"
    )
    users, sessions = _one(con, "SELECT count(DISTINCT u), count(DISTINCT s) FROM ev")
    converters, revenue = _one(con, "SELECT count(*), coalesce(sum(revenue), 0) FROM conv")
    (converting_sessions,) = _one(con, "SELECT count(*) FROM sconv")
    automatic = "(" + ", ".join(f"'{name}'" for name in AUTOMATIC) + ")"
    for table, key, conv in (("upaths", "u", "conv"), ("spaths", "s", "sconv")):
        con.execute(
            PATHS.format(table=table, key=key, conv=conv, automatic=automatic, steps=PATH_STEPS)
        )
    con.execute(SESSION_EVENTS)
    con.execute("DROP TABLE ev")  # each table goes once read: memory stays low
    con.execute(USER_EVENTS)
    counted = con.execute(EVENTS).fetchall()
    con.execute("DROP TABLE se")
    top_path = {str(name): list(steps) for name, steps in con.execute(TOP_PATH).fetchall()}
    events = [
        EventFacts(
            event=row[0],
            users=row[1],
            sessions=row[2],
            doers=row[3],
            doers_converted=row[4],
            doers_revenue=round(float(row[5]), 2),
            converters_did=row[6],
            converters_before=row[7],
            median_seconds_to_conversion=None if row[8] is None else round(float(row[8]), 1),
            session_doers=row[9],
            session_doers_converted=row[10],
            top_path=top_path.get(row[0], []),
        )
        for row in counted
    ]
    pairs = [
        PairFacts(event=a, other=b, both=n, both_converted=c, other_first=f)
        for a, b, n, c, f in con.execute(PAIRS).fetchall()
    ]
    return ExportFacts(
        source=source.description,
        events_read=read,
        users=users,
        sessions=sessions,
        converters=converters,
        converting_sessions=converting_sessions,
        revenue=round(float(revenue), 2),
        conversions=conversions,
        ordered=any(event.converters_before for event in events),
        events=events,
        pairs=pairs,
        user_paths=_paths(con, "upaths"),
        session_paths=_paths(con, "spaths"),
    )


def _apply_mapping(
    con: duckdb.DuckDBPyConnection,
    mapping: dict[str, str],
    names: list[str],
    options: ExportOptions,
) -> None:
    """Rename the export's events to the plan's; BadInput when the mapping names others."""
    unknown = sorted(set(mapping) - set(names))
    if unknown:
        raise BadInput(
            f"{options.mapping}: names events that are not in the data: {', '.join(unknown)} "
            f"(the data has {', '.join(sorted(names)[:20])}{', ...' if len(names) > 20 else ''})."
        )
    if not mapping:
        return
    con.execute("CREATE TEMP TABLE mapping (source VARCHAR, target VARCHAR)")
    con.executemany("INSERT INTO mapping VALUES (?, ?)", [list(item) for item in mapping.items()])
    con.execute(
        "CREATE TEMP TABLE mapped AS SELECT u, s, ts, coalesce(m.target, ev.name) AS name, "
        "revenue FROM ev LEFT JOIN mapping AS m ON ev.name = m.source"
    )
    con.execute("DROP TABLE ev")
    con.execute("ALTER TABLE mapped RENAME TO ev")


def _paths(con: duckdb.DuckDBPyConnection, table: str) -> list[PathCount]:
    rows = con.execute(f"SELECT steps, n FROM {table} ORDER BY n DESC, text LIMIT {TOP_PATHS}")
    return [PathCount(steps=list(steps), count=n) for steps, n in rows.fetchall()]


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row
