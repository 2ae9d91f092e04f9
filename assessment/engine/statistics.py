"""Many respondents, treated statistically: pure functions with their formulas stated.

- Sample variance s² = Σ(x − x̄)² / (n − 1).
- Cronbach's α (internal consistency of a dimension's items) on a respondents × items matrix with
  no gaps: α = k / (k − 1) × (1 − Σ s²_item / s²_total), where s²_total is the variance of the
  respondents' item sums. Items without variance are left out (they carry no information on
  consistency); computable with at least 3 respondents and at least 2 items with variance.
- rwg(j) (within-group agreement on J parallel items; James, Demaree & Wolf 1984):
  rwg(j) = J (1 − r) / (J (1 − r) + r), r = mean over items of s²_j / σ²_E, and σ²_E = (A² − 1) / 12,
  the variance of a uniform ("no agreement") answer on an A-point scale (2.0 for 5 points). Items with
  fewer than 2 values are left out. When the observed variance exceeds σ²_E (r ≥ 1) it is reported as
  0 (no agreement), as the authors recommend.
- Hedges' g (effect size of a difference between two groups): Cohen's d with the pooled sample SD,
  times the small-sample correction J = 1 − 3 / (4 (n₁ + n₂) − 9). Needs 2 values in each group.
- Consensus tolerance (CONSENSUS_RANGE): respondents whose answers to an item are 2 or more scale
  points apart (range ≥ 2) should discuss it before a score is agreed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..content.model import Text

CONSENSUS_RANGE = 2.0
MIN_ALPHA_RESPONDENTS = 3


@dataclass(frozen=True)
class Estimate:
    """A statistic, or None with the reason it could not be computed."""

    value: float | None
    reason: Text | None = None


def variance(values: Sequence[float]) -> float:
    """Sample variance (n − 1 in the denominator); 0 for fewer than 2 values."""
    n = len(values)
    if n < 2:
        return 0.0
    mean = math.fsum(values) / n
    return math.fsum((v - mean) ** 2 for v in values) / (n - 1)


def value_range(values: Sequence[float]) -> float:
    """Largest minus smallest value."""
    return max(values) - min(values)


def beyond_tolerance(values: Sequence[float]) -> bool:
    """Whether respondents' answers to one item spread beyond the consensus tolerance."""
    return len(values) >= 2 and value_range(values) >= CONSENSUS_RANGE


def cronbach_alpha(rows: Sequence[Sequence[float]]) -> Estimate:
    """α of a complete respondents × items matrix (see the module docstring)."""
    n = len(rows)
    if n < MIN_ALPHA_RESPONDENTS:
        return Estimate(
            None,
            Text(
                f"needs at least 3 respondents who answered every item; {n} did",
                f"至少需要 3 位答完全部条目的答卷人，目前只有 {n} 位",
            ),
        )
    columns = [[row[j] for row in rows] for j in range(len(rows[0]))]
    varied = [c for c in columns if variance(c) > 0]
    if len(varied) < 2:
        return Estimate(
            None,
            Text(
                f"needs at least 2 items on which respondents differ; {len(varied)} found",
                f"至少需要 2 个答卷人之间有差异的条目，目前只有 {len(varied)} 个",
            ),
        )
    k = len(varied)
    total = variance([math.fsum(values) for values in zip(*varied, strict=True)])
    if total == 0:
        return Estimate(
            None,
            Text(
                "the respondents' totals do not vary",
                "各答卷人的总分没有差异",
            ),
        )
    item_sum = math.fsum(variance(c) for c in varied)
    return Estimate(round(k / (k - 1) * (1 - item_sum / total), 3) + 0.0)  # + 0.0: never -0.0


def uniform_variance(points: int) -> float:
    """σ²_E = (A² − 1) / 12: the variance of a uniformly random answer on an A-point scale."""
    return (points * points - 1) / 12


def rwg_j(items: Sequence[tuple[Sequence[float], int]]) -> Estimate:
    """rwg(j) over items given as (respondents' values, number of scale points)."""
    ratios = [
        variance(values) / uniform_variance(points)
        for values, points in items
        if len(values) >= 2 and points >= 2
    ]
    if not ratios:
        return Estimate(
            None,
            Text(
                "needs at least 2 respondents answering the same item",
                "至少需要 2 位答卷人回答同一条目",
            ),
        )
    j = len(ratios)
    r = math.fsum(ratios) / j
    if r >= 1:
        return Estimate(0.0)
    return Estimate(round(j * (1 - r) / (j * (1 - r) + r), 3) + 0.0)


def hedges_g(first: Sequence[float], second: Sequence[float]) -> float | None:
    """Hedges' g of first − second; None with fewer than 2 values in a group or no spread."""
    n1, n2 = len(first), len(second)
    if n1 < 2 or n2 < 2:
        return None
    pooled = ((n1 - 1) * variance(first) + (n2 - 1) * variance(second)) / (n1 + n2 - 2)
    if pooled <= 0:
        return None
    d = (math.fsum(first) / n1 - math.fsum(second) / n2) / math.sqrt(pooled)
    return round(d * (1 - 3 / (4 * (n1 + n2) - 9)), 2) + 0.0
