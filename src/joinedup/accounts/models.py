"""Areas (boroughs), organisations, people and their roles."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone


class Area(models.Model):
    """A local authority (borough): the unit of configuration and of access."""

    name = models.CharField(max_length=120, unique=True)
    ons_code = models.CharField(
        "ONS code",
        max_length=9,
        unique=True,
        validators=[RegexValidator(r"^[EWSN]\d{8}$", "An ONS code is a letter and eight digits, like E09000005.")],
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class Kind(models.TextChoices):
        PROGRAMME = "programme", "Programme provider"
        SCHOOL = "school", "School"
        EARLY_HELP = "early_help", "Council early help"
        SOCIAL_CARE = "social_care", "Children's social care"
        DELIVERY_PARTNER = "delivery_partner", "Delivery partner"
        HEALTH = "health", "Health"
        VOLUNTARY = "voluntary", "Voluntary sector"

    class SchoolPhase(models.TextChoices):
        PRIMARY = "primary", "Primary"
        SECONDARY = "secondary", "Secondary"
        ALL_THROUGH = "all_through", "All-through"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    areas = models.ManyToManyField(Area, related_name="organisations")
    urn = models.CharField(
        "URN",
        max_length=6,
        unique=True,
        null=True,
        blank=True,
        validators=[RegexValidator(r"^\d{6}$", "A school URN is six digits.")],
        help_text="Unique reference number, for schools only.",
    )
    school_phase = models.CharField(max_length=16, choices=SchoolPhase.choices, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    require_two_factor = models.BooleanField(
        default=False, help_text="Members must sign in with a code from an authenticator app."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="school") | models.Q(urn__isnull=True),
                name="organisation_urn_only_for_schools",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.kind == self.Kind.SCHOOL and not self.urn:
            raise ValidationError({"urn": "Enter the school's six-digit URN."})
        if self.kind != self.Kind.SCHOOL and self.urn:
            raise ValidationError({"urn": "Only schools have a URN."})


class Role(models.TextChoices):
    LINK_WORKER = "link_worker", "Link Worker"
    TEAM_MANAGER = "team_manager", "Team manager"
    DELIVERY_PRACTITIONER = "delivery_practitioner", "Delivery partner practitioner"
    PARTNER_PROFESSIONAL = "partner_professional", "Partner professional"
    SCHOOL_STAFF = "school_staff", "School staff"
    DATA_LEAD = "data_lead", "Programme data lead"
    COMMISSIONER = "commissioner", "Commissioner"
    ADMINISTRATOR = "administrator", "Administrator"


# Roles that must sign in with two factors wherever they work: all who can see some child's record (school
# staff, Link Workers, managers, data leads, partners a child is referred or shared to) and administrators,
# who grant that access. Commissioners see only counts; their organisation may still require it.
TWO_FACTOR_ROLES = frozenset(Role) - {Role.COMMISSIONER}


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not email:
            raise ValueError("Every account needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Email is the login."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Can use the command-line superuser tools.")
    date_joined = models.DateTimeField(default=timezone.now)
    failed_sign_ins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def is_locked(self, now: datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())


class Membership(models.Model):
    """A person's role in one organisation, in one area.

    A person acts through one membership at a time; the access rules and the
    audit log both use it.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    schools = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="based_memberships",
        limit_choices_to={"kind": "school"},
        help_text="For a Link Worker: the schools they are based in, whose screening lists they see.",
    )

    class Meta:
        ordering = ["organisation__name", "area__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "area", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}, {self.organisation} ({self.area})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.organisation_id and self.area_id and not self.organisation.areas.filter(pk=self.area_id).exists():
            raise ValidationError({"area": f"{self.organisation} does not work in {self.area}."})


class ApiToken(models.Model):
    """A key a partner's own case system calls the API with, acting through its own membership.

    The membership belongs to a system account made for this token alone, so the access gate
    and the audit log treat the system exactly like a person in that role. Only a SHA-256 hash
    of the key is kept; the key itself is shown once, when the token is issued.
    """

    KEY_PREFIX = "jdu_"

    membership = models.OneToOneField(Membership, on_delete=models.PROTECT, related_name="api_token")
    name = models.CharField(max_length=200, help_text="The system that uses it, such as Kinship Mentoring case system.")
    prefix = models.CharField(max_length=8, help_text="The key's first characters, to tell tokens apart in lists.")
    key_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the key, in hex.")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True, help_text="The last day the key works.")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, today: date | None = None) -> bool:
        """Not revoked and not past its last day (a UK date)."""
        if self.revoked_at is not None:
            return False
        return self.expires_on is None or self.expires_on >= (today or timezone.localdate())


class SingleSignOn(models.Model):
    """An organisation's own sign-in (OpenID Connect, e.g. Microsoft Entra ID) for its members.

    A person whose email is in one of ``email_domains`` may sign in there instead of with a password.
    When ``trust_multi_factor`` is on and the organisation's sign-in says it used more than one factor
    (``amr`` holds ``mfa``), that counts as Joinedup's second factor; otherwise the authenticator is
    asked for as usual.
    """

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="single_sign_on")
    issuer = models.URLField(
        help_text="The sign-in service's issuer address, e.g. https://login.microsoftonline.com/<tenant id>/v2.0"
    )
    client_id = models.CharField(max_length=200, help_text="The application (client) id registered for Joinedup.")
    client_secret = models.CharField(max_length=500, help_text="The client secret registered for Joinedup.")
    email_domains = models.CharField(
        max_length=500, help_text="The organisation's email domains, separated by commas, e.g. brent.gov.uk"
    )
    trust_multi_factor = models.BooleanField(
        default=False,
        help_text=(
            "Only if the organisation's sign-in service asks every member for a second factor: when its answer says "
            "one was used, Joinedup does not ask for its own authenticator code as well."
        ),
    )
    enabled = models.BooleanField(
        default=False,
        help_text=(
            "Tick once the connection checks out (save, then check it below). Untick to stop single sign-on for "
            "now without losing these settings."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    def __str__(self) -> str:
        return f"Single sign-on for {self.organisation}"

    @property
    def domains(self) -> list[str]:
        return [part.strip().lower().lstrip("@") for part in self.email_domains.split(",") if part.strip()]
