"""Admin pages for learners' records: attempts (read only) and lesson progress."""

from django.contrib import admin

from ..models import Attempt, LessonProgress, Response


class ResponseInline(admin.TabularInline):
    model = Response
    extra = 0
    can_delete = False
    fields = ["position", "question", "question_version", "chosen", "mark"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    """Results are records: readable here, never edited."""

    list_display = ["user", "quiz", "started_at", "submitted_at", "score", "passed"]
    list_filter = ["quiz", "passed"]
    list_select_related = ["user", "quiz"]
    search_fields = ["user__username", "quiz__title"]
    date_hierarchy = "started_at"
    inlines = [ResponseInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LessonProgress)
class LessonProgressAdmin(admin.ModelAdmin):
    list_display = ["user", "lesson", "first_viewed_at", "last_viewed_at"]
    list_select_related = ["user", "lesson"]
    search_fields = ["user__username", "lesson__title"]

    def has_change_permission(self, request, obj=None):
        return False
