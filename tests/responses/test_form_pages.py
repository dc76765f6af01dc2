"""What the respondent's pages show around the questions: the matrix as a table with
headers, exclusive choices marked for the page's script, the header without a way off
to other surveys, one thank-you, and why a survey takes no responses."""

from __future__ import annotations

import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from surveys.creation import survey_create
from surveys.services import version_close
from tests.kit.demo import CHANNELS
from tests.kit.form import FORM, PAGE1, complete, html_of, post_page

# --- The matrix ------------------------------------------------------------------------


def test_it_shows_a_matrix_as_a_table_with_the_scale_once_as_column_headers(client, demo_survey):
    post_page(client, PAGE1)

    html = html_of(client.get(FORM, follow=True))

    assert re.findall(r'<th scope="col">([^<]*)</th>', html) == [
        "Not used at all", "Experimenting or piloting", "Used by some groups", "Used widely across the company",
    ]
    rows = re.findall(r'<th scope="row" id="id_company_usage\.([a-z]+)_row">\s*<span[^>]*>([^<]*)</span>', html)
    assert [code for code, _ in rows] == list(CHANNELS)
    # The scale's labels once each as headers, and per radio as its (phone-visible) label.
    assert html.count("Used by some groups") == 1 + len(CHANNELS)


def test_it_names_every_matrix_radio_by_its_row_and_choice(client, demo_survey):
    post_page(client, PAGE1)

    html = html_of(client.get(FORM, follow=True))

    label = re.search(r'<label class="matrix-option" for="id_company_usage\.linkedin_3">(.*?)</label>', html, re.S)
    assert 'id="id_company_usage.linkedin_3"' in label.group(1)  # the radio is in its label
    text = re.sub(r"<[^>]+>", "", label.group(1)).split()
    assert " ".join(text) == "LinkedIn: Used widely across the company"


def test_it_describes_a_matrix_row_in_error_by_its_message(client, demo_survey):
    post_page(client, PAGE1)

    html = html_of(post_page(client, {}))

    radio = re.search(r'<input type="radio" class="form-check-input is-invalid" name="company_usage\.wikis"[^>]*>',
                      html)
    assert 'aria-describedby="id_company_usage.wikis_error"' in radio.group(0)


# --- Exclusive choices -----------------------------------------------------------------


def test_it_marks_only_the_exclusive_choice_for_the_page_script(client, demo_survey):
    complete(client, pages=(PAGE1, {f"company_usage.{c}": "some" for c in CHANNELS}))

    html = html_of(client.get(FORM, follow=True))

    marked = re.findall(r'<input type="checkbox"[^>]*name="(\w+)" value="(\w+)"[^>]*data-exclusive', html)
    assert marked == [("barriers", "no_barriers")]


# --- The header ------------------------------------------------------------------------


def test_a_respondent_header_names_the_survey_and_links_nowhere_else(client, demo_survey):
    html = html_of(client.get(FORM, follow=True))

    header = re.search(r"<header[^>]*>(.*?)</header>", html, re.S).group(1)
    assert re.search(r'<h1 class="survey-title">Digital IQ 2010 — social media</h1>', header)
    assert "<a " not in header
    assert html.count("Digital IQ 2010 — social media</h1>") == 1


def test_staff_keep_their_way_back_in_the_header(alice, demo_survey):
    html = html_of(alice.get(FORM, follow=True))

    header = re.search(r"<header[^>]*>(.*?)</header>", html, re.S).group(1)
    assert '<a href="/build/">Your surveys</a>' in header


# --- The pages around the form -----------------------------------------------------------


def test_the_thank_you_page_thanks_once(client, demo_survey):
    complete(client)

    html = html_of(client.get("/s/ddiq-2010/thanks/"))

    main = re.search(r"<main[^>]*>(.*?)</main>", html, re.S).group(1)
    assert main.count("Thank you") == 1
    assert "<h2 class=\"h4\">Survey complete</h2>" in main and "Thank you, your answers have been recorded." in main


def test_the_thank_you_page_thanks_once_without_a_text_of_the_survey(client, demo_survey):
    version = demo_survey.open_version()
    version.thank_you = ""
    version.save()
    complete(client)

    main = re.search(r"<main[^>]*>(.*?)</main>", html_of(client.get("/s/ddiq-2010/thanks/")), re.S).group(1)

    assert main.count("Thank you") == 1


def test_a_survey_not_open_yet_says_when_it_opens(client, demo_survey):
    demo_survey.opens_at = timezone.now() + timedelta(days=2)
    demo_survey.save()

    response = client.get(FORM)

    assert response.status_code == 403
    opens = timezone.localtime(demo_survey.opens_at).strftime("%-d %B %Y at %H:%M")
    assert f"This survey opens on {opens}" in html_of(response)
    assert "any more" not in html_of(response)


def test_a_survey_never_published_is_not_open_yet_rather_than_closed(client, manager):
    survey_create(title="Pulse", slug="pulse", start=None, creator=manager)

    response = client.get("/s/pulse/")

    assert response.status_code == 403
    assert "This survey is not open yet" in html_of(response)
    assert "closed" not in html_of(response) and "any more" not in html_of(response)


def test_the_api_says_a_survey_never_published_is_not_open_yet(client, manager):
    survey_create(title="Pulse", slug="pulse", start=None, creator=manager)

    r = client.get("/api/v1/surveys/pulse/")

    assert r.status_code == 403
    assert r.json() == {"errors": {"survey": ["This survey is not open yet."]}}


def test_a_closed_survey_and_a_full_one_say_so_differently(client, demo_survey):
    complete(Client())
    demo_survey.response_cap = 1
    demo_survey.save()
    full = html_of(client.get(FORM))
    demo_survey.response_cap = None
    demo_survey.save()
    version_close(version=demo_survey.open_version())
    closed = html_of(client.get(FORM))

    assert "This survey has all the responses it needs" in full and "closed" not in full
    assert "This survey is closed" in closed and "all the responses" not in closed
