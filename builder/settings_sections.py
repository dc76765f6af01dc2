"""The sections of the settings page as stored: what each holds now (its stamp, so that a
second save from a stale form is refused, builder.stamps), and the history record of a
save (the fields that changed, before and after; users and groups added and removed)."""

from __future__ import annotations

from typing import Any

from django.db.models import prefetch_related_objects

from builder.forms.fraction import fraction_text
from builder.forms.settings import AboutForm, AccessForm, QualityForm
from builder.stamps import Snapshot
from surveys.history import as_json, change_record, field_changes, section_target, set_change, survey_target
from surveys.models import Survey, SurveyChange

# The sections made of the survey's own fields, by their forms.
_FIELD_FORMS = {"about": AboutForm, "access": AccessForm, "quality": QualityForm}

# How a message names each section: "Alice changed the access settings at 14:02 (...)".
NAMES = {
    "about": "the title and description", "access": "the access settings", "sharing": "the results sharing",
    "editors": "the editors", "quality": "the data-quality settings",
}

# The many-to-many sets of each section: (field, label, the attribute that names one).
_SETS = {
    "sharing": (("viewers", "Users", "username"), ("viewer_groups", "Groups", "name")),
    "editors": (("editors", "Users", "username"), ("editor_groups", "Groups", "name")),
}
_SUMMARIES = {"sharing": "Changed who may see the results", "editors": "Changed who may edit the survey"}


def section_state(survey: Survey, section: str) -> dict[str, Any]:
    """The section's stored values: the access fields, or the names of the users and
    groups chosen (names, so that the history reads them and a deleted user stays named)."""
    if section in _FIELD_FORMS:
        return {name: getattr(survey, name) for name in _FIELD_FORMS[section].Meta.fields}
    # Through .all(): the page prefetches the four sets, which its forms read too.
    return {
        name: sorted(getattr(item, attribute) for item in getattr(survey, name).all())
        for name, _, attribute in _SETS[section]
    }


def prefetch_sections(survey: Survey) -> None:
    """Read the users and groups of every section at once (4 queries), for the stamps and
    the forms' initial values alike."""
    prefetch_related_objects([survey], *(name for sets in _SETS.values() for name, _, _ in sets))


def section_snapshot(survey: Survey, section: str, state: dict[str, Any] | None = None) -> Snapshot:
    # Changed by a save of this section, or by an edit of the whole survey in the admin.
    return Snapshot(
        targets=(section_target(survey, section), survey_target(survey)),
        values=state if state is not None else section_state(survey, section),
    )


def _field_details(section: str, before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, str]]:
    def shown(state: dict[str, Any]) -> dict[str, Any]:
        if "access" in state:
            return {**state, "access": Survey.Access(state["access"]).label}
        if "speeder_fraction" in state:  # "1/3", not 0.3333333333333333
            return {**state, "speeder_fraction": fraction_text(state["speeder_fraction"])}
        return state

    form = _FIELD_FORMS[section]
    labels = {name: str(form.base_fields[name].label) for name in form.Meta.fields}
    return field_changes(shown(before), shown(after), labels)


def section_record(
    *, survey: Survey, user, section: str, before: dict[str, Any], after: dict[str, Any]
) -> SurveyChange | None:
    """Record a save of `section` (in its transaction); None when it changed nothing."""
    if section in _FIELD_FORMS:
        fields = _field_details(section, before, after)
        summary = f"Changed {NAMES[section]}: " + ", ".join(f["label"].lower() for f in fields)
    else:
        fields = [
            change for name, label, _ in _SETS[section]
            if (change := set_change(name, label, before[name], after[name])) is not None
        ]
        summary = _SUMMARIES[section] + ": " + "; ".join(_set_words(f) for f in fields)
    if not fields:
        return None
    return change_record(
        survey=survey, user=user, action=f"{section}_changed", summary=summary,
        details={"fields": fields, "undo": {"before": as_json(before), "after": as_json(after)}},
        target=section_target(survey, section),
    )


def _set_words(field: dict[str, Any]) -> str:
    kind = "group " if field["name"].endswith("groups") else ""
    parts = []
    if field["added"]:
        parts.append(f"added {kind}" + ", ".join(field["added"]))
    if field["removed"]:
        parts.append(f"removed {kind}" + ", ".join(field["removed"]))
    return ", ".join(parts)
