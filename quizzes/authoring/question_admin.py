"""The question editor in the admin: English and Spanish side by side, marks as percentages,
the item-writing check, versions with their differences, and a preview as learners see it."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Choice, Question, QuestionVersion
from ..rules import grading
from .editor_forms import ChoiceForm, ChoiceInlineFormSet, QuestionAdminForm, in_consent_pathway
from .fields import JSON_FIELD_OVERRIDES, StorableAutocompleteMixin
from .item_checks import question_check
from .preview import preview_context
from .services import translations_checked_save
from .versions import question_version_save, version_diff


class ChoiceInline(admin.StackedInline):
    formfield_overrides = JSON_FIELD_OVERRIDES
    model = Choice
    form = ChoiceForm
    formset = ChoiceInlineFormSet
    extra = 0
    fieldsets = [(None, {"fields": [("position", "fraction"), ("text", "text_es"), ("feedback", "feedback_es")]})]
    classes = ["choice-inline"]


def tick_everything_warning(question: Question) -> str:
    """What an educator should know when ticking every choice earns marks; empty when it does not."""
    fractions = [c.fraction for c in question.choices.all()]
    mark = grading.everything_scores(grading.Kind(question.kind), fractions, grading.Scoring(question.scoring))
    if mark <= 0:
        return ""
    return _(
        "Ticking every choice earns %(percent)s %% of the mark. Give the wrong choices negative "
        "percentages, or choose all-or-nothing scoring."
    ) % {"percent": f"{(mark * 100).normalize():f}"}


@admin.register(Question)
class QuestionAdmin(StorableAutocompleteMixin, admin.ModelAdmin):
    formfield_overrides = JSON_FIELD_OVERRIDES
    form = QuestionAdminForm
    change_form_template = "admin/quizzes/question/change_form.html"
    list_display = ["stem_start", "quiz", "topic", "version", "item_check_count"]
    list_display_links = ["stem_start"]
    list_filter = ["quiz", "kind", "topic", "difficulty"]
    list_select_related = ["quiz", "topic"]
    search_fields = ["name", "stem", "explanation", "source"]
    autocomplete_fields = ["section"]
    readonly_fields = ["version", "version_history", "item_check_findings", "scoring_check"]
    inlines = [ChoiceInline]

    class Media:
        css = {"all": ["css/question-editor.css"]}

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["quiz", ("name", "position"), ("kind", "scoring"), "scoring_check"]}),
            (None, {"fields": [("topic", "difficulty"), "section", "source"]}),
            (
                gettext_lazy("Text: English and Spanish"),
                {"fields": [("stem", "stem_es"), ("explanation", "explanation_es"), "translations_checked"]},
            ),
            (gettext_lazy("Consent pathway"), {"fields": [("critical", "practice"), "point"]}),
            (
                gettext_lazy("Checks and versions"),
                {"fields": ["item_check_findings", "item_check_allow", "version", "version_history"]},
            ),
        ]
        if obj is None or in_consent_pathway(obj.quiz_id):
            fieldsets.append((gettext_lazy("Patients"), {"fields": ["confirm_consent_change"]}))
        return fieldsets

    def get_queryset(self, request):
        # The findings column checks every listed question's choices: fetch them in one query.
        return super().get_queryset(request).prefetch_related("choices")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/preview/", view(self.preview_view), name="quizzes_question_preview"),
            path("<int:object_id>/versions/", view(self.versions_view), name="quizzes_question_versions"),
            *super().get_urls(),
        ]

    # The list ---------------------------------------------------------------------------------

    @admin.display(description=gettext_lazy("Question"), ordering="stem")
    def stem_start(self, question):
        return Truncator(question.stem).chars(90)

    @admin.display(description=gettext_lazy("Item-writing findings"))
    def item_check_count(self, question):
        report = question_check(question)
        if not report.errors:
            return report.warnings
        return f"{report.errors + report.warnings} ({report.errors} error{'s' if report.errors != 1 else ''})"

    # Read-only parts of the page --------------------------------------------------------------

    @admin.display(description=gettext_lazy("Item-writing check"))
    def item_check_findings(self, question):
        """What check_questions finds in this question as saved, in each language, with the hints."""
        if question.pk is None:
            return _("Save the question to check it.")
        report = question_check(question)
        if not any(check.findings for check in report.checks):
            return _("No item-writing flaws found.")
        items = format_html_join(
            "",
            "<li><strong>{}</strong> {} [{}]: {}<br><small>{}</small></li>",
            (
                (finding.severity.value, finding.rule, check.language, finding.message, finding.hint)
                for check, finding in report.findings()
            ),
        )
        return format_html('<ul class="item-check-findings">{}</ul>', items)

    @admin.display(description=gettext_lazy("Scoring check"))
    def scoring_check(self, question):
        warning = tick_everything_warning(question) if question.pk else ""
        return format_html('<p class="scoring-warning">⚠ {}</p>', warning) if warning else "-"

    @admin.display(description=gettext_lazy("Versions"))
    def version_history(self, question):
        if question.pk is None:
            return "-"
        count = question.versions.count()
        url = reverse("admin:quizzes_question_versions", args=[question.pk])
        return format_html('<a href="{}">{}</a>', url, _("%(count)s versions: see them and compare") % {"count": count})

    # Saving -------------------------------------------------------------------------------------

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        question = form.instance
        if form.cleaned_data.get("translations_checked"):
            translations_checked_save(question=question)
        before = question.version
        version = question_version_save(question=question, user=request.user)
        question.version = version.number
        if change:
            # load_content and imports compare against the file's hash: an admin edit always differs.
            Question.objects.filter(pk=question.pk).update(content_hash="")
        if version.number != before:
            messages.info(
                request,
                _(
                    "Learners had answered version %(old)s, so this is now version %(new)s; their answers keep the old one."
                )
                % {"old": before, "new": version.number},
            )
        warning = tick_everything_warning(Question.objects.prefetch_related("choices").get(pk=question.pk))
        if warning:
            messages.warning(request, warning)

    # Versions and preview -----------------------------------------------------------------------

    def _question_or_403(self, request, object_id) -> Question:
        question = get_object_or_404(Question.objects.select_related("quiz", "topic", "section__lesson"), pk=object_id)
        if not self.has_view_permission(request, question):
            raise PermissionDenied
        return question

    def versions_view(self, request, object_id):
        question = self._question_or_403(request, object_id)
        versions = list(QuestionVersion.objects.filter(question=question).select_related("saved_by"))
        by_number = {v.number: v for v in versions}
        diff = None
        if len(versions) > 1:
            old = by_number.get(_int(request.GET.get("old")), versions[1])
            new = by_number.get(_int(request.GET.get("new")), versions[0])
            diff = version_diff(old=old, new=new)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Versions of %(question)s") % {"question": Truncator(question.stem).chars(60)},
            "question": question,
            "versions": versions,
            "diff": diff,
        }
        return TemplateResponse(request, "admin/quizzes/question/versions.html", context)

    def preview_view(self, request, object_id):
        question = self._question_or_403(request, object_id)
        question = (
            Question.objects.prefetch_related("choices")
            .select_related("quiz", "topic", "section__lesson")
            .get(pk=question.pk)
        )
        chosen = {_int(v) for v in request.GET.getlist("chosen")} - {None}
        return render(request, "admin/quizzes/question/preview.html", preview_context(question, chosen=chosen))


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
