"""Site-wide views that belong to no part of the app."""

from django.db import DatabaseError, connection
from django.http import HttpResponseServerError, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

from quizzes.consent.patient_views import error_page, in_pathway


@require_GET
@never_cache
def healthz(request):
    """For load balancers and monitoring: 200 when the database answers, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


# Error pages (kyphoquiz/urls.py names them): in the site's look and the visitor's language;
# in the patient's part of the site, in the patient's look, leading back to their lessons.


@requires_csrf_token
def permission_denied(request, exception=None):
    return error_page(request, status=403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return error_page(request, status=404)


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token (open too long, cookies blocked): the 403 page, saying so."""
    return error_page(request, status=403, csrf_failed=True)


def server_error(request):
    """The 500 page. Like Django's own, it is rendered without a request context (no database,
    no context processors: whatever failed is not touched again); it knows only the address."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"in_pathway": in_pathway(request.path)}))
