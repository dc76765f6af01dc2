"""Deleted questions and pages, kept for Undo: what the delete service returned is kept in
the session (a handful, newest last) until it is put back."""

from __future__ import annotations

import uuid

from django.http import HttpRequest

from surveys.models import SurveyVersion

SESSION_KEY = "builder_deleted"
KEPT = 10


def remember(request: HttpRequest, version: SurveyVersion, kind: str, label: str, data: dict) -> str:
    token = uuid.uuid4().hex
    kept = [d for d in request.session.get(SESSION_KEY, []) if d["token"] != token][-(KEPT - 1):]
    kept.append({"token": token, "version": version.pk, "kind": kind, "label": label, "data": data})
    request.session[SESSION_KEY] = kept
    return token


def recall(request: HttpRequest, version: SurveyVersion, token: str) -> dict | None:
    for deleted in request.session.get(SESSION_KEY, []):
        if deleted["token"] == token and deleted["version"] == version.pk:
            return deleted
    return None


def forget(request: HttpRequest, token: str) -> None:
    request.session[SESSION_KEY] = [d for d in request.session.get(SESSION_KEY, []) if d["token"] != token]

