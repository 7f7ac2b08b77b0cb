"""The question editor's forms: percentages instead of raw fractions, each Spanish field beside
its English twin (read from and written to `translations`, with the English it was made from
in `translation_sources`), and the confirmation a consent-pathway question needs."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import Choice, Pathway
from ..rules import grading
from .specs import ContentError, allow_specs
from .translations import CHOICE_FIELDS, QUESTION_FIELDS, english_digest, is_stale

SPANISH = "es"
PERCENT_PLACES = Decimal("0.00001")  # the fraction's 7 places, as a percentage


def percent_text(fraction: Decimal) -> str:
    """A fraction as an educator reads it: 1 -> "100 %", 0.3333333 -> "33.33333 %", -0.25 -> "-25 %"."""
    percent = (Decimal(fraction) * 100).quantize(PERCENT_PLACES).normalize()
    return f"{percent:f} %"


class PercentField(forms.DecimalField):
    """Shows a choice's fraction as a percentage and stores the fraction: "50 %" (or "50") is 0.5.

    Accepts what Moodle accepts: -100 % to 100 %, a value from Moodle's list of grades
    (100, 90, 83.33333, ..., 5, 0 and their negatives).
    """

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Share of the mark: 100 % right, 0 % wrong, negative is a penalty."))
        super().__init__(max_digits=12, decimal_places=7, **kwargs)
        self.widget.attrs.update({"class": "percent-input", "inputmode": "decimal", "size": "10"})

    def prepare_value(self, value):
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return percent_text(Decimal(value))
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip().removesuffix("%").strip().replace(",", ".")
        try:
            percent = Decimal(text)
        except InvalidOperation:
            raise ValidationError(_("Enter a percentage such as 100, 50, 0 or -25."), code="invalid") from None
        if not percent.is_finite() or abs(percent) > 100:
            raise ValidationError(_("A percentage goes from -100 % to 100 %."), code="range")
        fraction = (percent / 100).quantize(Decimal("0.0000001"))
        if not grading.is_moodle_fraction(fraction):
            allowed = ", ".join(percent_text(f).removesuffix(" %") for f in grading.MOODLE_FRACTIONS if f > 0)
            raise ValidationError(
                _("Use one of Moodle's percentages (or its negative): %(allowed)s."),
                code="moodle",
                params={"allowed": allowed},
            )
        return fraction

    def validate(self, value):
        forms.Field.validate(self, value)

    def run_validators(self, value):
        return


def _textarea(rows: int, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "cols": 40, **attrs})


def _spanish_field(label, *, rows: int) -> forms.CharField:
    return forms.CharField(label=label, required=False, strip=True, widget=_textarea(rows, lang="es"))


class TranslatedForm(forms.ModelForm):
    """A model form with a Spanish twin (`<field>_es`) for each of `translated` fields."""

    translated: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = (self.instance.translations or {}).get(SPANISH, {})
        for name in self.translated:
            field = self.fields[f"{name}_es"]
            field.initial = stored.get(name, "")
            if self.instance.pk and stored.get(name) and is_stale(self.instance, name, SPANISH):
                field.help_text = _("⚠ Older than the English: the English changed after this was translated.")
                field.widget.attrs["class"] = "translation-stale"

    def apply_translations(self, instance) -> None:
        """Write the Spanish fields into `instance.translations`; a Spanish text edited now is
        recorded as made from the English as saved."""
        translations = dict(instance.translations or {})
        spanish = dict(translations.get(SPANISH, {}))
        sources = dict(instance.translation_sources or {})
        spanish_sources = dict(sources.get(SPANISH, {}))
        for name in self.translated:
            value = self.cleaned_data.get(f"{name}_es", "")
            if not value:
                spanish.pop(name, None)
                spanish_sources.pop(name, None)
                continue
            if value != spanish.get(name):
                spanish_sources[name] = english_digest(getattr(instance, name))
            spanish[name] = value
        translations[SPANISH] = spanish
        sources[SPANISH] = spanish_sources
        if not spanish:
            translations.pop(SPANISH)
            sources.pop(SPANISH)
        instance.translations = translations
        instance.translation_sources = sources


class ChoiceForm(TranslatedForm):
    translated = CHOICE_FIELDS
    fraction = PercentField(label=_("Mark"))
    text_es = _spanish_field(_("Text (Spanish)"), rows=3)
    feedback_es = _spanish_field(_("Feedback (Spanish)"), rows=3)

    class Meta:
        model = Choice
        fields = ["position", "fraction", "text", "text_es", "feedback", "feedback_es"]
        widgets = {"text": _textarea(3), "feedback": _textarea(3), "position": forms.NumberInput(attrs={"size": 3})}

    def save(self, commit=True):
        self.apply_translations(self.instance)
        return super().save(commit)


class ChoiceInlineFormSet(forms.BaseInlineFormSet):
    """Checks the choices against the question's kind, with the rule kept in grading.py."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        choices = [
            (form.cleaned_data.get("text", ""), form.cleaned_data.get("fraction") or grading.ZERO)
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        errors = grading.fraction_errors(grading.Kind(self.instance.kind), choices)
        if errors:
            raise ValidationError(errors)


def in_consent_pathway(quiz_id) -> bool:
    """Whether a quiz is the comprehension check of a patient pathway."""
    return quiz_id is not None and Pathway.objects.filter(check_quiz_id=quiz_id).exists()


class QuestionAdminForm(TranslatedForm):
    """The question form; the admin supplies the model and fields."""

    translated = QUESTION_FIELDS
    stem_es = _spanish_field(_("Stem (Spanish)"), rows=4)
    explanation_es = _spanish_field(_("Explanation (Spanish)"), rows=6)
    translations_checked = forms.BooleanField(
        label=_("The Spanish still says what the English says"),
        required=False,
        help_text=_("Tick after checking every Spanish text against its English: their marks of age are cleared."),
    )
    confirm_consent_change = forms.BooleanField(
        label=_("I understand this changes what the next patient is taught and asked"),
        required=False,
        help_text=_("This question is part of a patient consent pathway's check."),
    )

    class Meta:
        widgets = {"stem": _textarea(4), "explanation": _textarea(6)}

    def clean_item_check_allow(self):
        """The same rules as `allow:` in a content file: known rule ids, each with a reason."""
        try:
            allowed = allow_specs(self.cleaned_data.get("item_check_allow"), "Exceptions")
        except ContentError as exc:
            raise ValidationError(str(exc)) from None
        return [asdict(a) for a in allowed]

    def clean(self):
        cleaned = super().clean()
        quiz = cleaned.get("quiz") or getattr(self.instance, "quiz", None)
        if in_consent_pathway(getattr(quiz, "pk", None)) and not cleaned.get("confirm_consent_change"):
            self.add_error(
                "confirm_consent_change",
                _("Confirm the change: the next patient will be taught and asked this version."),
            )
        return cleaned

    def save(self, commit=True):
        self.apply_translations(self.instance)
        return super().save(commit)
