"""The settings page's "Data quality" section: the page time floor, the speeder fraction, the
duplicate window and the flags that exclude a complete at once, checked as the admin checks
them, in the history and undone from there; read-only for a results viewer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from surveys.models import SurveyChange
from tests.kit.settings_page import messages_of
from tests.kit.settings_page import settings_url as url
from tests.kit.users import make_user

pytestmark = pytest.mark.django_db


def _data(**changes) -> dict:
    data = {"section": "quality", "quality-page_time_floor": "2.5", "quality-speeder_fraction": "0.4",
            "quality-duplicate_window_hours": "24", "quality-auto_exclude_flags": ["bot", "duplicate"]}
    data.update({f"quality-{name}": value for name, value in changes.items()})
    return data


def test_it_saves_the_data_quality_settings_and_undoes_them(alice, demo_survey):
    response = alice.post(url(demo_survey), _data(), follow=True)

    assert messages_of(response) == ["Data-quality settings are saved: they apply to the completes from now on."]
    demo_survey.refresh_from_db()
    assert (demo_survey.page_time_floor, demo_survey.speeder_fraction, demo_survey.duplicate_window_hours,
            demo_survey.auto_exclude_flags) == (2.5, 0.4, 24, ["bot", "duplicate"])
    change = SurveyChange.objects.get(survey=demo_survey, action="quality_changed")
    assert change.summary.startswith("Changed the data-quality settings: page time floor")

    alice.post(reverse("builder:history_undo", args=[demo_survey.slug, change.pk]))
    demo_survey.refresh_from_db()
    assert (demo_survey.page_time_floor, demo_survey.duplicate_window_hours, demo_survey.auto_exclude_flags) == (
        1.0, None, [])


@pytest.mark.parametrize("changes, message", [
    ({"speeder_fraction": "1.5"}, "less than or equal to 1"),
    ({"page_time_floor": "-1"}, "greater than or equal to 0"),
    ({"duplicate_window_hours": "-3"}, "greater than or equal to 0"),
    ({"auto_exclude_flags": ["nonsense"]}, "Select a valid choice"),
])
def test_a_bad_value_is_refused_at_its_field_and_nothing_is_saved(alice, demo_survey, changes, message):
    response = alice.post(url(demo_survey), _data(**changes))

    assert response.status_code == 400 and message in response.content.decode()
    demo_survey.refresh_from_db()
    assert (demo_survey.page_time_floor, demo_survey.auto_exclude_flags) == (1.0, [])


def test_a_results_viewer_sees_the_values_and_cannot_change_them(client, demo_survey, viewer):
    client.force_login(viewer)
    page = client.get(url(demo_survey))
    if page.status_code == 200:
        assert 'name="quality-page_time_floor"' not in page.content.decode()
    assert client.post(url(demo_survey), _data()).status_code in (403, 404)
    demo_survey.refresh_from_db()
    assert demo_survey.page_time_floor == 1.0


@pytest.mark.parametrize("typed, stored", [("1/3", 1 / 3), ("0.33", 0.33), ("33%", 0.33), ("0,25", 0.25),
                                           (" 2 / 3 ", 2 / 3), ("1", 1.0)])
def test_the_speeder_fraction_is_read_as_people_write_it(alice, demo_survey, typed, stored):
    response = alice.post(url(demo_survey), _data(speeder_fraction=typed))

    assert response.status_code == 302
    demo_survey.refresh_from_db()
    assert demo_survey.speeder_fraction == stored


def test_the_history_shows_the_speeder_fraction_readably(alice, demo_survey):
    alice.post(url(demo_survey), _data(speeder_fraction="2/3"))

    fields = SurveyChange.objects.get(survey=demo_survey, action="quality_changed").details["fields"]
    assert {"name": "speeder_fraction", "label": "Speeder fraction", "before": "1/3", "after": "2/3"} in fields


@pytest.mark.parametrize("stored, shown", [(1 / 3, "1/3"), (0.4, "0.4"), (2 / 3, "2/3"), (0.123456789, "0.123457")])
def test_the_speeder_fraction_is_shown_readably(alice, demo_survey, stored, shown):
    demo_survey.speeder_fraction = stored
    demo_survey.save(update_fields=["speeder_fraction"])

    html = alice.get(url(demo_survey)).content.decode()

    assert f'name="quality-speeder_fraction" value="{shown}"' in html
    assert "0.3333333333333333" not in html


@pytest.mark.parametrize("stored, shown", [(1 / 3, "1/3"), (0.4, "0.4"), (0.123456789, "0.123457")])
def test_the_read_only_view_shows_the_speeder_fraction_as_the_form_does(client, demo_survey, stored, shown):
    dave = make_user("dave", group="Survey managers", staff=True)  # a manager who does not edit it
    demo_survey.viewers.add(dave)
    client.force_login(dave)
    demo_survey.speeder_fraction = stored
    demo_survey.save(update_fields=["speeder_fraction"])

    html = client.get(url(demo_survey)).content.decode()

    assert 'name="quality-speeder_fraction"' not in html
    assert f"<dt>Speeder fraction</dt><dd>{shown}</dd>" in html


@pytest.mark.parametrize("typed, message", [("1/0", "cannot divide by 0"), ("a third", "such as 1/3, 0.33 or 33%"),
                                            ("3/2", "less than or equal to 1"), ("150%", "less than or equal to 1")])
def test_a_bad_speeder_fraction_is_refused_at_its_field(alice, demo_survey, typed, message):
    response = alice.post(url(demo_survey), _data(speeder_fraction=typed))

    assert response.status_code == 400 and message in response.content.decode()
    demo_survey.refresh_from_db()
    assert demo_survey.speeder_fraction == 1 / 3
