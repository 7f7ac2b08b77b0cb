"""Input for consent education: the patient's code and answers, and the clinician's enrolment and sign-off."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..models import Language, Pathway
from ..rules import grading
from ..rules.teachback import Ask
from ..snapshots import shown_choice_field
from .services import DEFAULT_EXPIRY_DAYS


class ConsentCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Your code"),
        max_length=20,
        help_text=_("Eight letters and numbers from the paper your clinic gave you."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.add_input(Submit("submit", _("Start"), css_class="btn-lg w-100"))

    def refuse(self, *, tries_left: int | None, pause_minutes: int) -> None:
        """The code opened nothing: say so under the box, which keeps what was typed.

        Wrong, expired and revoked codes all get these words, so a guess learns nothing.
        """
        self.add_error("code", _("That code does not match. Check the letters and numbers and try again."))
        if tries_left is not None:
            self.add_error(
                "code",
                ngettext(
                    "%(count)d try left. After that, you will need to wait %(minutes)d minutes.",
                    "%(count)d tries left. After that, you will need to wait %(minutes)d minutes.",
                    tries_left,
                )
                % {"count": tries_left, "minutes": pause_minutes},
            )


def ask_token(record_id: int, ask: Ask) -> str:
    """An opaque stamp of the question being asked, so a stale or doubled POST can be told apart
    without putting question names (which can hint at the answer) in the page."""
    return salted_hmac("consent-ask", f"{record_id}:{ask.slot}:{ask.question}:{ask.round}").hexdigest()[:20]


class ConsentAnswerForm(forms.Form):
    """One answer on the comprehension check, for the question being asked now."""

    ask = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, data=None, *, question, choices, token: str):
        """`choices`: the question's choices in the order shown; the page sends back their values."""
        super().__init__(data, initial={"ask": token})
        self.token = token
        self.kind = question["kind"]
        self.multiple = self.kind == grading.Kind.MULTIPLE
        self.fields["choice"] = shown_choice_field(
            choices,
            error_messages={
                "required": _("Please choose an answer."),
                "invalid_choice": _("Please choose one of the answers shown."),
            },
        )

    def is_stale(self) -> bool:
        """The POST answers another question than the one asked now (a double click, an old tab)."""
        return self.is_bound and self.data.get("ask") != self.token

    def clean_choice(self):
        chosen = self.cleaned_data["choice"]
        if grading.too_many_chosen(self.kind, chosen):
            raise forms.ValidationError(_("Please choose only one answer."))
        return chosen

    def chosen(self) -> frozenset[int]:
        return frozenset(self.cleaned_data["choice"])


# Clinician pages -------------------------------------------------------------------------------

MAX_EXPIRY_DAYS = 60


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
