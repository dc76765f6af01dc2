"""The number a response takes when it ends (`Response.completed_seq`): the cursor of the
responses API.

Taken as the last statement of the completion's transaction, with an upsert on the
survey's CompletionSequence row: the row lock is held to the commit, so the response
numbered n+1 waits for the one numbered n to commit (numbers follow commit order) and
completions of one survey queue only for the commit itself. On PostgreSQL the number is
taken and written onto the response in one statement; SQLite (`make run`), which
serialises writers anyway, runs the same as two.

When the survey has outside listeners (`notify`, webhooks), `response_ended` is sent, in
the same transaction, for their outbox rows."""

from __future__ import annotations

from django.db import connection

from core.sql import fetch, qn
from responses.models import CompletionSequence, Response
from responses.signals import response_ended


def _next_number_sql() -> str:
    table = qn(CompletionSequence._meta.db_table)
    return (
        f"INSERT INTO {table} (survey_id, last, notify) VALUES (%s, 1, FALSE) "
        f"ON CONFLICT (survey_id) DO UPDATE SET last = {table}.last + 1 RETURNING last, notify"
    )


def response_number(response: Response) -> int:
    """Give an ended response its number (in the caller's transaction), and tell the
    survey's listeners, if it has any. Returns the number."""
    responses = qn(Response._meta.db_table)
    response_id = Response._meta.pk.get_db_prep_value(response.pk, connection)
    if connection.vendor == "postgresql":
        ((number, notify),) = fetch(
            f"WITH taken AS ({_next_number_sql()}) "
            f"UPDATE {responses} SET completed_seq = (SELECT last FROM taken) WHERE id = %s "
            f"RETURNING completed_seq, (SELECT notify FROM taken)",
            [response.survey_id, response_id],
        )
    else:
        ((number, notify),) = fetch(_next_number_sql(), [response.survey_id])
        fetch(f"UPDATE {responses} SET completed_seq = %s WHERE id = %s RETURNING id", [number, response_id])
    response.completed_seq = number
    if notify:
        response_ended.send(sender=Response, response=response)
    return number


def survey_notify_set(*, survey_id: int, notify: bool) -> None:
    """Say whether completions of the survey are to send `response_ended` (its listeners,
    e.g. webhooks, call this in the transaction that adds or removes the last of them)."""
    CompletionSequence.objects.update_or_create(survey_id=survey_id, defaults={"notify": notify})
