"""A GA4 BigQuery export of a made-up shop with planted effects, to prove `scanner validate`.

Daily `events_YYYYMMDD.json` files, newline-delimited, as BigQuery exports them (INT64 values as
strings, event_params as key/value records, ecommerce on purchases). What is planted, per user:

- `add_to_cart` (after `view_item`) multiplies the chance to buy by 4;
- `add_to_wishlist` (recommended in the demo plan) and `apply_coupon` (not in it) by 2.5 each;
- `search` does nothing;
- `view_cart` does nothing either, but comes mostly after `add_to_cart` (70 % against 5 %), so
  it correlates with buying only through it;
- `view_receipt` comes only after a purchase (a leak);
- `video_play` is too rare to judge.

    python -m bench.ga4_export DIR [--users N] [--seed N]
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from string import Template
from typing import IO

import duckdb

BASE_TIME = 1_704_067_200  # 2024-01-01 00:00:00 UTC
DAY = 86_400
BASE_RATE = 0.02
EFFECTS = {"add_to_cart": 4.0, "add_to_wishlist": 2.5, "apply_coupon": 2.5}


def user_actions(rng: random.Random) -> list[str]:
    """What one user does before any purchase, in order."""
    actions: list[str] = []
    if rng.random() < 0.7:
        actions.append("view_item")
        if rng.random() < 0.15:
            actions.append("add_to_wishlist")
        if rng.random() < 0.4:
            actions.append("add_to_cart")
            if rng.random() < 0.08:
                actions.append("apply_coupon")
    elif rng.random() < 0.05:
        actions.append("add_to_wishlist")
    carted = "add_to_cart" in actions
    if rng.random() < (0.7 if carted else 0.05):
        actions.append("view_cart")
    if rng.random() < 0.3:
        actions.insert(rng.randrange(len(actions) + 1), "search")
    if rng.random() < 0.002:
        actions.insert(rng.randrange(len(actions) + 1), "video_play")
    return actions


def conversion_chance(actions: list[str]) -> float:
    chance = BASE_RATE
    for action, effect in EFFECTS.items():
        if action in actions:
            chance *= effect
    return min(chance, 1.0)


def _param(key: str, value: str | int | float) -> dict[str, object]:
    slot: dict[str, str | float | None] = dict.fromkeys(
        ("string_value", "int_value", "float_value", "double_value")
    )
    if isinstance(value, str):
        slot["string_value"] = value
    elif isinstance(value, int):
        slot["int_value"] = str(value)  # BigQuery writes INT64 as a string in JSON
    else:
        slot["double_value"] = value
    return {"key": key, "value": slot}


class Writer:
    """Events into one file per day, as `events_YYYYMMDD.json`."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.files: dict[int, IO[str]] = {}
        self.count = 0

    def event(
        self, user: str, session: int, seconds: float, name: str, revenue: float = 0.0
    ) -> None:
        day = int(seconds - BASE_TIME) // DAY
        if day not in self.files:
            date = _date(day)
            self.files[day] = (self.out / f"events_{date}.json").open("w", encoding="utf-8")
        params = [_param("ga_session_id", session), _param("page_location", _page(name))]
        ecommerce = None
        if revenue:
            params.append(_param("value", revenue))
            ecommerce = {"purchase_revenue": revenue, "transaction_id": f"T{self.count}"}
        record = {
            "event_date": _date(day),
            "event_timestamp": str(int(seconds * 1_000_000)),
            "event_name": name,
            "event_params": params,
            "user_pseudo_id": user,
            "platform": "WEB",
            "ecommerce": ecommerce,
        }
        self.files[day].write(json.dumps(record, separators=(",", ":")) + "\n")
        self.count += 1

    def close(self) -> None:
        for handle in self.files.values():
            handle.close()


def _date(day: int) -> str:
    """YYYYMMDD of a day after 2024-01-01 (day 0), for the first 365 days."""
    months = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    month = 0
    while day >= months[month]:
        day -= months[month]
        month += 1
    return f"2024{month + 1:02d}{day + 1:02d}"


def _page(name: str) -> str:
    return f"https://shop.example/{name.replace('_', '-')}"


def generate(out: Path, users: int, seed: int = 13, days: int = 7) -> int:
    """Write the export into `out`; the number of events written."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    writer = Writer(out)
    try:
        for index in range(users):
            _user(writer, rng, index, days)
    finally:
        writer.close()
    return writer.count


def _user(writer: Writer, rng: random.Random, index: int, days: int) -> None:
    user = f"{rng.randrange(10**9, 10**10)}.{1_700_000_000 + index}"
    actions = user_actions(rng)
    buys = rng.random() < conversion_chance(actions)
    visits = 1 + (rng.random() < 0.4) + (rng.random() < 0.2)
    clock = float(BASE_TIME + rng.randrange(days) * DAY + rng.randrange(DAY))
    for visit in range(visits):
        session = int(clock)
        writer.event(user, session, clock, "session_start")
        share = actions[visit * len(actions) // visits : (visit + 1) * len(actions) // visits]
        for action in ["page_view", *share]:
            clock += rng.uniform(5, 120)
            writer.event(user, session, clock, "page_view")
            if action != "page_view":
                clock += rng.uniform(1, 30)
                writer.event(user, session, clock, action)
        if buys and visit == visits - 1:
            clock += rng.uniform(30, 300)
            writer.event(user, session, clock, "purchase", round(rng.uniform(15, 250), 2))
            if rng.random() < 0.9:
                writer.event(user, session, clock + rng.uniform(1, 10), "view_receipt")
        clock += rng.uniform(3_600, 2 * DAY)


PARQUET_COPY = Template("""
COPY (
  SELECT event_date, CAST(event_timestamp AS BIGINT) AS event_timestamp, event_name,
         list_transform(event_params, lambda p: {'key': p.key, 'value': {
           'string_value': p.value.string_value, 'int_value': CAST(p.value.int_value AS BIGINT),
           'float_value': p.value.float_value, 'double_value': p.value.double_value}})
           AS event_params,
         user_pseudo_id, platform, ecommerce
  FROM read_json('$source', format='newline_delimited', columns={
    'event_date': 'VARCHAR', 'event_timestamp': 'VARCHAR', 'event_name': 'VARCHAR',
    'event_params': 'STRUCT(key VARCHAR, value STRUCT(string_value VARCHAR, int_value VARCHAR,
      float_value DOUBLE, double_value DOUBLE))[]',
    'user_pseudo_id': 'VARCHAR', 'platform': 'VARCHAR',
    'ecommerce': 'STRUCT(purchase_revenue DOUBLE, transaction_id VARCHAR)'})
) TO '$target' (FORMAT parquet)
""")


def to_parquet(json_dir: Path, out: Path) -> None:
    """The same export as daily Parquet files, with BigQuery's types (INT64 as integers)."""
    out.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")
        for path in sorted(json_dir.glob("events_*.json")):
            target = out / path.with_suffix(".parquet").name
            con.execute(PARQUET_COPY.substitute(source=path, target=target))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    count = generate(args.out, args.users, args.seed)
    print(f"wrote {count} events of {args.users} users into {args.out}/")


if __name__ == "__main__":
    main()
