"""Erasing an invitee: their e-mail address, name and external id go, their link stops
working, and their answers stay, anonymous and counted. Exports never hold addresses."""

import csv
import io

import pytest

from analytics.counting import response_count
from analytics.exports import raw_csv_stream
from analytics.models import ExportRecord, SurveyCounter
from invitations.models import EmailMessage, Invitation, InvitationStatus
from invitations.services import invitations_erase
from responses.models import Answer, Response
from responses.services import response_submit
from tests.analytics.checks import assert_counts_exact
from tests.analytics.factories import demo_answers
from tests.invitations.conftest import invite

pytestmark = pytest.mark.django_db


def _answer_as(invitation: Invitation, answers: dict) -> Response:
    import uuid

    survey = invitation.survey
    result = response_submit(survey=survey, version=survey.open_version(), submission_id=uuid.uuid4(),
                             answers=answers, invitation=invitation)
    assert result.ok, result.errors
    assert response_count(result.response.pk)
    return result.response


def _counts(survey) -> tuple:
    from analytics.models import CellCount, FindingCount

    return (
        SurveyCounter.objects.get(survey=survey).responses_counted,
        sorted(CellCount.objects.filter(version_id__in=survey.versions.values("pk"))
               .values_list("question_id", "row_id", "choice_id", "segment_choice_id", "n")),
        sorted(FindingCount.objects.filter(finding__survey=survey).values_list("finding__code", "base", "target")),
    )


@pytest.fixture
def answered(demo_survey):
    import random

    rng = random.Random(7)
    invitations = [invite(demo_survey, f"p{i}@example.org", name=f"P {i}", external_id=f"panel-{i}")[0]
                   for i in range(3)]
    for invitation in invitations:
        _answer_as(invitation, demo_answers(rng))
    return invitations


def test_it_removes_personal_data_and_revokes_the_link(client, answered):
    invitation = answered[0]
    token = invitation.token()
    EmailMessage.objects.create(invitation=invitation, kind="invitation", campaign="c", status="failed",
                                error=f"550 <{invitation.email}> refused")

    assert invitations_erase(invitations=Invitation.objects.filter(pk=invitation.pk)) == 1

    invitation.refresh_from_db()
    assert (invitation.email, invitation.name, invitation.external_id) == ("", "", "")
    assert invitation.status == InvitationStatus.ERASED
    assert invitation.revoked_at is not None
    assert EmailMessage.objects.get().error == ""
    assert client.get(f"/i/{token}/").status_code == 404


def test_it_keeps_the_answers_anonymous_and_counted(answered, demo_survey):
    before = _counts(demo_survey)
    answers_before = Answer.objects.count()

    invitations_erase(invitations=Invitation.objects.filter(pk__in=[i.pk for i in answered[:2]]))

    assert _counts(demo_survey) == before
    assert Answer.objects.count() == answers_before
    assert sorted(Response.objects.values_list("external_id", flat=True)) == ["", "", "panel-2"]
    assert Response.objects.filter(invitation__in=answered).count() == 3  # still one per invitation
    assert_counts_exact(demo_survey)


def test_it_still_refuses_a_second_response_after_erasure(answered, demo_survey):
    invitation = answered[0]
    invitations_erase(invitations=Invitation.objects.filter(pk=invitation.pk))

    assert Response.objects.filter(invitation=invitation).count() == 1


def _raw_export(survey) -> list[dict]:
    record = ExportRecord.objects.create(survey=survey, kind=ExportRecord.Kind.RAW_CSV, parameters={})
    text = "".join(raw_csv_stream(record)).lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def test_it_exports_the_external_id_and_never_an_address(answered, demo_survey):
    rows = _raw_export(demo_survey)

    assert sorted(row["external_id"] for row in rows) == ["panel-0", "panel-1", "panel-2"]
    assert not any("@" in value for row in rows for value in row.values())


def test_it_exports_no_external_id_of_an_erased_invitee(answered, demo_survey):
    invitations_erase(invitations=Invitation.objects.filter(pk=answered[0].pk))

    rows = _raw_export(demo_survey)

    assert sorted(row["external_id"] for row in rows) == ["", "panel-1", "panel-2"]
