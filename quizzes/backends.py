import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.auth.models import Permission
from django.core.cache import cache
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


# How long a worker may go on using a cached user or permission set. Saving the user or changing
# a role outdates them at once; with a per-process cache, other workers catch up within this.
PERMISSIONS_SECONDS = 60
_GENERATION_KEY = "perms:generation"


def user_cache_key(user_id) -> str:
    return f"user:{user_id}"


def permissions_changed() -> None:
    """Outdate every cached permission set (a role, group or permission changed)."""
    cache.set(_GENERATION_KEY, secrets.token_hex(8), None)


class ModelBackend(DjangoModelBackend):
    """Django's ModelBackend, with the signed-in user and their permissions cached.

    Every learner page loads the user and checks a permission; with both cached, a page
    usually needs neither query.
    """

    def get_user(self, user_id):
        """The signed-in user, from the cache when it holds them (dropped on every save of the user)."""
        key = user_cache_key(user_id)
        user = cache.get(key)
        if user is None:
            user = super().get_user(user_id)
            if user is not None:
                cache.set(key, user, PERMISSIONS_SECONDS)
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            key = f"perms:{user_obj.pk}:{int(user_obj.is_superuser)}"
            found = cache.get_many([key, _GENERATION_KEY])
            generation, entry = found.get(_GENERATION_KEY), found.get(key)
            if generation is not None and entry is not None and entry[0] == generation:
                user_obj._perm_cache = entry[1]
            else:
                if generation is None:
                    cache.add(_GENERATION_KEY, secrets.token_hex(8), None)
                    generation = cache.get(_GENERATION_KEY)
                user_obj._perm_cache = self._read_permissions(user_obj)
                cache.set(key, (generation, user_obj._perm_cache), PERMISSIONS_SECONDS)
        return user_obj._perm_cache

    @staticmethod
    def _read_permissions(user_obj) -> set[str]:
        perms = Permission.objects.all()
        if not user_obj.is_superuser:
            perms = perms.filter(Q(user=user_obj) | Q(group__user=user_obj))
        return {
            f"{app_label}.{codename}"
            for app_label, codename in perms.values_list("content_type__app_label", "codename").distinct()
        }
