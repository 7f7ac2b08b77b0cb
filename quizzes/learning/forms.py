"""Input for quizzes: one submission of a quiz page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..rules import grading
from ..snapshots import shown_choice_field


class QuizAnswerForm(forms.Form):
    """Parses and checks a quiz submission; scoring stays in grading.py.

    Each question's answer arrives as `q<position>` holding the values of the choices as shown
    (snapshots.shown_choices), read back here as choice ids. A value the question did not show,
    or several where one is asked for, is an error on that question. Repeated values count
    once. A question left out is unanswered.
    """

    attempt = forms.IntegerField(widget=forms.HiddenInput)
    confirm_unanswered = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, responses):
        # The questions the page sent (each sends an empty value besides its ticks); a question
        # it did not send keeps the answer saved as it was chosen (learning/answers.py).
        self.sent = {k for k in data if k.startswith("q")} if data is not None else set()
        if data is not None:
            # An empty value ("") is a question left unanswered, not an invalid choice.
            data = data.copy()
            for key in [k for k in data if k.startswith("q")]:
                data.setlist(key, [v for v in data.getlist(key) if v != ""])
        super().__init__(data)
        self.responses = list(responses)
        for response in self.responses:
            snapshot = response.snapshot
            self.fields[self.field_name(response.position)] = shown_choice_field(
                snapshot["choices"],
                required=False,
                label=_("Question %(number)s") % {"number": response.position},
                error_messages={"invalid_choice": _("That answer is not one of this question's choices.")},
            )
            self.fields[self.field_name(response.position)].kind = snapshot["kind"]

    @staticmethod
    def field_name(position: int) -> str:
        return f"q{position}"

    def clean(self):
        cleaned = super().clean()
        for response in self.responses:
            name = self.field_name(response.position)
            picked = cleaned.get(name)
            if picked and grading.too_many_chosen(response.snapshot["kind"], picked):
                self.add_error(name, _("Choose only one answer for this question."))
        return cleaned

    def answers(self) -> dict[int, frozenset[int]]:
        """Chosen choice ids by response position (valid forms only): what the page sent for a
        question, else what was saved for it as it was chosen."""
        return {
            r.position: frozenset(self.cleaned_data.get(self.field_name(r.position)) or ())
            if self.field_name(r.position) in self.sent
            else frozenset(r.chosen)
            for r in self.responses
        }

    def unanswered_count(self) -> int:
        return sum(1 for picked in self.answers().values() if not picked)

    def selected(self) -> dict[int, set[str]]:
        """What the learner had ticked, as submitted, to show the page again without losing it."""
        if not self.is_bound:
            return {}
        return {
            r.position: set(self.data.getlist(self.field_name(r.position)))
            for r in self.responses
            if self.data.getlist(self.field_name(r.position))
        }
