"""Saved views may pick a hidden field with `values` as their segment, rows or columns,
as the results' crosstab does: the builder offers them, checks them as the import does,
and the view's link opens a crosstab equal to a recount (the count tables checked against
a recompute)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from surveys.definition_files import DefinitionError, definition_from_data
from surveys.models import SavedView
from surveys.services import survey_import
from tests.kit.counts import assert_counts_exact
from tests.kit.demo import demo_data, panel_version
from tests.kit.hidden_segments import source_completes

pytestmark = pytest.mark.django_db

PANEL_FIELDS = [{"code": "rid"}, {"code": "src", "values": ["li", "tw", "mail"]}]


def _options(html: str, name: str) -> str:
    return html.split(f'name="view-new-{name}"')[1].split("</select>")[0]


def _view(**values) -> dict:
    data = {"label": "Sources", "code": "", "description": "", "row_variable": "src", "column_variable": "role",
            "segment": "src:tw", "highlight_row": "", "highlight_column_not": ""} | values
    return {f"view-new-{name}": value for name, value in data.items()}


def test_the_form_offers_the_hidden_fields_with_values(alice, demo_survey):
    panel_version()
    html = alice.get(reverse("builder:findings", args=[demo_survey.slug])).content.decode()
    assert '<option value="src:li">src — src = li</option>' in _options(html, "segment")
    for name in ("row_variable", "column_variable"):
        assert '<option value="src">src</option>' in _options(html, name)
        assert 'value="rid"' not in _options(html, name)  # no values: nothing to cross


def test_a_view_of_a_hidden_field_opens_a_crosstab_equal_to_a_recount(alice, demo_survey):
    panel_version()
    given = source_completes(alice)
    response = alice.post(reverse("builder:views_add", args=[demo_survey.slug]), _view(segment="src:tw"))
    assert response.status_code == 302
    view = SavedView.objects.get(survey=demo_survey, code="sources")
    assert (view.row_variable, view.segment) == ("src", "src:tw")

    assert_counts_exact(demo_survey)
    overview = alice.get(reverse("results:overview", args=[demo_survey.slug])).content.decode()
    query = "?row=src&amp;col=role&amp;segment=src:tw"
    assert query in overview
    tab = alice.get(reverse("results:crosstab", args=[demo_survey.slug]) + query.replace("&amp;", "&")).context["tab"]
    wanted = [g for g in given if g["src"] == "tw"]
    assert tab.n == len(wanted)
    assert tab.counts == {("tw", role): n for role in ("it", "business")
                          if (n := sum(1 for g in wanted if g["role"] == role))}


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"segment": "src:web"}, "segment", "That is not a segment of this survey any longer."),
    ({"segment": "rid:r1"}, "segment", "That is not a segment of this survey any longer."),
    ({"row_variable": "rid"}, "row_variable", "That is not a question (or matrix row) this survey can cross"),
    ({"row_variable": "src.li"}, "row_variable", "That is not a question (or matrix row) this survey can cross"),
])
def test_odd_values_are_placed_at_their_fields(alice, demo_survey, values, field, message):
    panel_version()
    response = alice.post(reverse("builder:views_add", args=[demo_survey.slug]), _view(**values))
    assert response.status_code == 400
    html = response.content.decode().split(f'id="div_id_view-new-{field}"')[1]
    assert message in html.split('id="div_id_view-new-')[0]
    assert not SavedView.objects.filter(survey=demo_survey, code="sources").exists()


def _import(view: dict):
    data = demo_data() | {"hidden_fields": PANEL_FIELDS}
    data["views"] = [*data.get("views", []), view]
    survey_import(definition=definition_from_data(data))


def test_the_import_takes_a_hidden_segment_and_refuses_an_unknown_value(demo_survey):
    _import({"code": "by_source", "label": "By source", "row": "src", "column": "role", "segment": "src:mail"})
    assert SavedView.objects.filter(survey=demo_survey, code="by_source", segment="src:mail").exists()
    with pytest.raises(DefinitionError) as caught:
        _import({"code": "by_source", "label": "By source", "row": "src", "column": "role", "segment": "src:web"})
    assert any("segment" in place for place in caught.value.errors)
