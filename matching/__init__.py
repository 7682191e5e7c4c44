"""ctomatch matching: the pure scoring engine (numpy/scipy/scikit-learn arrays in, arrays out; no I/O).

The service turns database rows into `ProfileInput` / `MissionInput`, encodes the pool once
(`encode_profiles`, then keeps it current with `replace_profiles`), and calls
`score_mission_against_pool` or `top_matches`; `explain_pair` turns a scored pair into reasons (stable
codes with their figures) that the service words for each reader.
"""

from matching.engine import (
    ALGORITHM_VERSION,
    MissionTopK,
    PairScores,
    score_mission_against_pool,
    top_matches,
)
from matching.explain import (
    REASON_CODES,
    BudgetOption,
    BudgetWarning,
    Explanation,
    Reason,
    SkillGaps,
    budget_advice,
    budget_warning,
    explain_pair,
    skill_gaps,
)
from matching.factors import EXCLUSION_REASONS, PRESENCE_CONFLICTS, on_site_reach
from matching.inputs import (
    CONTEXT_IDS,
    FACTOR_NAMES,
    Gates,
    MissionInput,
    PastRole,
    ProfileInput,
    RateBand,
    RateGrid,
    Vocabulary,
    Weights,
    labels_from_taxonomy,
)
from matching.pool import (
    MissionBatch,
    ProfilePool,
    concat_pools,
    encode_missions,
    encode_profiles,
    replace_profiles,
    splice_index,
)

__all__ = [
    "ALGORITHM_VERSION",
    "CONTEXT_IDS",
    "EXCLUSION_REASONS",
    "FACTOR_NAMES",
    "PRESENCE_CONFLICTS",
    "REASON_CODES",
    "BudgetOption",
    "BudgetWarning",
    "Explanation",
    "Gates",
    "MissionBatch",
    "MissionInput",
    "MissionTopK",
    "PairScores",
    "PastRole",
    "ProfileInput",
    "ProfilePool",
    "RateBand",
    "RateGrid",
    "Reason",
    "SkillGaps",
    "Vocabulary",
    "Weights",
    "budget_advice",
    "budget_warning",
    "concat_pools",
    "encode_missions",
    "encode_profiles",
    "explain_pair",
    "labels_from_taxonomy",
    "on_site_reach",
    "replace_profiles",
    "score_mission_against_pool",
    "skill_gaps",
    "splice_index",
    "top_matches",
]
