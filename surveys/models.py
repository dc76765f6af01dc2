"""Survey definitions: a Survey with stable codes, its structure kept in versions.

A survey has at most one draft version (edited by admins) and at most one open version
(taking responses). Publishing freezes a draft: from then on its labels and help texts
may be corrected in place, but codes, types, choices, rows and conditions are fixed,
because responses and counts refer to them. Structural changes need a new draft version.
"""

import re
from collections.abc import Mapping
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from surveys.types import QuestionType, question_type, type_choices

PLACEHOLDER_RE = re.compile(r"\{([A-Za-z0-9_-]*)\}")


def validate_redirect_placeholders(url: str) -> None:
    """A placeholder must name a hidden field: which ones exist depends on the version, so
    here only its form (the builder's form and the definition file check the codes)."""
    for name in re.findall(r"\{([^{}]*)\}", url):
        if not PLACEHOLDER_RE.fullmatch("{" + name + "}"):
            raise ValidationError(
                f"Invalid placeholder {{{name}}}: use {{code}} of a hidden field.", code="placeholder"
            )


class FrozenVersionError(ValidationError):
    pass


def validate_slug_not_reserved(value: str) -> None:
    if value in ("methods", "new"):  # /results/methods/ is the methods page, /build/new/ the create page
        raise ValidationError(f"'{value}' is reserved: choose another slug.", code="reserved")


LISTED_NOT_PUBLIC = "Only a survey with a public link can be listed on the home page."


# The data-quality flags a complete can get (responses/quality.py computes them), by code:
# named here, upstream of responses, so that a survey's auto-exclusion rules can offer them.
QUALITY_FLAGS = {
    "straight_liner": "Straight-liner",
    "bot": "Bot",
    "attention_failed": "Attention check failed",
    "speeder": "Speeder",
    "duplicate": "Duplicate",
}


class Survey(models.Model):
    class Access(models.TextChoices):
        PUBLIC = "public", "Public link only"
        INVITATION = "invitation", "Personal invitations only"
        BOTH = "both", "Public link and personal invitations"

    slug = models.SlugField(
        unique=True,
        validators=[validate_slug_not_reserved],
        help_text="Stable identifier used in links, exports and the API.",
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    opens_at = models.DateTimeField(null=True, blank=True, help_text="Responses are refused before this time.")
    closes_at = models.DateTimeField(null=True, blank=True, help_text="Responses are refused after this time.")
    response_cap = models.PositiveIntegerField(
        null=True, blank=True, help_text="Stop taking responses after this many completed ones."
    )
    viewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="shared_surveys",
        help_text="Users who may view this survey's results (they also need the results permission).",
    )
    viewer_groups = models.ManyToManyField(
        Group, blank=True, related_name="shared_surveys",
        help_text="Groups whose members may view this survey's results.",
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="edited_surveys",
        help_text="Survey managers who may edit this survey, its invitations and its responses "
        "(the creator is the first). Superusers edit every survey.",
    )
    editor_groups = models.ManyToManyField(
        Group, blank=True, related_name="edited_surveys",
        help_text="Groups whose members (survey managers) may edit this survey.",
    )
    listed = models.BooleanField(
        default=False,
        help_text="Listed on the public home page while it takes responses. Only a survey with a public link "
        "can be listed.",
    )
    access = models.CharField(
        max_length=12, choices=Access.choices, default=Access.PUBLIC,
        help_text="Who may answer: anyone with the public link, only invitees through their personal links, or both.",
    )
    # Where a respondent who came with hidden values (a panel's) is sent on each outcome;
    # {code} of any hidden field is replaced by its value (see `redirect`).
    redirect_complete = models.URLField(
        max_length=500, blank=True, validators=[validate_redirect_placeholders],
        help_text="After completing the survey. {code} of a hidden field (e.g. {external_id}) is replaced by its "
        "value, URL-encoded.",
    )
    redirect_screened_out = models.URLField(
        max_length=500, blank=True, validators=[validate_redirect_placeholders],
        help_text="When a screening question ends the survey.",
    )
    redirect_quota_full = models.URLField(
        max_length=500, blank=True, validators=[validate_redirect_placeholders],
        help_text="When the respondent's quota is full.",
    )
    redirect_closed = models.URLField(
        max_length=500, blank=True, validators=[validate_redirect_placeholders],
        help_text="When the survey no longer takes responses (closed, past its closing time or at its cap).",
    )
    # Data quality (responses/quality.py, which defines the flags `QUALITY_FLAGS` names):
    # per-survey thresholds and rules.
    page_time_floor = models.FloatField(
        default=1.0, validators=[MinValueValidator(0)],
        help_text="Seconds: a page submitted faster than this flags the response as a bot."
    )
    speeder_fraction = models.FloatField(
        default=1 / 3, validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="A timed complete faster than this fraction of the median duration is a speeder "
        "(once there are at least 30 timed completes).",
    )
    duplicate_window_hours = models.PositiveIntegerField(
        null=True, blank=True, help_text="Flag a second complete from the same address and browser within this "
        "many hours. Empty: not checked.",
    )
    auto_exclude_flags = models.JSONField(
        default=list, blank=True, help_text="Flags whose responses are excluded automatically at completion.",
    )
    archived_at = models.DateTimeField(
        null=True, blank=True,
        help_text="Archived surveys take no responses and are not listed on the home page (set in the builder).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Moves with the survey's own fields (settings, title), not with its many-to-many sets
    # or its versions.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]
        permissions = [
            ("view_results", "Can view the results of surveys shared with them"),
            ("view_all_results", "Can view the results of every survey"),
        ]
        constraints = [
            # The home page is public: an invitation-only survey is never named there.
            models.CheckConstraint(
                condition=Q(listed=False) | ~Q(access="invitation"),
                name="survey_listed_only_if_public",
                violation_error_code="listed_not_public",
                violation_error_message=LISTED_NOT_PUBLIC,
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.listed and not self.is_public:
            raise ValidationError({"listed": ValidationError(LISTED_NOT_PUBLIC, code="listed_not_public")})

    def open_version(self) -> "SurveyVersion | None":
        return self.versions.filter(status=SurveyVersion.Status.OPEN).first()

    def draft_version(self) -> "SurveyVersion | None":
        return self.versions.filter(status=SurveyVersion.Status.DRAFT).first()

    def definition_changed(self) -> None:
        """NETs and saved views are compiled into every version's cached definition (which
        results pages read): bumping the versions' stamps recompiles them in every process."""
        SurveyVersion.objects.filter(survey_id=self.pk).update(updated_at=timezone.now())

    def is_within_dates(self, now=None) -> bool:
        now = now or timezone.now()
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now >= self.closes_at)

    @property
    def is_public(self) -> bool:
        return self.access != self.Access.INVITATION

    def redirect(self, outcome: str, hidden: Mapping[str, str]) -> str:
        """Where a respondent with these hidden values goes on this outcome (`complete`,
        `screened_out`, `quota_full`, `closed`), or "" for our own page. Only respondents who
        came with hidden values (a panel's) are sent back: others have nowhere to return to."""
        url = getattr(self, f"redirect_{outcome}")
        if not url or not any(hidden.values()):
            return ""
        return PLACEHOLDER_RE.sub(lambda m: quote(hidden.get(m.group(1), ""), safe=""), url)

    def is_editable_by(self, user) -> bool:
        """Superusers edit every survey; anyone else only the surveys they (or one of their
        groups) are editors of. The model permissions say what they may do with it."""
        if not user.is_active:
            return False
        if user.is_superuser:
            return True
        if self.editors.filter(pk=user.pk).exists():
            return True
        return self.editor_groups.filter(user=user).exists()

    def is_shared_with(self, user) -> bool:
        """Whether the user may see this survey's results (given the results permission):
        shared with them or one of their groups, an editor of it (who already reads its
        raw responses in the admin), or the global permission."""
        if user.has_perm("surveys.view_all_results"):
            return True
        if self.viewers.filter(pk=user.pk).exists():
            return True
        if self.viewer_groups.filter(user=user).exists():
            return True
        return self.is_editable_by(user)


class SurveyVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    intro = models.TextField(blank=True, help_text="Shown above the first page.")
    thank_you = models.TextField(blank=True, help_text="Shown after the last page is submitted.")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["survey", "-number"]
        verbose_name = "survey version"
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="version_number_unique"),
            models.UniqueConstraint(
                fields=["survey"], condition=Q(status="draft"), name="one_draft_per_survey"
            ),
            models.UniqueConstraint(
                fields=["survey"], condition=Q(status="open"), name="one_open_version_per_survey"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey.slug} v{self.number} ({self.get_status_display()})"

    @property
    def is_frozen(self) -> bool:
        return self.status != self.Status.DRAFT

    def delete(self, *args, **kwargs):
        # Published versions hold responses and counts; only drafts can be deleted.
        if self.is_frozen:
            raise FrozenVersionError("A published version cannot be deleted; close it instead.", code="frozen")
        return super().delete(*args, **kwargs)


class FrozenStructure(models.Model):
    """Refuses changes to structural fields once the owning version is published.

    Labels and help texts stay editable so that typos can be fixed in place (and a question's
    personal-data flag, which decides who may see its answers); anything a
    response or a count refers to (codes, types, choices, rows, conditions) cannot change.
    """

    structural_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.check_structure_editable()
        super().save(*args, **kwargs)
        # Bumping the version's stamp invalidates cached compiled definitions everywhere.
        SurveyVersion.objects.filter(pk=self.owning_version().pk).update(updated_at=timezone.now())

    def clean(self) -> None:
        super().clean()
        self.check_structure_editable()

    def delete(self, *args, **kwargs):
        if self.owning_version().is_frozen:
            raise FrozenVersionError(
                "A published version's structure cannot change: create a new draft version.",
                code="frozen",
            )
        return super().delete(*args, **kwargs)

    def owning_version(self) -> SurveyVersion:
        raise NotImplementedError

    def check_structure_editable(self) -> None:
        version = self.owning_version()
        if not version.is_frozen:
            return
        message = (
            f"Version {version.number} of '{version.survey.slug}' is published: only labels and "
            "help texts can be corrected. Create a new draft version to change its structure."
        )
        if self.pk is None:
            raise FrozenVersionError(message, code="frozen")
        original = type(self).objects.filter(pk=self.pk).values(*self.structural_fields).first()
        changed = [f for f in self.structural_fields if original and original[f] != getattr(self, f)]
        if changed:
            raise FrozenVersionError(
                {field: message for field in changed}, code="frozen"
            )


class Page(FrozenStructure):
    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="pages")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200, blank=True)
    condition = models.TextField(
        blank=True, help_text="Display condition, e.g. role = it. Empty: always shown."
    )
    shuffle_questions = models.BooleanField(default=False, help_text="Its questions are shown in a random order.")
    shuffle_block = models.SlugField(
        max_length=64, blank=True,
        help_text="Consecutive pages naming the same block are shown in a random order among themselves.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    # A random order changes what "asked before" means, as a condition changes what is asked.
    structural_fields = ("version_id", "position", "condition", "shuffle_questions", "shuffle_block")

    class Meta:
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return self.title or f"Page {self.position + 1}"

    def owning_version(self) -> SurveyVersion:
        return self.version


class Question(FrozenStructure):
    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="questions")
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    code = models.SlugField(max_length=64, help_text="Unique in the version; used by the API and exports.")
    # Choices from the registry, read when needed: a new type needs no migration.
    type = models.CharField(max_length=20, choices=type_choices)
    label = models.TextField()
    help_text = models.TextField(blank=True)
    required = models.BooleanField(default=False)
    is_segment = models.BooleanField(
        default=False, help_text="Results are broken down by this question's choices."
    )
    personal_data = models.BooleanField(
        default=False,
        help_text="Text questions whose answers identify the respondent (a name, a phone number): erasing an "
        "invitee blanks them, and exports leave them out unless asked for. E-mail questions always are.",
    )
    condition = models.TextField(blank=True, help_text="Display condition. Empty: always shown.")
    min_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    max_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    max_length = models.PositiveIntegerField(null=True, blank=True)
    # Rating scales (min_value and max_value choose the scale): the words under its ends,
    # which may be corrected in place like a label, and how it is shown.
    low_label = models.CharField(max_length=200, blank=True, help_text="Rating scales: shown under the lowest point.")
    high_label = models.CharField(
        max_length=200, blank=True, help_text="Rating scales: shown under the highest point."
    )
    display = models.CharField(
        max_length=20, blank=True, help_text="Rating scales: numbers or stars. Empty: numbers."
    )
    attention_check = models.CharField(
        max_length=64, blank=True, help_text="An attention check: the choice code a careful respondent picks."
    )
    step = models.DecimalField(
        max_digits=20, decimal_places=6, null=True, blank=True,
        help_text="Sliders: the distance between two of its values, from the minimum (1 when empty).",
    )
    shuffle = models.CharField(
        max_length=10, blank=True,
        help_text="choices or rows: shown in a random order per respondent; empty: as listed.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    structural_fields = (
        "version_id", "page_id", "position", "code", "type", "required", "is_segment",
        "condition", "min_value", "max_value", "max_length", "step", "display", "shuffle",
    )

    class Meta:
        ordering = ["version", "page__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="question_code_unique"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def question_type(self) -> QuestionType:
        return question_type(self.type)

    @property
    def holds_personal_data(self) -> bool:
        return self.personal_data or self.question_type.always_personal

    def clean(self) -> None:
        super().clean()
        # Not a structural field: like a label, the flag may be corrected on a published
        # version (it changes who may see answers, not what a count refers to).
        if self.personal_data and not self.question_type.can_be_personal:
            raise ValidationError({
                "personal_data": ValidationError(
                    "Only text and e-mail questions can be marked personal data.", code="personal_data_type"
                )
            })

    def owning_version(self) -> SurveyVersion:
        # A question added in the admin under a page gets its version from that page.
        if self.version_id is None and self.page_id is not None:
            self.version_id = self.page.version_id
        return self.version


class Choice(FrozenStructure):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveIntegerField(default=0)
    code = models.SlugField(max_length=64)
    label = models.CharField(max_length=300)
    exclusive = models.BooleanField(
        default=False, help_text="Multiple choice only: cannot be combined with other choices."
    )

    class Specify(models.TextChoices):
        """"Other, please specify": a text box beside the choice, for what it stands for."""

        NONE = "", "No text box"
        OPTIONAL = "optional", "Text box, optional"
        REQUIRED = "required", "Text box, required"

    specify = models.CharField(
        max_length=10, choices=Specify.choices, default="", blank=True,
        help_text="A text box beside this choice (“Other, please specify”): its text is kept with the answer.",
    )

    anchor = models.BooleanField(default=False, help_text="Keeps its place when the choices are shuffled.")

    # `specify` changes what an answer holds, as the exclusive flag changes what it may combine.
    structural_fields = ("question_id", "position", "code", "exclusive", "specify", "anchor")

    class Meta:
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="choice_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.label}"

    def owning_version(self) -> SurveyVersion:
        return self.question.version


class MatrixRow(FrozenStructure):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveIntegerField(default=0)
    code = models.SlugField(max_length=64)
    label = models.CharField(max_length=300)
    attention_check = models.CharField(
        max_length=64, blank=True, help_text="An attention check: the choice code a careful respondent picks here."
    )
    anchor = models.BooleanField(default=False, help_text="Keeps its place when the rows are shuffled.")

    structural_fields = ("question_id", "position", "code", "anchor")

    class Meta:
        ordering = ["question", "position"]
        verbose_name = "matrix row"
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="row_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.label}"

    def owning_version(self) -> SurveyVersion:
        return self.question.version


class HiddenField(FrozenStructure):
    """A value the respondent brings along rather than answers (a panel's respondent id, a
    source): see `surveys.definition.HiddenFieldDef`. Frozen with its version like a question,
    as responses, conditions and redirects refer to its code."""

    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="hidden_fields")
    position = models.PositiveIntegerField(default=0)
    code = models.SlugField(max_length=64, help_text="The query-string parameter, CSV column and API key.")
    values = models.JSONField(
        default=list, blank=True, help_text="Allowed values; any other value is ignored. Empty: any value."
    )
    description = models.CharField(
        max_length=200, blank=True, help_text="What it holds and who fills it in, for the survey's editors."
    )

    structural_fields = ("version_id", "position", "code", "values")

    class Meta:
        ordering = ["version", "position"]
        verbose_name = "hidden field"
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="hidden_field_code_unique"),
        ]

    def __str__(self) -> str:
        return self.code

    def owning_version(self) -> SurveyVersion:
        return self.version


class ScreenOut(FrozenStructure):
    """A condition that ends the survey for a respondent it does not target (see
    `surveys.definition.ScreenOutDef`). Frozen with its version: the questions it names are."""

    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="screen_outs")
    position = models.PositiveIntegerField(default=0)
    code = models.SlugField(max_length=64, help_text="Recorded on the responses it ends, and exported.")
    condition = models.TextField(help_text="Who is screened out, e.g. seniority = other.")
    message = models.TextField(help_text="What the respondent reads (unless the screened_out redirect sends them on).")

    structural_fields = ("version_id", "position", "code", "condition")

    class Meta:
        ordering = ["version", "position"]
        verbose_name = "screen-out"
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="screen_out_code_unique"),
        ]

    def __str__(self) -> str:
        return self.code

    def owning_version(self) -> SurveyVersion:
        return self.version


class Finding(models.Model):
    """A headline number: the share of the base respondents who also meet the target."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="findings")
    position = models.PositiveIntegerField(default=0)
    code = models.SlugField(max_length=64)
    statement = models.CharField(max_length=300)
    base_condition = models.TextField(help_text="Who is counted in the denominator, e.g. role = it.")
    target_condition = models.TextField(help_text="Who, within the base, is counted in the numerator.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="finding_code_unique"),
        ]

    def __str__(self) -> str:
        return self.code


class SurveyLevelDefinition(models.Model):
    """A part of the definition that belongs to the survey, not to a version: it changes no
    stored answer or count, so it stays editable while a version is open."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        self.survey.definition_changed()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.survey.definition_changed()
        return result


class Quota(SurveyLevelDefinition):
    """A survey-level quota: completes whose answers meet the condition, up to the limit
    (responses.quotas holds the places in counter rows). Not frozen with a version: a limit
    may be raised, or a quota closed, while the survey runs."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="quotas")
    position = models.PositiveIntegerField(default=0)
    code = models.SlugField(max_length=64, help_text="Its code in the definition file and the API.")
    label = models.CharField(max_length=200, help_text="Shown to staff in the quota table.")
    condition = models.TextField(help_text="Which completes it counts, e.g. role = it.")
    limit = models.PositiveIntegerField(help_text="Completes it takes; a full quota ends further ones as quota full.")
    closed = models.BooleanField(default=False, help_text="Closed: takes no more completes, whatever its limit.")

    class Meta:
        ordering = ["survey", "position"]
        constraints = [models.UniqueConstraint(fields=["survey", "code"], name="quota_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} ({self.limit})"


class Net(SurveyLevelDefinition):
    """A NET of a single-choice, dropdown or matrix question (for a matrix, of every row):
    one more line in its results, counting who chose any of its choices."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="nets")
    position = models.PositiveIntegerField(default=0)
    question_code = models.SlugField("question", max_length=64, help_text="The code of the question it groups.")
    code = models.SlugField(max_length=64, help_text="Its code in exports, e.g. net_top2.")
    label = models.CharField(max_length=300, help_text="Shown after “NET:”.")
    choices = models.JSONField(default=list, help_text="Choice codes.")
    all_but = models.BooleanField(
        "all but these", default=False,
        help_text="The NET holds every choice except the ones listed (a single one is then the scale's zero "
        "point, compared in crosstabs with McNemar's test).",
    )

    class Meta:
        ordering = ["survey", "position"]
        verbose_name = "NET"
        constraints = [
            models.UniqueConstraint(fields=["survey", "question_code", "code"], name="net_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.question_code}: {self.code}"


class SavedView(SurveyLevelDefinition):
    """A crosstab worth a link from the overview, such as a finding's paradox: two variables,
    a segment to look within, and a highlighted cell with McNemar's test."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="saved_views")
    position = models.PositiveIntegerField(default=0)
    code = models.SlugField(max_length=64)
    label = models.CharField(max_length=200, help_text="The link's text; the crosstab page adds “view”.")
    description = models.CharField(max_length=300, blank=True, help_text="Follows the label on the overview.")
    row_variable = models.CharField(
        "rows", max_length=130, help_text="A single-choice question's code, or a matrix row as question.row."
    )
    column_variable = models.CharField("columns", max_length=130, help_text="As rows.")
    segment = models.CharField(
        max_length=130, blank=True, help_text="Only this segment value, as question:choice. Empty: everyone."
    )
    highlight_row = models.SlugField(
        max_length=64, blank=True, help_text="Highlighted cell: this choice in the rows…"
    )
    highlight_column_not = models.SlugField(
        "highlight column not", max_length=64, blank=True, help_text="…with anything but this choice in the columns."
    )

    class Meta:
        ordering = ["survey", "position"]
        verbose_name = "saved view"
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="saved_view_code_unique"),
        ]

    def __str__(self) -> str:
        return self.code


class SurveyChange(models.Model):
    """One change of a survey, as its history shows it: who made it, when, and what, in
    words (`summary`) and as the values before and after (`details`, see surveys.history).

    Written in the transaction of the change it records (surveys.history.change_record),
    so that the history never shows a change that was rolled back, nor misses one."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="changes")
    version = models.ForeignKey(
        SurveyVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes",
        help_text="The version changed, if the change belongs to one (a deleted draft leaves it empty).",
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    # Kept as text, so that the history still names who it was once the user is deleted.
    username = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=40, help_text="What kind of change, e.g. question_added.")
    # What was changed, e.g. "question:12" or "survey:3:access": a stale form asks for the
    # latest change of its object (builder.stamps).
    target = models.CharField(max_length=60, blank=True)
    summary = models.CharField(max_length=500)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "survey change"
        indexes = [
            models.Index(fields=["survey", "-at"], name="surveychange_survey_at"),
            models.Index(fields=["target", "-at"], name="surveychange_target_at"),
        ]

    def __str__(self) -> str:
        return self.summary

    @property
    def who(self) -> str:
        """Who made it, as the history names them: their full name, else their username
        ("" for an import or a command). Reads `user`: select it with the change."""
        if self.user_id is not None and self.user.get_full_name():
            return self.user.get_full_name()
        return self.username
