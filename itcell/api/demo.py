"""The demo's API token: a read-only dashboard acting for the head, made once; its secret is
printed by ``itcell demo`` the time it is made (as the screen shows it once)."""

from itcell.accounts.models import User
from itcell.api.models import ApiToken
from itcell.api.scopes import Scope
from itcell.api.tokens import TokenInput, create_token
from itcell.elections.models import Election

NAME = "War-room dashboard (demo)"


def build(*, election: Election) -> str | None:
    """The new token's secret, or None when the demo made it before."""
    if ApiToken.objects.filter(election=election, name=NAME).exists():
        return None
    head = User.objects.get(username="head")
    _token, secret = create_token(
        election=election,
        data=TokenInput(
            name=NAME, user=head, scopes=tuple(s.value for s in Scope if s.endswith(":read"))
        ),
        actor=head,
    )
    return secret
