"""WSGI entry point (gunicorn kyphoquiz.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyphoquiz.settings")

application = get_wsgi_application()
