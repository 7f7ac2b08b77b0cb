"""Input for self-tests: the test builder, and one question's answer as posted."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import SelfTest
from ..rules.taking import Action
from .services import MAX_QUESTIONS


class SelfTestBuilderForm(forms.Form):
    """What a custom test holds; the pool's size is checked when the test is drawn."""

    topics = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label=_("Topics"),
        error_messages={"required": _("Choose at least one topic.")},
    )
    count = forms.IntegerField(
        label=_("Number of questions"),
        min_value=1,
        max_value=MAX_QUESTIONS,
        initial=20,
        help_text=_("From 1 to %(max)s.") % {"max": MAX_QUESTIONS},
    )
    pool = forms.ChoiceField(
        label=_("Which questions"), choices=SelfTest.Pool.choices, initial=SelfTest.Pool.ALL, widget=forms.RadioSelect
    )
    mode = forms.ChoiceField(
        label=_("Mode"), choices=SelfTest.Mode.choices, initial=SelfTest.Mode.TUTOR, widget=forms.RadioSelect
    )
    seconds_per_question = forms.IntegerField(
        label=_("Seconds per question (timed mode)"),
        min_value=10,
        max_value=600,
        initial=90,
        help_text=_("From 10 to 600. Tutor mode has no time limit."),
    )

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        # The bank's topics, already loaded with their question counts.
        self.topics_by_id = {t.pk: t for t in topics}
        self.fields["topics"].choices = [(t.pk, f"{t.title} ({t.question_count})") for t in topics]
        self.initial.setdefault("topics", list(self.topics_by_id))
        self.helper = FormHelper(self)
        self.helper.layout = Layout(
            Field("topics"),
            Div(
                Div(Field("count"), css_class="col-sm-6"),
                Div(Field("seconds_per_question"), css_class="col-sm-6"),
                css_class="row",
            ),
            Field("pool"),
            Field("mode"),
        )
        self.helper.add_input(Submit("submit", _("Start the test"), css_class="btn-lg"))

    def clean_topics(self):
        """The chosen Topic objects."""
        return [self.topics_by_id[pk] for pk in self.cleaned_data["topics"]]


class SelfTestAnswerForm(forms.Form):
    """One question's answer and the navigation that came with it.

    The answer arrives as `q<position>` (the quiz page's field name): the values of the choices
    as shown (snapshots.shown_choices), with an empty value that is always sent so that
    "nothing ticked" can be told from "not sent". The service reads them back as choice ids
    from the test's answer sheet, and refuses any value the question did not show.
    """

    Action = Action

    position = forms.IntegerField(min_value=1, max_value=MAX_QUESTIONS)
    action = forms.ChoiceField(
        required=False,
        choices=[(a, a) for a in Action.ALL],
    )
    goto = forms.IntegerField(required=False, min_value=1, max_value=MAX_QUESTIONS)
    flag = forms.TypedChoiceField(required=False, choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")

    def clean(self):
        cleaned = super().clean()
        position = cleaned.get("position")
        key = f"q{position}"
        self.shown_values = None
        if position is not None and key in self.data:
            self.shown_values = frozenset(v for v in self.data.getlist(key) if v != "")
        return cleaned

    def shown(self) -> frozenset[str] | None:
        """The values of the choices ticked; None when the question's field was not sent at all."""
        return self.shown_values

    def flagged(self) -> bool | None:
        """The flag to set, or None to leave it."""
        value = self.cleaned_data.get("flag")
        return None if value in (None, "") else value

    def pressed(self) -> str:
        """The button pressed ("" when the script saved a choice as it was made)."""
        return self.cleaned_data.get("action") or ""

    def error_message(self) -> str:
        """What to tell the trainee when the post could not be read."""
        errors = self.non_field_errors()
        return errors[0] if errors else _("That answer could not be read. Please choose again.")

    def answer(self) -> dict:
        """What the save service takes from this post: the question, the choices ticked as the
        page showed them, the flag, and whether the choice only waits to be checked (tutor
        mode: only "Check answer" marks it; saved as it is made, or carried along by another
        button, it is kept until checked or the test ends)."""
        return {
            "position": self.cleaned_data["position"],
            "shown": self.shown(),
            "flagged": self.flagged(),
            "pending": self.pressed() != Action.CHECK,
        }
