"""Closed vocabularies shared by the schema, the API and the engine (stored as checked strings)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    FREELANCER = "freelancer"
    COMPANY = "company"
    OPERATOR = "operator"


class TokenPurpose(StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"  # noqa: S105 - a purpose, not a password


class RemotePreference(StrEnum):
    REMOTE = "remote"
    HYBRID = "hybrid"
    ONSITE = "onsite"
    FLEXIBLE = "flexible"


class RemotePolicy(StrEnum):
    REMOTE = "remote"
    HYBRID = "hybrid"
    ONSITE = "onsite"


class Orientation(StrEnum):
    CTO = "cto"
    DSI = "dsi"
    BOTH = "both"


class Context(StrEnum):
    AGENCY = "agency"
    STARTUP = "startup"
    SCALEUP = "scaleup"
    FINTECH = "fintech"
    INDUSTRIAL = "industrial"
    ENTERPRISE = "enterprise"
    PUBLIC_SECTOR = "public_sector"


class CompanySize(StrEnum):
    XS = "1-10"
    S = "11-50"
    M = "51-200"
    L = "201-1000"
    XL = "1000+"


class MissionStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class TaxonomyKind(StrEnum):
    HARD_SKILL = "hard_skill"
    SOFT_SKILL = "soft_skill"
    CTO_MISSION = "cto_mission"
    AGENCY_PROJECT = "agency_project"
    AGENCY_PHASE = "agency_phase"
    AGENCY_DELIVERABLE = "agency_deliverable"
    SECTOR = "sector"
    CERTIFICATION = "certification"


#: Kinds a profile can hold and a mission can require (fixtures/README.md).
COMPETENCE_KINDS = frozenset(
    {
        TaxonomyKind.HARD_SKILL,
        TaxonomyKind.SOFT_SKILL,
        TaxonomyKind.AGENCY_PROJECT,
        TaxonomyKind.AGENCY_PHASE,
        TaxonomyKind.AGENCY_DELIVERABLE,
    }
)


class MatchStatus(StrEnum):
    PENDING = "pending"
    SHORTLISTED = "shortlisted"
    APPROVED = "approved"
    REJECTED = "rejected"
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    FREELANCER_INTERESTED = "freelancer_interested"
    FREELANCER_DECLINED = "freelancer_declined"


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ChunkState(StrEnum):
    """A planned chunk of a full rescore: queued (to send), running (leased by a worker), done, failed."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class NotificationState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
