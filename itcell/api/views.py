"""The head's screen for API tokens: make one (its secret shown once), see them, revoke."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from itcell.api import tokens
from itcell.api.forms import TokenForm
from itcell.api.models import ApiToken
from itcell.core import clock
from itcell.core.errors import InvalidInput
from itcell.core.http import client_address
from itcell.organisation.access import Asker, SignedInRequest, asker_for
from itcell.organisation.forms import add_problems
from itcell.organisation.roles import Action


def _asker(request: SignedInRequest, slug: str) -> Asker:
    asker = asker_for(request, slug)
    asker.require(Action.MANAGE_INTEGRATIONS)
    return asker


@require_http_methods(["GET", "POST"])
def tokens_page(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = _asker(request, slug)
    form = TokenForm(request.POST or None, election=asker.election)
    secret = ""
    if form.is_bound and form.is_valid():
        try:
            token, secret = tokens.create_token(
                election=asker.election,
                data=form.token_input(),
                actor=asker.user,
                source_address=client_address(request),
            )
        except InvalidInput as invalid:
            add_problems(form, invalid.problems)
        else:
            messages.success(request, _("Token “%(name)s” made.") % {"name": token.name})
            form = TokenForm(election=asker.election)
    return render(
        request,
        "api/tokens.html",
        {
            "election": asker.election,
            "asker": asker,
            "form": form,
            "secret": secret,  # shown on this answer only, never stored
            "tokens": tokens.list_tokens(election=asker.election),
            "now": clock.now(),
        },
    )


@require_POST
def revoke(request: SignedInRequest, slug: str, token_id: int) -> HttpResponse:
    asker = _asker(request, slug)
    token = ApiToken.objects.filter(election=asker.election, pk=token_id).first()
    if token is None:
        raise Http404
    tokens.revoke_token(token=token, actor=asker.user, source_address=client_address(request))
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api:tokens", slug)
