"""Quotas and the response cap on the embedded default database (SQLite, as `make run` uses):
the claim's SQL must run there too (it once took `FOR UPDATE`, which SQLite refuses, and a
survey with a quota gave a 500 at completion). The rest of the suite runs on PostgreSQL."""

import pytest

from tests.kit.commands import manage

pytestmark = pytest.mark.slow

SCRIPT = """
import uuid
from responses.quotas import QuotaFull
from responses.services import response_submit
from surveys.definition_files import definition_from_data
from surveys.services import survey_import
from tests.kit.demo import demo_answers, fieldwork_data

version, _ = survey_import(definition=definition_from_data(fieldwork_data(it_leaders=1) | {"status": "open"}))
survey = version.survey
survey.response_cap = 2
survey.save(update_fields=["response_cap"])
for role in ("it", "it", "business", "business"):
    try:
        result = response_submit(
            survey=survey, version=version, submission_id=uuid.uuid4(), answers=demo_answers(role=role)
        )
        print("outcome", result.response.status if result.ok else result.errors)
    except QuotaFull as full:  # the cap: the survey is full, the submission refused
        print("outcome refused", *full.codes)
"""


def test_quotas_and_the_cap_claim_places_on_sqlite(tmp_path):
    env = {"VAR_DIR": str(tmp_path / "var")}
    migrated = manage("migrate", "--noinput", "-v0", **env)
    assert migrated.returncode == 0, migrated.stderr

    run = manage("shell", "-c", SCRIPT, **env)

    assert run.returncode == 0, run.stderr
    outcomes = [line.split(" ", 1)[1] for line in run.stdout.splitlines() if line.startswith("outcome ")]
    # One IT place; then the cap of two completes: the second business leader finds it full.
    assert outcomes == ["complete", "quota_full", "complete", "refused _cap"]
