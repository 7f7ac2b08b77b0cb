"""The admin site: Django's, except that an object's history asks for the permission to see the
model before it looks the object up.

Django's `history_view` sends a missing id to the admin index (302) but refuses an existing one
(403), so a member of staff without the permission to see, say, consent records could tell
which record ids exist. Every ModelAdmin registered here, Django's and django-axes' included,
checks the permission first, as the change and delete views already do.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied


class HistoryAfterPermission:
    def history_view(self, request, object_id, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)


class SiteAdmin(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        base = admin_class or admin.ModelAdmin
        guarded = type(base.__name__, (HistoryAfterPermission, base), {"__module__": base.__module__})
        super().register(model_or_iterable, guarded, **options)


class SiteAdminConfig(AdminConfig):
    default_site = "kyphoquiz.admin_site.SiteAdmin"
