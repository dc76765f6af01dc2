"""Erasing what responses hold about a person, when `invitations` erases the invitee.

A response stays (complete, counted, linked to its emptied invitation) and so does every
answer row: bases and counts do not move (but for the segments of the hidden values it
loses, see `_invitee_hidden_erase`). What goes is what could identify the person:
the stored IP address and the client key (responses.quality's HMAC of address and browser),
the panel id and the hidden values copied from the invitee list, the answers to e-mail
questions and to questions marked personal data (blanked and marked `erased`), and the
fingerprints of those answers (the answers digest could confirm a guessed address, and
a resume token would let someone type into the response again).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet

from responses.models import Answer, Response
from responses.signals import answers_erased, hidden_values_changed, hidden_values_changing
from surveys.types import type_names


def personal_answers() -> Q:
    """Answers that identify the respondent: those of the types that always hold personal
    data (e-mail) and of questions that the survey marks as personal data (text only)."""
    return Q(question__type__in=type_names(always_personal=True)) | Q(question__personal_data=True)


@dataclass(frozen=True)
class Erasure:
    responses: int
    answers: int  # answers blanked by this call (answers erased before are not counted again)


def _invitee_hidden_erase(ids: list) -> None:
    """Drop the hidden values an invitee's response copied from their row of the invitee
    list (still on the invitation: `invitations_erase` empties it after this); values the
    API payload sent stay. Erasure is rare and small: one UPDATE per response. A hidden
    value may be a results segment: the signals around the change take a counted
    response out of the counts and count it again with what is kept."""
    invitees = Response.objects.filter(pk__in=ids, invitation__isnull=False).exclude(hidden={})
    for pk, hidden, listed in invitees.values_list("pk", "hidden", "invitation__hidden"):
        kept = {code: value for code, value in hidden.items() if code not in (listed or {})}
        if kept != hidden:
            response = Response.objects.select_for_update().get(pk=pk)
            hidden_values_changing.send(sender=Response, response=response)
            Response.objects.filter(pk=pk).update(hidden=kept)
            response.hidden = kept
            hidden_values_changed.send(sender=Response, response=response)


@transaction.atomic
def responses_erase_personal_data(*, responses: QuerySet[Response]) -> Erasure:
    """Blank the personal data of `responses`; running it again changes nothing more."""
    rows = list(responses.values_list("pk", "survey_id"))
    if not rows:
        return Erasure(responses=0, answers=0)
    ids = [pk for pk, _ in rows]
    _invitee_hidden_erase(ids)
    Response.objects.filter(pk__in=ids).update(
        external_id="", ip_address=None, answers_digest="", resume_token_hash="", client_key=""
    )
    personal = Answer.objects.filter(personal_answers(), response_id__in=ids, erased=False)
    question_ids = set(personal.values_list("question_id", flat=True).distinct())
    # Numbers and dates are never personal-data answers (only text questions can be
    # marked), but a blanked answer holds nothing at all.
    erased = personal.update(text="", number=None, date=None, erased=True)
    if erased:
        answers_erased.send(sender=Response, survey_ids={survey for _, survey in rows}, question_ids=question_ids)
    return Erasure(responses=len(ids), answers=erased)
