"""Bulk import of invitees from a CSV file: every row is checked first, and nothing is
imported unless every row is good.

The file is UTF-8 (a byte-order mark, as Excel writes, is fine) with any line endings.
Columns are `email, name, external_id` in that order, or named by a header row whose
cells are among those names (in any order; only `email` is required), plus any column
named after a hidden field of the survey's open version (`rid`, `src`: kept on the
invitation and copied to the response). Blank lines are skipped. Each bad row
is reported with its line number in the file and the reason.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower

from invitations.models import Invitation
from surveys.definition_files import HIDDEN_VALUE_MAX
from surveys.models import Survey
from surveys.selectors import compiled_version

COLUMNS = ("email", "name", "external_id")
_HEADER_ALIASES = {"e-mail": "email", "external id": "external_id", "externalid": "external_id"}
MAX_ROWS = 100_000
MAX_LENGTH = {"email": 254, "name": 200, "external_id": 200}
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
INSERT_BATCH = 2000


@dataclass(frozen=True)
class ImportRow:
    line: int
    email: str
    name: str
    external_id: str
    hidden: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.reason}" if self.line else self.reason


def _header(cells: list[str]) -> list[str] | None:
    names = [_HEADER_ALIASES.get(c.strip().lower(), c.strip().lower()) for c in cells]
    return names if "email" in names else None


def _records(text: str, hidden_codes: Collection[str] = ()) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    """(line, {column: value}) for each non-blank row, and errors of shape."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[tuple[int, dict[str, str]]] = []
    errors: list[RowError] = []
    columns: list[str] | None = None
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if columns is None:
                header = _header(cells)
                columns = list(COLUMNS)
                if header is not None:
                    unknown = [name for name in header if name not in COLUMNS and name not in hidden_codes]
                    repeated = sorted({name for name in header if header.count(name) > 1})
                    problems = []
                    if unknown:
                        problems.append(f"unknown column(s) {', '.join(unknown)}")
                    if repeated:
                        problems.append(f"repeated column(s) {', '.join(repeated)}")
                    if problems:
                        expected = ", ".join([*COLUMNS, *hidden_codes])
                        return [], [RowError(line, f"{'; '.join(problems)} (expected {expected})")]
                    columns = header
                    continue
            if len(cells) > len(columns):
                errors.append(RowError(line, f"{len(cells)} columns, expected at most {len(columns)}"))
                continue
            records.append((line, {name: cell.strip() for name, cell in zip(columns, cells, strict=False)}))
            if len(records) > MAX_ROWS:
                return [], [RowError(0, f"The file has more than {MAX_ROWS:,} rows; split it.")]
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, f"not readable as CSV ({exc})"))
    return records, errors


def _hidden_fields(survey: Survey) -> dict[str, tuple[str, ...]]:
    """The open version's hidden fields (their allowed values): the columns an import may add."""
    version = survey.open_version()
    if version is None:
        return {}
    return {h.code: h.values for h in compiled_version(version).definition.hidden_fields}


def parse_invitations_csv(data: bytes, *, survey: Survey) -> tuple[list[ImportRow], list[RowError]]:
    """The rows to import and the errors; import only when there are no errors."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [RowError(0, "The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.")]
    hidden_fields = _hidden_fields(survey)
    records, errors = _records(text, hidden_fields)
    if not records and not errors:
        return [], [RowError(0, "The file has no invitees.")]

    existing = Invitation.objects.filter(survey=survey)
    invited_emails = set(existing.exclude(email="").annotate(e=Lower("email")).values_list("e", flat=True))
    invited_ids = set(existing.exclude(external_id="").values_list("external_id", flat=True))
    first_email: dict[str, int] = {}
    first_id: dict[str, int] = {}
    rows: list[ImportRow] = []
    for line, record in records:
        email, name, external_id = (record.get(c, "") for c in COLUMNS)
        reasons = []
        if not email:
            reasons.append("no e-mail address")
        else:
            try:
                validate_email(email)
                if len(email) > MAX_LENGTH["email"]:
                    raise ValidationError("too long")
            except ValidationError:
                reasons.append(f"malformed e-mail address “{email}”")
            else:
                key = email.lower()
                if key in first_email:
                    reasons.append(f"duplicate of line {first_email[key]} in the file ({email})")
                elif key in invited_emails:
                    reasons.append(f"already invited ({email})")
                first_email.setdefault(key, line)
        hidden = {code: record[code] for code in hidden_fields if record.get(code)}
        for code, value in hidden.items():
            if hidden_fields[code] and value not in hidden_fields[code]:
                reasons.append(f"{code} “{value}” is not one of {', '.join(hidden_fields[code])}")
        for column, value in (("name", name), ("external_id", external_id), *hidden.items()):
            if len(value) > MAX_LENGTH.get(column, HIDDEN_VALUE_MAX):
                reasons.append(f"{column} longer than {MAX_LENGTH.get(column, HIDDEN_VALUE_MAX)} characters")
            elif _CONTROL_RE.search(value):
                reasons.append(f"{column} contains control characters")
        if external_id:
            if external_id in first_id:
                reasons.append(f"external id {external_id} is also on line {first_id[external_id]}")
            elif external_id in invited_ids:
                reasons.append(f"external id {external_id} is already invited")
            first_id.setdefault(external_id, line)
        if reasons:
            errors.append(RowError(line, "; ".join(reasons)))
        else:
            rows.append(ImportRow(line, email, name, external_id, hidden))
    errors.sort(key=lambda e: e.line)
    return rows, errors


@transaction.atomic
def invitations_import(*, survey: Survey, rows: list[ImportRow], expires_at: datetime | None = None) -> int:
    """Create the invitations of checked rows, all or none. An invitee added meanwhile by
    someone else breaks a unique constraint and rolls the whole import back."""
    invitations = []
    for row in rows:
        invitation = Invitation(
            survey=survey, email=row.email, name=row.name, external_id=row.external_id, expires_at=expires_at,
            hidden=row.hidden,
        )
        invitation.assign_token()
        invitations.append(invitation)
    Invitation.objects.bulk_create(invitations, batch_size=INSERT_BATCH)
    return len(invitations)
