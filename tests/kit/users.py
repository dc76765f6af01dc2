"""Named users of the tests, in the staff groups that the migrations make."""

from __future__ import annotations

from django.contrib.auth.models import Group, User


def make_user(username: str, *, group: str | None = None, staff: bool = False) -> User:
    user = User.objects.create_user(username=username, password="pw-" + username, is_staff=staff)
    if group:
        if not Group.objects.filter(name=group).exists():
            # A transactional test before this one flushed the migration-made groups.
            from django.apps import apps

            from surveys.groups import groups_sync

            groups_sync(apps)
        user.groups.add(Group.objects.get(name=group))
    return user
