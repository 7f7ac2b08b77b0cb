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


def _permissions_key(user_id) -> str:
    return f"perms:{user_id}"


def permissions_changed() -> None:
    """Outdate every cached permission set (a role, group or permission changed)."""
    cache.set(_GENERATION_KEY, secrets.token_hex(8), None)


class ModelBackend(DjangoModelBackend):
    """Django's ModelBackend, with the signed-in user and their permissions cached.

    Every learner page loads the user and checks a permission; one cache read brings both, so
    a page usually needs neither query. A permission set is stored with the generation it was
    read under and the user's superuser status, and is used only while both still hold.
    """

    def get_user(self, user_id):
        """The signed-in user, from the cache when it holds them (dropped on every save of the user)."""
        key, perms_key = user_cache_key(user_id), _permissions_key(user_id)
        found = cache.get_many([key, perms_key, _GENERATION_KEY])
        user = found.get(key)
        if user is None:
            user = super().get_user(user_id)
            if user is not None:
                cache.set(key, user, PERMISSIONS_SECONDS)
        if user is None or not self.user_can_authenticate(user):
            return None
        perms = self._valid_permissions(user, found.get(perms_key), found.get(_GENERATION_KEY))
        if perms is not None:
            user._perm_cache = perms
        return user

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            key = _permissions_key(user_obj.pk)
            found = cache.get_many([key, _GENERATION_KEY])
            generation = found.get(_GENERATION_KEY)
            perms = self._valid_permissions(user_obj, found.get(key), generation)
            if perms is None:
                if generation is None:
                    cache.add(_GENERATION_KEY, secrets.token_hex(8), None)
                    generation = cache.get(_GENERATION_KEY)
                perms = self._read_permissions(user_obj)
                cache.set(key, (generation, user_obj.is_superuser, perms), PERMISSIONS_SECONDS)
            user_obj._perm_cache = perms
        return user_obj._perm_cache

    @staticmethod
    def _valid_permissions(user_obj, entry, generation) -> set[str] | None:
        """The cached set if it was read under the current generation and superuser status."""
        if entry is None or generation is None:
            return None
        entry_generation, is_superuser, perms = entry
        return perms if entry_generation == generation and is_superuser == user_obj.is_superuser else None

    @staticmethod
    def _read_permissions(user_obj) -> set[str]:
        perms = Permission.objects.all()
        if not user_obj.is_superuser:
            perms = perms.filter(Q(user=user_obj) | Q(group__user=user_obj))
        return {
            f"{app_label}.{codename}"
            for app_label, codename in perms.values_list("content_type__app_label", "codename").distinct()
        }
