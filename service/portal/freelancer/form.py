"""The profile editor's form: read what was posted, keep it as typed, say every problem at once, and
turn a valid form into the service's `ProfileCreate` / `FreelancerUpdate`.

The checks here only word the schema's own rules for a person (a precise message next to each field,
in their language); the service still checks everything (taxonomy ids, year order, the schema).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import msgspec
from litestar.datastructures import FormMultiDict

from models.enums import Context, Orientation, RemotePreference
from service.errors import InvalidInput
from service.freelancers.mobility import MAX_PLACES, PLACE_MAX_CHARS, clean_mobility
from service.freelancers.schemas import FreelancerPrivate, FreelancerUpdate, ProfileCreate
from service.i18n import _
from service.portal.freelancer.choices import LEVELS, Choices

PHONE = re.compile(r"^\+?[0-9 ().-]{6,30}$")
URL = re.compile(r"^https?://\S+$")
ROLE_FIELDS = ("title", "company", "context", "start_year", "end_year")
REFERENCE_FIELDS = ("name", "role", "company", "contact", "quote")
#: Empty row groups offered beyond the filled ones (no JavaScript needed to add one).
SPARE_ROLES = 2
SPARE_REFERENCES = 1
MAX_ROWS = 30
TEXT_LIMITS = {"full_name": 200, "headline": 300, "summary": 10_000, "location": 120}
SCALARS = (
    "full_name",
    "headline",
    "summary",
    "years_experience",
    "tjm",
    "available_from",
    "days_per_week",
    "remote_preference",
    "location",
    "mobility",
    "orientation",
    "stack",
    "other_sectors",
    "other_certifications",
    "phone",
    "linkedin_url",
)

Errors = dict[str, list[str]]


@dataclass
class ProfileForm:
    """The editor's state as typed: strings, ticked ids, row groups."""

    values: dict[str, str] = field(default_factory=dict)
    competences: dict[str, str] = field(default_factory=dict)  # id → level as typed
    cto_missions: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    certifications: dict[str, str] = field(default_factory=dict)  # category → name
    roles: list[dict[str, str]] = field(default_factory=list)
    references: list[dict[str, str]] = field(default_factory=list)
    revision: str = ""
    #: Posted by the creation form: a second creation (another tab) is refused, not turned into an edit.
    creating: bool = False

    def value(self, name: str) -> str:
        return self.values.get(name, "")

    def role_rows(self) -> list[dict[str, str]]:
        filled = [r for r in self.roles if any(r.values())]
        spare = max(SPARE_ROLES, 3 - len(filled))
        return (filled + [dict.fromkeys(ROLE_FIELDS, "") for _ in range(spare)])[: MAX_ROWS + SPARE_ROLES]

    def reference_rows(self) -> list[dict[str, str]]:
        filled = [r for r in self.references if any(r.values())]
        spare = max(SPARE_REFERENCES, 2 - len(filled))
        return (filled + [dict.fromkeys(REFERENCE_FIELDS, "") for _ in range(spare)])[: MAX_ROWS + 1]


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def empty_form(full_name: str = "") -> ProfileForm:
    return ProfileForm(values={"full_name": full_name, "days_per_week": "5", "orientation": "both"})


def form_of(profile: FreelancerPrivate, choices: Choices) -> ProfileForm:
    """The editor filled with a stored profile."""
    known_sectors = choices.ids_of("sectors")
    values = {
        "full_name": profile.full_name,
        "headline": profile.headline,
        "summary": profile.summary,
        "years_experience": _number(profile.years_experience),
        "tjm": str(profile.tjm),
        "available_from": profile.available_from.isoformat(),
        "days_per_week": str(profile.days_per_week),
        "remote_preference": str(profile.remote_preference),
        "location": profile.location,
        "mobility": "\n".join(profile.mobility),
        "mobility_anywhere": "1" if profile.mobility_anywhere else "",
        "orientation": str(profile.orientation),
        "stack": ", ".join(profile.stack),
        "other_sectors": ", ".join(s for s in profile.sectors if s not in known_sectors),
        "other_certifications": ", ".join(c.name for c in profile.certifications if not c.category),
        "phone": _text(profile.phone),
        "linkedin_url": _text(profile.linkedin_url),
    }
    return ProfileForm(
        values=values,
        competences={c.id: str(c.level) for c in profile.competences},
        cto_missions=list(profile.cto_missions),
        sectors=[s for s in profile.sectors if s in known_sectors],
        certifications={c.category: c.name for c in profile.certifications if c.category},
        roles=[
            {
                "title": r.title,
                "company": r.company,
                "context": str(r.context),
                "start_year": str(r.start_year),
                "end_year": _text(r.end_year),
            }
            for r in profile.past_roles
        ],
        references=[
            {
                "name": r.name,
                "role": r.role,
                "company": r.company,
                "contact": _text(r.contact),
                "quote": r.quote,
            }
            for r in profile.references
        ],
        revision=str(profile.revision),
    )


def _rows(form: FormMultiDict, prefix: str, fields: tuple[str, ...]) -> list[dict[str, str]]:
    rows = []
    for index in range(MAX_ROWS + SPARE_ROLES + 1):
        row = {name: str(form.get(f"{prefix}_{index}_{name}", "")).strip() for name in fields}
        rows.append(row)
    while rows and not any(rows[-1].values()):
        rows.pop()
    return rows


def read_form(form: FormMultiDict) -> ProfileForm:
    """What was posted, as typed (nothing dropped, so the page can show it back)."""
    competences = {}
    for item_id in form.getall("competence", []):
        competences[str(item_id)] = str(form.get(f"level_{item_id}", "3"))
    certifications = {}
    for category in form.getall("certification", []):
        certifications[str(category)] = str(form.get(f"certification_name_{category}", "")).strip()
    values = {name: str(form.get(name, "")).strip() for name in SCALARS}
    values["mobility_anywhere"] = "1" if form.get("mobility_anywhere") == "1" else ""
    return ProfileForm(
        values=values,
        competences=competences,
        cto_missions=[str(i) for i in form.getall("cto_mission", [])],
        sectors=[str(i) for i in form.getall("sector", [])],
        certifications=certifications,
        roles=_rows(form, "role", ROLE_FIELDS),
        references=_rows(form, "reference", REFERENCE_FIELDS),
        revision=str(form.get("revision", "")).strip(),
        creating=form.get("creating") == "1",
    )


def parse_date(text: str) -> date | None:
    """ISO (what a date picker sends) or DD/MM/YYYY (what a person types without one)."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _tags(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for part in re.split(r"[,;\n]", text):
        tag = part.strip()
        if tag:
            seen.setdefault(tag[:80], None)
    return list(seen)


def _check_mobility(text: str, check: _Checker) -> list[str]:
    """The places typed (commas, semicolons or one a line), each a city or a region of at most
    80 characters; a place typed twice counts once."""
    places = clean_mobility([p for p in re.split(r"[,;\n]", text) if p.strip()])
    for place in places:
        if len(place) > PLACE_MAX_CHARS:
            check.add(
                "mobility",
                _(
                    "“%(place)s…” is longer than %(count)s characters: name one city or region at a time, "
                    "separated by commas.",
                    place=place[:30],
                    count=PLACE_MAX_CHARS,
                ),
            )
    if len(places) > MAX_PLACES:
        check.add(
            "mobility",
            _(
                "At most %(count)s places (you typed %(typed)s): keep the ones you would come to, or tick "
                "“Anywhere in France”.",
                count=MAX_PLACES,
                typed=len(places),
            ),
        )
    return places


class _Checker:
    def __init__(self) -> None:
        self.errors: Errors = {}

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def required(self, form: ProfileForm, name: str, message: str) -> str | None:
        value = form.value(name)
        if not value:
            self.add(name, message)
            return None
        return value

    def number(self, text: str | None, name: str, low: float, high: float, *, whole: bool) -> float | None:
        if text is None:
            return None
        try:
            value = float(text.replace(",", ".").replace(" ", "").replace("\u202f", ""))
        except ValueError:
            self.add(name, _("Enter a number, e.g. %(example)s.", example="12" if whole else "7,5"))
            return None
        if whole and not value.is_integer():
            self.add(name, _("Enter a whole number."))
            return None
        if not low <= value <= high:
            self.add(name, _("Enter a value from %(low)s to %(high)s.", low=_number(low), high=_number(high)))
            return None
        return value

    def year(self, text: str, name: str) -> int | None:
        if not text:
            return None
        if not text.isdigit() or not 1960 <= int(text) <= 2100:
            self.add(name, _("Enter a year such as 2019 (from 1960 to 2100)."))
            return None
        return int(text)


def _check_pickers(form: ProfileForm, choices: Choices, check: _Checker) -> dict[str, Any]:
    competences = []
    known = choices.ids_of("competences")
    for item_id, level in form.competences.items():
        if item_id not in known:
            check.add("competences", _("“%(id)s” is not a competence of the list.", id=item_id))
        elif not level.isdigit() or int(level) not in LEVELS:
            check.add(
                "competences", _("Choose a level from 1 to 5 for “%(name)s”.", name=choices.label(item_id))
            )
        else:
            competences.append({"id": item_id, "level": int(level)})
    for name, ids in (("cto_missions", form.cto_missions), ("sectors", form.sectors)):
        unknown = [i for i in ids if i not in choices.ids_of(name)]
        if unknown:
            check.add(name, _("Not in the list: %(ids)s.", ids=", ".join(unknown)))
    certifications: list[dict[str, str | None]] = []
    for category, cert_name in form.certifications.items():
        if category not in choices.ids_of("certifications"):
            check.add("certifications", _("Not in the list: %(ids)s.", ids=category))
        elif len(cert_name) > 200:
            check.add("certifications", _("At most %(count)s characters.", count=200))
        else:
            certifications.append({"name": cert_name or choices.label(category), "category": category})
    for cert_name in _tags(form.value("other_certifications")):
        certifications.append({"name": cert_name, "category": None})
    sectors = list(dict.fromkeys([*form.sectors, *_tags(form.value("other_sectors"))]))
    return {
        "competences": competences,
        "cto_missions": list(dict.fromkeys(form.cto_missions)),
        "sectors": sectors,
        "certifications": certifications,
    }


def _check_roles(form: ProfileForm, check: _Checker) -> list[dict[str, Any]]:
    roles = []
    contexts = {str(c) for c in Context}
    for index, row in enumerate(r for r in form.roles if any(r.values())):
        key = f"role_{index}_"
        if not row["title"]:
            check.add(key + "title", _("Enter the title of this role, e.g. CTO."))
        if not row["company"]:
            check.add(key + "company", _("Enter the company of this role."))
        if row["context"] not in contexts:
            check.add(key + "context", _("Choose the context of this company."))
        start = check.year(row["start_year"], key + "start_year")
        if not row["start_year"]:
            check.add(key + "start_year", _("Enter the year this role started."))
        end = check.year(row["end_year"], key + "end_year")
        if start is not None and end is not None and end < start:
            check.add(
                key + "end_year", _("The end year comes before the start year (%(start)s).", start=start)
            )
        if len(row["title"]) > 200 or len(row["company"]) > 200:
            check.add(key + "title", _("At most %(count)s characters.", count=200))
        roles.append(
            {
                "title": row["title"],
                "company": row["company"],
                "context": row["context"],
                "start_year": start,
                "end_year": end,
            }
        )
    return roles


def _check_references(form: ProfileForm, check: _Checker) -> list[dict[str, Any]]:
    references = []
    for index, row in enumerate(r for r in form.references if any(r.values())):
        key = f"reference_{index}_"
        if not row["name"]:
            check.add(key + "name", _("Enter the name of this reference."))
        for name in ("role", "company", "contact"):
            if len(row[name]) > 300:
                check.add(key + name, _("At most %(count)s characters.", count=300))
        references.append({**row, "contact": row["contact"] or None})
    return references


def check_form(form: ProfileForm, choices: Choices) -> tuple[dict[str, Any] | None, Errors]:
    """The profile's values (as the service's schema reads them) or every problem, by field name."""
    check = _Checker()
    full_name = check.required(form, "full_name", _("Enter your full name."))
    headline = check.required(
        form, "headline", _("Enter a headline, e.g. “Fractional CTO for fintech start-ups”.")
    )
    for name, limit in TEXT_LIMITS.items():
        if len(form.value(name)) > limit:
            check.add(name, _("At most %(count)s characters.", count=limit))
    years = check.number(
        check.required(form, "years_experience", _("Enter your years of experience.")),
        "years_experience",
        0,
        60,
        whole=False,
    )
    tjm = check.number(
        check.required(form, "tjm", _("Enter your daily rate (TJM) in euros.")), "tjm", 100, 5000, whole=True
    )
    start = None
    start_text = check.required(form, "available_from", _("Enter the date you are available from."))
    if start_text is not None:
        start = parse_date(start_text)
        if start is None:
            check.add("available_from", _("Enter a date as DD/MM/YYYY, e.g. 15/12/2026."))
    days = form.value("days_per_week") or "5"
    if days not in {"1", "2", "3", "4", "5"}:
        check.add("days_per_week", _("Choose from 1 to 5 days a week."))
    remote = form.value("remote_preference")
    if remote not in {str(r) for r in RemotePreference}:
        check.add("remote_preference", _("Choose how you want to work: remote, hybrid, on site or flexible."))
    orientation = form.value("orientation") or "both"
    if orientation not in {str(o) for o in Orientation}:
        check.add("orientation", _("Choose CTO, DSI or both."))
    phone = form.value("phone")
    if phone and not PHONE.match(phone):
        check.add(
            "phone",
            _("Enter a phone number of 6 to 30 digits, spaces, dots or dashes, e.g. +33 6 12 34 56 78."),
        )
    linkedin = form.value("linkedin_url")
    if linkedin and not URL.match(linkedin):
        if " " in linkedin:
            check.add("linkedin_url", _("A web address has no spaces."))
        else:
            check.add(
                "linkedin_url",
                _("Start the address with https://, e.g. https://www.linkedin.com/in/your-name."),
            )
    elif len(linkedin) > 300:
        check.add("linkedin_url", _("At most %(count)s characters.", count=300))
    mobility = _check_mobility(form.value("mobility"), check)
    pickers = _check_pickers(form, choices, check)
    roles = _check_roles(form, check)
    references = _check_references(form, check)
    if check.errors:
        return None, check.errors
    assert start is not None and years is not None and tjm is not None
    values: dict[str, Any] = {
        "full_name": full_name,
        "headline": headline,
        "summary": form.value("summary"),
        "years_experience": years,
        "tjm": int(tjm),
        "available_from": start.isoformat(),
        "days_per_week": int(days),
        "remote_preference": remote,
        "location": form.value("location"),
        "mobility": mobility,
        "mobility_anywhere": form.value("mobility_anywhere") == "1",
        "orientation": orientation,
        "stack": _tags(form.value("stack")),
        "past_roles": roles,
        "references": references,
        "phone": phone or None,
        "linkedin_url": linkedin or None,
        **pickers,
    }
    return values, {}


def as_create(values: dict[str, Any]) -> ProfileCreate:
    return msgspec.convert(values, ProfileCreate)


def as_update(values: dict[str, Any]) -> FreelancerUpdate:
    return msgspec.convert(values, FreelancerUpdate)


def schema_errors(error: msgspec.ValidationError) -> Errors:
    """A rule the page did not word (the schema refused a value): shown on the field msgspec names."""
    match = re.search(r"at `\$\.([a-z_]+)", str(error))
    name = match.group(1) if match else "full_name"
    return {name: [_("This value is not accepted: %(detail)s", detail=str(error))]}


def service_errors(error: InvalidInput) -> Errors:
    """The service's refusals (a crafted post), placed on the editor's fields."""
    errors: Errors = {}
    for item in error.errors:
        path = item.field.removeprefix("body.")
        role = re.match(r"past_roles\[(\d+)\]\.(\w+)", path)
        name = f"role_{role.group(1)}_{role.group(2)}" if role else re.split(r"[\[.]", path, maxsplit=1)[0]
        errors.setdefault(name, []).append(item.reason)
    return errors


def field_labels() -> dict[str, str]:
    """The name of each field, for the error summary."""
    labels = {
        "full_name": _("Full name"),
        "headline": _("Headline"),
        "summary": _("Summary"),
        "years_experience": _("Years of experience"),
        "tjm": _("Daily rate (TJM)"),
        "available_from": _("Available from"),
        "days_per_week": _("Days per week"),
        "remote_preference": _("Remote work"),
        "location": _("City"),
        "mobility": _("Mobility"),
        "orientation": _("Orientation"),
        "competences": _("Competences"),
        "cto_missions": _("CTO missions"),
        "sectors": _("Sectors"),
        "certifications": _("Certifications"),
        "other_certifications": _("Other certifications"),
        "stack": _("Stack"),
        "phone": _("Phone"),
        "linkedin_url": _("LinkedIn profile"),
        "revision": _("Profile"),
    }
    for index in range(MAX_ROWS + SPARE_ROLES + 1):
        number = index + 1
        labels[f"role_{index}_title"] = _("Past role %(number)s: title", number=number)
        labels[f"role_{index}_company"] = _("Past role %(number)s: company", number=number)
        labels[f"role_{index}_context"] = _("Past role %(number)s: context", number=number)
        labels[f"role_{index}_start_year"] = _("Past role %(number)s: start year", number=number)
        labels[f"role_{index}_end_year"] = _("Past role %(number)s: end year", number=number)
        labels[f"reference_{index}_name"] = _("Reference %(number)s: name", number=number)
        labels[f"reference_{index}_role"] = _("Reference %(number)s: role", number=number)
        labels[f"reference_{index}_company"] = _("Reference %(number)s: company", number=number)
        labels[f"reference_{index}_contact"] = _("Reference %(number)s: contact", number=number)
    return labels
