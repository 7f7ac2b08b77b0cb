from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend


class EnrolmentBackend(BaseBackend):
    """Signs a patient in with the link token or short code from their enrolment, no password.

    It goes through `authenticate()` so that django-axes counts and throttles wrong guesses
    exactly as it does for passwords.
    """

    def authenticate(self, request, consent_token=None, consent_code=None, **kwargs):
        if not consent_token and not consent_code:
            return None
        from .services import enrolment_authenticate

        enrolment = enrolment_authenticate(token=consent_token, code=consent_code)
        return enrolment.user if enrolment is not None else None

    def get_user(self, user_id):
        return get_user_model().objects.filter(pk=user_id, is_active=True).first()
