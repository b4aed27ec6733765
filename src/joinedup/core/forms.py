"""GOV.UK Design System classes and error states for Django forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

# Error messages shared by every form that asks for the same kind of value.
EMAIL_FORMAT_ERROR = "Enter an email address in the right format, like name@example.org"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"]
DATE_FORMAT_ERROR = "Enter a real date as day, month and year, like 27/3/2026"

WIDGET_CLASSES = {"Select": "govuk-select", "Textarea": "govuk-textarea", "CheckboxInput": "govuk-checkboxes__input"}


class GovukFields:
    """Adds the GOV.UK classes, error states and hint/error descriptions to each widget of a form.

    Mixed into ``GovukForm`` and ``GovukModelForm``. A field's error is marked whenever it is added,
    during validation or after it (a service's refusal), so its input always names its error.
    """

    fields: dict[str, forms.Field]
    auto_id: Any

    def govuk_setup(self) -> None:
        for name, field in self.fields.items():
            widget = field.widget
            css = WIDGET_CLASSES.get(type(widget).__name__, "govuk-input")
            widget.attrs["class"] = " ".join(filter(None, [css, widget.attrs.get("class", "")]))
            if field.help_text:
                widget.attrs["aria-describedby"] = f"{self.field_id(name)}-hint"

    def field_id(self, name: str) -> str:
        """The id Django gives the field's input (with the form's prefix), without making its bound field yet:
        a subclass may still change the field (its label, say) after this form's ``__init__``."""
        auto_id = self.auto_id
        name = self.add_prefix(name)  # type: ignore[attr-defined]
        if isinstance(auto_id, str) and "%s" in auto_id:
            return auto_id % name
        return str(name)

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)  # type: ignore[misc]
        for name in self._errors or ():  # type: ignore[attr-defined]
            if name in self.fields:
                self.mark_error(name)

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's ``ValidationError`` against the fields it names."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)

    def mark_error(self, name: str) -> None:
        widget = self.fields[name].widget
        css = widget.attrs.get("class", "")
        error_class = css.split(" ")[0] + "--error"
        if error_class not in css:
            widget.attrs["class"] = f"{css} {error_class}"
        described = widget.attrs.get("aria-describedby", "")
        error_id = f"{self.field_id(name)}-error"
        if error_id not in described.split():
            widget.attrs["aria-describedby"] = " ".join(filter(None, [described, error_id]))


class GovukForm(GovukFields, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.govuk_setup()


class GovukModelForm(GovukFields, forms.ModelForm):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.govuk_setup()


def date_field(
    label: str, *, missing: str = "Enter a date.", required: bool = True, help_text: str = "For example 27/3/2026"
) -> forms.DateField:
    """A date typed as day, month and year, with the one error message every date field gives for a date it cannot
    read, and ``missing`` for none."""
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT_FORMATS,
        error_messages={"invalid": DATE_FORMAT_ERROR, "required": missing},
        help_text=help_text,
        widget=forms.DateInput(attrs={"class": "govuk-input--width-10"}, format="%d/%m/%Y"),
    )


def form_saved[T](form: GovukFields, save: Callable[[dict[str, Any]], T]) -> T | None:
    """Validate ``form`` and hand its cleaned data to ``save`` (a service call). A refusal from the service is shown
    on the form, against the fields it names. The service's result, or ``None`` when the form or the service said
    no."""
    if not form.is_valid():  # type: ignore[attr-defined]
        return None
    try:
        return save(form.cleaned_data)  # type: ignore[attr-defined]
    except ValidationError as error:
        form.add_service_errors(error)
        return None
