"""Display positions in the raw export (results.exports.positions): a response answered in
a random order gets each shuffled item's position as it was shown, by the COPY path and
the Python path alike; an API submission, which has no display order, leaves them empty."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from django.test import Client

from responses.models import Response
from surveys.definition_files import definition_from_data
from surveys.ordering import position_columns
from surveys.services import survey_import
from tests.kit.exports import exported_csv
from tests.kit.form import post_page
from tests.kit.shuffle import SHUFFLED

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

FORM = "/s/shuffled/"


@pytest.fixture
def answered(manager):
    """The survey with two responses completed through the form and one through the API."""
    version, _ = survey_import(definition=definition_from_data(SHUFFLED), editors=[manager])
    for _ in range(2):
        client = Client()
        following = post_page(client, {"brand": "acme"}, url=FORM)
        while not following.url.endswith("/thanks/"):
            following = client.post(following.url, {"submission_id": "", "action": "next"})
            assert following.status_code == 302
    payload = {"submission_id": str(uuid.uuid4()), "answers": {"brand": "bolt"}}
    api = Client().post(f"/api/v1/surveys/{version.survey.slug}/responses/", payload, content_type="application/json")
    assert api.status_code == 201, api.content
    return version.survey


def _rows(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize("copy", [True, False])
def test_each_shuffled_item_has_its_shown_position(answered, copy, monkeypatch):
    rows = _rows(exported_csv(answered, copy=copy, monkeypatch=monkeypatch))

    names = position_columns(definition_from_data(SHUFFLED))
    assert list(rows[0])[-len(names):] == names
    by_id = {str(r.pk): r.display_order for r in Response.objects.all()}
    form_rows = [row for row in rows if by_id[row["response_id"]]]
    assert len(form_rows) == 2
    for row in form_rows:
        order = by_id[row["response_id"]]
        assert {name: int(row[name]) for name in names} == order["positions"]
        first = order["items"]["brand"][0]
        assert row[f"brand.{first}.position"] == "1" and row["brand.other.position"] == "5"
    api_row = next(row for row in rows if not by_id[row["response_id"]])
    assert all(api_row[name] == "" for name in names)


def test_both_paths_write_the_same_positions(answered, monkeypatch):
    assert exported_csv(answered, copy=True, monkeypatch=monkeypatch) == exported_csv(
        answered, copy=False, monkeypatch=monkeypatch
    )


def test_the_statistical_files_and_the_codebook_carry_the_positions(answered, tmp_path, settings):
    import pyreadstat

    from results.exports.codebook import survey_codebook
    from results.exports.records import export_record
    from results.exports.statfiles import stat_file_export_build
    from results.exports.xlsx import xlsx_path
    from results.models import ExportRecord

    settings.MEDIA_ROOT = str(tmp_path)
    variables = {v.source: v for v in survey_codebook(answered).variables}
    assert variables["brand.other.position"].label == "Display position: brand.other"
    record = export_record(user=None, survey=answered, kind=ExportRecord.Kind.RAW_SAV,
                           status=ExportRecord.Status.PENDING)

    record = stat_file_export_build(export_id=record.pk, kind=ExportRecord.Kind.RAW_SAV)

    assert record.status == ExportRecord.Status.READY, record.error
    frame, meta = pyreadstat.read_sav(str(xlsx_path(record)))
    name = variables["brand.other.position"].name
    assert sorted(frame[name].dropna().tolist()) == [5.0, 5.0]  # the anchored "Other", for the two form responses
    assert meta.column_names_to_labels[name] == "Display position: brand.other"
