"""GOV.UK Design System classes and error states for Django forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

# Error messages shared by every form that asks for the same kind of value.
EMAIL_FORMAT_ERROR = "Enter an email address in the right format, like name@example.org"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"]
DATE_FORMAT_ERROR = "Enter the date as day, month and year, like 27/3/2026"

WIDGET_CLASSES = {"Select": "govuk-select", "Textarea": "govuk-textarea", "CheckboxInput": "govuk-checkboxes__input"}


class GovukForm(forms.Form):
    """Adds the GOV.UK classes, error states and hint/error descriptions to each widget."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
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
        if isinstance(auto_id, str) and "%s" in auto_id:
            return auto_id % self.add_prefix(name)
        return self.add_prefix(name)

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            css = widget.attrs.get("class", "")
            error_class = css.split(" ")[0] + "--error"
            if error_class not in css:
                widget.attrs["class"] = f"{css} {error_class}"
            described = widget.attrs.get("aria-describedby", "")
            widget.attrs["aria-describedby"] = " ".join(filter(None, [described, f"{self.field_id(name)}-error"]))

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's ``ValidationError`` against the fields it names."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)
