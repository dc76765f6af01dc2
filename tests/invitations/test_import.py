"""Bulk import of invitees from CSV: every row is checked first and each bad one reported
by line and reason; one bad row and nothing is imported."""

import time

import pytest
from django.urls import reverse

from invitations.importing import invitations_import, parse_invitations_csv
from invitations.models import Invitation
from tests.kit.invitations import invite

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/invitations/invitation/import/"


def _parse(survey, text: str, encoding: str = "utf-8"):
    rows, errors = parse_invitations_csv(text.encode(encoding), survey=survey)
    return rows, [str(e) for e in errors]


def test_it_reads_a_good_file_with_a_header(demo_survey):
    rows, errors = _parse(
        demo_survey, "email,name,external_id\nada@example.org,Ada Lovelace,p-1\n\ngrace@example.org,,\n"
    )

    assert errors == []
    assert [(r.line, r.email, r.name, r.external_id) for r in rows] == [
        (2, "ada@example.org", "Ada Lovelace", "p-1"),
        (4, "grace@example.org", "", ""),
    ]
    assert invitations_import(survey=demo_survey, rows=rows) == 2
    assert sorted(Invitation.objects.values_list("email", flat=True)) == ["ada@example.org", "grace@example.org"]


def test_it_reads_columns_in_the_order_of_the_header_or_without_one(demo_survey):
    named, _ = _parse(demo_survey, "External ID,E-mail\np-9,ada@example.org\n")
    plain, _ = _parse(demo_survey, "ada@example.org,Ada,p-9\n")

    assert (named[0].email, named[0].external_id) == ("ada@example.org", "p-9")
    assert (plain[0].line, plain[0].email, plain[0].name, plain[0].external_id) == (1, "ada@example.org", "Ada", "p-9")


def test_it_reports_a_malformed_address_with_its_line(demo_survey):
    _, errors = _parse(demo_survey, "email,name\nada@example.org\nnot-an-address\nbob@@example.org\n,Nameless\n")

    assert errors == [
        "Line 3: malformed e-mail address “not-an-address”",
        "Line 4: malformed e-mail address “bob@@example.org”",
        "Line 5: no e-mail address",
    ]


def test_it_reports_a_duplicate_in_the_file_ignoring_case(demo_survey):
    _, errors = _parse(demo_survey, "ada@example.org,Ada,p-1\nbob@example.org,Bob,p-2\nADA@example.org,Ada,p-3\n")

    assert errors == ["Line 3: duplicate of line 1 in the file (ADA@example.org)"]


def test_it_reports_a_duplicate_external_id_in_the_file(demo_survey):
    _, errors = _parse(demo_survey, "ada@example.org,Ada,p-1\nbob@example.org,Bob,p-1\n")

    assert errors == ["Line 2: external id p-1 is also on line 1"]


def test_it_reports_someone_already_invited(demo_survey):
    invite(demo_survey, "Ada@Example.org", external_id="p-1")

    _, errors = _parse(demo_survey, "ada@example.org\nbob@example.org,Bob,p-1\n")

    assert errors == ["Line 1: already invited (ada@example.org)", "Line 2: external id p-1 is already invited"]


def test_it_reports_rows_with_too_many_columns_or_control_characters(demo_survey):
    _, errors = _parse(demo_survey, 'ada@example.org,Ada,p-1,extra\nbob@example.org,"Bob\x07",p-2\n')

    assert errors == ["Line 1: 4 columns, expected at most 3", "Line 2: name contains control characters"]


def test_it_reports_an_unknown_column_in_the_header(demo_survey):
    _, errors = _parse(demo_survey, "email,phone\nada@example.org,123\n")

    assert errors == ["Line 1: unknown column(s) phone (expected email, name, external_id)"]


def test_it_refuses_a_file_that_is_not_utf8(demo_survey):
    _, errors = _parse(demo_survey, "zoë@example.org,Zoë\n", encoding="latin-1")

    assert errors == ["The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again."]


def test_it_reads_a_file_with_a_byte_order_mark_and_windows_line_endings(demo_survey):
    data = (
        "\ufeffemail,name,external_id\r\n"
        "zoe@example.org,Zoë Ångström,p-1\r\n"
        "\r\n"
        'bob@example.org,"Bob, Jr.",p-2\r\n'
    )

    rows, errors = parse_invitations_csv(data.encode("utf-8"), survey=demo_survey)

    assert errors == []
    assert [(r.line, r.email, r.name) for r in rows] == [
        (2, "zoe@example.org", "Zoë Ångström"), (4, "bob@example.org", "Bob, Jr."),
    ]


def _big_file(n: int) -> bytes:
    lines = ["email,name,external_id"] + [f"person{i}@example.org,Person {i},panel-{i}" for i in range(n)]
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.mark.timing
def test_it_imports_ten_thousand_rows_in_a_few_seconds(demo_survey):
    data = _big_file(10_000)

    started = time.perf_counter()
    rows, errors = parse_invitations_csv(data, survey=demo_survey)
    checked = time.perf_counter()
    imported = invitations_import(survey=demo_survey, rows=rows)
    done = time.perf_counter()

    print(f"\n10,000-row import: checked in {checked - started:.2f} s, written in {done - checked:.2f} s, "
          f"total {done - started:.2f} s")
    assert errors == [] and imported == 10_000
    assert Invitation.objects.filter(survey=demo_survey).count() == 10_000
    assert done - started < 30


# --- Through the admin -------------------------------------------------------------------


def _upload(client, survey, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("invitees.csv", content, content_type="text/csv")
    return client.post(IMPORT_URL, {"survey": survey.pk, "file": upload})


def test_it_imports_a_good_file_through_the_admin(alice, demo_survey):
    response = _upload(alice, demo_survey, b"ada@example.org,Ada,p-1\nbob@example.org,Bob,p-2\n")

    assert response.status_code == 302
    changelist = reverse("admin:invitations_invitation_changelist")
    assert response["Location"] == f"{changelist}?survey__id__exact={demo_survey.pk}"
    assert Invitation.objects.filter(survey=demo_survey).count() == 2


def test_it_imports_nothing_and_lists_every_bad_row_through_the_admin(alice, demo_survey):
    invite(demo_survey, "carol@example.org")
    content = b"ada@example.org\nnope\nada@example.org\ncarol@example.org\ndan@example.org\n"

    response = _upload(alice, demo_survey, content)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported: 3 rows of the file have problems" in html
    for line in ("Line 2: malformed e-mail address", "Line 3: duplicate of line 1", "Line 4: already invited"):
        assert line in html
    assert list(Invitation.objects.values_list("email", flat=True)) == ["carol@example.org"]


def test_it_takes_a_ten_thousand_row_file_through_the_admin(alice, demo_survey):
    started = time.perf_counter()
    response = _upload(alice, demo_survey, _big_file(10_000))
    elapsed = time.perf_counter() - started

    print(f"\n10,000-row import through the admin: {elapsed:.2f} s")
    assert response.status_code == 302
    assert Invitation.objects.filter(survey=demo_survey).count() == 10_000


def test_it_refuses_the_import_page_to_a_user_who_may_not_add_invitations(client, outsider, demo_survey):
    client.force_login(outsider)

    assert client.get(IMPORT_URL).status_code == 403
