"""Django's admin autodiscovery imports this module: each part registers its own models."""

from .authoring import admin as authoring_admin
from .consent import admin as consent_admin
from .learning import admin as learning_admin

__all__ = ["authoring_admin", "consent_admin", "learning_admin"]
