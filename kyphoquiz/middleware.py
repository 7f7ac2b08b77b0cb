"""The site's own middleware: django-csp's, with a fixed policy for JSON answers."""

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware

# A JSON answer (an answer save) loads nothing and is shown in no frame: the strictest policy,
# written once, instead of building the pages' policy from the settings on every save.
JSON_POLICY = "default-src 'none'; frame-ancestors 'none'"


class CSPMiddleware(DjangoCSPMiddleware):
    """django-csp's middleware; JSON answers get `JSON_POLICY`, every other answer the settings'."""

    def process_response(self, request, response):
        if (
            response.get("Content-Type", "").startswith("application/json")
            and HEADER not in response
            and not getattr(response, "_csp_exempt", False)
            and getattr(request, "_csp_nonce", None) is None
        ):
            response[HEADER] = JSON_POLICY
            # As django-csp does: a nonce asked for after the header is written is an error.
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
            return response
        return super().process_response(request, response)
