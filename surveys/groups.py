"""The two staff groups and exactly the permissions they need.

Kept here (the most upstream app) so that the data migration that creates them and the
test fixtures that recreate them after a flushed database use one definition.
"""

from django.contrib.auth.management import create_permissions

_DEFINITION_MODELS = (
    "survey", "surveyversion", "page", "question", "choice", "matrixrow", "finding", "net", "savedview",
)
_CRUD = ("add", "change", "delete", "view")

GROUPS: dict[str, list[tuple[str, str]]] = {
    "Survey managers": [("surveys", f"{action}_{model}") for model in _DEFINITION_MODELS for action in _CRUD]
    + [("surveys", "view_results")]
    + [("responses", f"{action}_response") for action in ("view", "change", "delete")]
    + [("invitations", f"{action}_{model}") for model in ("invitation", "emailtemplate") for action in _CRUD]
    + [("invitations", "view_emailmessage")]
    + [("webhooks", f"{action}_webhook") for action in _CRUD]
    + [("webhooks", f"{action}_delivery") for action in ("view", "change")],
    "Results viewers": [("surveys", "view_results")],
}


def groups_sync(apps) -> None:
    """Create the groups (and any missing permission) and give each exactly its list."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # An earlier migration runs this before a later model exists (its permissions cannot
    # yet): those are left out here and given by the migration that follows the model's,
    # which runs this again.
    existing = {
        (app_label, codename)
        for app_label, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }
    for name, wanted in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in wanted
            if (app_label, codename) in existing
        ])
