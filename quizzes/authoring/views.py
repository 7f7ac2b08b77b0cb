"""The educators' upload page: a file in, a preview of what it imports, then the import itself.

The uploaded text stays on the server, in the session under a random token, between the
preview and the confirmation: the confirmation imports that text with the options previewed
(checked by their digest), never a file sent again.
"""

import secrets
from dataclasses import asdict

from django.shortcuts import render
from django.views.decorators.http import require_POST

from ..roles import staff_only
from . import uploads
from .forms import ImportConfirmForm, ImportUploadForm
from .item_checks import FlawedQuestions
from .specs import ContentError

import_page = staff_only("quizzes.add_question")
SESSION_KEY = "question_imports"
# Previews kept at once per session (several tabs); the oldest goes first.
KEPT_PREVIEWS = 3


def _remember(request, preview: uploads.Preview) -> ImportConfirmForm:
    """Keep a preview's upload in the session; the form that confirms it."""
    token, digest = secrets.token_urlsafe(24), preview.upload.digest()
    pending = request.session.get(SESSION_KEY, {})
    pending = dict(list(pending.items())[-(KEPT_PREVIEWS - 1) :])
    pending[token] = {"upload": asdict(preview.upload), "digest": digest, "expected": list(preview.expected)}
    request.session[SESSION_KEY] = pending
    return ImportConfirmForm(initial={"token": token, "digest": digest})


def _preview_page(request, preview: uploads.Preview, *, status: int = 200, message: str = ""):
    confirm = _remember(request, preview) if preview.can_import else None
    context = {"preview": preview, "confirm": confirm, "message": message}
    return render(request, "quizzes/authoring/import_preview.html", context, status=status)


@import_page
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        return _preview_page(request, uploads.import_preview(upload=form.upload()))
    status = 400 if form.is_bound else 200
    return render(request, "quizzes/authoring/import_upload.html", {"form": form}, status=status)


@require_POST
@import_page
def import_confirm(request):
    form = ImportConfirmForm(request.POST)
    pending = request.session.get(SESSION_KEY, {})
    kept = pending.get(form.cleaned_data["token"]) if form.is_valid() else None
    upload = uploads.Upload(**kept["upload"]) if kept else None
    if upload is None or not secrets.compare_digest(upload.digest(), form.cleaned_data["digest"]):
        context = {"form": ImportUploadForm(), "expired": True}
        return render(request, "quizzes/authoring/import_upload.html", context, status=400)
    del pending[form.cleaned_data["token"]]  # a preview is imported at most once
    request.session[SESSION_KEY] = pending
    try:
        report = uploads.import_confirm(upload=upload, expected=kept["expected"])
    except (ContentError, FlawedQuestions) as exc:
        return _preview_page(request, uploads.import_preview(upload=upload), status=409, message=str(exc))
    return render(request, "quizzes/authoring/import_done.html", {"report": report, "upload": upload})
