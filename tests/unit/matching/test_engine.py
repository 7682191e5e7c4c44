"""Engine plumbing: edge sizes, batches, vocabulary/grid guards, free-form sector tags."""

from __future__ import annotations

import json
import pickle
import re
from collections.abc import Callable
from typing import Any

import pytest

from matching import (
    ALGORITHM_VERSION,
    MissionInput,
    ProfileInput,
    RateGrid,
    Vocabulary,
    Weights,
    encode_missions,
    encode_profiles,
    score_mission_against_pool,
    top_matches,
)

ProfileFactory = Callable[..., ProfileInput]
MissionFactory = Callable[..., MissionInput]


def test_algorithm_version_is_a_dated_tag() -> None:
    assert re.fullmatch(r"\d{4}\.\d{2}-\d+", ALGORITHM_VERSION)


def test_empty_pool_and_empty_mission_list(
    vocab: Vocabulary, grid: RateGrid, weights: Weights, mission_factory: MissionFactory
) -> None:
    pool = encode_profiles([], vocab, grid)
    assert score_mission_against_pool(mission_factory(), pool, grid, weights).total.size == 0
    [top] = top_matches([mission_factory()], pool, grid, weights)
    assert top.profile_ids.size == 0
    assert top_matches([], pool, grid, weights) == []


def test_a_batch_row_scores_like_the_mission(
    vocab: Vocabulary,
    grid: RateGrid,
    weights: Weights,
    profile_factory: ProfileFactory,
    mission_factory: MissionFactory,
) -> None:
    pool = encode_profiles([profile_factory(id=1), profile_factory(id=2, tjm=900)], vocab, grid)
    missions = [mission_factory(id=1), mission_factory(id=2, seniority="gt15")]
    batch = encode_missions(missions, vocab, grid)
    for j, mission in enumerate(missions):
        from_row = score_mission_against_pool(batch.select(slice(j, j + 1)), pool, grid, weights)
        direct = score_mission_against_pool(mission, pool, grid, weights)
        assert from_row.total.tolist() == direct.total.tolist()
        assert from_row.mission_id == mission.id
    with pytest.raises(ValueError, match="one mission"):
        score_mission_against_pool(batch, pool, grid, weights)


def test_pool_and_grid_must_match(
    vocab: Vocabulary,
    grid: RateGrid,
    weights: Weights,
    profile_factory: ProfileFactory,
    mission_factory: MissionFactory,
) -> None:
    pool = encode_profiles([profile_factory()], vocab, grid)
    other: dict[str, Any] = json.loads(json.dumps({"bands": [_band_dict(b) for b in grid.bands]}))
    other["bands"][0]["tjm_low"] = 1
    with pytest.raises(ValueError, match="different rate grid"):
        score_mission_against_pool(mission_factory(), pool, RateGrid.from_mapping(other), weights)


def _band_dict(band: Any) -> dict[str, Any]:
    return {
        "id": band.id,
        "min_years": band.min_years,
        "max_years": band.max_years,
        "tjm_low": band.tjm_low,
        "tjm_high": band.tjm_high,
        "tjm_ceiling": band.tjm_ceiling,
    }


def test_free_sector_tags_count_only_when_in_the_vocabulary(
    taxonomy: dict[str, Any],
    grid: RateGrid,
    weights: Weights,
    profile_factory: ProfileFactory,
    mission_factory: MissionFactory,
) -> None:
    mission = mission_factory(sector="healthtech", context="industrial")
    profile = profile_factory(sectors=("HealthTech",), past_role_contexts=())
    for vocab, expected in (
        (Vocabulary.from_taxonomy(taxonomy), 0.0),
        (Vocabulary.from_taxonomy(taxonomy, extra_sectors=("healthtech",)), 0.4),
    ):
        result = score_mission_against_pool(mission, encode_profiles([profile], vocab, grid), grid, weights)
        assert float(result.factors["sector_context"][0]) == pytest.approx(expected)


def test_pool_is_picklable(vocab: Vocabulary, grid: RateGrid, profile_factory: ProfileFactory) -> None:
    """A worker may cache an encoded pool or hand it to another process."""
    pool = encode_profiles([profile_factory()], vocab, grid)
    restored = pickle.loads(pickle.dumps(pool))  # noqa: S301  (round trip of data produced just above)
    assert restored.ids.tolist() == [1]
