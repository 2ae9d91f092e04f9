"""Cronbach's α, rwg(j), Hedges' g and the consensus tolerance against values computed by hand."""

from __future__ import annotations

import pytest

from assessment.engine.statistics import (
    beyond_tolerance,
    cronbach_alpha,
    hedges_g,
    rwg_j,
    uniform_variance,
    variance,
)


def test_sample_variance_divides_by_n_minus_one() -> None:
    assert variance([2, 3, 4]) == 1.0  # (1 + 0 + 1) / 2
    assert variance([1, 3, 5]) == 4.0  # (4 + 0 + 4) / 2
    assert variance([3]) == 0.0


def test_alpha_of_two_items_with_unequal_spread() -> None:
    # items (2, 3, 4) and (1, 3, 5): variances 1 and 4; totals (3, 6, 9) have variance 9;
    # alpha = 2 / 1 * (1 - 5 / 9) = 8 / 9
    alpha = cronbach_alpha([[2, 1], [3, 3], [4, 5]])
    assert alpha.value == pytest.approx(0.889)
    assert alpha.reason is None


def test_alpha_of_identical_items_is_one() -> None:
    assert cronbach_alpha([[1, 1], [2, 2], [3, 3]]).value == 1.0


def test_alpha_of_partly_agreeing_items() -> None:
    # items (1, 2, 3) and (2, 1, 3): variances 1 and 1; totals (3, 3, 6) have variance 3;
    # alpha = 2 * (1 - 2 / 3) = 0.667
    assert cronbach_alpha([[1, 2], [2, 1], [3, 3]]).value == pytest.approx(0.667)


def test_alpha_leaves_out_items_without_variance() -> None:
    # the constant third item carries no information: same alpha as without it
    assert cronbach_alpha([[2, 1, 3], [3, 3, 3], [4, 5, 3]]).value == pytest.approx(0.889)


def test_alpha_needs_three_respondents_and_says_so() -> None:
    alpha = cronbach_alpha([[1, 2], [3, 4]])
    assert alpha.value is None
    assert alpha.reason is not None
    assert "2 did" in alpha.reason.en and "2 位" in alpha.reason.zh


def test_alpha_needs_two_items_with_variance_and_says_so() -> None:
    alpha = cronbach_alpha([[1, 3], [2, 3], [3, 3]])
    assert alpha.value is None
    assert alpha.reason is not None and "1 found" in alpha.reason.en


def test_alpha_is_not_computed_when_the_totals_do_not_vary() -> None:
    alpha = cronbach_alpha([[1, 3], [2, 2], [3, 1]])
    assert alpha.value is None
    assert alpha.reason is not None and "totals" in alpha.reason.en


def test_uniform_null_variance_of_an_a_point_scale() -> None:
    assert uniform_variance(5) == 2.0  # (25 - 1) / 12
    assert uniform_variance(7) == 4.0  # (49 - 1) / 12


def test_rwg_of_one_item_is_one_minus_the_variance_ratio() -> None:
    # (3, 4): variance 0.5; 1 - 0.5 / 2 = 0.75
    assert rwg_j([([3, 4], 5)]).value == 0.75


def test_rwg_j_over_two_items_by_the_spearman_brown_form() -> None:
    # variances 0 and 2 on a 5-point scale: mean ratio r = 0.5; J = 2:
    # rwg(j) = 2 * 0.5 / (2 * 0.5 + 0.5) = 2 / 3
    assert rwg_j([([3, 3, 3], 5), ([2, 4], 5)]).value == pytest.approx(0.667)


def test_rwg_is_one_when_everybody_agrees_and_zero_beyond_random_spread() -> None:
    assert rwg_j([([4, 4], 5), ([2, 2, 2], 5)]).value == 1.0
    assert rwg_j([([1, 5], 5)]).value == 0.0  # variance 8 > 2: truncated to 0


def test_rwg_needs_two_answers_to_one_item_and_says_so() -> None:
    estimate = rwg_j([([3], 5), ([], 5)])
    assert estimate.value is None
    assert estimate.reason is not None and "2 respondents" in estimate.reason.en


def test_hedges_g_of_two_small_groups() -> None:
    # means 70 and 30, pooled variance 200: d = 40 / sqrt(200) = 2.828;
    # J = 1 - 3 / (4 * 4 - 9) = 0.5714; g = 1.616
    assert hedges_g([60, 80], [20, 40]) == pytest.approx(1.62)
    assert hedges_g([20, 40], [60, 80]) == pytest.approx(-1.62)


def test_hedges_g_needs_two_per_group_and_some_spread() -> None:
    assert hedges_g([60], [20, 40]) is None
    assert hedges_g([50, 50], [20, 20]) is None


def test_consensus_tolerance_is_a_range_of_two_points() -> None:
    assert beyond_tolerance([3, 5])
    assert beyond_tolerance([1, 2, 3])
    assert not beyond_tolerance([3, 4, 4])
    assert not beyond_tolerance([5])
