"""Explanations in words: every reason code in French and English, for the operator, the company and the
freelancer; the company and the freelancer never read the engine's internals; the budget's way out is
taken from the grid; the market check in both languages."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import (
    ALGORITHM_VERSION,
    CONTEXT_IDS,
    FACTOR_NAMES,
    REASON_CODES,
    MissionInput,
    PastRole,
    ProfileInput,
    RateGrid,
    Vocabulary,
    Weights,
    budget_advice,
    budget_warning,
    encode_profiles,
    explain_pair,
    score_mission_against_pool,
)
from service.explanations import (
    AUDIENCES,
    Audience,
    Labels,
    MarketCheck,
    reason_codes,
    render_budget_warning,
    render_exclusion,
    render_market_check,
    render_reasons,
    rendered_codes,
)
from service.i18n import format_money, use_locale
from service.reference.lexicon import concept_lexicon

ROOT = Path(__file__).resolve().parents[2]
TAXONOMY: dict[str, Any] = json.loads((ROOT / "fixtures" / "taxonomy.json").read_text(encoding="utf-8"))
GRID = RateGrid.from_mapping(json.loads((ROOT / "fixtures" / "rate_grid.json").read_text(encoding="utf-8")))
VOCAB = Vocabulary.from_taxonomy(TAXONOMY)
LABELS = Labels.from_taxonomy(TAXONOMY)
START = date(2027, 1, 4)
NBSP = "\u00a0"


def profile(**overrides: Any) -> ProfileInput:
    values: dict[str, Any] = {
        "id": 1,
        "years_experience": 12.0,
        "tjm": 680,
        "available_from": START,
        "days_per_week": 5,
        "remote_preference": "flexible",
        "location": "Paris",
        "orientation": "cto",
        "competences": {"it_security": 4, "leadership": 3, "project_management": 5},
        "cto_missions": ("technology_strategy",),
        "sectors": ("fintech",),
        "past_role_contexts": ("fintech",),
        "past_roles": (PastRole(title="CTO", context="fintech", start_year=2019, end_year=2023),),
        "headline": "CTO freelance fintech",
        "summary": "Stratégie technique, sécurité des paiements, équipes.",
    }
    values.update(overrides)
    return ProfileInput(**values)


def mission(**overrides: Any) -> MissionInput:
    values: dict[str, Any] = {
        "id": 100,
        "title": "CTO de transition fintech",
        "description": "Définir la stratégie technique et sécuriser la plateforme de paiement.",
        "orientation": "cto",
        "seniority": "y11_15",
        "tjm_min": 600,
        "tjm_max": 700,
        "start_date": START,
        "end_date": START + timedelta(days=180),
        "days_per_week": 5,
        "remote_policy": "hybrid",
        "location": "Paris",
        "sector": "fintech",
        "context": "fintech",
        "cto_missions": ("technology_strategy", "team_management"),
        "required_competences": ("it_security", "leadership"),
        "nice_competences": ("project_management", "communication"),
        "is_open": True,
    }
    values.update(overrides)
    return MissionInput(**values)


def stored(m: MissionInput, p: ProfileInput, vocab: Vocabulary | None = None) -> list[dict[str, Any]]:
    """The reasons as the scoring stores them (through JSON, as the database gives them back)."""
    scores = score_mission_against_pool(m, encode_profiles([p], VOCAB, GRID), GRID, Weights())
    explanation = explain_pair(m, p, scores.factor_scores(0), GRID, vocab=vocab)
    result: list[dict[str, Any]] = json.loads(json.dumps(explanation.stored()))
    return result


def render(items: list[Any], audience: Audience, locale: str) -> list[str]:
    with use_locale(locale):
        return render_reasons(items, audience, LABELS)


#: Pairs that together make the engine emit every code it has.
def coverage_pairs() -> Iterator[tuple[MissionInput, ProfileInput]]:
    yield mission(), profile()
    yield mission(is_open=False), profile()
    yield mission(), profile(active=False)
    yield mission(remote_policy="onsite"), profile(remote_preference="remote")
    yield mission(), profile(competences={"leadership": 2})
    yield mission(seniority="y5_10"), profile()
    yield mission(), profile(years_experience=3)
    yield mission(), profile(tjm=805)
    yield mission(), profile(tjm=550)
    yield mission(seniority="gt15", tjm_min=900, tjm_max=1100), profile(years_experience=20, tjm=1000)
    yield mission(seniority="gt15", tjm_min=900, tjm_max=1100), profile(years_experience=20, tjm=1200)
    yield mission(), profile(available_from=START + timedelta(days=14), days_per_week=3)
    yield mission(), profile(available_from=START + timedelta(days=200))
    yield mission(end_date=None), profile(available_from=START + timedelta(days=180), days_per_week=4)
    yield mission(), profile(remote_preference="remote", location="Lyon", orientation="dsi")
    yield mission(), profile(past_roles=())
    scaleup = (PastRole(title="CTO", context="scaleup", start_year=2018, end_year=None),)
    yield mission(context="startup"), profile(past_role_contexts=("scaleup",), past_roles=scaleup)
    yield mission(context="public_sector"), profile()
    yield mission(sector=""), profile()
    yield mission(sector="healthtech"), profile(sectors=())
    yield mission(tjm_min=450, tjm_max=500), profile()
    yield mission(region="Île-de-France"), profile(location="Lyon")
    yield mission(region="Île-de-France"), profile(location="Lyon", mobility=("Île-de-France",))
    yield mission(), profile(location="Lyon", mobility_anywhere=True, tjm=720, days_per_week=4)
    yield mission(), profile(tjm=900, days_per_week=2)


ALL_STORED = [
    *(r for m, p in coverage_pairs() for r in stored(m, p)),
    # the concepts both texts name, found through the lexicon of the vocabulary
    *stored(
        mission(description="Piloter la recette."),
        profile(summary="I run acceptance testing."),
        replace(VOCAB, lexicon=concept_lexicon()),
    ),
]


def test_the_coverage_pairs_emit_every_code_and_each_code_has_a_wording() -> None:
    assert {r["code"] for r in ALL_STORED} == set(REASON_CODES)
    assert rendered_codes() == set(REASON_CODES)


@pytest.mark.parametrize("code", REASON_CODES)
def test_every_code_is_worded_in_french_and_english_for_the_operator(code: str) -> None:
    sample = next(r for r in ALL_STORED if r["code"] == code)
    english = render([sample], "operator", "en")
    french = render([sample], "operator", "fr")
    assert len(english) == len(french) == 1 and english[0] and french[0]
    assert english != french  # a missing French entry would show the English text
    for audience in ("company", "freelancer"):
        worded = render([sample], audience, "fr")
        assert worded == [] or worded != render([sample], audience, "en")


def test_the_operator_reads_the_figures_in_each_language() -> None:
    items = stored(mission(), profile())
    assert "TJM €680 within budget €600–700" in render(items, "operator", "en")
    assert f"TJM de 680{NBSP}€ dans le budget de 600–700{NBSP}€" in render(items, "operator", "fr")
    assert "market range for 11–15 years is €650–685" in render(items, "operator", "en")
    assert f"fourchette du marché pour 11–15 ans{NBSP}: 650–685{NBSP}€" in render(items, "operator", "fr")
    assert any(
        s.startswith("text similarity with the mission description: 0.")
        for s in render(items, "operator", "en")
    )
    assert "already CTO in a fintech context (2019–2023)" in render(items, "operator", "en")
    assert "déjà CTO dans un contexte fintech (2019–2023)" in render(items, "operator", "fr")


def test_skill_gaps_use_the_taxonomy_labels_of_the_locale() -> None:
    items = stored(mission(), profile(competences={"leadership": 2}))
    assert "missing required competence: IT security" in render(items, "operator", "en")
    assert f"compétence requise manquante{NBSP}: Sécurité informatique" in render(items, "operator", "fr")
    assert "a required competence not in the profile: IT security" in render(items, "company", "en")
    assert f"une compétence requise absente de votre profil{NBSP}: Sécurité informatique" in render(
        items, "freelancer", "fr"
    )
    assert "a required competence to strengthen: Leadership (your level: 2 of 5)" in render(
        items, "freelancer", "en"
    )


def test_the_company_reads_client_wording() -> None:
    twice = (
        PastRole(title="CTO", context="fintech", start_year=2015, end_year=2018),
        PastRole(title="CTO", context="fintech", start_year=2019, end_year=None),
    )
    items = stored(mission(), profile(competences={"it_security": 4}, past_roles=twice, tjm=650))
    english = render(items, "company", "en")
    assert "a mastered required competence: IT security" in english
    assert "held a CTO role in a fintech context twice (2015–2018, 2019–now)" in english
    assert "rate €650 a day, within your budget €600–700" in english
    assert "available from 4 Jan 2027, by the mission start; the 5 days a week asked" in english
    french = render(items, "company", "fr")
    assert f"une compétence requise maîtrisée{NBSP}: Sécurité informatique" in french
    assert (
        "a occupé deux fois un rôle de CTO dans un contexte fintech (2015–2018, 2019–aujourd'hui)" in french
    )
    assert f"tarif de 650{NBSP}€ par jour, dans votre budget de 600–700{NBSP}€" in french


def test_the_freelancer_reads_why_this_mission_and_the_gaps() -> None:
    items = stored(mission(), profile(competences={"it_security": 4}, tjm=760, orientation="dsi"))
    english = render(items, "freelancer", "en")
    assert "you master a required competence: IT security" in english
    assert "a required competence missing from your profile: Leadership" in english
    assert "your rate €760 is €60 above the mission's budget €600–700" in english
    assert any(s.startswith("the mission asks CTO (") and "your profile is DSI (" in s for s in english)
    french = render(items, "freelancer", "fr")
    assert (
        f"votre tarif de 760{NBSP}€ dépasse de 60{NBSP}€ le budget de la mission (600–700{NBSP}€)" in french
    )


#: What only the operator may read: the engine's internal figures and names.
INTERNAL = (
    "similar",
    "similarit",
    "scaled",
    "multipli",
    "weight",
    "poids",
    "score",
    "%",
    ALGORITHM_VERSION,
    *(name for name in FACTOR_NAMES if "_" in name),
)

RICH_PAIRS = [
    # over budget, closed-ended coverage gate, gaps, two roles in the context, another city, orientation
    (
        mission(cto_missions=("technology_strategy", "technology_risk"), seniority="y5_10"),
        profile(
            tjm=805,
            available_from=START + timedelta(days=150),
            days_per_week=2,
            remote_preference="remote",
            location="Lyon",
            orientation="dsi",
            competences={"it_security": 4, "leadership": 1},
            past_roles=(
                PastRole(title="CTO", context="fintech", start_year=2015, end_year=2018),
                PastRole(title="VP Engineering", context="fintech", start_year=2019, end_year=2024),
            ),
        ),
    ),
    # open-ended gate, a similar context, above the usual gt15 range within its ceiling, budget warning
    (
        mission(end_date=None, context="startup", seniority="gt15", tjm_min=350, tjm_max=380),
        profile(
            years_experience=20,
            tjm=1000,
            available_from=START + timedelta(days=180),
            days_per_week=4,
            past_role_contexts=("scaleup",),
            past_roles=(PastRole(title="CTO", context="scaleup", start_year=2018, end_year=None),),
        ),
    ),
]


@pytest.mark.parametrize(("pair"), range(len(RICH_PAIRS)))
@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize("audience", ["company", "freelancer"])
def test_company_and_freelancer_read_no_internal_figure(pair: int, locale: str, audience: Audience) -> None:
    items = stored(*RICH_PAIRS[pair])
    operator = render(items, "operator", locale)
    assert any("0," in s or "0." in s for s in operator) and any("%" in s for s in operator)  # they exist
    text = " | ".join(render(items, audience, locale))
    assert len(render(items, audience, locale)) >= 10, text
    for part in (*INTERNAL, "0.", "0,"):
        assert part.lower() not in text.lower(), (part, text)


def test_reasons_stored_as_sentences_are_shown_as_they_are_until_rescored() -> None:
    legacy = [
        "TJM 680 € within budget 600–700 €",
        "text similarity with the mission description: 0.24",
        "can cover 18% of the mission's working time, under 50%: total scaled by 0.36",
    ]
    assert render(legacy, "operator", "fr") == legacy
    assert render(legacy, "company", "en") == ["TJM 680 € within budget 600–700 €"]
    assert render(legacy, "freelancer", "fr") == ["TJM 680 € within budget 600–700 €"]
    assert reason_codes(legacy) == []
    structured = stored(mission(), profile())
    assert [r["code"] for r in reason_codes([legacy[0], *structured])] == [r["code"] for r in structured]


def test_the_codes_a_company_or_a_freelancer_reads_leave_the_internals_out() -> None:
    items = stored(mission(), profile(available_from=START + timedelta(days=200)))
    operator = {r["code"]: r["params"] for r in reason_codes(items)}
    assert "text_similarity" in operator and "multiplier" in operator["availability_gate"]
    for audience in ("company", "freelancer"):
        theirs = {r["code"]: r["params"] for r in reason_codes(items, audience)}
        assert "text_similarity" not in theirs
        assert theirs["availability_gate"] == {"coverage": 0.0, "threshold": 0.5}
        assert set(theirs) == set(operator) - {"text_similarity"}


def test_an_unknown_code_is_shown_to_operators_only() -> None:
    future = [{"code": "brand_new_fact", "factor": "tjm", "tone": "neutral", "params": {}}]
    assert render(future, "operator", "en") == ["brand_new_fact"]
    assert render(future, "company", "en") == []


def test_exclusion_codes_read_without_the_word_excluded() -> None:
    with use_locale("fr"):
        assert render_exclusion("mission_closed") == "la mission est clôturée"
        assert render_exclusion(None) is None
        assert render_exclusion("something_else") == "something_else"
    with use_locale("en"):
        assert render_exclusion("remote_incompatible") == "full-remote freelancer, on-site mission"
    items = stored(mission(is_open=False), profile())
    assert render(items, "operator", "en")[0] == "excluded: the mission is closed"
    assert render(items, "operator", "fr")[0] == f"exclu{NBSP}: la mission est clôturée"


def test_labels_come_from_rows_or_documents_and_unknown_ids_read_as_words() -> None:
    rows = [SimpleNamespace(id="it_security", label_fr="Sécurité informatique", label_en="IT security")]
    labels = Labels.from_items(rows)
    with use_locale("fr"):
        assert labels("it_security") == "Sécurité informatique"
        assert labels("green_tech") == "green tech"
    with use_locale("en"):
        assert labels("it_security") == "IT security"


# --- the budget and its way out ---------------------------------------------------------------------------
def test_budget_warning_with_its_way_out_in_both_languages() -> None:
    warning = budget_warning(mission(tjm_min=450, tjm_max=500), GRID)
    assert warning is not None
    advice = budget_advice(warning, GRID)
    with use_locale("en"):
        assert render_budget_warning(warning, advice) == (
            "budget €450–500 is below the market range €650–685 for 11–15 years; to fix it: raise the "
            "maximum to €650 or ask for 5–10 years (market range €450–488)"
        )
        assert render_budget_warning(None) is None
    with use_locale("fr"):
        assert render_budget_warning(warning, advice, "company") == (
            f"votre budget de 450–500{NBSP}€ est sous la fourchette du marché de 650–685{NBSP}€ pour "
            f"11–15 ans{NBSP}; pour y remédier{NBSP}: relever le maximum à 650{NBSP}€ ou demander 5–10 ans "
            f"(fourchette du marché 450–488{NBSP}€)"
        )
        assert "remédier" not in str(render_budget_warning(warning, advice, "freelancer"))


@pytest.mark.parametrize("band", [b.id for b in GRID.bands])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_way_out_is_taken_from_the_grid(band: str, data: st.DataObject) -> None:
    asked = GRID.band(band)
    budget_max = data.draw(st.integers(min_value=1, max_value=asked.tjm_low - 1))
    budget_min = data.draw(st.integers(min_value=1, max_value=budget_max))
    warning = budget_warning(mission(seniority=band, tjm_min=budget_min, tjm_max=budget_max), GRID)
    assert warning is not None
    raise_max, *lower = budget_advice(warning, GRID)
    assert (raise_max.action, raise_max.tjm_max) == ("raise_max", asked.tjm_low)
    junior = GRID.bands[: GRID.index(band)]
    reachable = [b for b in junior if b.tjm_low <= budget_max]
    assert [o.band for o in lower] == ([reachable[-1].id] if reachable else [])
    for option in lower:
        suggested = GRID.band(str(option.band))
        assert (option.tjm_low, option.tjm_high) == (suggested.tjm_low, suggested.tjm_high)
        assert suggested.tjm_low <= budget_max  # the budget reaches the suggested band's range
    for locale in ("fr", "en"):
        with use_locale(locale):
            sentence = str(render_budget_warning(warning, (raise_max, *lower)))
            assert format_money(asked.tjm_low) in sentence


# --- the market check ------------------------------------------------------------------------------------
def check(band_id: str, tjm: int) -> MarketCheck:
    band = GRID.band(band_id)
    return MarketCheck(
        tjm=tjm,
        band=band.id,
        min_years=band.min_years,
        max_years=band.max_years,
        tjm_low=band.tjm_low,
        tjm_high=band.tjm_high,
        tjm_ceiling=band.tjm_ceiling,
    )


@pytest.mark.parametrize(
    ("band", "tjm", "english", "french"),
    [
        (
            "y11_15",
            680,
            "TJM €680 is within the market range €650–685 for 11–15 years",
            "Le TJM de 680 € est dans la fourchette du marché 650–685 € pour 11–15 ans",
        ),
        (
            "y11_15",
            500,
            "TJM €500 is €150 below the market range €650–685 for 11–15 years",
            "Le TJM de 500 € est inférieur de 150 € à la fourchette du marché 650–685 € pour 11–15 ans",
        ),
        (
            "y3_4",
            600,
            "TJM €600 is €55 above the market range €525–545 for 3–4 years",
            "Le TJM de 600 € est supérieur de 55 € à la fourchette du marché 525–545 € pour 3–4 ans",
        ),
        (
            "gt15",
            1000,
            "TJM €1,000 is €225 above the market range €400–775 for more than 15 years, under the documented "
            "ceiling of €1,075",
            "Le TJM de 1 000 € est supérieur de 225 € à la fourchette du marché 400–775 € pour plus de "
            "15 ans, sous le plafond documenté de 1 075 €",
        ),
        (
            "gt15",
            1200,
            "TJM €1,200 is €425 above the market range €400–775 for more than 15 years, and above the "
            "documented ceiling of €1,075",
            "Le TJM de 1 200 € est supérieur de 425 € à la fourchette du marché 400–775 € pour plus de "
            "15 ans, et dépasse aussi le plafond documenté de 1 075 €",
        ),
        (
            "lt1",
            490,
            "TJM €490 is within the market range €475–510 for less than 1 year",
            "Le TJM de 490 € est dans la fourchette du marché 475–510 € pour moins d'un an",
        ),
    ],
)
def test_market_check_in_both_languages(band: str, tjm: int, english: str, french: str) -> None:
    with use_locale("en"):
        assert render_market_check(check(band, tjm)) == english
    with use_locale("fr"):
        assert re.sub(r"[\u00a0\u202f]", " ", render_market_check(check(band, tjm))) == french


def test_market_position_and_ceiling() -> None:
    assert [check("y11_15", t).position for t in (649, 650, 685, 686)] == [
        "below",
        "within",
        "within",
        "above",
    ]
    assert (check("gt15", 1075).above_ceiling, check("gt15", 1076).above_ceiling) == (False, True)
    assert check("y11_15", 5000).above_ceiling is False  # no documented ceiling for that band


# --- random pairs ----------------------------------------------------------------------------------------
_words = st.lists(st.sampled_from(("cto", "cloud", "sécurité", "équipe", "paiement", "agence")), max_size=8)
_dates = st.dates(min_value=START - timedelta(days=60), max_value=START + timedelta(days=400))
_contexts = st.sampled_from((*CONTEXT_IDS, "space"))


@st.composite
def pairs(draw: st.DrawFn) -> tuple[MissionInput, ProfileInput]:
    comps = draw(st.lists(st.sampled_from(VOCAB.competence_ids), unique=True, max_size=8))
    n_required = draw(st.integers(0, len(comps)))
    tjm_min = draw(st.integers(min_value=150, max_value=1200))
    start = draw(_dates)
    roles = draw(
        st.lists(
            st.builds(
                PastRole,
                title=st.sampled_from(("CTO", "VP Engineering", "")),
                context=_contexts,
                start_year=st.none() | st.integers(2000, 2026),
                end_year=st.none() | st.integers(2000, 2026),
            ),
            max_size=3,
        )
    )
    m = MissionInput(
        id=100,
        title=" ".join(draw(_words)),
        description=" ".join(draw(_words)),
        orientation=draw(st.sampled_from(("cto", "dsi", "both"))),
        seniority=draw(st.sampled_from(GRID.band_ids)),
        tjm_min=tjm_min,
        tjm_max=tjm_min + draw(st.integers(0, 400)),
        start_date=start,
        end_date=draw(st.none() | st.integers(0, 365).map(lambda d: start + timedelta(days=d))),
        days_per_week=draw(st.integers(1, 5)),
        remote_policy=draw(st.sampled_from(("remote", "hybrid", "onsite"))),
        location=draw(st.sampled_from(("Paris", "Lyon", ""))),
        sector=draw(st.sampled_from((*VOCAB.tag_ids, "healthtech", ""))),
        context=draw(st.sampled_from((*CONTEXT_IDS, "space", ""))),
        cto_missions=tuple(draw(st.lists(st.sampled_from(VOCAB.cto_mission_ids), unique=True, max_size=4))),
        required_competences=tuple(comps[:n_required]),
        nice_competences=tuple(comps[n_required:]),
        is_open=draw(st.booleans()),
    )
    p = ProfileInput(
        id=1,
        years_experience=float(draw(st.integers(0, 40))),
        tjm=draw(st.integers(150, 1600)),
        available_from=draw(_dates),
        days_per_week=draw(st.integers(1, 5)),
        remote_preference=draw(st.sampled_from(("remote", "hybrid", "onsite", "flexible"))),
        location=draw(st.sampled_from(("Paris", "paris", "Lyon", ""))),
        orientation=draw(st.sampled_from(("cto", "dsi", "both"))),
        competences={
            c: draw(st.integers(1, 5)) for c in draw(st.lists(st.sampled_from(comps or ["x"]), unique=True))
        },
        cto_missions=tuple(draw(st.lists(st.sampled_from(VOCAB.cto_mission_ids), unique=True, max_size=5))),
        sectors=tuple(draw(st.lists(st.sampled_from((*VOCAB.tag_ids, "FinTech", "healthtech")), max_size=3))),
        past_role_contexts=tuple(r.context for r in roles) or tuple(draw(st.lists(_contexts, max_size=2))),
        past_roles=tuple(roles),
        headline=" ".join(draw(_words)),
        active=draw(st.booleans()),
    )
    return m, p


@settings(max_examples=80, deadline=None)
@given(pair=pairs())
def test_every_reason_of_a_random_pair_is_worded_for_every_reader(
    pair: tuple[MissionInput, ProfileInput],
) -> None:
    items = stored(*pair, vocab=VOCAB)
    for locale in ("fr", "en"):
        operator = render(items, "operator", locale)
        assert len(operator) == len(items) and all(operator)  # the operator reads every reason
        for audience in AUDIENCES[1:]:
            text = " | ".join(render(items, audience, locale)).lower()
            for part in INTERNAL:
                assert part.lower() not in text, (part, text)
