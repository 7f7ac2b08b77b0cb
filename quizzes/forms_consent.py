from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from . import grading
from .forms import shown_choice_field
from .teachback import Ask


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
        self.multiple = question["kind"] == grading.Kind.MULTIPLE
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
        if not self.multiple and len(set(chosen)) > 1:
            raise forms.ValidationError(_("Please choose only one answer."))
        return chosen

    def chosen(self) -> frozenset[int]:
        return frozenset(self.cleaned_data["choice"])
