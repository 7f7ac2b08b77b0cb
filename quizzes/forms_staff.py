"""Forms for the clinician pages: enrolling a patient and signing off a record."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Language, Pathway
from .services.consent import DEFAULT_EXPIRY_DAYS

MAX_EXPIRY_DAYS = 60


def format_code(code: str) -> str:
    """The short code as printed for the patient: two groups of four ("ABCD-EFGH")."""
    return f"{code[:4]}-{code[4:]}"


class EnrolmentForm(forms.Form):
    """What a clinician enters to enrol a patient; the enrolment itself is made by the service."""

    label = forms.CharField(
        max_length=100,
        label=_("Patient label"),
        help_text=_(
            "A pseudonymous label you will recognise, such as initials and clinic day. "
            "Do not enter the patient's name or record number."
        ),
    )
    pathway = forms.ModelChoiceField(queryset=Pathway.objects.all(), empty_label=None, label=_("Procedure"))
    planned_date = forms.DateField(
        required=False,
        label=_("Planned date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    language = forms.ChoiceField(
        choices=Language.choices,
        initial=Language.ENGLISH,
        widget=forms.RadioSelect,
        label=_("Preferred language"),
    )
    expires_days = forms.IntegerField(
        min_value=1,
        max_value=MAX_EXPIRY_DAYS,
        initial=DEFAULT_EXPIRY_DAYS,
        label=_("Access expires after (days)"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pathways = list(self.fields["pathway"].queryset[:2])
        if len(pathways) == 1:
            self.fields["pathway"].initial = pathways[0].pk
        self.helper = FormHelper(self)
        self.helper.add_input(Submit("submit", _("Enrol and show the access code")))


class SignOffForm(forms.Form):
    """The clinician confirms the record was reviewed with the patient."""

    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Note (optional)"),
        help_text=_("For example what you discussed. No names or record numbers."),
    )

    def __init__(self, *args, enrolment_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_action = reverse("quizzes:patient_signoff", args=[enrolment_id])
        self.helper.add_input(Submit("submit", _("Reviewed with the patient")))
