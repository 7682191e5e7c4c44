"""The ctomatch data model: every ORM table, re-exported so Alembic sees one metadata."""

from models.account import Account, AccountToken, SignInFailure
from models.api_key import ApiKey
from models.base import Base
from models.company import Company
from models.freelancer import FreelancerProfile, ProfileCompetence, ProfileCtoMission
from models.grid_revision import GridRevision
from models.match import Match, MatchDecision
from models.mission import Mission, MissionCompetence, MissionCtoMission
from models.notification import Notification
from models.profile_event import ProfileEvent, ProfileEventKind
from models.rate_band import RateBand
from models.registration_idempotency import RegistrationIdempotencyKey
from models.scoring_job import ScoringJob, ScoringJobChunk
from models.taxonomy import TaxonomyItem

__all__ = [
    "Account",
    "AccountToken",
    "ApiKey",
    "Base",
    "Company",
    "FreelancerProfile",
    "GridRevision",
    "Match",
    "MatchDecision",
    "Mission",
    "MissionCompetence",
    "MissionCtoMission",
    "Notification",
    "ProfileCompetence",
    "ProfileCtoMission",
    "ProfileEvent",
    "ProfileEventKind",
    "RateBand",
    "RegistrationIdempotencyKey",
    "ScoringJob",
    "ScoringJobChunk",
    "SignInFailure",
    "TaxonomyItem",
]
