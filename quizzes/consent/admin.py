"""Admin for consent education: pathways are edited here; patient data is only looked at.

Enrolments are made through `services.enrolment_create` (clinician page or `enrol_patient`),
records by the patient's pathway, sign-offs by the clinician page; none can be added, edited
or deleted here, so the admin cannot bypass the audit log or change a completed record.
"""

from django.contrib import admin

from ..authoring.fields import JSON_FIELD_OVERRIDES, StorableAutocompleteMixin
from ..models import AuditLogEntry, ConsentRecord, Enrolment, Pathway, PathwayStep, RecordEvent, SignOff


class ReadOnlyAdminMixin:
    """View permission only, whatever the user's other permissions."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PathwayStepInline(StorableAutocompleteMixin, admin.TabularInline):
    model = PathwayStep
    extra = 0
    ordering = ["position"]
    autocomplete_fields = ["lesson"]


@admin.register(Pathway)
class PathwayAdmin(admin.ModelAdmin):
    formfield_overrides = JSON_FIELD_OVERRIDES
    list_display = ["title", "slug", "check_quiz", "max_rounds"]
    list_select_related = ["check_quiz"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PathwayStepInline]


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["label", "pathway", "language", "created_at", "expires_at", "revoked_at"]
    list_filter = ["language", "pathway"]
    list_select_related = ["pathway"]
    search_fields = ["label"]
    date_hierarchy = "created_at"
    # The token and code hashes are never shown.
    fields = readonly_fields = [
        "label",
        "pathway",
        "language",
        "planned_date",
        "user",
        "created_by",
        "created_at",
        "expires_at",
        "revoked_at",
    ]


class RecordEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RecordEvent
    extra = 0
    fields = readonly_fields = ["at", "kind", "lesson", "question", "slot", "round", "chosen", "correct"]


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["enrolment", "language", "status", "score", "rounds_used", "started_at", "completed_at"]
    list_filter = ["status", "language"]
    list_select_related = ["enrolment"]
    search_fields = ["enrolment__label"]
    date_hierarchy = "started_at"
    fields = readonly_fields = [
        "enrolment",
        "language",
        "status",
        "score",
        "pass_mark",
        "rounds_used",
        "max_rounds",
        "discussion_points",
        "started_at",
        "completed_at",
        "content_hash",
        "content",
    ]
    inlines = [RecordEventInline]


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["record", "by", "at"]
    list_select_related = ["record__enrolment", "by"]
    search_fields = ["record__enrolment__label", "by__username"]
    fields = readonly_fields = ["record", "by", "at", "note"]


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "user", "action", "enrolment"]
    list_filter = ["action", ("user", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "enrolment"]
    search_fields = ["enrolment__label", "user__username"]
    date_hierarchy = "at"
    fields = readonly_fields = ["at", "user", "action", "enrolment"]
