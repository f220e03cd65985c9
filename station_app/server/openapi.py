"""The OpenAPI description of the sync protocol, served at /openapi.json."""

from __future__ import annotations

from typing import Any

from station_app.sync import protocol as p

_SIGNED = {"type": "object", "required": ["body", "signature"],
           "properties": {"body": {"type": "object"}, "signature": {"type": "string", "format": "byte",
                                                                      "description": "Ed25519 over canonical JSON"}}}
_CHANGE = {"type": "object", "required": list(p.CHANGE_KEYS),
           "properties": {"seq": {"type": "integer"}, "change_id": {"type": "string", "format": "uuid"},
                          "entity": {"type": "string"}, "record_id": {"type": "string"},
                          "op": {"enum": ["upsert", "delete"]}, "base_rev": {"type": "integer"},
                          "rev": {"type": "integer"}, "payload": {"type": "object"}}}


def _post(summary: str, request: dict[str, Any], reply: str) -> dict[str, Any]:
    return {"post": {"summary": summary,
                     "requestBody": {"content": {"application/json": {"schema": request}}},
                     "responses": {"200": {"description": reply,
                                           "content": {"application/json": {"schema": _SIGNED}}},
                                   "401": {"description": "bad signature or stale request"},
                                   "403": {"description": "unknown or revoked station"}}}}


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Station county sync", "version": str(p.VERSION),
                 "description": "Station requests are signed envelopes {body, signature}; body carries "
                                "station_id, kind, sent_at, nonce. Replies are signed by the county key."},
        "components": {"schemas": {"Signed": _SIGNED, "Change": _CHANGE},
                       "securitySchemes": {"token": {"type": "http", "scheme": "bearer",
                                                     "description": "main.py server create-token, or the console's 账号 page"}}},
        "paths": {
            "/health": {"get": {"summary": "liveness", "responses": {"200": {"description": "ok"}}}},
            "/v1/enroll": _post("enroll with a one-time code", {"type": "object", "required": [
                "code", "station_id", "sign_public", "box_public"]}, "the county's public keys, signed"),
            "/v1/push": _post("push a batch {after_seq, changes: [Change]} (body.kind = push)", _SIGNED,
                              f"status ok|gap, high_water, results[] with status in {list(p.STATUSES)}"),
            "/v1/pull": _post("pull feed items after body.cursor (body.kind = pull)", _SIGNED,
                              f"items[] of kind {p.RECORD} or {p.DECISION}, cursor, more"),
            "/v1/county/relief": {"get": {"summary": "relief cases waiting for the county (a county person's API token)",
                                          "security": [{"token": []}],
                                          "responses": {"200": {"description": "cases"}}}},
            "/v1/county/relief/{case_id}/decision": {"post": {
                "summary": "approve or reject a waiting case, as the API token's person (role 审批)",
                "security": [{"token": []}],
                "requestBody": {"content": {"application/json": {"schema": {
                    "type": "object", "required": ["approved"],
                    "properties": {"approved": {"type": "boolean"}, "amount": {"type": "integer", "description": "fen"},
                                   "reason": {"type": "string"}, "decided_on": {"type": "string", "format": "date"}}}}}},
                "responses": {"200": {"description": "the decision as queued for the station"},
                              "403": {"description": "no valid token, or the person may not decide"}}}},
        },
    }
