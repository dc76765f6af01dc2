"""Pages a ModelAdmin renders itself (core.admin): in the admin site's layout, and an
action's confirmation carrying the selection back to the action."""

import pytest
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.auth.models import User
from django.test import RequestFactory

from core.admin import action_confirmation, admin_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_as_admin(admin_user):
    request = RequestFactory().post("/admin/auth/user/")
    request.user = admin_user
    return request


def test_it_renders_a_page_in_the_admin_site_layout(request_as_admin):
    user_admin = admin.site._registry[User]

    page = admin_page(user_admin, request_as_admin, "admin/base_site.html", title="Import", form="the form")

    context = page.context_data
    assert (context["title"], context["opts"], context["form"]) == ("Import", User._meta, "the form")
    assert context["site_header"] == admin.site.site_header  # the site's own context
    assert "media" not in context and "queryset" not in context
    assert request_as_admin.current_app == admin.site.name
    assert page.template_name == "admin/base_site.html"


def test_it_asks_before_an_action_with_the_selection(request_as_admin, admin_user):
    user_admin = admin.site._registry[User]
    selected = User.objects.filter(pk=admin_user.pk)

    page = action_confirmation(user_admin, request_as_admin, selected, action="erase", title="Erase",
                               template="admin/base_site.html", form="the form")

    context = page.context_data
    assert (context["queryset"], context["action"], context["title"]) == (selected, "erase", "Erase")
    assert context["action_checkbox_name"] == helpers.ACTION_CHECKBOX_NAME
    assert context["media"] is not None and context["form"] == "the form"
    assert context["opts"] == User._meta
