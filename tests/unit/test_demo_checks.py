"""The rules of the demo data set refuse broken records with a message naming the problem.

Each case takes the committed demo set (fixtures/demo/), breaks one thing, and expects exactly the
problems of the rule guarding it: the rule still refuses what it refused, says what is wrong, and no
other rule fires by accident. The committed set itself passes ``validate()``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from fixtures.demo_gen.checks import DemoDataError, find_problems, load_reference, validate
from fixtures.demo_gen.constants import DEMO_DIR
from fixtures.demo_gen.files import DemoSet, read_demo

Json = dict[str, Any]
Breaker = Callable[[DemoSet], list[str]]
"""Breaks a copy of the demo set in place and returns the problems ``find_problems`` must report."""

BREAKERS: dict[str, Breaker] = {}


def breaker(fn: Breaker) -> Breaker:
    BREAKERS[fn.__name__] = fn
    return fn


@pytest.fixture(scope="module")
def committed() -> DemoSet:
    return read_demo(DEMO_DIR)


def problems_of(demo: DemoSet) -> list[str]:
    return find_problems(demo, load_reference([c["email"] for c in demo.companies]))


def profile(demo: DemoSet, email_start: str) -> Json:
    return next(f for f in demo.freelancers if f["email"].startswith(email_start))


def mission(demo: DemoSet, ref: str) -> Json:
    return next(m for m in demo.missions if m["ref"] == ref)


def test_the_committed_demo_set_passes_validate(committed: DemoSet) -> None:
    assert problems_of(committed) == []
    validate(DEMO_DIR)


# --- one profile ----------------------------------------------------------------------------------


@breaker
def tjm_off_the_five_euro_step(demo: DemoSet) -> list[str]:
    f = profile(demo, "benoit.rousseau")
    f["tjm"] = 672
    return [f"freelancers.json {f['email']}: tjm 672 is not a multiple of 5"]


@breaker
def tjm_out_of_range(demo: DemoSet) -> list[str]:
    f = profile(demo, "benoit.rousseau")
    f["tjm"] = 6000
    return [f"freelancers.json {f['email']}: tjm 6000 is not an integer in 100..5000"]


@breaker
def years_with_two_decimals(demo: DemoSet) -> list[str]:
    f = profile(demo, "benoit.rousseau")
    f["years_experience"] = 12.35
    return [
        f"freelancers.json {f['email']}: "
        "years_experience 12.35 is not a number in 0..60 with at most one decimal"
    ]


@breaker
def unknown_remote_preference(demo: DemoSet) -> list[str]:
    f = profile(demo, "benoit.rousseau")
    f["remote_preference"] = "sometimes"
    return [
        f"freelancers.json {f['email']}: remote_preference 'sometimes' is not one of "
        "remote, hybrid, onsite, flexible"
    ]


@breaker
def one_sentence_summary(demo: DemoSet) -> list[str]:
    f = profile(demo, "benoit.rousseau")
    f["summary"] = "CTO de transition dans la santé."
    return [f"freelancers.json {f['email']}: summary has 1 sentences, expected 2..4"]


@breaker
def template_placeholder_left(demo: DemoSet) -> list[str]:
    f = profile(demo, "benoit.rousseau")
    f["headline"] = "CTO e-santé · {stack3}"
    return [
        f"freelancers.json {f['email']}: headline keeps a template placeholder: 'CTO e-santé · {{stack3}}'"
    ]


@breaker
def competence_not_in_the_taxonomy(demo: DemoSet) -> list[str]:
    f = profile(demo, "benoit.rousseau")
    f["competences"].append({"id": "juggling", "level": 3})
    return [
        f"freelancers.json {f['email']}: competences holds ids that are not competences of the taxonomy: "
        "juggling"
    ]


@breaker
def competence_level_six(demo: DemoSet) -> list[str]:
    f = profile(demo, "benoit.rousseau")
    first = f["competences"][0]
    first["level"] = 6
    return [f"freelancers.json {f['email']}: competence {first['id']} has level 6, expected 1..5"]


@breaker
def stack_id_without_display_name(demo: DemoSet) -> list[str]:
    f = profile(demo, "benoit.rousseau")
    f["stack"].append("cobol")
    return [f"freelancers.json {f['email']}: stack holds ids missing from demo_tables/stack.toml: cobol"]


@breaker
def dsi_without_is_management(demo: DemoSet) -> list[str]:
    f = profile(demo, "malika.humbert")  # industrial_is_fr: a DSI outside the checked families
    f["cto_missions"].remove("is_management")
    return [f"freelancers.json {f['email']}: dsi profile lacks the CTO mission is_management"]


@breaker
def past_role_in_an_unknown_context(demo: DemoSet) -> list[str]:
    f = profile(demo, "benoit.rousseau")
    role = f["past_roles"][0]
    role["context"] = "space"
    return [f"freelancers.json {f['email']}: past role {role['title']!r} has the unknown context 'space'"]


@breaker
def two_current_roles(demo: DemoSet) -> list[str]:
    f = profile(demo, "benoit.rousseau")
    for role in f["past_roles"]:
        role["end_year"] = None
    current = len(f["past_roles"])
    return [
        f"freelancers.json {f['email']}: {current} past roles are current (end_year null), expected at most 1"
    ]


@breaker
def career_older_than_the_experience(demo: DemoSet) -> list[str]:
    f = profile(demo, "benoit.rousseau")
    f["past_roles"][0]["start_year"] = 1990
    return [
        f"freelancers.json {f['email']}: first past role starts in 1990; "
        f"{f['years_experience']} years of experience start about 2014"
    ]


@breaker
def referee_with_the_freelancer_first_name(demo: DemoSet) -> list[str]:
    f = profile(demo, "benoit.rousseau")
    f["references"][0]["name"] = "Benoît Lagarde"
    names = ", ".join([f["full_name"]] + [r["name"] for r in f["references"]])
    return [f"freelancers.json {f['email']}: the profile and its references share a first name: {names}"]


@breaker
def missing_french_elision(demo: DemoSet) -> list[str]:
    f = profile(demo, "benoit.rousseau")
    f["headline"] = "Le bras droit de Adrien"
    return [f"freelancers.json {f['email']}: missing elision 'de A' in 'Le bras droit de Adrien'"]


@breaker
def missing_field(demo: DemoSet) -> list[str]:
    f = profile(demo, "benoit.rousseau")
    del f["phone"]
    return [f"freelancers.json {f['email']}: missing fields phone"]


# --- coherence of an archetype family --------------------------------------------------------------


@breaker
def security_expert_without_security_certification(demo: DemoSet) -> list[str]:
    f = profile(demo, "elodie.joly")  # security_cto_en
    f["certifications"] = [c for c in f["certifications"] if c["category"] != "information_security"]
    return [
        f"freelancers.json: {f['email']} (security_cto_en): "
        "security profile without an information_security certification"
    ]


# --- the profiles together -------------------------------------------------------------------------


@breaker
def nobody_on_site(demo: DemoSet) -> list[str]:
    for f in demo.freelancers:
        if f["remote_preference"] == "onsite":
            f["remote_preference"] = "hybrid"
    return ["freelancers.json: no record has remote_preference onsite"]


@breaker
def nobody_above_the_ceiling(demo: DemoSet) -> list[str]:
    for f in demo.freelancers:
        f["tjm"] = min(f["tjm"], 1075)
    return ["freelancers.json: 0 gt15 profiles above the TJM ceiling, expected 1 or 2"]


@breaker
def duplicate_summary(demo: DemoSet) -> list[str]:
    first, second = demo.freelancers[40], demo.freelancers[41]
    second["summary"] = first["summary"]
    return [f"freelancers.json: duplicate summary: {first['summary']}"]


@breaker
def second_registration_with_another_phone(demo: DemoSet) -> list[str]:
    second = demo.freelancers[-1]  # written after the roster: the demo's one person registered twice
    first = next(f for f in demo.freelancers[:-1] if f["linkedin_url"] == second["linkedin_url"])
    second["phone"] = "+33 6 39 98 00 00"
    expected = f"phone '+33 6 39 98 00 00', expected {first['email']}'s, not empty"
    return [f"freelancers.json: {second['email']}: {expected}"]


# --- missions --------------------------------------------------------------------------------------


@breaker
def budget_upside_down(demo: DemoSet) -> list[str]:
    m = mission(demo, "m03-agency-crm-rollout")
    m["tjm_min"], m["tjm_max"] = 700, 650
    return ["missions.json m03-agency-crm-rollout: tjm_min 700 is above tjm_max 650"]


@breaker
def competence_both_required_and_nice(demo: DemoSet) -> list[str]:
    m = mission(demo, "m01-agency-website")
    m["nice_competences"].append("website_creation")
    return ["missions.json m01-agency-website: competences both required and nice to have: website_creation"]


@breaker
def one_month_mission(demo: DemoSet) -> list[str]:
    m = mission(demo, "m01-agency-website")
    m["end_date"] = (date.fromisoformat(m["start_date"]) + timedelta(days=30)).isoformat()
    return ["missions.json m01-agency-website: lasts 30 days (2027-01-04 to 2027-02-03), expected 85..370"]


@breaker
def mission_of_an_unknown_company(demo: DemoSet) -> list[str]:
    m = mission(demo, "m01-agency-website")
    m["company_email"] = "nobody@nowhere.example"
    return [
        "missions.json m01-agency-website: company_email 'nobody@nowhere.example' is not a company of "
        "companies.json"
    ]


@breaker
def seniority_not_a_band(demo: DemoSet) -> list[str]:
    m = mission(demo, "m01-agency-website")
    m["seniority"] = "y5_9"
    return ["missions.json m01-agency-website: seniority 'y5_9' is not a band of rate_grid.json"]


@breaker
def third_closed_mission(demo: DemoSet) -> list[str]:
    mission(demo, "m01-agency-website")["status"] = "closed"
    return ["missions.json: 3 closed missions, expected 2"]


# --- operators, companies, accounts ----------------------------------------------------------------


@breaker
def company_size_outside_the_scale(demo: DemoSet) -> list[str]:
    c = demo.companies[0]
    c["size"] = "huge"
    return [f"companies.json {c['email']}: size 'huge' is not one of 1-10, 11-50, 51-200, 201-1000, 1000+"]


@breaker
def operator_key_of_a_company(demo: DemoSet) -> list[str]:
    o = demo.operators[0]
    o["api_key"] = o["api_key"].replace("demo-op-", "demo-co-")
    return [f"operators.json {o['email']}: api_key {o['api_key']!r} does not start with 'demo-op-'"]


@breaker
def freelancer_with_a_company_email(demo: DemoSet) -> list[str]:
    company_email = demo.companies[0]["email"]
    profile(demo, "benoit.rousseau")["email"] = company_email
    return [f"accounts: duplicate email: {company_email}"]


@breaker
def short_api_key(demo: DemoSet) -> list[str]:
    c = demo.companies[0]
    c["api_key"] = "demo-co-x"
    return [f"accounts: API keys shorter than 24 characters: {c['email']}"]


@breaker
def remote_only_profile_with_a_mobility(demo: DemoSet) -> list[str]:
    f = profile(demo, "gabriel.joly")  # full remote, in Toulouse
    f["mobility_anywhere"] = True
    return [f"freelancers.json {f['email']}: remote-only profile lists a mobility (it comes on site nowhere)"]


@breaker
def mobility_naming_an_unknown_place_and_the_own_city(demo: DemoSet) -> list[str]:
    f = profile(demo, "benoit.rousseau")
    f["mobility"] = ["Atlantis", f["location"]]
    return [
        f"freelancers.json {f['email']}: mobility names places missing from fixtures/places.json: Atlantis",
        f"freelancers.json {f['email']}: mobility {f['mobility']!r} repeats a place or names the "
        f"profile's own city {f['location']!r}",
    ]


@breaker
def mobility_anywhere_as_text(demo: DemoSet) -> list[str]:
    f = profile(demo, "benoit.rousseau")
    f["mobility_anywhere"] = "yes"
    return [f"freelancers.json {f['email']}: mobility_anywhere 'yes' is not true or false"]


@pytest.mark.parametrize("name", sorted(BREAKERS))
def test_a_broken_demo_set_is_refused_with_the_problem_named(committed: DemoSet, name: str) -> None:
    demo = copy.deepcopy(committed)
    expected = BREAKERS[name](demo)
    assert problems_of(demo) == expected


def test_a_record_too_broken_to_read_is_a_problem_not_a_crash(committed: DemoSet) -> None:
    demo = copy.deepcopy(committed)
    f = profile(demo, "benoit.rousseau")
    f["competences"] = None
    problems = problems_of(demo)
    assert problems[0] == (
        f"freelancers.json {f['email']}: competence_ids_unique could not read the data "
        "(TypeError: 'NoneType' object is not iterable)"
    )
    assert all("could not read the data" in p for p in problems)


def test_validate_raises_listing_the_problems_of_the_files(committed: DemoSet, tmp_path: Path) -> None:
    demo = copy.deepcopy(committed)
    expected = tjm_off_the_five_euro_step(demo)
    files = {"operators": demo.operators, "companies": demo.companies}
    files |= {"freelancers": demo.freelancers, "missions": demo.missions}
    for name, records in files.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DemoDataError) as refused:
        validate(tmp_path)
    assert str(refused.value).splitlines()[1:] == expected
