"""The options of the statistics page: which attempts count, and from where."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import report, selectors


class StatisticsOptionsForm(forms.Form):
    attempts = forms.ChoiceField(
        label=_("Attempts counted"),
        required=False,
        choices=[(m, report.ATTEMPTS_COUNTED[m]) for m in selectors.ATTEMPT_MODES],
        widget=forms.Select(attrs={"class": "form-select"}),  # as wide as its column, not its longest option
    )
    source = forms.ChoiceField(
        label=_("Answers from"),
        required=False,
        choices=[(s, report.SOURCES[s]) for s in selectors.SOURCES],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def options(self) -> dict[str, str]:
        """The chosen mode and source; the defaults when the query string has none or bad ones."""
        cleaned = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {"mode": cleaned.get("attempts") or "first", "source": cleaned.get("source") or "quiz"}
