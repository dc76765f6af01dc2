"""Pages that a ModelAdmin renders itself in the admin's layout: an extra page (an
import form) and the page that asks before an action runs (as Django's own delete
confirmation does).

The context is what the admin's templates expect: the site's context (sidebar, user
links), `opts` (breadcrumbs), and for a confirmation the selection under
`action_checkbox_name`, so that posting the confirmation runs the action again on the
same objects.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin import ModelAdmin, helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse


def admin_page(model_admin: ModelAdmin, request: HttpRequest, template: str, *, title: str,
               **context: Any) -> TemplateResponse:
    """A page of `model_admin` under the admin site's layout."""
    page_context = {**model_admin.admin_site.each_context(request), "title": title, "opts": model_admin.model._meta,
                    **context}
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, template, page_context)


def action_confirmation(model_admin: ModelAdmin, request: HttpRequest, queryset: QuerySet, *, action: str,
                        template: str, title: str, **context: Any) -> TemplateResponse:
    """The page that asks before `action` runs on the selected `queryset`; its form
    posts the selection back with `post=yes`."""
    return admin_page(
        model_admin, request, template, title=title, queryset=queryset, action=action,
        action_checkbox_name=helpers.ACTION_CHECKBOX_NAME, media=model_admin.media, **context,
    )
