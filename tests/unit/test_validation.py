"""The field-by-field check refuses exactly what the decoder refuses, and names each problem once."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.companies.schemas import CompanyCreate
from service.freelancers.schemas import FreelancerCreate, FreelancerUpdate
from service.missions.schemas import MissionCreate
from service.validation import problems_of, valid_fields
from tests.factories import company_payload, freelancer_payload, mission_payload

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["2027-01-04", "hybrid", "it_security", "11-50", "a@b.fr"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)

BODIES: list[tuple[type[msgspec.Struct], dict[str, Any]]] = [
    (FreelancerCreate, freelancer_payload(email="x@example.test")),
    (FreelancerUpdate, {"headline": "CTO", "tjm": 700}),
    (CompanyCreate, company_payload(email="y@example.test")),
    (MissionCreate, mission_payload()),
]


def _accepted(shape: type[msgspec.Struct], body: Any) -> bool:
    try:
        msgspec.convert(body, shape, strict=False, str_keys=True)
    except msgspec.ValidationError:
        return False
    return True


def _mutated(case: tuple[type[msgspec.Struct], dict[str, Any]]) -> st.SearchStrategy[Any]:
    """The valid body with a few fields (its own or unknown ones) set to any JSON, or dropped."""
    shape, valid = case
    changes = st.dictionaries(
        st.sampled_from(sorted(valid)) | st.text(max_size=8), json_values | st.just("__drop__"), max_size=4
    )
    return st.tuples(
        st.just(shape),
        changes.map(lambda c: {k: v for k, v in {**valid, **c}.items() if v != "__drop__"}),
    )


@settings(max_examples=300)
@given(case=st.sampled_from(BODIES).flatmap(_mutated))
def test_problems_are_found_exactly_when_the_decoder_refuses(case: tuple[type[msgspec.Struct], Any]) -> None:
    shape, body = case
    problems = problems_of(shape, body, "body")
    assert bool(problems) != _accepted(shape, body), (body, problems)
    fields = [p.field for p in problems]
    assert len(fields) == len(set(fields)) and all(f.startswith("body") for f in fields)
    assert all(p.reason and p.code for p in problems)


@pytest.mark.parametrize(("shape", "valid"), BODIES)
def test_a_valid_body_has_no_problem_and_every_field_is_valid(
    shape: type[msgspec.Struct], valid: dict[str, Any]
) -> None:
    assert problems_of(shape, valid, "body") == []
    assert set(valid_fields(shape, valid)) == set(valid)


def test_valid_fields_leaves_out_the_refused_ones_and_decodes_the_others() -> None:
    body = mission_payload(tjm_min="abc", start_date="2027-02-01")
    fields = valid_fields(MissionCreate, body)
    assert "tjm_min" not in fields
    assert fields["tjm_max"] == 700 and str(fields["start_date"]) == "2027-02-01"
    assert valid_fields(MissionCreate, ["not", "an", "object"]) == {}


def test_a_body_that_is_no_object_is_one_problem() -> None:
    (problem,) = problems_of(CompanyCreate, [1, 2], "body")
    assert (problem.field, problem.code) == ("body", "type")
