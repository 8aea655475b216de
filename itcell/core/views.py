from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse

from itcell.core.selectors import list_process_health


@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and the duty officer: is the database reachable, are the worker and
    the scheduler alive. 503 when the database is not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        processes = {p.process: p.alive for p in list_process_health()}
    except Exception:
        return JsonResponse({"database": False}, status=503)
    return JsonResponse({"database": True, **processes})
