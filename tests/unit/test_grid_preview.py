"""The preview's rules, over any band figures and budgets (hypothesis): a mission is listed as a warning
that appears exactly when its budget position moves into "below" (budget_position, the rule every page
reads), as one that disappears exactly when it moves out, and never otherwise; the moves count the
scores that change by strictly more than 5 points."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from models import RateBand
from service.reference.grid_preview import (
    MOVE_THRESHOLD,
    MissionBudget,
    band_with,
    score_moves,
    warning_changes,
)
from service.reference.positions import MarketPosition, budget_position

TJM = st.integers(min_value=100, max_value=5000)


@st.composite
def bands(draw: st.DrawFn) -> tuple[int, int]:
    low = draw(TJM)
    return low, draw(st.integers(min_value=low, max_value=5000))


@st.composite
def budgets(draw: st.DrawFn) -> list[MissionBudget]:
    missions = []
    for index in range(draw(st.integers(min_value=0, max_value=12))):
        low = draw(TJM)
        missions.append(MissionBudget(index + 1, f"Mission {index + 1}", low, draw(st.integers(low, 5000))))
    return missions


def _band(low: int, high: int) -> RateBand:
    return RateBand(
        id="y11_15",
        position=4,
        label_en="11 to 15 years",
        label_fr="11-15 ans",
        min_years=11,
        max_years=16,
        tjm_low=low,
        tjm_high=high,
        tjm_ceiling=None,
        note="",
    )


@given(bands(), bands(), budgets())
def test_warnings_appear_and_disappear_as_budget_position_says(
    old: tuple[int, int], new: tuple[int, int], missions: list[MissionBudget]
) -> None:
    before = _band(*old)
    after = band_with(before, new[0], new[1], None, "")
    changes = warning_changes(missions, before, after)
    below = MarketPosition.BELOW
    appearing = {c.mission.id for c in changes.appearing}
    disappearing = {c.mission.id for c in changes.disappearing}
    for mission in missions:
        was = budget_position(before, mission.tjm_min, mission.tjm_max)
        will = budget_position(after, mission.tjm_min, mission.tjm_max)
        assert (mission.id in appearing) == (was is not below and will is below)
        assert (mission.id in disappearing) == (was is below and will is not below)
    for change in [*changes.appearing, *changes.disappearing]:
        assert change.before == budget_position(before, change.mission.tjm_min, change.mission.tjm_max)
        assert change.after == budget_position(after, change.mission.tjm_min, change.mission.tjm_max)
    assert [c.mission.id for c in changes.appearing] == sorted(appearing), "in the missions' order"


@given(bands(), budgets())
def test_the_same_figures_change_no_warning(figures: tuple[int, int], missions: list[MissionBudget]) -> None:
    band = _band(*figures)
    changes = warning_changes(missions, band, band_with(band, *figures, None, "another note"))
    assert changes.appearing == [] and changes.disappearing == []


def test_raising_the_low_end_over_a_budget_makes_its_warning_appear() -> None:
    mission = MissionBudget(7, "CTO fintech", 600, 700)
    changes = warning_changes([mission], _band(650, 685), _band(720, 760))
    assert [(c.mission.id, c.before, c.after) for c in changes.appearing] == [
        (7, MarketPosition.WITHIN, MarketPosition.BELOW)
    ]
    back = warning_changes([mission], _band(720, 760), _band(650, 685))
    assert [c.mission.id for c in back.disappearing] == [7] and back.appearing == []


@given(
    st.lists(st.tuples(st.floats(0, 100, allow_nan=False), st.floats(0, 100, allow_nan=False)), max_size=40)
)
def test_moves_count_the_scores_that_change_by_more_than_the_threshold(
    pairs: list[tuple[float, float]],
) -> None:
    old = [a for a, _ in pairs]
    new = [b for _, b in pairs]
    moves = score_moves(old, new)
    assert moves.checked == len(pairs)
    assert moves.moved == sum(abs(b - a) > MOVE_THRESHOLD for a, b in pairs)
    assert moves.largest == (round(max(abs(b - a) for a, b in pairs), 2) if pairs else 0.0)


def test_exactly_five_points_is_not_a_move() -> None:
    assert score_moves(np.array([50.0, 50.0]), np.array([55.0, 44.99])).moved == 1
