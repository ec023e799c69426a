"""The applicant's form: dates typed and shown in the Buddhist era, documents checked before anything is saved."""
import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy, pgettext_lazy

from . import services
from .models import DocumentKind

BE_OFFSET = 543
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def parse_thai_date(text: str) -> datetime.date:
    """A date as Thai people type it: day/month/year with the year in the Buddhist era (21/12/2569, also
    with '-' or '.', Thai digits, or a two-digit year 69); a Christian-era year (2026) or ISO 2026-12-21 is
    taken as such, since no one means 1483. Raises ValueError."""
    text = text.strip().translate(THAI_DIGITS)
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    else:
        match = re.fullmatch(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})", text)
        if not match:
            raise ValueError(text)
        day, month, year = (int(part) for part in match.groups())
        if year < 100:
            year += 2500  # 69 → 2569 BE
    if year >= 2400:
        year -= BE_OFFSET
    return datetime.date(year, month, day)


def format_thai_date(value: datetime.date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year + BE_OFFSET}"


class BuddhistDateInput(forms.TextInput):
    """A text box (not the browser's date picker, which writes Christian-era years) showing DD/MM/YYYY BE."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "off", "size": 10,
                          "placeholder": pgettext_lazy("date format", "DD/MM/YYYY"), **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return format_thai_date(value)
        return super().format_value(value)


class BuddhistDateField(forms.DateField):
    """Accepts and shows dates in the Buddhist era; cleans to a datetime.date (stored in the Christian era)."""

    widget = BuddhistDateInput
    default_error_messages = {
        "invalid": gettext_lazy("Write the date as day/month/year in the Buddhist era, e.g. 21/12/2569."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", gettext_lazy("Day/month/year in the Buddhist era, e.g. 21/12/2569"))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return parse_thai_date(str(value)[:40])
        except (ValueError, OverflowError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class DocumentField(forms.FileField):
    """Uploads of one kind, checked by content (type, size) when the form is cleaned: a wrong file is
    refused before anything — draft or document — is saved."""

    def __init__(self, *, kind: str, accept: str, multiple: bool = False, **kwargs):
        self.kind = kind
        widget = (MultipleFileInput if multiple else forms.FileInput)(attrs={"accept": accept})
        super().__init__(required=False, widget=widget, **kwargs)

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data if isinstance(data, (list, tuple)) else [data]) if upload]
        errors = []
        for upload in uploads:
            try:
                services.document_check(kind=self.kind, upload=upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return uploads


class ApplicationFormMixin:
    """The application form's documents and the way its data reaches the services (the fields are declared
    with the form, in views)."""

    DOCUMENTS = (DocumentKind.SAMPLE, DocumentKind.CONSENT, DocumentKind.ID_DOCUMENT)

    def detail_fields(self):
        return [self[name] for name in self.fields if name not in self.DOCUMENTS]

    def document_fields(self):
        return [self[name] for name in self.DOCUMENTS]

    def documents(self) -> dict[str, list]:
        return {kind: self.cleaned_data.get(kind) or [] for kind in self.DOCUMENTS}

    def add_problems(self, error: ValidationError) -> None:
        """The LAO's conditions an application breaks, each beside the field it is about."""
        problems = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
        for name, messages in problems.items():
            self.add_error(name if name in self.fields else None, messages)
