"""USB bundles at the county: import a station's bundle, answer with its return bundle."""

from __future__ import annotations

from dataclasses import dataclass

from station_app.core.county_roles import CountyActor
from station_app.server.keys import CountyKeys
from station_app.server.store import station_audit, station_rebuilds
from station_app.server.store.audit import SERVER_CONSOLE
from station_app.server.store.storage import ServerStore
from station_app.sync import protocol as p


@dataclass(frozen=True)
class Imported:
    station_name: str
    number: int
    counts: dict[str, int]
    return_bundle: bytes
    return_number: int


def import_bundle(store: ServerStore, keys: CountyKeys, data: bytes, actor: CountyActor = SERVER_CONSOLE,
                  client: str | None = None) -> Imported:
    """Verify the bundle in full (whole, untampered, from an enrolled station, for this county, not
    expired, not seen before), apply it in one transaction and build the return bundle."""
    envelope, _ = p.read_header(data)
    station = store.station(str(envelope["body"].get("station_id")))
    header, content = station_rebuilds.signed_by(store, station, lambda key: p.open_bundle(
        data, kind=p.STATION_BUNDLE, signer_sign_b64=key, recipient=keys.pair.box))
    answer = store.import_bundle(station, int(header["number"]), content, actor, client)
    audit = station_audit.receive_bundled(store, station, content.get("audit") or [])
    history = station_audit.history_bundled(store, station, content.get("audit_history"))
    counts: dict[str, int] = dict.fromkeys(p.STATUSES, 0)
    for r in answer["results"]:
        counts[r["status"]] += 1
    counts["feed"] = len(answer["feed"]["items"])
    returned = p.write_bundle(p.RETURN_BUNDLE, station.station_id, answer["return_number"],
                              {"manifest": [], "batches": [], "results": answer["results"], "feed": answer["feed"],
                               "audit": audit, "audit_history": history},
                              keys.pair.sign, station.box_public)
    return Imported(station.name, int(header["number"]), counts, returned, answer["return_number"])


def return_file_name(imported: Imported) -> str:
    """What the station's 导入回执包… looks for on the stick."""
    return f"县民政局回执-{imported.station_name}-{imported.return_number:05d}.stbundle"
