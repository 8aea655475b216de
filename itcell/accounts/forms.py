from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from itcell.accounts.errors import SignInLocked
from itcell.accounts.services import check_sign_in_allowed, record_failed_sign_in
from itcell.core.http import client_address


class SignInForm(AuthenticationForm):
    """Django's login form behind the lockout: a locked username or address is refused before
    the password is looked at, and each wrong password is counted."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            address = client_address(self.request) if self.request else None
            try:
                check_sign_in_allowed(username=username, address=address)
            except SignInLocked as exc:
                raise ValidationError(str(exc), code="locked") from exc
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                lock = record_failed_sign_in(username=username, address=address)
                if lock is not None:
                    raise ValidationError(SignInLocked(lock.until).message(), code="locked")
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=8, strip=True)
