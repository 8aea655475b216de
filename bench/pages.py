"""Server time of the first screens with Bihar 2020 loaded, against /healthz (one query)."""

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
from itcell.accounts.services import create_user  # noqa: E402
from itcell.elections.services import load_election  # noqa: E402


def main() -> None:
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    load = measure(
        "load-election (second run, no-op)",
        lambda: load_election(name="bihar-2020"),
        repeat=5,
        warmup=1,
    )
    user = User.objects.filter(username="bench").first() or create_user(
        username="bench", password="bench-password-1"
    )
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
    ]
    report(f"First screens on {os.environ.get('ITCELL_BENCH_DB', '?')}", timings, baseline)
    print(
        f"  load-election re-run (idempotent check of 3,722 candidacies): "
        f"median {load.median:.0f} ms"
    )


if __name__ == "__main__":
    main()
