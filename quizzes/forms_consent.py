from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from . import grading
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


class ConsentAnswerForm(forms.Form):
    """One answer on the comprehension check; the ask it answers travels with it."""

    slot = forms.SlugField(widget=forms.HiddenInput)
    question = forms.SlugField(widget=forms.HiddenInput)
    round = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, data=None, *, question, ask: Ask):
        super().__init__(data, initial={"slot": ask.slot, "question": ask.question, "round": ask.round})
        self.multiple = question["kind"] == grading.Kind.MULTIPLE
        self.fields["choice"] = forms.TypedMultipleChoiceField(
            choices=[(str(c["id"]), c["text"]) for c in question["choices"]],
            coerce=int,
            error_messages={
                "required": _("Please choose an answer."),
                "invalid_choice": _("Please choose one of the answers shown."),
            },
        )

    def clean_choice(self):
        chosen = self.cleaned_data["choice"]
        if not self.multiple and len(set(chosen)) > 1:
            raise forms.ValidationError(_("Please choose only one answer."))
        return chosen

    def ask(self) -> Ask:
        return Ask(
            slot=self.cleaned_data["slot"], question=self.cleaned_data["question"], round=self.cleaned_data["round"]
        )

    def chosen(self) -> frozenset[int]:
        return frozenset(self.cleaned_data["choice"])
