"""Authentication backends: patients by link or code, everyone else with a cached user and permissions."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db.models import Q

from . import cache as keys
from .consent.services import CODE_GUESSES, enrolment_authenticate

# The entries `ModelBackend.get_user` reads, when the session engine read them along with the
# session (kyphoquiz.sessions): (their keys, what the cache held). Set only around one get_user.
_READ_WITH_SESSION: ContextVar[tuple[list[str], dict] | None] = ContextVar("read_with_session", default=None)


class EnrolmentBackend(BaseBackend):
    """Signs a patient in with the short code from their enrolment, no password.

    It goes through `authenticate()` so that django-axes counts and throttles wrong codes (per
    address, see `axes_username`). Links do not come here: `patient_views.consent_link` opens
    them without django-axes, so that nobody else's wrong codes can lock a patient's link.
    """

    def authenticate(self, request, consent_code=None, **kwargs):
        if not consent_code:
            return None
        enrolment = enrolment_authenticate(code=consent_code)
        return enrolment.user if enrolment is not None else None

    def get_user(self, user_id):
        return get_user_model().objects.filter(pk=user_id, is_active=True).first()


def axes_username(request, credentials=None):
    """The name django-axes counts a sign-in under (`AXES_USERNAME_CALLABLE`).

    A password sign-in counts under its username, as django-axes does by default. Every patient
    code counts under one name that no user can have, so wrong codes are limited per address
    whatever code was typed: a code says nothing about whose it was meant to be.
    """
    if credentials:
        return CODE_GUESSES if credentials.get("consent_code") else credentials.get("username")
    return getattr(request, "data", request.POST).get("username") if request is not None else None


class ModelBackend(DjangoModelBackend):
    """Django's ModelBackend, with the signed-in user and their permissions cached.

    Every learner page loads the user and checks a permission; one cache read brings both, so
    a page usually needs neither query. A permission set is stored with the generation it was
    read under and the user's superuser status, and is used only while both still hold.
    """

    # Our own attribute, not Django's private `_perm_cache`: `get_all_permissions` below is the
    # only reader, so no Django upgrade can change what it means.
    PERMS_ATTRIBUTE = "_kyphoquiz_perms"

    @staticmethod
    def cache_keys(user_id) -> list[str]:
        """What `get_user` reads from the cache: the user, their permission set, its generation."""
        return [keys.user_key(user_id), keys.permissions_key(user_id), keys.PERMISSIONS_GENERATION_KEY]

    @staticmethod
    @contextmanager
    def entries_read(entries: tuple[list[str], dict] | None):
        """`get_user` inside the block uses `entries` (keys, found) when they are its own keys."""
        token = _READ_WITH_SESSION.set(entries)
        try:
            yield
        finally:
            _READ_WITH_SESSION.reset(token)

    def get_user(self, user_id):
        """The signed-in user, from the cache when it holds them (dropped on every save of the user)."""
        wanted = self.cache_keys(user_id)
        key, perms_key = wanted[:2]
        read = _READ_WITH_SESSION.get()
        found = read[1] if read is not None and read[0] == wanted else cache.get_many(wanted)
        user = found.get(key)
        if user is None:
            user = super().get_user(user_id)
            if user is not None:
                cache.set(key, user, keys.USER_SECONDS)
        if user is None or not self.user_can_authenticate(user):
            return None
        perms = self._valid_permissions(user, found.get(perms_key), found.get(keys.PERMISSIONS_GENERATION_KEY))
        if perms is not None:
            setattr(user, self.PERMS_ATTRIBUTE, perms)
        return user

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        perms = getattr(user_obj, self.PERMS_ATTRIBUTE, None)
        if perms is None:
            key = keys.permissions_key(user_obj.pk)
            found = cache.get_many([key, keys.PERMISSIONS_GENERATION_KEY])
            generation = found.get(keys.PERMISSIONS_GENERATION_KEY)
            perms = self._valid_permissions(user_obj, found.get(key), generation)
            if perms is None:
                generation = generation or keys.permissions_generation()
                perms = self._read_permissions(user_obj)
                cache.set(key, (generation, user_obj.is_superuser, perms), keys.USER_SECONDS)
            setattr(user_obj, self.PERMS_ATTRIBUTE, perms)
        return perms

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
