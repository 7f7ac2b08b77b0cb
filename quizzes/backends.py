from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


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


class ModelBackend(DjangoModelBackend):
    """Django's ModelBackend, reading a user's own and group permissions in one query, not two.

    Every learner page checks a permission, so this is one query less on each of them.
    """

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            perms = Permission.objects.all()
            if not user_obj.is_superuser:
                perms = perms.filter(Q(user=user_obj) | Q(group__user=user_obj))
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in perms.values_list("content_type__app_label", "codename").distinct()
            }
        return user_obj._perm_cache
