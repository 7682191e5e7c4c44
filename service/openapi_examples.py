"""The request-body example of every write operation, as the API docs (Scalar, Swagger UI) send them.

Each is a valid request on the reference data: taxonomy ids of fixtures/taxonomy.json, band ids of
fixtures/rate_grid.json. Dates are computed from the day the process starts (`date.today()`), weeks
ahead, so an example never proposes a start in the past. Attached to the handlers' body markers
(`Body(examples=...)`); tests/api/test_openapi_examples.py sends each one and expects a 2xx.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from litestar.openapi.spec import Example

#: The band the examples use: 11 to 15 years of experience (650 to 685 € a day on the grid).
EXAMPLE_BAND = "y11_15"


def monday_after(today: date, days: int) -> date:
    """The first Monday at least `days` days after `today`: starts are usually on a Monday."""
    day = today + timedelta(days=days)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def freelancer_create(today: date) -> dict[str, Any]:
    return {
        "email": "camille.martin@example.com",
        "full_name": "Camille Martin",
        "headline": "CTO freelance, fintech et SaaS B2B",
        "summary": (
            "Treize ans dans le logiciel, dont six comme CTO de start-ups parisiennes : équipes de 5 à 30 "
            "développeurs, migration vers le cloud, mise en conformité RGPD et DSP2."
        ),
        "years_experience": 13,
        "tjm": 680,
        "available_from": monday_after(today, 21).isoformat(),
        "days_per_week": 4,
        "remote_preference": "hybrid",
        "location": "Lyon",
        "mobility": ["Grenoble", "Paris"],
        "mobility_anywhere": False,
        "orientation": "cto",
        "competences": [
            {"id": "new_technologies", "level": 5},
            {"id": "project_management", "level": 4},
            {"id": "leadership", "level": 4},
            {"id": "it_security", "level": 3},
        ],
        "cto_missions": ["technology_strategy", "team_management", "product_development"],
        "sectors": ["fintech", "tech_company"],
        "certifications": [{"name": "ISO/IEC 27001 Lead Implementer", "category": "information_security"}],
        "stack": ["Python", "TypeScript", "PostgreSQL", "Kubernetes", "AWS"],
        "past_roles": [
            {
                "title": "CTO",
                "company": "Banque Horizon",
                "context": "fintech",
                "start_year": 2019,
                "end_year": 2024,
            },
            {
                "title": "Lead développeur",
                "company": "Agence Lumière",
                "context": "agency",
                "start_year": 2012,
                "end_year": 2019,
            },
        ],
        "references": [
            {
                "name": "Sophie Bernard",
                "role": "CEO",
                "company": "Banque Horizon",
                "quote": "Camille a structuré l'équipe technique et mené notre agrément ACPR à temps.",
                "contact": "sophie.bernard@example.com",
            }
        ],
        "phone": "+33 6 12 34 56 78",
        "linkedin_url": "https://www.linkedin.com/in/camille-martin-cto",
    }


def freelancer_update(today: date) -> dict[str, Any]:
    return {
        "headline": "CTO à temps partagé, fintech et SaaS B2B",
        "tjm": 700,
        "available_from": monday_after(today, 28).isoformat(),
        "days_per_week": 3,
        "remote_preference": "remote",
    }


def company_create() -> dict[str, Any]:
    return {
        "email": "direction@example.com",
        "name": "Lumière Paiements SAS",
        "context": "fintech",
        "size": "11-50",
        "sector": "fintech",
        "city": "Paris",
        "description": (
            "Néobanque pour les indépendants, 35 salariés, série A en cours : nous cherchons un CTO à temps "
            "partagé pour structurer l'équipe produit."
        ),
        "phone": "+33 1 23 45 67 89",
    }


def company_update() -> dict[str, Any]:
    return {
        "size": "51-200",
        "city": "Bordeaux",
        "description": "Néobanque pour les indépendants, 60 salariés après la série A, siège à Bordeaux.",
    }


def mission_create(today: date) -> dict[str, Any]:
    start = monday_after(today, 42)
    return {
        "title": "CTO à temps partagé : structurer l'équipe produit",
        "description": (
            "Définir la stratégie technique, recruter trois développeurs et préparer l'audit de sécurité "
            "de notre plateforme de paiement."
        ),
        "orientation": "cto",
        "seniority": EXAMPLE_BAND,
        "tjm_min": 650,
        "tjm_max": 750,
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(weeks=26)).isoformat(),
        "days_per_week": 3,
        "remote_policy": "hybrid",
        "location": "Paris",
        "sector": "fintech",
        "context": "fintech",
        "cto_missions": ["technology_strategy", "team_management"],
        "required_competences": ["project_management", "leadership"],
        "nice_competences": ["it_security"],
    }


def mission_update(today: date) -> dict[str, Any]:
    start = monday_after(today, 56)
    return {
        "tjm_min": 680,
        "tjm_max": 780,
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(weeks=26)).isoformat(),
        "days_per_week": 4,
        "remote_policy": "remote",
    }


def decision() -> dict[str, Any]:
    return {
        "action": "shortlist",
        "reason": "Expérience de CTO en fintech et management d'équipe : à présenter au client.",
    }


def bulk_decision() -> dict[str, Any]:
    return {
        "action": "reject",
        "reason": "Budget trop bas pour ce niveau : le client ne peut pas monter.",
        "matches": [{"id": 1, "version": 1}, {"id": 2, "version": 3}],
    }


def rate_band_update() -> dict[str, Any]:
    """Valid for every band of the grid: none has a ceiling below 700."""
    return {"tjm_low": 660, "tjm_high": 700, "note": "Relevé des TJM observés sur les missions du trimestre."}


def _examples(summary: str, value: dict[str, Any]) -> list[Example]:
    return [Example(summary=summary, value=value)]


_TODAY = date.today()

FREELANCER_CREATE = _examples("A CTO in Lyon, 13 years of experience", freelancer_create(_TODAY))
FREELANCER_UPDATE = _examples("New rate and availability", freelancer_update(_TODAY))
COMPANY_CREATE = _examples("A fintech in Paris", company_create())
COMPANY_UPDATE = _examples("The company grew and moved", company_update())
MISSION_CREATE = _examples("A part-time CTO for a fintech", mission_create(_TODAY))
MISSION_UPDATE = _examples("New budget and dates", mission_update(_TODAY))
DECISION = _examples("An operator shortlists a pending match", decision())
BULK_DECISION = _examples("An operator rejects two matches with one reason", bulk_decision())
RATE_BAND_UPDATE = _examples("New figures for a band", rate_band_update())
RATE_BAND_PREVIEW = _examples("Figures to try on a band before saving them", rate_band_update())
TAXONOMY_SUGGESTIONS = _examples(
    "A mission description in French",
    {
        "text": (
            "Refonte de l'application mobile : rédaction du cahier des charges, suivi de la recette et "
            "veille technologique sur les frameworks cross-platform."
        )
    },
)
