"""Erasing an invitee: every piece of personal data goes (e-mail address, name, external id,
the e-mail log and send error; in the response the IP address and the answers to e-mail
and personal-data questions, blanked and marked erased), their link stops working, and
their response stays, anonymous and counted, with counts equal to a full recompute."""

import csv
import io

import pytest

from analytics.counting import response_count
from analytics.models import SurveyCounter
from invitations.models import EmailMessage, Invitation, InvitationStatus
from invitations.services import invitations_erase
from responses.models import Answer, Response
from responses.services import response_submit
from results.exports.csv_stream import raw_csv_stream
from results.models import ExportRecord
from tests.kit.counts import assert_counts_exact
from tests.kit.demo import random_demo_answers
from tests.kit.invitations import invite

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
        _answer_as(invitation, random_demo_answers(rng))
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
    assert not EmailMessage.objects.exists()
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


# --- Field by field, on a survey that asks for personal data ---------------------------

CONTACT_SURVEY = {
    "slug": "contact",
    "title": "Contact",
    "status": "open",
    "pages": [{"questions": [
        {"code": "role", "type": "single", "label": "Role", "segment": True,
         "choices": [{"code": "it", "label": "IT"}, {"code": "business", "label": "Business"}]},
        {"code": "name", "type": "short_text", "label": "Your name", "personal_data": True},
        {"code": "email", "type": "email", "label": "Your e-mail address"},
        {"code": "comments", "type": "long_text", "label": "Comments"},
        {"code": "age", "type": "integer", "label": "Age"},
    ]}],
    "findings": [
        {"code": "named_ada", "statement": "Ada answered", "base": "role = it", "target": "name = 'Ada'"},
        {"code": "it", "statement": "IT", "base": "age > 0", "target": "role = it"},
    ],
}


@pytest.fixture
def contact_survey(db):
    from analytics.recompute import finding_recompute
    from surveys.definition_files import definition_from_data
    from surveys.models import Finding
    from surveys.services import survey_import

    survey = survey_import(definition=definition_from_data(CONTACT_SURVEY))[0].survey
    for finding in Finding.objects.filter(survey=survey):  # as the on-commit task would
        finding_recompute(finding_id=finding.pk)
    return survey


def _contact_answers(name: str, email: str, comments: str = "Fine.", role: str = "it") -> dict:
    return {"role": role, "name": name, "email": email, "comments": comments, "age": 36}


@pytest.fixture
def ada_and_grace(contact_survey):
    """Ada (answered through her invitation from a stored IP, with an e-mail log) and Grace."""
    import uuid

    people = []
    for name in ("Ada", "Grace"):
        invitation = invite(contact_survey, f"{name.lower()}@example.org", name=f"{name} L.",
                            external_id=f"panel-{name}")[0]
        result = response_submit(
            survey=contact_survey, version=contact_survey.open_version(), submission_id=uuid.uuid4(),
            answers=_contact_answers(name, f"{name.lower()}@home.example", comments=f"{name} thinks it is fine."),
            invitation=invitation, ip_address="203.0.113.7",
        )
        assert result.ok, result.errors
        assert response_count(result.response.pk)
        people.append((invitation, result.response))
    ada = people[0][0]
    EmailMessage.objects.create(invitation=ada, kind="invitation", campaign="invitation", status="sent")
    EmailMessage.objects.create(invitation=ada, kind="reminder", campaign="r-1", status="failed",
                                error="550 <ada@example.org> mailbox full")
    Invitation.objects.filter(pk=ada.pk).update(send_error="550 <ada@example.org> mailbox full")
    return people


def _erase(invitation: Invitation) -> int:
    return invitations_erase(invitations=Invitation.objects.filter(pk=invitation.pk))


def _answer(response: Response, code: str) -> Answer:
    return Answer.objects.get(response=response, question__code=code)


def test_it_clears_the_stored_ip_address(ada_and_grace):
    (ada, ada_response), (_, grace_response) = ada_and_grace

    _erase(ada)

    ada_response.refresh_from_db()
    grace_response.refresh_from_db()
    assert ada_response.ip_address is None
    assert grace_response.ip_address == "203.0.113.7"


def test_it_blanks_and_marks_the_answers_to_e_mail_questions(ada_and_grace):
    (ada, ada_response), (_, grace_response) = ada_and_grace

    _erase(ada)

    email = _answer(ada_response, "email")
    assert (email.text, email.erased) == ("", True)
    assert (_answer(grace_response, "email").text, _answer(grace_response, "email").erased) == (
        "grace@home.example", False
    )


def test_it_blanks_and_marks_the_answers_to_personal_data_questions(ada_and_grace):
    (ada, ada_response), _ = ada_and_grace

    _erase(ada)

    name = _answer(ada_response, "name")
    assert (name.text, name.erased) == ("", True)


def test_it_leaves_the_other_answers_untouched(ada_and_grace):
    (ada, ada_response), (_, grace_response) = ada_and_grace
    before = sorted(Answer.objects.exclude(response=ada_response, question__code__in=["name", "email"])
                    .values_list("pk", "question__code", "choice_id", "number", "text", "erased"))

    _erase(ada)

    after = sorted(Answer.objects.exclude(response=ada_response, question__code__in=["name", "email"])
                   .values_list("pk", "question__code", "choice_id", "number", "text", "erased"))
    assert after == before
    assert _answer(ada_response, "comments").text == "Ada thinks it is fine."  # not marked personal data


def test_it_deletes_the_e_mail_log_and_the_send_error(ada_and_grace):
    (ada, _), (grace, _) = ada_and_grace
    EmailMessage.objects.create(invitation=grace, kind="invitation", campaign="invitation", status="sent")

    _erase(ada)

    ada.refresh_from_db()
    assert ada.send_error == ""
    assert not EmailMessage.objects.filter(invitation=ada).exists()
    assert EmailMessage.objects.filter(invitation=grace).count() == 1


def test_it_removes_who_was_invited(ada_and_grace):
    (ada, ada_response), _ = ada_and_grace

    _erase(ada)

    ada.refresh_from_db()
    ada_response.refresh_from_db()
    assert (ada.email, ada.name, ada.external_id) == ("", "", "")
    assert ada_response.external_id == ""


def test_it_clears_the_fingerprints_of_the_erased_answers(ada_and_grace):
    # The digest of the submitted answers would confirm a guessed address (every other
    # answer is stored), and a resume token would let someone type into the response.
    (ada, ada_response), (_, grace_response) = ada_and_grace
    Response.objects.filter(pk=ada_response.pk).update(resume_token_hash="a" * 64)

    _erase(ada)

    ada_response.refresh_from_db()
    grace_response.refresh_from_db()
    assert (ada_response.answers_digest, ada_response.resume_token_hash) == ("", "")
    assert grace_response.answers_digest != ""


def test_it_keeps_the_response_counted_and_the_counts_exact(ada_and_grace, contact_survey):
    from analytics.tables import survey_counts

    (ada, ada_response), _ = ada_and_grace
    before = _counts(contact_survey)
    answers_before = Answer.objects.count()

    _erase(ada)

    ada_response.refresh_from_db()
    assert ada_response.is_counted_kind and ada_response.invitation_id == ada.pk
    assert Answer.objects.count() == answers_before
    assert SurveyCounter.objects.get(survey=contact_survey).responses_counted == 2
    counts = survey_counts(contact_survey)
    assert (counts.base("name"), counts.base("email"), counts.base("comments")) == (2, 2, 2)
    # The totals and cells are those of before (the findings: see the next test), and a
    # full recompute agrees with every count table.
    assert _counts(contact_survey)[:2] == before[:2]
    assert_counts_exact(contact_survey)


def test_it_recomputes_a_finding_that_compares_an_erased_answer(ada_and_grace, contact_survey):
    from analytics.models import FindingCount

    (ada, _), _ = ada_and_grace
    assert FindingCount.objects.get(finding__code="named_ada").target == 1

    _erase(ada)

    assert FindingCount.objects.get(finding__code="named_ada").target == 0
    assert FindingCount.objects.get(finding__code="it").target == 2
    assert_counts_exact(contact_survey)


def test_it_erases_a_partial_response_too(contact_survey):
    import uuid

    from responses.services import response_save_page

    invitation = invite(contact_survey, "ada@example.org")[0]
    response, _ = response_save_page(
        survey=contact_survey, version=contact_survey.open_version(), submission_id=uuid.uuid4(), page_index=0,
        cleaned_page={"role": "it", "name": "Ada", "email": "ada@home.example"},
        page_codes=["role", "name", "email"], next_page=1, response=None, ip_address="203.0.113.7",
        invitation=invitation,
    )

    _erase(invitation)

    response.refresh_from_db()
    assert response.ip_address is None
    assert sorted(Answer.objects.filter(response=response, erased=True).values_list("question__code", "text")) == [
        ("email", ""), ("name", ""),
    ]
    assert_counts_exact(contact_survey)


def test_it_changes_nothing_the_second_time(ada_and_grace):
    (ada, ada_response), _ = ada_and_grace
    assert _erase(ada) == 1
    erased = list(Answer.objects.filter(response=ada_response).order_by("pk").values_list("pk", "text", "erased"))

    assert _erase(ada) == 0

    assert list(Answer.objects.filter(response=ada_response).order_by("pk").values_list("pk", "text", "erased")) == (
        erased
    )


def test_it_erases_personal_data_flagged_after_publishing(ada_and_grace, contact_survey):
    # The flag is corrected in place on the published version: the next erasure honours it.
    from surveys.models import Question

    (ada, ada_response), _ = ada_and_grace
    comments = Question.objects.get(version=contact_survey.open_version(), code="comments")
    comments.personal_data = True
    comments.save()

    _erase(ada)

    assert (_answer(ada_response, "comments").text, _answer(ada_response, "comments").erased) == ("", True)


def test_it_exports_no_personal_data_of_an_erased_invitee_even_when_asked(ada_and_grace, contact_survey):
    (ada, ada_response), _ = ada_and_grace
    _erase(ada)

    record = ExportRecord.objects.create(survey=contact_survey, kind=ExportRecord.Kind.RAW_CSV,
                                         parameters={"personal_data": True})
    rows = list(csv.DictReader(io.StringIO("".join(raw_csv_stream(record)).lstrip("\ufeff"))))

    by_id = {row["response_id"]: row for row in rows}
    ada_row = by_id[str(ada_response.pk)]
    assert (ada_row["name"], ada_row["email"], ada_row["external_id"]) == ("", "", "")
    assert ada_row["comments"] == "Ada thinks it is fine."
    assert sorted(row["name"] for row in rows) == ["", "Grace"]


def test_it_erases_many_invitees_in_a_fixed_number_of_queries(contact_survey):
    import uuid

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def answered(n: int, prefix: str) -> list[Invitation]:
        invitations = []
        for i in range(n):
            invitation = invite(contact_survey, f"{prefix}{i}@example.org")[0]
            assert response_submit(
                survey=contact_survey, version=contact_survey.open_version(), submission_id=uuid.uuid4(),
                answers=_contact_answers(f"{prefix} {i}", f"{prefix}{i}@home.example"), invitation=invitation,
            ).ok
            invitations.append(invitation)
        return invitations

    one, many = answered(1, "one"), answered(20, "many")
    queries = []
    for invitations in (one, many):
        with CaptureQueriesContext(connection) as captured:
            invitations_erase(invitations=Invitation.objects.filter(pk__in=[i.pk for i in invitations]))
        queries.append(len(captured.captured_queries))

    assert queries[0] == queries[1]
    assert Answer.objects.filter(erased=True).count() == 2 * 21


def test_it_shows_erased_answers_as_erased_in_the_response_admin(admin_client, ada_and_grace):
    (ada, ada_response), _ = ada_and_grace
    _erase(ada)

    html = admin_client.get(f"/admin/responses/response/{ada_response.pk}/change/").content.decode()

    assert html.count("(erased)") == 2
    assert "Ada thinks it is fine." in html and "ada@home.example" not in html
