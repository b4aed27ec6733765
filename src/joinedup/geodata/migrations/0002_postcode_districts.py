import csv
from pathlib import Path

from django.db import migrations

DISTRICTS_CSV = Path(__file__).resolve().parent.parent / "data" / "postcode_districts.csv"


def districts_load(apps, schema_editor):
    """Load the district centres shipped in data/. Safe to run again: districts already there are kept.

    tests/conftest.py's ``data_migrations_rerun`` calls this with the live app
    registry and no schema editor, after a transactional test empties the tables.
    """
    PostcodeDistrict = apps.get_model("geodata", "PostcodeDistrict")
    if PostcodeDistrict.objects.exists():
        # Already loaded (the shipped file is loaded whole or not at all): nothing to do, and the test
        # suite, which calls this before every test that builds its world, stays quick.
        return
    with DISTRICTS_CSV.open(encoding="utf-8", newline="") as file:
        districts = [
            PostcodeDistrict(district=row["district"], latitude=float(row["latitude"]), longitude=float(row["longitude"]))
            for row in csv.DictReader(file)
        ]
    PostcodeDistrict.objects.bulk_create(districts, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("geodata", "0001_initial")]

    operations = [migrations.RunPython(districts_load, migrations.RunPython.noop)]
