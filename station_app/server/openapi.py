"""The OpenAPI description of the county server, served at /openapi.json.

Built from the protocol's own message schemas (sync.protocol), so the description, the server's
checks and the fuzzing that reads the description (tests/test_server_fuzz.py) never disagree.
"""

from __future__ import annotations

from typing import Any

from station_app.sync import protocol as p

_ERROR = {"type": "object", "required": ["error"], "properties": {
    "error": {"type": "string", "description": "为什么拒绝（中文）"},
    "fields": {"type": "object", "additionalProperties": {"type": "string"},
               "description": "每个有误的项目及其说明（HTTP 422）"}}}
_REFUSALS = {
    "400": "malformed request (not JSON, changes out of order)",
    "401": "bad signature, stale request or a replay",
    "403": "unknown or revoked station, invalid enrollment code, missing county credentials",
    "409": "the request does not fit the records' state",
    "413": "request body too large",
    "422": "a field of the wrong type or out of range; `fields` names each",
}


def _answers(reply: str, reply_schema: dict[str, Any]) -> dict[str, Any]:
    refusals = {code: {"description": text, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                for code, text in _REFUSALS.items()}
    return {"200": {"description": reply, "content": {"application/json": {"schema": reply_schema}}}, **refusals}


def _post(summary: str, request: dict[str, Any], reply: str, reply_schema: dict[str, Any] | None = None,
          **extra: Any) -> dict[str, Any]:
    return {"post": {"summary": summary, "requestBody": {"required": True, "content": {"application/json": {
        "schema": request}}}, "responses": _answers(reply, reply_schema or p.signed({"type": "object"})), **extra}}


_BEARER = [{"token": []}]


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Station county sync", "version": str(p.VERSION),
                 "description": "Station requests are signed envelopes {body, signature}: body carries station_id, "
                                "kind, sent_at (with its time zone), nonce (each used once) and version; the "
                                "signature is Ed25519 over the body's canonical JSON. Replies are signed by the "
                                "county key. Bodies longer than the endpoint's limit are refused with 413: "
                                + ", ".join(f"{k} {v // 1024} KiB" for k, v in p.MAX_BODY.items()) + "."},
        "components": {"schemas": {"Change": p.CHANGE, "Error": _ERROR, "Decision": p.DECISION_REQUEST},
                       "securitySchemes": {"token": {"type": "http", "scheme": "bearer",
                                                     "description": "a county person's API token: main.py server "
                                                                    "create-token, or the console's 账号 page"}}},
        "paths": {
            "/health": {"get": {"summary": "liveness and the county's public keys",
                                "responses": {"200": {"description": "ok"}}}},
            "/openapi.json": {"get": {"summary": "this description", "responses": {"200": {"description": "ok"}}}},
            "/v1/enroll": _post("enroll with a one-time code; signed with the signing key being registered",
                                p.signed(p.ENROLL), "the county's public keys, signed"),
            "/v1/push": _post("push a batch of changes in seq order", p.signed(p.PUSH),
                              f"status ok|gap, high_water, results[] with status in {list(p.STATUSES)}"),
            "/v1/pull": _post("pull feed items after cursor; report items this station refused", p.signed(p.PULL),
                              f"items[] of kind {p.RECORD} or {p.DECISION}, cursor, more"),
            "/v1/rebuild": _post("a page of what a station rebuilt on a new PC pulls back, after cursor",
                                 p.signed(p.REBUILD), "records[] at their latest revisions, cursor, more, high_water,"
                                 " last_seen_at, feed_cursor"),
            "/v1/audit": _post("a run of the station's audit log after after_seq, kept if it continues the hash chain"
                               " the county holds", p.signed(p.AUDIT), "status ok|gap|refused, through, reason",
                               p.signed(p.AUDIT_ANSWER)),
            "/v1/audit/history": _post("a page of the audit log the county holds for the station, after `after`",
                                       p.signed(p.AUDIT_HISTORY), "entries[] verbatim, more, through, last_at",
                                       p.signed(p.AUDIT_PAGE)),
            "/v1/county/relief": {"get": {"summary": "relief cases waiting for the county (a county person's API token)",
                                          "security": _BEARER,
                                          "responses": {"200": {"description": "cases"},
                                                        "403": {"description": "no valid API token"}}}},
            "/v1/county/relief/{case_id}/decision": _post(
                "approve or reject a waiting case, as the API token's person (role 审批)", p.DECISION_REQUEST,
                "the decision as queued for the station",
                {"type": "object"}, security=_BEARER,
                parameters=[{"name": "case_id", "in": "path", "required": True, "schema": p.ID}]),
        },
    }
