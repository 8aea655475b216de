from typing import Any

from django import template

from itcell.organisation import selectors
from itcell.organisation.access import Asker
from itcell.organisation.roles import Action

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context: dict[str, Any], action: str) -> bool:
    """Whether the person may do ``action`` somewhere in the page's election: for menus,
    which should not offer a screen that answers "not found". The view's asker answers when
    the view made one; otherwise the page asks once."""
    request, election = context["request"], context["election"]
    asker = getattr(request, "asker", None)
    if asker is None or asker.election.pk != election.pk:
        asker = request.asker = Asker(
            user=request.user,
            election=election,
            grants=selectors.get_grants(user=request.user, election=election),
        )
    return asker.may(Action(action))
