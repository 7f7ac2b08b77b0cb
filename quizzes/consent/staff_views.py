"""Clinician pages: enrolled patients, their consent education records, sign-off and access.

Every page needs a login and a permission from the clinician role. A logged-in user without
it (a trainee, a patient) gets 403; an anonymous visitor is sent to the login page.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import ListView

from ..models import AuditLogEntry
from ..roles import staff_only
from . import record, selectors, services
from .forms import EnrolmentForm, SignOffForm
from .frozen import MissingTranslation


@method_decorator([never_cache, staff_only("quizzes.review_patient")], name="dispatch")
class PatientListView(ListView):
    template_name = "quizzes/consent/staff/patient_list.html"
    context_object_name = "enrolments"
    paginate_by = 25

    def get_queryset(self):
        # No filter chosen yet: the records awaiting sign-off. An empty one ("Any status") shows all.
        status = self.request.GET.get("status", selectors.AWAITING_SIGNOFF)
        self.status = status if status in selectors.LIST_FILTERS else ""
        # PostgreSQL refuses NUL in a text query (a server error): it can be in no label anyway.
        self.search = self.request.GET.get("q", "").replace("\x00", "").strip()
        return selectors.enrolment_list(status=self.status or None, search=self.search)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = [record.list_row(e) for e in context["enrolments"]]
        context["statuses"] = {key: str(label) for key, label in selectors.LIST_FILTERS.items()}
        context["status"] = self.status
        context["q"] = self.search
        return context


patient_list = PatientListView.as_view()


@never_cache
@staff_only("quizzes.enrol_patient")
def patient_new(request):
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.enrolment_create(**form.cleaned_data, created_by=request.user)
        except MissingTranslation:
            form.add_error(
                "language",
                _("This pathway is not available in the chosen language yet: some of its text is not translated."),
            )
        else:
            # Shown once, never stored in clear and never redirected to: a reload cannot show it again.
            context = selectors.access_sheet(issued=issued, absolute_url=request.build_absolute_uri)
            return render(request, "quizzes/consent/staff/patient_enrolled.html", context)
    return render(request, "quizzes/consent/staff/patient_new.html", {"form": form})


@never_cache
@staff_only("quizzes.review_patient")
def patient_detail(request, pk):
    enrolment = selectors.enrolment_get_for_staff(pk=pk)
    services.audit_record(user=request.user, enrolment=enrolment, action=AuditLogEntry.Action.VIEW)
    report = record.record_report(enrolment)
    can_sign_off = services.sign_off_refusal(report.record) is None and request.user.has_perm("quizzes.signoff_record")
    context = {
        "enrolment": enrolment,
        "report": report,
        "record": report.record,
        "signoff_form": SignOffForm(enrolment_id=enrolment.pk) if can_sign_off else None,
        "can_revoke": report.access != "revoked" and request.user.has_perm("quizzes.enrol_patient"),
    }
    return render(request, "quizzes/consent/staff/patient_detail.html", context)


@never_cache
@staff_only("quizzes.review_patient")
def patient_pdf(request, pk):
    enrolment = selectors.enrolment_get_for_staff(pk=pk)
    services.audit_record(user=request.user, enrolment=enrolment, action=AuditLogEntry.Action.PDF)
    # WeasyPrint takes about half a second to import: only a process that serves a PDF pays it.
    from .pdf import record_pdf

    response = HttpResponse(record_pdf(enrolment), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="consent-record-{enrolment.pk}.pdf"'
    return response


@staff_only("quizzes.signoff_record")
@require_POST
def patient_signoff(request, pk):
    enrolment = selectors.enrolment_get_for_staff(pk=pk)
    patient_record = getattr(enrolment, "record", None)
    refusal = services.sign_off_refusal(patient_record)
    form = SignOffForm(request.POST, enrolment_id=enrolment.pk)
    if refusal is not None:
        messages.error(request, refusal)
    elif not form.is_valid():
        messages.error(request, _("The note is too long."))
    else:
        services.record_sign_off(record=patient_record, by=request.user, note=form.cleaned_data["note"])
        messages.success(request, _("Signed off: reviewed with the patient."))
    return redirect(enrolment)


@never_cache
@staff_only("quizzes.enrol_patient")
@require_http_methods(["GET", "POST"])
def patient_revoke(request, pk):
    """GET asks to confirm; POST ends the patient's access (their record stays)."""
    enrolment = selectors.enrolment_get_for_staff(pk=pk)
    if request.method == "POST":
        services.enrolment_revoke(enrolment=enrolment, by=request.user)
        messages.success(request, _("Access revoked: the link and the code no longer work."))
        return redirect(enrolment)
    return render(request, "quizzes/consent/staff/patient_revoke.html", {"enrolment": enrolment})


@staff_only("quizzes.enrol_patient")
@require_POST
def patient_lockout_lift(request, pk):
    """Let codes be typed again now from every address paused after too many wrong ones."""
    enrolment = selectors.enrolment_get_for_staff(pk=pk)
    if services.code_pauses_lift(enrolment=enrolment, by=request.user):
        messages.success(request, _("Done: the patient can type their code again now."))
    else:
        messages.info(request, _("Nothing was paused: the patient can type their code now."))
    return redirect(enrolment)
