"""Risk ratios with confidence intervals: crude (Wald on the log risk ratio) and stratified
(Mantel-Haenszel with the Greenland-Robins variance)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from scanner.models.validation import Lift


@dataclass(frozen=True)
class Table:
    """A 2x2 table: `converted` of `doers` against `others_converted` of `others`."""

    converted: int
    doers: int
    others_converted: int
    others: int

    @property
    def total(self) -> int:
        return self.doers + self.others


def z_value(confidence: float, tests: int) -> float:
    """The normal quantile of a two-sided interval, Bonferroni-corrected over `tests`."""
    alpha = (1 - confidence) / max(tests, 1)
    return NormalDist().inv_cdf(1 - alpha / 2)


def risk_ratio(table: Table, z: float) -> Lift | None:
    """Wald interval on log(RR); with a zero cell, 0.5 is added to each cell (Haldane)."""
    if table.doers == 0 or table.others == 0:
        return None
    a, n1 = float(table.converted), float(table.doers)
    c, n0 = float(table.others_converted), float(table.others)
    if a == 0 or c == 0 or a == n1 or c == n0:
        a, c, n1, n0 = a + 0.5, c + 0.5, n1 + 1, n0 + 1
    log_rr = math.log((a / n1) / (c / n0))
    se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n0)
    return _lift(log_rr, se, z)


def mantel_haenszel(strata: list[Table], z: float) -> Lift | None:
    """The risk ratio within strata, pooled; None when a stratum-free comparison is missing
    (no converted doer or no converted other in any stratum)."""
    r = sum(t.converted * t.others / t.total for t in strata if t.total)
    s = sum(t.others_converted * t.doers / t.total for t in strata if t.total)
    if r == 0 or s == 0:
        return None
    p = sum(
        (
            (t.converted + t.others_converted) * t.doers * t.others
            - t.converted * t.others_converted * t.total
        )
        / t.total**2
        for t in strata
        if t.total
    )
    return _lift(math.log(r / s), math.sqrt(max(p, 0) / (r * s)), z)


def _lift(log_rr: float, se: float, z: float) -> Lift:
    return Lift(
        ratio=round(math.exp(log_rr), 4),
        low=round(math.exp(log_rr - z * se), 4),
        high=round(math.exp(log_rr + z * se), 4),
    )
