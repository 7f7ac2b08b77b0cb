"""System checks of the deployment: `manage.py check --deploy` runs them."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def development_file_not_used(app_configs, **kwargs):
    """Production must not run on the development settings that `make install` writes."""
    if not getattr(settings, "ENV_FILE_READ", False):
        return []
    return [
        Warning(
            f"Settings were read from the development file {settings.ENV_FILE}.",
            hint="In production, set the settings in the environment and remove that file "
            "(or set DJANGO_ENV_FILE to an empty value).",
            id="kyphoquiz.W001",
        )
    ]
