"""Who is asking, in which election, with which grants: the one place screens ask
``allows``. A refusal looks exactly like a missing object (404), so ids do not leak."""

from dataclasses import dataclass

from django.http import Http404

from itcell.accounts.models import User
from itcell.core.http import HtmxHttpRequest
from itcell.elections.models import Election
from itcell.elections.selectors import access_election
from itcell.organisation import selectors
from itcell.organisation.models import Desk
from itcell.organisation.permissions import Grant, Target, allows
from itcell.organisation.roles import Action


class SignedInRequest(HtmxHttpRequest):
    user: User  # LoginRequiredMiddleware lets no one else through
    asker: "Asker"


@dataclass(frozen=True)
class Asker:
    """Who is asking, in which election, with which grants: the one place views ask
    ``allows``."""

    user: User
    election: Election
    grants: list[Grant]

    def may(self, action: Action, target: Target | None = None) -> bool:
        return allows(self.grants, action, target)

    def require(self, action: Action, target: Target | None = None) -> None:
        if not self.may(action, target):
            raise Http404

    def desk(self, desk_id: int, action: Action = Action.VIEW) -> tuple[Desk, Target]:
        """The desk and its target, if the person may do ``action`` there; else 404."""
        desk = selectors.find_desk(election=self.election, desk_id=desk_id)
        if desk is None:
            raise Http404
        target = selectors.desk_target(desk)
        self.require(action, target)
        return desk, target


def asker_for(request: SignedInRequest, slug: str) -> Asker:
    election = access_election(slug=slug)
    request.asker = Asker(  # the menus ask it too (organisation's ``may`` template tag)
        user=request.user,
        election=election,
        grants=selectors.get_grants(user=request.user, election=election),
    )
    return request.asker
