"""Production serves static files through the manifest storage, whose collectstatic refuses
a file that references one missing (a vendored script's source map, a stylesheet's font): the
same collection here, so such a file fails the tests rather than the deployment."""

from pathlib import Path

from django.core.management import call_command

MANIFEST = "whitenoise.storage.CompressedManifestStaticFilesStorage"  # as in production


def test_every_static_file_collects_with_the_production_manifest(settings, tmp_path: Path) -> None:
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (tmp_path / "staticfiles.json").read_text(encoding="utf-8")
    assert "warroom/leaflet/leaflet.js" in manifest
    assert "itcell/css/itcell.css" in manifest
