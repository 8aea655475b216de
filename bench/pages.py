"""Server time of the screens with Bihar 2020 loaded, its 282 desks and the demo's week of
roster, against /healthz (one query), as the cell head sees them."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ITCELL_MANIFEST_STATIC", "0")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from bench.timing import measure, report  # noqa: E402
from itcell.accounts.models import User  # noqa: E402
from itcell.core import clock  # noqa: E402
from itcell.elections.models import Election  # noqa: E402
from itcell.elections.services import load_election  # noqa: E402
from itcell.organisation import demo as organisation_demo  # noqa: E402
from itcell.organisation.models import Desk  # noqa: E402


def main() -> None:
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    load = measure(
        "load-election (second run, no-op)",
        lambda: load_election(name="bihar-2020"),
        repeat=5,
        warmup=1,
    )
    election = Election.objects.get(slug="bihar-2020")
    organisation_demo.build(
        election=election, password="bench-password-1", first_day=clock.today_ist()
    )
    user = User.objects.get(username="head")
    hq = Desk.objects.get(election=election, kind=Desk.Kind.HQ)
    client = Client()
    client.force_login(user)
    slug = "bihar-2020"
    baseline = measure("GET /healthz (baseline)", lambda: client.get("/healthz"))
    timings = [
        measure("GET election home", lambda: client.get(f"/e/{slug}/")),
        measure("GET constituency list (243)", lambda: client.get(f"/e/{slug}/acs/")),
        measure(
            "GET search 'बहादुरगंज' (htmx)",
            lambda: client.get(f"/e/{slug}/acs/?q=बहादुरगंज", HTTP_HX_REQUEST="true"),
        ),
        measure("GET constituency 52", lambda: client.get(f"/e/{slug}/acs/52/")),
        measure("GET desk board (282 desks)", lambda: client.get(f"/org/{slug}/desks/")),
        measure("GET HQ week roster", lambda: client.get(f"/org/{slug}/desks/{hq.pk}/roster/")),
        measure("GET coverage (3 days)", lambda: client.get(f"/org/{slug}/coverage/")),
        measure("GET who is on duty for AC 52", lambda: client.get(f"/org/{slug}/on-duty/?ac=52")),
    ]
    report(f"Screens on {os.environ.get('ITCELL_BENCH_DB', '?')}", timings, baseline)
    print(
        f"  load-election re-run (idempotent check of 3,722 candidacies): "
        f"median {load.median:.0f} ms"
    )


if __name__ == "__main__":
    main()
