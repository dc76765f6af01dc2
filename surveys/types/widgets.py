"""Widgets of the respondent's form that several question types share."""

from django import forms


class _FirstOptionKeepsId:
    """The first option of a radio or checkbox group gets the field's own id (`id_role`
    rather than `id_role_0`), so that an error summary link `#id_<field>` lands on it."""

    def id_for_label(self, id_, index=None):
        if index == "0":
            return id_
        return super().id_for_label(id_, index)


class RadioGroup(_FirstOptionKeepsId, forms.RadioSelect):
    pass


class CheckboxGroup(_FirstOptionKeepsId, forms.CheckboxSelectMultiple):
    """Checkboxes; those of `exclusive` choices carry `data-exclusive`, by which
    static/js/form.js unticks the others when one is ticked (and it when another is)."""

    def __init__(self, attrs=None, choices=(), exclusive: frozenset[str] = frozenset()):
        super().__init__(attrs, choices)
        self.exclusive = frozenset(exclusive)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if str(value) in self.exclusive:
            option["attrs"] = {**option["attrs"], "data-exclusive": True}
        return option
