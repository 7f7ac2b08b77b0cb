"""Writes for accounts: a new trainee's account and role, in one transaction."""

from __future__ import annotations

from django.db import transaction

from .. import roles


@transaction.atomic
def trainee_sign_up(*, form):
    """Save the account from a valid sign-up form and give it the trainee role: both or neither."""
    user = form.save()
    roles.role_assign(user=user, role=roles.TRAINEE)
    return user
