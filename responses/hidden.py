"""Hidden field values: what a respondent brings along rather than answers.

They come from the public link's query string (`/s/<slug>/?rid=abc`), from the invitee's
attributes (extra CSV columns, and the built-in `external_id`) or from the API payload,
and are kept on the response from its first save. Before a public respondent's response
exists (the first page is not posted yet) they wait in a signed cookie, so that they
survive the redirect to the first page, a reload and Back.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from django.http import HttpRequest, HttpResponse

from surveys.definition import BUILTIN_HIDDEN, SurveyDef
from surveys.definition_files import HIDDEN_VALUE_MAX
from surveys.models import Survey
from surveys.selectors import compiled_version, latest_version

COOKIE_SALT = "responses.hidden"
COOKIE_MAX_AGE = 30 * 24 * 3600  # as long as a panel's fieldwork


def hidden_clean(definition: SurveyDef, values: Mapping[str, object]) -> dict[str, str]:
    """The declared hidden fields among `values`: anything else ignored (a link carries
    tracking parameters of its own), values cut to their maximum length, and a value
    outside a field's declared list left out. The built-in `external_id` comes only from the
    invitee, never from a link (it would let anyone pose as a panel's respondent)."""
    cleaned = {}
    for field in definition.hidden_fields:
        value = values.get(field.code)
        if isinstance(value, list):  # a repeated query parameter: the last one, as Django does
            value = value[-1] if value else None
        if value is None or isinstance(value, (dict, list, bool)):
            continue
        value = str(value).strip()[:HIDDEN_VALUE_MAX]
        if not value or (field.values and value not in field.values):
            continue
        cleaned[field.code] = value
    return cleaned


UNDECLARED = "Not a hidden field of this survey (declared: {declared})."
NONE_DECLARED = "This survey declares no hidden fields."
BUILT_IN = "Filled from the invitation (X-Invitation-Token), not from the payload."
NOT_ALLOWED = "Expected one of {values}."
TOO_LONG = f"At most {HIDDEN_VALUE_MAX} characters."


def hidden_errors(definition: SurveyDef, values: Mapping[str, str]) -> dict[str, list[str]]:
    """An API client's hidden values, checked strictly (a link's are cleaned instead, as a
    respondent cannot fix them): undeclared codes, values off the list or too long are
    refused, keyed `hidden.<code>`."""
    fields = {h.code: h for h in definition.hidden_fields}
    errors = {}
    for code, value in values.items():
        field = fields.get(code)
        if code == BUILTIN_HIDDEN:
            errors[f"hidden.{code}"] = [BUILT_IN]
        elif field is None:
            errors[f"hidden.{code}"] = [UNDECLARED.format(declared=", ".join(fields)) if fields else NONE_DECLARED]
        elif len(value) > HIDDEN_VALUE_MAX:
            errors[f"hidden.{code}"] = [TOO_LONG]
        elif field.values and value not in field.values:
            errors[f"hidden.{code}"] = [NOT_ALLOWED.format(values=", ".join(field.values))]
    return errors


def hidden_of_invitation(definition: SurveyDef, invitation) -> dict[str, str]:
    """The invitee's attributes that the version declares as hidden fields (`external_id` is
    kept on the response's own column)."""
    return hidden_clean(definition, invitation.hidden or {}) if invitation is not None else {}


def _definition(survey: Survey) -> SurveyDef | None:
    """The hidden fields a respondent arriving now brings: those of the open version (the
    latest one when the survey is closed, for the `closed` redirect)."""
    version = latest_version(survey)
    return compiled_version(version).definition if version is not None else None


def invitee_hidden(survey: Survey, invitation) -> dict[str, str]:
    """An invitee's hidden values: their attributes the version declares, and their external id."""
    definition = _definition(survey)
    values = hidden_of_invitation(definition, invitation) if definition is not None else {}
    return {**values, **({BUILTIN_HIDDEN: invitation.external_id} if invitation.external_id else {})}


def arriving_hidden(request: HttpRequest, survey: Survey) -> tuple[dict[str, str], bool]:
    """A public respondent's hidden values before their response exists: those of the link
    (`?rid=abc`) over those kept in the cookie from an earlier request; and whether the link
    brought any (then the cookie is written)."""
    kept = hidden_from_cookie(request, survey.slug)
    if not request.GET:
        return kept, False
    definition = _definition(survey)
    arrived = hidden_clean(definition, request.GET) if definition is not None else {}
    return {**kept, **arrived}, bool(arrived)


def _cookie_name(slug: str) -> str:
    return f"hidden-{slug}"


def hidden_from_cookie(request: HttpRequest, slug: str) -> dict[str, str]:
    raw = request.get_signed_cookie(_cookie_name(slug), default="", salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE)
    try:
        values = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return {k: v for k, v in values.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(
        values, dict) else {}


def hidden_to_cookie(http_response: HttpResponse, slug: str, values: Mapping[str, str]) -> HttpResponse:
    http_response.set_signed_cookie(
        _cookie_name(slug), json.dumps(dict(values), separators=(",", ":")), salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax",
    )
    return http_response
