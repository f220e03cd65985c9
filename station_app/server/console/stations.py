"""站点管理: create a station (its one-time enrollment code and the county's key fingerprint, shown
once and printable), a re-enrollment code for a station whose PC is lost, revoke one, its enrollment and bundle history, USB bundles imported by upload
with their return bundles to download, and the key-escrow unseal (管理员 only, audited). 冲突: the
conflicts the server kept, per station."""

from __future__ import annotations

from starlette.responses import Response

from station_app.core.errors import KnownError, ValidationError
from station_app.server.bundles import import_bundle, return_file_name
from station_app.server.console import web
from station_app.server.console.web import Ask
from station_app.server.escrow import unseal
from station_app.server.store import audit, county_stations, station_audit
from station_app.sync import protocol as p

MAX_BUNDLE = 512 * 1024 * 1024  # a year of a large township's work is far less


def _county_fingerprint(ask: Ask) -> str:
    return p.fingerprint(ask.console.keys.pair.public["sign"])


def index(ask: Ask, errors: dict[str, str] | None = None, status: int = 200) -> Response:
    return ask.render("stations.html", status, section="/stations", stations=county_stations.stations(ask.store),
                      errors=errors or {}, name=ask.value("name") if errors else "")


def create(ask: Ask) -> Response:
    name = ask.value("name")
    try:
        code = ask.store.create_station(name, ask.actor, ask.client)
    except ValidationError as exc:
        return index(ask, exc.errors, 422)
    return _code_sheet(ask, name.strip(), code, rebuild=False)


def rebuild_code(ask: Ask) -> Response:
    """A one-time re-enrollment code for a station whose PC is lost: its new PC rebuilds from the county."""
    name = ask.param("name")
    return _code_sheet(ask, name, ask.store.issue_rebuild_code(name, ask.actor, ask.client), rebuild=True)


def _code_sheet(ask: Ask, name: str, code: str, *, rebuild: bool) -> Response:
    """The printable sheet of a one-time code with the county's key fingerprint (shown once)."""
    return ask.render("station_created.html", section="/stations", name=name, code=code, rebuild=rebuild,
                      fingerprint=_county_fingerprint(ask), server=str(ask.request.base_url).rstrip("/"))


def detail(ask: Ask, unsealed: str | None = None) -> Response:
    name = ask.param("name")
    found = county_stations.station(ask.store, name)
    return ask.render("station.html", section="/stations", station=found, events=county_stations.events(ask.store, name),
                      returns=county_stations.return_bundles(ask.store, name), unsealed=unsealed,
                      audit_refusals=len(station_audit.refusals(ask.store, found["station_id"] or "")),
                      county_fingerprint=_county_fingerprint(ask))


def revoke(ask: Ask) -> Response:
    name = ask.param("name")
    ask.store.revoke(name, ask.actor, ask.client)
    return ask.redirect(f"/stations/{web.quote(name)}")


def escrow(ask: Ask) -> Response:
    return detail(ask, unseal(ask.store, ask.console.keys, ask.param("name"), ask.actor, ask.client))


def upload(ask: Ask) -> Response:
    """A station's USB bundle, uploaded: applied once (a second upload of it is refused), and its
    return bundle kept to download."""
    upload = ask.form.get("bundle")
    data = upload.file.read(MAX_BUNDLE + 1) if hasattr(upload, "file") else b""
    if not data:
        raise KnownError("请选择社工站导出的U盘数据包文件（.stbundle）")
    if len(data) > MAX_BUNDLE:
        raise KnownError("文件过大，不是社工站导出的数据包")
    imported = import_bundle(ask.store, ask.console.keys, data, ask.actor, ask.client)
    bundle_id = county_stations.keep_return_bundle(ask.store, imported.station_name, imported.return_number,
                                                   return_file_name(imported), imported.return_bundle)
    return ask.render("bundle_imported.html", section="/stations", imported=imported, bundle_id=bundle_id,
                      labels=p.STATUS_LABELS)


def download(ask: Ask) -> Response:
    station_name, file_name, data = county_stations.return_bundle(ask.store, int(ask.param("bundle_id")))
    audit.record_view(ask.store, ask.actor, "下载回执包", station_name, file_name, ask.client)
    return Response(data, media_type="application/octet-stream",
                    headers={**web.HEADERS, "Content-Disposition": web.attachment(file_name)})


def conflicts(ask: Ask) -> Response:
    stations = county_stations.stations(ask.store)
    chosen = ask.value("station")
    return ask.render("conflicts.html", section="/conflicts", stations=stations, chosen=chosen,
                      conflicts=county_stations.conflicts(ask.store, chosen or None), labels=p.STATUS_LABELS)

