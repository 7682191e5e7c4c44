"""The mission form: what was typed, kept as typed; every problem at once, next to its field; a valid
form as the body the JSON API takes (`MissionCreate` / `MissionUpdate`).

The rules are the schema's and the missions service's (`mission_errors`: bands, budget order, dates,
taxonomy ids): this module only reads the form and places their answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import msgspec
from litestar.datastructures import FormMultiDict
from sqlalchemy.ext.asyncio import AsyncSession

from models import RateBand
from service.i18n import _
from service.missions.schemas import MissionCreate, MissionOut, MissionUpdate
from service.missions.services import MissionShape, draft_budget_fields, mission_errors
from service.portal.company.choices import Choices
from service.portal.company.forms import Errors, add_problems, number_or_text, require, text
from service.validation import problems_of

SCALARS = (
    "title",
    "description",
    "orientation",
    "context",
    "sector",
    "seniority",
    "tjm_min",
    "tjm_max",
    "start_date",
    "end_date",
    "days_per_week",
    "remote_policy",
    "location",
)
REQUIRED = (
    "title",
    "orientation",
    "context",
    "seniority",
    "tjm_min",
    "tjm_max",
    "start_date",
    "remote_policy",
)
COMPETENCE_PREFIX = "competence-"
#: Where the services' errors on the competence lists are shown: the competence picker.
ALIASES = {"required_competences": "competences", "nice_competences": "competences"}


def labels() -> dict[str, str]:
    return {
        "title": _("Title"),
        "description": _("Description"),
        "orientation": _("Who you are looking for"),
        "context": _("Context of the mission"),
        "sector": _("Sector"),
        "seniority": _("Experience asked"),
        "tjm_min": _("Budget: minimum TJM (€ per day)"),
        "tjm_max": _("Budget: maximum TJM (€ per day)"),
        "start_date": _("Start date"),
        "end_date": _("End date"),
        "days_per_week": _("Days per week"),
        "remote_policy": _("Remote work"),
        "location": _("Location"),
        "cto_missions": _("CTO missions to cover"),
        "competences": _("Competences"),
        "form": _("Mission"),
    }


@dataclass
class MissionForm:
    """The form's state as typed: strings, ticked CTO missions, each competence's "required"/"nice"."""

    values: dict[str, str] = field(default_factory=dict)
    cto_missions: list[str] = field(default_factory=list)
    competences: dict[str, str] = field(default_factory=dict)

    def value(self, name: str) -> str:
        return self.values.get(name, "")

    @property
    def required(self) -> list[str]:
        return [c for c, how in self.competences.items() if how == "required"]

    @property
    def nice(self) -> list[str]:
        return [c for c, how in self.competences.items() if how == "nice"]

    @classmethod
    def read(cls, form: FormMultiDict, choices: Choices) -> MissionForm:
        known = set(choices.competence_ids())
        competences = {}
        for name in form:
            if name.startswith(COMPETENCE_PREFIX):
                how = text(form, name)
                competence_id = name.removeprefix(COMPETENCE_PREFIX)
                if how in {"required", "nice"} and competence_id in known:
                    competences[competence_id] = how
        return cls(
            values={name: text(form, name) for name in SCALARS},
            cto_missions=[v for v in form.getall("cto_missions", []) if isinstance(v, str)],
            competences=competences,
        )

    @classmethod
    def of_mission(cls, mission: MissionOut) -> MissionForm:
        values = {
            "title": mission.title,
            "description": mission.description,
            "orientation": str(mission.orientation),
            "context": str(mission.context),
            "sector": mission.sector,
            "seniority": mission.seniority,
            "tjm_min": str(mission.tjm_min),
            "tjm_max": str(mission.tjm_max),
            "start_date": mission.start_date.isoformat(),
            "end_date": mission.end_date.isoformat() if mission.end_date else "",
            "days_per_week": str(mission.days_per_week),
            "remote_policy": str(mission.remote_policy),
            "location": mission.location,
        }
        competences = {c: "required" for c in mission.required_competences}
        competences.update({c: "nice" for c in mission.nice_competences})
        return cls(values=values, cto_missions=list(mission.cto_missions), competences=competences)

    def payload(self) -> dict[str, Any]:
        """The form as the JSON body of `POST /api/v1/missions` (strings the schema then judges)."""
        v = self.values
        return {
            "title": v["title"],
            "description": v["description"],
            "orientation": v["orientation"],
            "context": v["context"],
            "sector": v["sector"] or None,
            "seniority": v["seniority"],
            "tjm_min": number_or_text(v["tjm_min"]),
            "tjm_max": number_or_text(v["tjm_max"]),
            "start_date": v["start_date"],
            "end_date": v["end_date"] or None,
            "days_per_week": number_or_text(v["days_per_week"] or "5"),
            "remote_policy": v["remote_policy"],
            "location": v["location"],
            "cto_missions": self.cto_missions,
            "required_competences": self.required,
            "nice_competences": self.nice,
        }


def _whole(value: str) -> int | None:
    number = number_or_text(value)
    return number if isinstance(number, int) else None


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


async def check(
    session: AsyncSession, form: MissionForm, bands: list[RateBand], *, current_start: date | None = None
) -> Errors:
    """Every problem of the form at once: missing fields, the schema's, then the missions service's
    rules on whatever could be read (`current_start`: an edited mission's start, kept even if past)."""
    errors: Errors = {}
    require(errors, form.values, *REQUIRED)
    add_problems(errors, problems_of(MissionCreate, form.payload(), "body"), ALIASES)
    start = _day(form.value("start_date"))
    shape = MissionShape(
        seniority=form.value("seniority") or None,
        tjm_min=_whole(form.value("tjm_min")),
        tjm_max=_whole(form.value("tjm_max")),
        start_date=start,
        end_date=_day(form.value("end_date")),
        cto_missions=form.cto_missions,
        required=form.required,
        nice=form.nice,
        check_start=current_start is None or start != current_start,
    )
    add_problems(errors, await mission_errors(session, shape, bands), ALIASES)
    return errors


def as_create(form: MissionForm) -> MissionCreate:
    return msgspec.convert(form.payload(), MissionCreate, strict=False)


def as_update(form: MissionForm) -> MissionUpdate:
    body = form.payload()
    if body["sector"] is None:
        del body["sector"]  # the PATCH keeps a sector it is not sent
    return msgspec.convert(body, MissionUpdate, strict=False)


@dataclass(frozen=True)
class BudgetView:
    """The budget check under the budget fields: the chosen band's market range (from the grid) and,
    when the missions service warns, its ways out in the service's words. company.js redraws the same
    sentences as the person types."""

    band_label: str | None
    tjm_low: int | None
    tjm_high: int | None
    tjm_max: int | None
    warned: bool
    options: list[str]


def budget_view(form: MissionForm, choices: Choices, bands: list[RateBand]) -> BudgetView:
    band = choices.band(form.value("seniority"))
    tjm_min, tjm_max = _whole(form.value("tjm_min")), _whole(form.value("tjm_max"))
    if band is None:
        return BudgetView(None, None, None, tjm_max, False, [])
    warned, options = False, []
    if tjm_max is not None and tjm_max > 0:  # the warning reads the maximum only
        low = tjm_min if tjm_min is not None and 0 < tjm_min <= tjm_max else tjm_max
        fields = draft_budget_fields(band.id, low, tjm_max, bands)
        warned = fields["budget_warning"] is not None
        options = [o.text for o in fields["budget_advice"]]
    return BudgetView(band.label, band.tjm_low, band.tjm_high, tjm_max, warned, options)
