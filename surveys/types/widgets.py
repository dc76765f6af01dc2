"""Widgets of the respondent's form that several question types share."""

from crispy_forms.layout import Field
from crispy_forms.utils import TEMPLATE_PACK
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


class SpecifyBox(forms.TextInput):
    """The text box of an "Other, please specify" choice. `data-specify-name` and
    `data-specify-value` name the question and the choice, by which static/js/specify.js
    shows the box while its choice is picked and picks the choice when text is typed."""

    def __init__(self, code: str, choice: str, max_length: int):
        super().__init__(attrs={"maxlength": max_length, "data-specify-name": code, "data-specify-value": choice})


class SpecifyGroup(Field):
    """A radio or checkbox group with the text boxes of its "please specify" choices
    drawn each under its choice (`boxes`: the boxes' field names, in choice order)."""

    template = "responses/layout/choice_group.html"

    def __init__(self, name: str, *, boxes: tuple[str, ...]):
        super().__init__(name)
        self.boxes = boxes

    def render(self, form, context, template_pack=TEMPLATE_PACK, extra_context=None, **kwargs):
        drawn = []
        for name in self.boxes:
            box = form[name]
            attrs = {"class": "form-control" + (" is-invalid" if box.errors else "")}
            if box.errors:
                attrs["aria-describedby"] = f"{box.auto_id}_error"
            drawn.append({"choice": box.field.widget.attrs["data-specify-value"], "field": box,
                          "html": box.as_widget(attrs=attrs)})
        extra_context = {**(extra_context or {}), "boxes": drawn}
        return super().render(form, context, template_pack, extra_context=extra_context, **kwargs)
