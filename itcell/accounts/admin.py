from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from itcell.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "phone", "preferred_language", "is_staff"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (_("itcell"), {"fields": ("display_name", "phone", "preferred_language")}),
    )


@login_not_required
def _sign_in_through_itcell(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    # The admin's own login form would skip the lockout and the second factor: staff sign in
    # on itcell's login page and come back.
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


admin.site.login = _sign_in_through_itcell  # type: ignore[method-assign]
