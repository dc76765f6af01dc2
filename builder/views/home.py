"""The surveys home: every survey the user builds (and, read-only, those shared with them),
with its state, its responses and a link to each place it is worked on."""

from django.conf import settings
from django.shortcuts import render

from builder.access import builder_view
from builder.selectors import home_surveys, may_see_results


@builder_view
def surveys_home(request):
    user = request.user
    return render(request, "builder/home.html", {
        "active": "home",
        "cards": home_surveys(user),
        # The address respondents are given, as in invitation e-mails (README, "Settings").
        "public_base": (settings.SITE_URL or request.build_absolute_uri("/")).rstrip("/"),
        "may_create": user.has_perm("surveys.add_survey"),
        "may_see_results": may_see_results(user),
        # Test mode and the admin's invitation list are staff pages.
        "may_test": user.is_staff,
        "may_invite": user.is_staff and user.has_perm("invitations.view_invitation"),
    })
