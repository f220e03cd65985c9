"""The county console: server-rendered pages for the people at the county, served by the same
server process as the sync endpoints, under /console/ (web.PREFIX). Every asset is served from
static/ here: county networks are often intranet-only.

One module per page (overview, relief, figures, search, rules, stations, conflicts, people);
`web` holds what they share (session, CSRF, role checks, rendering).
"""

from __future__ import annotations

from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from station_app.core import county_roles as r
from station_app.server.console import (figures, login, overview, people, relief, rules, search, station_log, stations,
                                        web)
from station_app.server.console.web import PREFIX, Console, plain_page  # noqa: F401 (for the app)
from station_app.server.keys import CountyKeys
from station_app.server.store.storage import ServerStore


def routes(store: ServerStore, keys: CountyKeys) -> list[BaseRoute]:
    console = Console(store, keys)
    show_login, submit_login = login.endpoints(console)

    def get(path: str, handler: web.Handler, permission: str | None = None) -> Route:
        return Route(path, web.page(console, handler, permission), methods=["GET"])

    def post(path: str, handler: web.Handler, permission: str | None = None) -> Route:
        return Route(path, web.page(console, handler, permission), methods=["POST"])

    pages = [
        Route("/login", show_login, methods=["GET"]),
        Route("/login", submit_login, methods=["POST"]),
        post("/logout", login.log_out),
        get("/", overview.overview),
        get("/records", overview.records),
        get("/relief", relief.waiting),
        get("/relief/{case_id}", relief.case_page),
        post("/relief/{case_id}", relief.case_page, r.UNMASK),
        post("/relief/{case_id}/decision", relief.decide, r.DECIDE),
        get("/relief/{case_id}/form.pdf", relief.form_pdf),
        get("/figures", figures.page),
        get("/figures.xlsx", figures.export, r.EXPORT),
        get("/figures/versions", figures.versions),
        get("/figures/trace", figures.trace),
        post("/figures/trace", figures.trace, r.UNMASK),
        get("/search", search.search),
        get("/people/{person_id}", search.person),
        post("/people/{person_id}", search.person, r.UNMASK),
        get("/rules", rules.index),
        get("/rules/{key}", rules.edit),
        post("/rules/{key}/preview", rules.preview),
        post("/rules/{key}/publish", rules.publish, r.PUBLISH),
        get("/stations", stations.index),
        post("/stations", stations.create, r.STATIONS),
        get("/stations/{name}", stations.detail),
        get("/stations/{name}/audit", station_log.page, r.STATIONS),
        post("/stations/{name}/revoke", stations.revoke, r.STATIONS),
        post("/stations/{name}/rebuild-code", stations.rebuild_code, r.STATIONS),
        post("/stations/{name}/escrow", stations.escrow, r.UNSEAL),
        post("/bundles", stations.upload, r.BUNDLES),
        get("/bundles/{bundle_id:int}", stations.download, r.BUNDLES),
        get("/conflicts", stations.conflicts),
        get("/accounts", people.index, r.ACCOUNTS),
        post("/accounts", people.create, r.ACCOUNTS),
        post("/accounts/tokens", people.create_token, r.ACCOUNTS),
        post("/accounts/tokens/revoke", people.revoke_token, r.ACCOUNTS),
        post("/accounts/{username}", people.change, r.ACCOUNTS),
        get("/audit", people.audit_log, r.ACCOUNTS),
        Mount("/static", StaticFiles(directory=str(web.HERE / "static")), name="static"),
    ]
    return [Route("/", lambda request: RedirectResponse(web.PREFIX + "/"), methods=["GET"]),
            Mount(web.PREFIX, routes=pages)]
