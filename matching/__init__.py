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
    mobility_reach,
    skill_gaps,
)
from matching.factors import EXCLUSION_REASONS, on_site_reach, presence_flaw
from matching.inputs import (
    CONTEXT_IDS,
    DEFAULT_GATES,
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
    "DEFAULT_GATES",
    "EXCLUSION_REASONS",
    "FACTOR_NAMES",
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
    "mobility_reach",
    "on_site_reach",
    "presence_flaw",
    "replace_profiles",
    "score_mission_against_pool",
    "skill_gaps",
    "splice_index",
    "top_matches",
]
