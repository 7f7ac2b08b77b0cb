"""Admin pages for authoring: topics, lessons and their sections, quizzes; questions and their
choices have their editor in `question_admin`."""

from django.contrib import admin

from ..models import Lesson, LessonSection, Question, Quiz, Topic
from .fields import JSON_FIELD_OVERRIDES
from .question_admin import QuestionAdmin


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


__all__ = ["QuestionAdmin"]
