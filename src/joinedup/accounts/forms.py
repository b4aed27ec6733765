from __future__ import annotations

import urllib.parse
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet

from joinedup.accounts.models import Organisation, Role, SingleSignOn
from joinedup.accounts.services import API_TOKEN_KINDS, API_TOKEN_ROLES
from joinedup.core.addresses import host_forbidden
from joinedup.core.forms import DATE_FORMAT_ERROR, DATE_INPUT_FORMATS, EMAIL_FORMAT_ERROR, GovukForm, GovukModelForm


class SingleSignOnForm(GovukForm):
    email = forms.EmailField(
        label="Your work email address",
        help_text="Joinedup sends you to your organisation's own sign-in page.",
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
        error_messages={"required": "Enter your work email address", "invalid": EMAIL_FORMAT_ERROR},
    )


class SignInForm(GovukForm):
    email = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": EMAIL_FORMAT_ERROR,
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )
    error_anchor = "id_email"


class CodeForm(GovukForm):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code your app shows now.",
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "govuk-input--width-10",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )


class TwoFactorRequirementForm(GovukForm):
    require_two_factor = forms.BooleanField(required=False, label="Members must use two-factor authentication")


class PasswordResetForm(GovukForm):
    email = forms.EmailField(
        label="Email address",
        help_text="The address you sign in with.",
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": EMAIL_FORMAT_ERROR,
        },
    )


class PasswordSetForm(GovukForm):
    new_password = forms.CharField(
        label="New password",
        strip=False,
        help_text="At least 12 characters. Three random words are easy to remember and hard to guess.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a new password"},
    )
    confirm_password = forms.CharField(
        label="Type the new password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Type the new password again"},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("new_password"), cleaned.get("confirm_password")
        if first and second and first != second:
            self.add_error("confirm_password", "The two passwords are not the same")
        return cleaned


class PersonAddForm(GovukForm):
    full_name = forms.CharField(
        label="Full name", max_length=200, error_messages={"required": "Enter the person's full name"}
    )
    email = forms.EmailField(
        label="Email address",
        help_text="We will send an email here with a link to choose a password.",
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
        error_messages={
            "required": "Enter the person's email address",
            "invalid": EMAIL_FORMAT_ERROR,
        },
    )
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        empty_label="Choose an organisation",
        error_messages={
            "required": "Choose the person's organisation",
            "invalid_choice": "Choose one of the organisations listed",
        },
    )
    role = forms.ChoiceField(
        label="Role",
        choices=[("", "Choose a role"), *Role.choices],
        error_messages={"required": "Choose the person's role", "invalid_choice": "Choose one of the roles listed"},
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class ApiTokenIssueForm(GovukForm):
    name = forms.CharField(
        label="Name of the system",
        help_text="Whose system it is and what it is, like Kinship Mentoring case system.",
        max_length=150,
        error_messages={"required": "Enter the name of the system that will use the token"},
    )
    organisation = forms.ModelChoiceField(
        label="Organisation",
        help_text="The system acts for this organisation, and sees what its members in the role below would see.",
        queryset=Organisation.objects.none(),
        empty_label="Choose an organisation",
        error_messages={
            "required": "Choose the organisation the system belongs to",
            "invalid_choice": "Choose one of the organisations listed",
        },
    )
    role = forms.ChoiceField(
        label="Role",
        choices=[("", "Choose a role"), *((r.value, r.label) for r in Role if r in API_TOKEN_ROLES)],
        error_messages={
            "required": "Choose the role the system acts in",
            "invalid_choice": "Choose one of the roles listed",
        },
    )
    expires_on = forms.DateField(
        label="Last day it works (optional)",
        help_text="For example, 31/3/2027. Leave it empty for a token that works until you revoke it.",
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        error_messages={"invalid": DATE_FORMAT_ERROR},
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["organisation"]
        # Only partner organisations' systems take tokens; each is named with its kind.
        field.queryset = organisations.filter(kind__in=set().union(*API_TOKEN_KINDS.values())).order_by("kind", "name")
        field.label_from_instance = lambda organisation: f"{organisation.name} ({organisation.get_kind_display()})"


# Email services anyone can sign up to: an organisation's sign-in cannot vouch for their addresses.
PUBLIC_EMAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "live.com", "live.co.uk",
        "msn.com", "yahoo.com", "yahoo.co.uk", "icloud.com", "me.com", "aol.com", "protonmail.com", "proton.me",
        "btinternet.com", "sky.com", "virginmedia.com", "talktalk.net", "gmx.com", "mail.com", "zoho.com",
    }
)  # fmt: skip


class SingleSignOnSettingsForm(GovukModelForm):
    """An administrator sets up an organisation's single sign-on. A blank secret keeps the one saved."""

    client_secret = forms.CharField(
        label="Client secret",
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Leave blank to keep the secret already saved.",
    )

    class Meta:
        model = SingleSignOn
        fields = ["issuer", "client_id", "client_secret", "email_domains", "trust_multi_factor", "enabled"]
        labels = {
            "issuer": "Issuer address",
            "client_id": "Application (client) id",
            "email_domains": "Email domains",
            "trust_multi_factor": "Accept the organisation's multi-factor sign-in instead of Joinedup's authenticator",
            "enabled": "Members may sign in this way",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, asked in (
            ("issuer", "Enter the issuer address"),
            ("client_id", "Enter the application (client) id"),
            ("email_domains", "Enter the email domains"),
        ):
            self.fields[name].error_messages["required"] = asked
        if not self.instance.client_secret:
            self.fields["client_secret"].help_text = "The secret the sign-in service gave when Joinedup was registered."

    def clean_issuer(self) -> str:
        # As typed: a URL field would quietly add "https://" to a bare host name, which is never an issuer.
        typed = str(self.data.get(self.add_prefix("issuer"), "")).strip()
        issuer = str(self.cleaned_data["issuer"]).rstrip("/")
        if settings.JOINEDUP_SSO_ALLOW_HTTP:
            return issuer
        if not typed.lower().startswith("https://"):
            raise forms.ValidationError(
                "The issuer address must start with https://, e.g. https://login.microsoftonline.com/<tenant id>/v2.0"
            )
        if host_forbidden(urllib.parse.urlsplit(issuer).hostname or ""):
            raise forms.ValidationError(
                "The issuer address is a private or local one; enter the sign-in service's public address"
            )
        return issuer

    def clean_email_domains(self) -> str:
        domains = [part.strip().lower().lstrip("@") for part in str(self.cleaned_data["email_domains"]).split(",")]
        domains = [domain for domain in domains if domain]
        bad = [domain for domain in domains if "." not in domain or " " in domain or "@" in domain]
        if not domains or bad:
            raise forms.ValidationError("Enter the email domains like brent.gov.uk, separated by commas")
        public = [domain for domain in domains if domain in PUBLIC_EMAIL_DOMAINS]
        if public:
            raise forms.ValidationError(
                f"{public[0]} is an email service open to anyone, not the organisation's own domain: "
                "anyone could make an account there"
            )
        return ", ".join(domains)

    def clean_client_secret(self) -> str:
        secret = str(self.cleaned_data.get("client_secret") or "")
        if not secret and not self.instance.client_secret:
            raise forms.ValidationError("Enter the client secret")
        return secret or self.instance.client_secret
