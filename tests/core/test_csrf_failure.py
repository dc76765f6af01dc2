"""A form sent without its CSRF token gets the app's own page: readable under the
Content-Security-Policy (no inline style), saying what to do."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_it_explains_an_expired_form_on_a_page_without_inline_style():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/accounts/login/", {"username": "alice", "password": "pw"})

    assert response.status_code == 403
    assert b"This form has expired" in response.content
    assert b"<style" not in response.content and b"style=" not in response.content
    assert "style-src 'self'" in response["Content-Security-Policy"]
