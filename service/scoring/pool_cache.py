"""Per-process cache of the encoded profile pool, so the chunks of a rescore (and missions posted
while no profile changed) do not reload and re-encode every profile each time.

The cache key is what would change the encoding: the database, the number of active profiles, the
sum of their ids (a profile deactivated while another is created changes it), the sum of their
revisions and the latest `updated_at` (rows rewritten from scratch, e.g. a restored database, start
again at revision 1), plus the grid and the vocabulary. Every profile write moves its revision and its
`updated_at` (child lists included, see service.revisions), so any change moves the key and a stale
pool is never used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from matching import ProfileInput, ProfilePool, encode_profiles
from models import FreelancerProfile
from service.scoring.adapters import ScoringContext, profile_input


@dataclass(frozen=True)
class CachedPool:
    key: tuple[Any, ...]
    profiles: list[ProfileInput]
    pool: ProfilePool


_cache: dict[str, CachedPool] = {}


async def _signature(session: AsyncSession) -> tuple[int, int, int, datetime | None]:
    row = (
        await session.execute(
            select(
                func.count(),
                func.coalesce(func.sum(FreelancerProfile.id), 0),
                func.coalesce(func.sum(FreelancerProfile.revision), 0),
                func.max(FreelancerProfile.updated_at),
            ).where(FreelancerProfile.active)
        )
    ).one()
    return int(row[0]), int(row[1]), int(row[2]), row[3]


async def active_pool(session: AsyncSession, ctx: ScoringContext) -> tuple[list[ProfileInput], ProfilePool]:
    """Every active profile, as inputs and encoded, from the cache when nothing changed."""
    url = str(session.get_bind().engine.url)
    key = (
        await _signature(session),
        ctx.grid,
        ctx.vocab.competence_ids,
        ctx.vocab.cto_mission_ids,
        ctx.vocab.sector_ids,
    )
    cached = _cache.get(url)
    if cached is not None and cached.key == key:
        return cached.profiles, cached.pool
    rows = await session.scalars(
        select(FreelancerProfile).where(FreelancerProfile.active).order_by(FreelancerProfile.id)
    )
    profiles = [profile_input(p) for p in rows]
    pool = encode_profiles(profiles, ctx.vocab, ctx.grid)
    _cache[url] = CachedPool(key, profiles, pool)
    return profiles, pool
