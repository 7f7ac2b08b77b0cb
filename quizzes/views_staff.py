"""Clinician pages: enrolled patients, their consent education records, sign-off and access.

Every page needs a login and a permission from the clinician role. A logged-in user without
it (a trainee, a patient) gets 403; an anonymous visitor is sent to the login page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import ListView

from . import selectors, services
from .consent_content import MissingTranslation
from .forms_staff import EnrolmentForm, SignOffForm, format_code
from .models import AuditLogEntry, Enrolment
from .pdf import enrolment_access, enrolment_record, enrolment_status, record_pdf, record_report


def staff_only(perm: str):
    """Login first (anonymous visitors go to the login page), then the permission or 403."""

    def decorate(view):
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorate


def _list_row(enrolment: Enrolment, statuses: dict[str, str]) -> dict:
    record = enrolment_record(enrolment)
    status = enrolment_status(enrolment)
    return {
        "enrolment": enrolment,
        "status": status,
        "status_label": statuses[status],
        "signed_off": record is not None and getattr(record, "signoff", None) is not None,
        "access": enrolment_access(enrolment),
    }


@method_decorator([never_cache, staff_only("quizzes.review_patient")], name="dispatch")
class PatientListView(ListView):
    template_name = "quizzes/staff/patient_list.html"
    context_object_name = "enrolments"
    paginate_by = 25

    def get_queryset(self):
        status = self.request.GET.get("status", "")
        self.status = status if status in selectors.PATIENT_STATUSES else ""
        self.search = self.request.GET.get("q", "").strip()
        return selectors.enrolment_list(status=self.status or None, search=self.search)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        statuses = {key: str(label) for key, label in selectors.PATIENT_STATUSES.items()}
        context["rows"] = [_list_row(e, statuses) for e in context["enrolments"]]
        context["statuses"] = statuses
        context["status"] = self.status
        context["q"] = self.search
        return context


patient_list = PatientListView.as_view()


@never_cache
@staff_only("quizzes.enrol_patient")
def patient_new(request):
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issued = services.enrolment_create(
                label=data["label"],
                pathway=data["pathway"],
                language=data["language"],
                planned_date=data["planned_date"],
                expires_days=data["expires_days"],
                created_by=request.user,
            )
        except MissingTranslation:
            form.add_error(
                "language",
                _("This pathway is not available in the chosen language yet: some of its text is not translated."),
            )
        else:
            # Shown once, never stored in clear and never redirected to: a reload cannot show it again.
            context = {
                "enrolment": issued.enrolment,
                "pathway_title": issued.enrolment.pathway.translations.get(issued.enrolment.language, {}).get(
                    "title", issued.enrolment.pathway.title
                ),
                "link": request.build_absolute_uri(reverse("quizzes:consent_link", args=[issued.token])),
                "code": format_code(issued.code),
                "code_url": request.build_absolute_uri(reverse("quizzes:consent_code")),
            }
            return render(request, "quizzes/staff/patient_enrolled.html", context)
    return render(request, "quizzes/staff/patient_new.html", {"form": form})


@never_cache
@staff_only("quizzes.review_patient")
def patient_detail(request, pk):
    enrolment = selectors.enrolment_get_for_staff(pk=pk)
    services.audit_record(user=request.user, enrolment=enrolment, action=AuditLogEntry.Action.VIEW)
    report = record_report(enrolment)
    can_sign_off = (
        report.record is not None
        and report.record.is_completed
        and report.signoff is None
        and request.user.has_perm("quizzes.signoff_record")
    )
    context = {
        "enrolment": enrolment,
        "report": report,
        "record": report.record,
        "signoff_form": SignOffForm(enrolment_id=enrolment.pk) if can_sign_off else None,
        "can_revoke": report.access != "revoked" and request.user.has_perm("quizzes.enrol_patient"),
    }
    return render(request, "quizzes/staff/patient_detail.html", context)


@never_cache
@staff_only("quizzes.review_patient")
def patient_pdf(request, pk):
    enrolment = selectors.enrolment_get_for_staff(pk=pk)
    services.audit_record(user=request.user, enrolment=enrolment, action=AuditLogEntry.Action.PDF)
    response = HttpResponse(record_pdf(enrolment), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="consent-record-{enrolment.pk}.pdf"'
    return response


@staff_only("quizzes.signoff_record")
@require_POST
def patient_signoff(request, pk):
    enrolment = selectors.enrolment_get_for_staff(pk=pk)
    record = getattr(enrolment, "record", None)
    if record is None or not record.is_completed:
        messages.error(request, _("Only a completed record can be signed off."))
        return redirect(enrolment)
    if getattr(record, "signoff", None) is not None:
        messages.info(request, _("This record was already signed off."))
        return redirect(enrolment)
    form = SignOffForm(request.POST, enrolment_id=enrolment.pk)
    if not form.is_valid():
        messages.error(request, _("The note is too long."))
        return redirect(enrolment)
    services.record_sign_off(record=record, by=request.user, note=form.cleaned_data["note"])
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
    return render(request, "quizzes/staff/patient_revoke.html", {"enrolment": enrolment})
