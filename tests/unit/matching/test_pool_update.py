"""A pool kept up to date by splicing equals, array for array, the pool encoded from scratch."""

from __future__ import annotations

import itertools
import os
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import pool as pool_module
from matching.inputs import ProfileInput, RateGrid, Vocabulary
from matching.pool import (
    LOOP_EDITS,
    ProfilePool,
    concat_pools,
    encode_profiles,
    replace_profiles,
    splice_index,
)
from tests.pool_equality import assert_same_pool

PROPS = settings(
    max_examples=int(os.environ.get("MATCHING_HYPOTHESIS_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def fresh(profiles: dict[int, ProfileInput], vocab: Vocabulary, grid: RateGrid) -> ProfilePool:
    return encode_profiles([profiles[i] for i in sorted(profiles)], vocab, grid)


@st.composite
def splice_steps(draw: st.DrawFn, strategies: Any) -> list[tuple[list[ProfileInput], list[int]]]:
    """Steps of (profiles written: added or changed, ids dropped); ids from a small range so they collide."""
    steps = []
    for _ in range(draw(st.integers(1, 5))):
        put_ids = draw(st.lists(st.integers(1, 30), unique=True, max_size=6))
        drop_ids = [
            i for i in draw(st.lists(st.integers(1, 30), unique=True, max_size=6)) if i not in put_ids
        ]
        steps.append(([draw(strategies.profile(profile_id=i)) for i in put_ids], drop_ids))
    return steps


@pytest.mark.parametrize("loop_edits", [LOOP_EDITS, 0], ids=["run-copies", "whole-array-masks"])
@PROPS
@given(data=st.data())
def test_a_pool_spliced_step_by_step_equals_the_pool_encoded_from_scratch(
    data: st.DataObject, strategies: Any, vocab: Vocabulary, grid: RateGrid, loop_edits: int
) -> None:
    start_ids = data.draw(st.lists(st.integers(1, 30), unique=True, max_size=10))
    profiles = {i: data.draw(strategies.profile(profile_id=i)) for i in start_ids}
    pool = fresh(profiles, vocab, grid)
    with pytest.MonkeyPatch.context() as patch:  # both ways of editing the posting lists
        patch.setattr(pool_module, "LOOP_EDITS", loop_edits)
        for written, dropped in data.draw(splice_steps(strategies)):
            # Changed profiles may come in any order: the result is still ordered by id.
            changed = encode_profiles(data.draw(st.permutations(written)), vocab, grid)
            pool = replace_profiles(pool, changed, dropped)
            profiles.update((p.id, p) for p in written)
            for profile_id in dropped:
                profiles.pop(profile_id, None)
            assert_same_pool(pool, fresh(profiles, vocab, grid))
            assert pool.ids.tolist() == sorted(profiles)


@PROPS
@given(data=st.data())
def test_splice_index_aligns_a_list_with_the_spliced_pool(
    data: st.DataObject, strategies: Any, vocab: Vocabulary, grid: RateGrid
) -> None:
    old = data.draw(strategies.pool(min_size=0, max_size=10))
    written, dropped = data.draw(splice_steps(strategies))[0]
    pool = replace_profiles(encode_profiles(old, vocab, grid), encode_profiles(written, vocab, grid), dropped)
    index = splice_index(
        np.array([p.id for p in old], dtype=np.int64),
        np.array([p.id for p in written], dtype=np.int64),
        np.array(dropped, dtype=np.int64),
    )
    combined = [*old, *written]
    aligned = [combined[i] for i in index]
    assert [p.id for p in aligned] == pool.ids.tolist()
    assert_same_pool(pool, encode_profiles(aligned, vocab, grid))


@PROPS
@given(data=st.data())
def test_concatenated_pools_equal_the_pool_of_all_their_profiles(
    data: st.DataObject, strategies: Any, vocab: Vocabulary, grid: RateGrid
) -> None:
    everyone = data.draw(strategies.pool(min_size=0, max_size=12))
    cuts = sorted(data.draw(st.lists(st.integers(0, len(everyone)), max_size=3)))
    bounds = [0, *cuts, len(everyone)]
    parts = [encode_profiles(everyone[a:b], vocab, grid) for a, b in itertools.pairwise(bounds)]
    assert_same_pool(concat_pools(parts), encode_profiles(everyone, vocab, grid))


SPLICES: dict[str, tuple[list[int], list[int]]] = {
    # name: (ids written: added or edited, ids dropped), applied to profiles 10, 20, 30, 40
    "edit first": ([10], []),
    "edit middle": ([20], []),
    "edit last": ([40], []),
    "add after the last": ([50], []),
    "add before the first": ([5], []),
    "add in the middle": ([25], []),
    "drop first": ([], [10]),
    "drop middle": ([], [30]),
    "drop last": ([], [40]),
    "drop all": ([], [10, 20, 30, 40]),
    "edit, add and drop": ([20, 35, 60], [10, 40]),
    "replace everything": ([1, 2, 3], [10, 20, 30, 40]),
}


@pytest.mark.parametrize("loop_edits", [LOOP_EDITS, 0], ids=["run-copies", "whole-array-masks"])
@pytest.mark.parametrize("name", list(SPLICES))
def test_every_kind_of_splice_equals_a_fresh_encode(
    profile_factory: Any,
    vocab: Vocabulary,
    grid: RateGrid,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    loop_edits: int,
) -> None:
    """Texts share most words, so every posting list gets entries deleted, inserted and renumbered."""
    monkeypatch.setattr(pool_module, "LOOP_EDITS", loop_edits)

    def profile(profile_id: int, edited: bool = False) -> ProfileInput:
        extra = " roadmap produit" if edited else ""
        return profile_factory(id=profile_id, summary=f"cloud sécurité équipe data{extra} n{profile_id}")

    profiles = {i: profile(i) for i in (10, 20, 30, 40)}
    written, dropped = SPLICES[name]
    changed = [profile(i, edited=True) for i in reversed(written)]  # in any order
    spliced = replace_profiles(fresh(profiles, vocab, grid), encode_profiles(changed, vocab, grid), dropped)
    profiles.update((p.id, p) for p in changed)
    for profile_id in dropped:
        del profiles[profile_id]
    assert_same_pool(spliced, fresh(profiles, vocab, grid))


def test_a_spliced_pool_scores_like_a_fresh_one_and_drops_are_idempotent(
    profile_factory: Any, vocab: Vocabulary, grid: RateGrid
) -> None:
    pool = encode_profiles([profile_factory(id=i, tjm=600 + i) for i in (1, 2, 3)], vocab, grid)
    edited = profile_factory(id=2, tjm=900, summary="Cloud migration, FinOps.")
    added = profile_factory(id=7, location="Lyon")
    spliced = replace_profiles(pool, encode_profiles([added, edited], vocab, grid), drop_ids=[3, 99])
    expected = encode_profiles([profile_factory(id=1, tjm=601), edited, added], vocab, grid)
    assert_same_pool(spliced, expected)
    assert_same_pool(replace_profiles(spliced, encode_profiles([], vocab, grid), [3, 99]), expected)


def test_pools_that_cannot_be_combined_are_refused(
    profile_factory: Any, vocab: Vocabulary, grid: RateGrid
) -> None:
    pool = encode_profiles([profile_factory(id=1), profile_factory(id=2)], vocab, grid)
    same_id = encode_profiles([profile_factory(id=2)], vocab, grid)
    with pytest.raises(ValueError, match="unique"):
        concat_pools([pool, same_id])
    with pytest.raises(ValueError, match="both changed and dropped"):
        replace_profiles(pool, same_id, drop_ids=[2])
    other_vocab = replace(vocab, sector_ids=(*vocab.sector_ids, "space"))
    with pytest.raises(ValueError, match="different vocabularies"):
        replace_profiles(pool, encode_profiles([profile_factory(id=3)], other_vocab, grid))
    with pytest.raises(ValueError, match="at least one pool"):
        concat_pools([])
