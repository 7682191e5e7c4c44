"""Where sign-in sessions live, so a restart of the API does not sign everyone out.

Production keeps them in the Redis the workers already use (`CELERY_BROKER_URL`, under their own key
namespace; entries expire on their own). The embedded default keeps them as files under the data
directory, next to the SQLite database. Tests may pass `memory` to keep them in the process.
"""

from __future__ import annotations

from typing import Any

from litestar.stores.base import Store
from litestar.stores.file import FileStore
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore
from litestar.stores.registry import StoreRegistry

from service.settings import Settings


def session_store(settings: Settings, name: str) -> Store:
    """The store of one kind of session (`name`: "portal_sessions", "console_sessions")."""
    broker = settings.celery_broker_url
    if broker.startswith(("redis://", "rediss://")):
        return RedisStore.with_client(url=broker, namespace=f"{settings.celery_queue}:{name}")
    if settings.environment == "test" and not settings.data_dir.exists():
        return MemoryStore()
    return FileStore(settings.data_dir / name, create_directories=True)


async def drop_expired(store: Store) -> None:
    """Stores that do not expire entries themselves are swept at sign-in, so old sessions never pile up."""
    if isinstance(store, MemoryStore | FileStore):
        await store.delete_expired()


def with_session_store(stores: Any, name: str, store: Store) -> StoreRegistry | dict[str, Any]:
    """The app's stores (a registry, a mapping or none yet) with `store` added under `name`."""
    if isinstance(stores, StoreRegistry):
        stores.register(name, store, allow_override=False)
        return stores
    return {**(stores or {}), name: store}
