from typing import Any

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from itcell.accounts import totp
from itcell.accounts.errors import SignInLocked, WrongCode
from itcell.accounts.forms import CodeForm, SignInForm
from itcell.accounts.models import User
from itcell.accounts.selectors import get_confirmed_device, needs_two_factor
from itcell.accounts.services import (
    check_sign_in_allowed,
    confirm_enrolment,
    record_failed_sign_in,
    record_sign_in,
    set_preferred_language,
    start_enrolment,
    verify_two_factor,
)
from itcell.accounts.services.two_factor import device_secret
from itcell.core import clock
from itcell.core.http import client_address

# Who has given the right password and owes a code: {"user", "backend", "next", "at"}.
PENDING = "itcell_two_factor_pending"
PENDING_SECONDS = 10 * 60  # time to find one's phone, not to try codes all afternoon


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=False,
    )


class LoginView(auth_views.LoginView):
    """Step one: the password. A member who holds a role that needs a second factor is not
    signed in yet: the session remembers who they are and they go on to the code."""

    template_name = "accounts/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        return finish_password_step(self.request, form.get_user(), self.get_success_url())


def finish_password_step(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """After a good password (``user`` from ``authenticate``): sign in, or, for a member whose
    role needs a second factor, remember who they are and ask for the code. Any screen that
    signs a person in (e.g. accepting an invitation) goes through here."""
    if needs_two_factor(user=user):
        request.session.cycle_key()
        request.session[PENDING] = {
            "user": user.pk,
            "backend": getattr(user, "backend", None),
            "next": next_url,
            "at": clock.now().timestamp(),
        }
        return redirect("accounts:two_factor")
    record_sign_in(user=user, source_address=client_address(request))
    return _complete_sign_in(
        request, user, {"backend": getattr(user, "backend", None), "next": next_url}
    )


def _pending_user(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    pending = request.session.get(PENDING)
    if not pending or clock.now().timestamp() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    return (user, pending) if user is not None else None


def _complete_sign_in(request: HttpRequest, user: User, pending: dict[str, Any]) -> HttpResponse:
    """Sign in a person whose sign-in the services have recorded."""
    request.session.pop(PENDING, None)
    auth_login(request, user, backend=pending["backend"])
    response = HttpResponseRedirect(pending["next"])
    _set_language_cookie(response, user.preferred_language)
    return response


def _refuse_code(request: HttpRequest, user: User, form: CodeForm) -> None:
    """Count a wrong code toward the lockout; a lock ends the half-done sign-in."""
    lock = record_failed_sign_in(
        username=user.get_username(), address=client_address(request), stage="two_factor"
    )
    if lock is not None:
        request.session.pop(PENDING, None)
        form.add_error(None, SignInLocked(lock.until).message())
    else:
        form.add_error(
            "code",
            _("That code is not right, or it was used already. Type the code your app shows now."),
        )


def _code_step(request: HttpRequest, *, enrolling: bool) -> HttpResponse:
    found = _pending_user(request)
    if found is None:
        return redirect("accounts:login")
    user, pending = found
    confirmed = get_confirmed_device(user=user)
    if enrolling and confirmed is not None:
        return redirect("accounts:two_factor")
    if not enrolling and confirmed is None:
        return redirect("accounts:enrol_two_factor")
    device = confirmed or start_enrolment(user=user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        address = client_address(request)
        try:
            check_sign_in_allowed(username=user.get_username(), address=address)
            if enrolling:
                confirm_enrolment(
                    device=device, code=form.cleaned_data["code"], source_address=address
                )
            else:
                verify_two_factor(
                    device=device, code=form.cleaned_data["code"], source_address=address
                )
        except SignInLocked as exc:
            request.session.pop(PENDING, None)
            form.add_error(None, str(exc))
        except WrongCode:
            _refuse_code(request, user, form)
        else:
            return _complete_sign_in(request, user, pending)
    context: dict[str, Any] = {"form": form}
    if enrolling:
        secret = device_secret(device)
        context |= {
            "secret": totp.grouped(secret),
            "uri": totp.provisioning_uri(secret, account=user.get_username()),
        }
    template = "accounts/enrol_two_factor.html" if enrolling else "accounts/two_factor.html"
    return render(request, template, context)


@login_not_required
@never_cache
@csrf_protect
def two_factor(request: HttpRequest) -> HttpResponse:
    """Step two: the code from the person's authenticator."""
    return _code_step(request, enrolling=False)


@login_not_required
@never_cache
@csrf_protect
def enrol_two_factor(request: HttpRequest) -> HttpResponse:
    """Step two for a person with no authenticator yet: the secret to add to one, and a first
    code to show it was added."""
    return _code_step(request, enrolling=True)


@login_not_required
@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language not in dict(settings.LANGUAGES):
        return response
    _set_language_cookie(response, language)
    if request.user.is_authenticated:
        set_preferred_language(
            user=request.user,
            language=language,
            source_address=client_address(request),
        )
    return response
