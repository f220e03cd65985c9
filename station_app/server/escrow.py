"""The station's database key held in escrow by the county, for recovery when a station has lost
every password and its recovery code. Only an administrator opens it, and it is audited."""

from __future__ import annotations

from station_app.core.county_roles import UNSEAL, CountyActor
from station_app.core.errors import KnownError
from station_app.server.keys import CountyKeys
from station_app.server.store.audit import record_view
from station_app.server.store.storage import ServerStore
from station_app.store.keyring import open_sealed
from station_app.sync import protocol as p


def unseal(store: ServerStore, keys: CountyKeys, name: str, actor: CountyActor, client: str | None = None) -> str:
    """The station's database key (hex) for its recovery, opened with the county's key."""
    actor.require(UNSEAL)
    sealed = store.escrow(name)
    if not sealed:
        raise KnownError("该社工站没有托管密钥")
    key = open_sealed(p.unb64(sealed), keys.pair.box).hex()
    record_view(store, actor, "取出托管密钥", name, None, client)
    return key
