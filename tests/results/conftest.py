"""Results fixtures: bob's client on the demo survey's results, and the export files a
test wrote."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client


@pytest.fixture
def results(client, viewer, demo_survey) -> Client:
    """A test client signed in as the results viewer bob, with the demo survey shared with him."""
    demo_survey.viewers.add(viewer)
    client.force_login(viewer)
    return client


@pytest.fixture
def export_files():
    """Removes the files the test's exports wrote under MEDIA_ROOT."""
    from results.models import ExportRecord

    yield
    for record in ExportRecord.objects.exclude(file_path=""):
        (Path(settings.MEDIA_ROOT) / record.file_path).unlink(missing_ok=True)
