from django.db import migrations, models


def nulls_to_empty(apps, schema_editor):  # type: ignore[no-untyped-def]
    for name in ("District", "AssemblyConstituency"):
        apps.get_model("elections", name).objects.filter(boundary__isnull=True).update(boundary="")


class Migration(migrations.Migration):
    """Outlines are kept as GeoJSON text, parsed only when drawn (see models.Bounded)."""

    dependencies = [("elections", "0001_initial")]

    operations = [
        *(
            migrations.AlterField(
                model_name=model,
                name="boundary",
                field=models.TextField(null=True, blank=True),
            )
            for model in ("district", "assemblyconstituency")
        ),
        migrations.RunPython(nulls_to_empty, migrations.RunPython.noop),
        *(
            migrations.AlterField(
                model_name=model,
                name="boundary",
                field=models.TextField(blank=True, default="", verbose_name="boundary (GeoJSON geometry)"),
            )
            for model in ("district", "assemblyconstituency")
        ),
    ]
