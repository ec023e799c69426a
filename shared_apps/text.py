"""Text people type or files carry: no control characters where they can only do harm.

Django's form fields refuse NUL (ProhibitNullCharactersValidator) and DRF's also
refuse lone surrogates, but ESC and the other C0 controls, DEL and the C1 block
still pass, and end up in names on permits and receipts, in e-mails, in the
terminal of whoever reads a log, or (NUL, surrogates) in a database error.
Bidirectional overrides are refused too: they make a name read differently
from what it is (nothing in Thai or English needs them).

Use `TextField` in forms and `TextSerializerField` in serializers instead of
CharField; `multiline=True` lets tab and line breaks through (addresses, notes).
`JSONParser` (the API's default) refuses what no field should have to see.
"""
from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers, serializers
from rest_framework.exceptions import ParseError

_BIDI = "\u202a-\u202e\u2066-\u2069"
_SINGLE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f\ud800-\udfff{_BIDI}]")
_MULTILINE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{_BIDI}]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def control_character(text: str, *, multiline: bool = False) -> str | None:
    """The first character of `text` that has no place in it, or None."""
    match = (_MULTILINE if multiline else _SINGLE_LINE).search(text or "")
    return match.group(0) if match else None


def shown(text: str) -> str:
    """`text` safe to print or put in a message: control characters written as U+XXXX."""
    return _SINGLE_LINE.sub(lambda m: f"U+{ord(m.group(0)):04X}", str(text))


@deconstructible
class PrintableTextValidator:
    """Refuses control characters (all of them, or all but tab and line breaks when `multiline`)."""

    message = _("This field cannot contain control characters (found %(character)s).")
    code = "control_character"

    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value):
        found = control_character(str(value), multiline=self.multiline)
        if found is not None:
            raise ValidationError(self.message, code=self.code, params={"character": f"U+{ord(found):04X}"})

    def __eq__(self, other):
        return isinstance(other, PrintableTextValidator) and other.multiline == self.multiline


class TextField(forms.CharField):
    """forms.CharField that refuses control characters."""

    def __init__(self, *, multiline: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(PrintableTextValidator(multiline=multiline))


class TextSerializerField(serializers.CharField):
    """serializers.CharField that refuses control characters."""

    def __init__(self, *, multiline: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(PrintableTextValidator(multiline=multiline))


def _has_lone_surrogate(data) -> bool:
    pending = [data]
    while pending:  # iterative: a deeply nested body must not exhaust the stack here either
        item = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing two bodies it lets through: text with a lone surrogate ("\\ud800", which
    is not Unicode: echoed in an error message, e.g. "not a valid choice", it would make the answer itself
    fail) and nesting too deep for Python's parser (RecursionError, not a ValueError)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON body is nested too deeply.")) from None
        if _has_lone_surrogate(data):
            raise ParseError(_("The JSON body holds text that is not valid Unicode (a lone surrogate)."))
        return data
