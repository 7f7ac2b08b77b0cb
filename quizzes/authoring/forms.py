"""Input for the educators' upload page: the file with its options, and the confirmation of a preview."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Quiz
from .imports import FILE_FORMATS
from .uploads import Upload

# Large enough for a bank of a few thousand questions; the text is kept in the session until confirmed.
MAX_UPLOAD_BYTES = 512 * 1024
FORMAT_LABELS = {"gift": _("GIFT (Moodle)"), "aiken": _("Aiken"), "json": _("JSON (KyphoQuiz exchange format)")}


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Question file"), help_text=_("UTF-8 text, at most 512 KB."))
    file_format = forms.ChoiceField(label=_("Format"), choices=[(f, FORMAT_LABELS[f]) for f in FILE_FORMATS])
    quiz = forms.ModelChoiceField(
        label=_("Import into"),
        queryset=Quiz.objects.order_by("title"),
        to_field_name="slug",
        required=False,
        empty_label=_("A new quiz (give its slug below)"),
    )
    new_quiz = forms.SlugField(
        label=_("New quiz's slug"),
        required=False,
        help_text=_("Only for a new quiz: lower-case words joined by hyphens. It is created unpublished."),
    )
    strict = forms.BooleanField(
        label=_("Refuse the file if it holds a question type we do not support"),
        required=False,
        help_text=_("Otherwise short answer, numerical, matching, essay and description questions are skipped."),
    )
    allow_flaws = forms.BooleanField(
        label=_("Import with flaws"),
        required=False,
        help_text=_("Import even when the item-writing check finds errors (they are still listed)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.add_input(Submit("preview", _("Preview the import")))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)d KB; the limit is %(limit)d KB. Split it into smaller files."),
                params={"size": -(-upload.size // 1024), "limit": MAX_UPLOAD_BYTES // 1024},
            )
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text. Save it as UTF-8 and try again.")) from None

    def clean(self):
        data = super().clean()
        quiz, new_quiz = data.get("quiz"), data.get("new_quiz")
        if quiz is None and not new_quiz:
            self.add_error("new_quiz", _("Choose a quiz, or give the slug of a new one."))
        elif quiz is not None and new_quiz:
            self.add_error("new_quiz", _("Leave this empty when you choose an existing quiz."))
        elif new_quiz and Quiz.objects.filter(slug=new_quiz).exists():
            self.add_error("new_quiz", _("A quiz with this slug exists: choose it in the list above."))
        return data

    def upload(self) -> Upload:
        """The file's text with the options chosen (call after is_valid)."""
        data = self.cleaned_data
        return Upload(
            text=data["file"],
            file_format=data["file_format"],
            quiz_slug=data["quiz"].slug if data["quiz"] else data["new_quiz"],
            create=data["quiz"] is None,
            strict=data["strict"],
            allow_flaws=data["allow_flaws"],
        )


class ImportConfirmForm(forms.Form):
    """Which preview to import: its token, and the digest of the text and options it showed."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_action = "quizzes:import_confirm"
        self.helper.add_input(Submit("confirm", _("Import these questions")))
