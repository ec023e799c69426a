"""The console's forms: bounded and typed, with Thai messages; a bad value is named on the page."""
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shared_apps.accounts.models import StaffRole
from shared_apps.geography.models import Province
from shared_apps.text import TextField
from tenants.models import LAOType

from .services import MAX_CODES

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


class ProvinceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, province):
        return f"{province.name_th} ({province.name_en})"


def parse_codes(text: str) -> list[str]:
    """DLA codes typed or pasted: separated by spaces, new lines, commas or semicolons; Thai digits allowed."""
    items = [item for item in re.split(r"[\s,;]+", (text or "").translate(THAI_DIGITS)) if item]
    wrong = [item for item in items if not re.fullmatch(r"\d{7}", item)]
    if wrong:
        shown = ", ".join(wrong[:5]) + ("…" if len(wrong) > 5 else "")
        raise ValidationError(_("A DLA code is exactly 7 digits; these are not: %(codes)s") % {"codes": shown})
    if len(set(items)) > MAX_CODES:
        raise ValidationError(_("At most %(max)s DLA codes at a time.") % {"max": f"{MAX_CODES:,}"})
    return sorted(set(items))


class OnboardingForm(forms.Form):
    province = ProvinceChoiceField(label=_("Province"), queryset=Province.objects.order_by("name_th"),
                                   required=False, empty_label=_("All provinces"))
    lao_type = forms.ChoiceField(label=_("Type"), required=False,
                                 choices=[("", _("All types"))] + list(LAOType.choices))
    codes = TextField(label=_("DLA codes"), required=False, multiline=True, max_length=100_000,
                      widget=forms.Textarea(attrs={"rows": 4}),
                      help_text=_("Optional: 7-digit codes separated by spaces, commas or new lines."))

    def clean_codes(self):
        return parse_codes(self.cleaned_data.get("codes", ""))

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("province") or data.get("lao_type") or data.get("codes")):
            raise ValidationError(_("Choose a province, a type or a list of DLA codes."))
        return data


class StatusForm(forms.Form):
    reason = TextField(label=_("Reason"), max_length=500, multiline=True, widget=forms.Textarea(attrs={"rows": 3}),
                       help_text=_("Recorded in the LAO's history with your name."))


class HostnameForm(forms.Form):
    hostname = TextField(label=_("New subdomain"), max_length=63,
                         help_text=_("Lowercase letters a–z, digits and hyphens."))


class StaffGrantForm(forms.Form):
    person = TextField(label=_("Person"), max_length=254,
                       help_text=_("Their username, e-mail or 13-digit national ID; they must have signed in once."))
    kind = forms.ChoiceField(label=_("Role"), choices=StaffRole.Kind.choices)
    province = ProvinceChoiceField(label=_("Province"), queryset=Province.objects.order_by("name_th"),
                                   required=False, empty_label=_("— for a provincial office —"))

    def clean(self):
        data = super().clean()
        if data.get("kind") == StaffRole.Kind.PROVINCIAL_OFFICE and not data.get("province"):
            self.add_error("province", _("A provincial office role needs its province."))
        return data
