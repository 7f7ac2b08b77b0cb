"""Admin pages for authoring: topics, lessons and their sections, quizzes, questions and choices."""

from dataclasses import asdict

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join

from ..models import Choice, Lesson, LessonSection, Question, Quiz, Topic
from ..rules import grading
from .fields import JSON_FIELD_OVERRIDES, StorableAutocompleteMixin
from .item_checks import question_check
from .specs import ContentError, allow_specs


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    formfield_overrides = JSON_FIELD_OVERRIDES
    list_display = ["title", "slug"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}


class LessonSectionInline(admin.StackedInline):
    formfield_overrides = JSON_FIELD_OVERRIDES
    model = LessonSection
    extra = 0
    fields = ["position", "slug", "title", "body"]


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    formfield_overrides = JSON_FIELD_OVERRIDES
    list_display = ["title", "audience", "topic", "position", "updated_at"]
    list_filter = ["audience", "topic"]
    list_select_related = ["topic"]
    search_fields = ["title", "slug", "summary", "sections__body"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [LessonSectionInline]


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


class ChoiceInline(admin.TabularInline):
    formfield_overrides = JSON_FIELD_OVERRIDES
    model = Choice
    formset = ChoiceInlineFormSet
    extra = 0
    fields = ["position", "text", "fraction", "feedback"]


class QuestionAdminForm(forms.ModelForm):
    """The question form; the admin supplies the model and fields."""

    def clean_item_check_allow(self):
        """The same rules as `allow:` in a content file: known rule ids, each with a reason."""
        try:
            allowed = allow_specs(self.cleaned_data.get("item_check_allow"), "Exceptions")
        except ContentError as exc:
            raise ValidationError(str(exc)) from None
        return [asdict(a) for a in allowed]


@admin.register(Question)
class QuestionAdmin(StorableAutocompleteMixin, admin.ModelAdmin):
    formfield_overrides = JSON_FIELD_OVERRIDES
    form = QuestionAdminForm
    list_display = ["name", "quiz", "kind", "topic", "difficulty", "version", "item_check_count"]
    list_filter = ["quiz", "kind", "topic", "difficulty"]
    list_select_related = ["quiz", "topic"]
    search_fields = ["name", "stem", "explanation", "source"]
    autocomplete_fields = ["section"]
    readonly_fields = ["version", "item_check_findings"]
    inlines = [ChoiceInline]

    def get_queryset(self, request):
        # The findings column checks every listed question's choices: fetch them in one query.
        return super().get_queryset(request).prefetch_related("choices")

    @admin.display(description="Item-writing findings")
    def item_check_count(self, question):
        report = question_check(question)
        if not report.errors:
            return report.warnings
        return f"{report.errors + report.warnings} ({report.errors} error{'s' if report.errors != 1 else ''})"

    @admin.display(description="Item-writing check")
    def item_check_findings(self, question):
        """What check_questions finds in this question as saved, in each language, with the hints."""
        if question.pk is None:
            return "Save the question to check it."
        report = question_check(question)
        if not any(check.findings for check in report.checks):
            return "No item-writing flaws found."
        items = format_html_join(
            "",
            "<li><strong>{}</strong> {} [{}]: {}<br><small>{}</small></li>",
            (
                (finding.severity.value, finding.rule, check.language, finding.message, finding.hint)
                for check, finding in report.findings()
            ),
        )
        return format_html('<ul class="item-check-findings">{}</ul>', items)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Any edit made here may change what learners see: open attempts restart with the new text.
        if change:
            question = form.instance
            question.version += 1
            question.content_hash = ""
            question.save(update_fields=["version", "content_hash"])


@admin.register(LessonSection)
class LessonSectionAdmin(admin.ModelAdmin):
    formfield_overrides = JSON_FIELD_OVERRIDES
    list_display = ["title", "lesson", "position"]
    list_select_related = ["lesson"]
    search_fields = ["title", "lesson__title", "body"]


class QuestionInline(admin.TabularInline):
    formfield_overrides = JSON_FIELD_OVERRIDES
    model = Question
    extra = 0
    fields = ["position", "name", "kind", "stem", "topic", "difficulty"]
    show_change_link = True


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    formfield_overrides = JSON_FIELD_OVERRIDES
    list_display = ["title", "audience", "pass_mark", "is_published", "position"]
    list_filter = ["audience", "is_published"]
    search_fields = ["title", "slug", "description"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["lessons"]
    inlines = [QuestionInline]
