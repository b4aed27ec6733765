"""`joinedup directory import-oruk SOURCE --area AREA`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from joinedup.directory.models import DirectoryFeed, DirectoryImport, Service
from tests.conftest import World
from tests.directory.feeds import example_service, variant
from tests.directory.oruk_server import OrukApiServer, generated_services

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("directory", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _feed_file(tmp_path: Path, services: list[dict[str, Any]]) -> str:
    path = tmp_path / "brent.json"
    path.write_text(json.dumps(services))
    return str(path)


def test_an_import_reports_what_changed_and_a_rerun_changes_nothing(world: World, tmp_path: Path) -> None:
    source = _feed_file(tmp_path, [example_service(), variant(example_service(), 2, name="Family Counselling")])

    out, _ = _run("import-oruk", source, "--area", "brent")
    again, _ = _run("import-oruk", source, "--area", "E09000005")

    assert out.strip() == (
        "Read 2 services (ORUK 3.0 JSON file): 2 new, 0 changed, 0 unchanged, "
        "0 no longer in the feed and marked inactive."
    )
    assert "0 new, 0 changed, 2 unchanged, 0 no longer in the feed" in again
    assert Service.objects.filter(area=world.area).count() == 2
    assert DirectoryFeed.objects.get().source == str(Path(source).resolve())


def test_a_relative_path_is_recorded_as_the_full_path(world: World, tmp_path: Path, monkeypatch: Any) -> None:
    _feed_file(tmp_path, [example_service()])
    monkeypatch.chdir(tmp_path)

    _run("import-oruk", "brent.json", "--area", "Brent")

    assert DirectoryFeed.objects.get().source == str(tmp_path.resolve() / "brent.json")


def test_an_api_import_prints_its_warnings(world: World) -> None:
    with OrukApiServer(generated_services(4)) as api:
        api.root = None
        out, err = _run("import-oruk", api.base, "--area", "Brent")

    assert out.startswith("Read 4 services (ORUK 3.0 API): 4 new")
    assert f"Warning: {api.base}/ does not describe the API (it answered 404); read its services anyway." in err


def test_a_rejected_feed_lists_its_problems_and_fails(world: World, tmp_path: Path) -> None:
    bad = variant(example_service(), 3, minimum_age="twelve")
    source = _feed_file(tmp_path, [example_service(), bad])
    err = StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("directory", "import-oruk", source, "--area", "Brent", stdout=StringIO(), stderr=err)

    assert failed.value.returncode == 1
    assert str(failed.value).startswith("The feed has 1 problem; nothing was imported.")
    assert (
        err.getvalue()
        == f"  service {bad['id']} ‘Community Counselling’, minimum_age: expected a number, got ‘twelve’\n"
    )
    assert not Service.objects.exists()
    assert DirectoryImport.objects.get().status == DirectoryImport.Status.REJECTED


def test_a_long_list_of_problems_is_cut_short(world: World, tmp_path: Path) -> None:
    services = [variant(example_service(), number, minimum_age="twelve") for number in range(1, 61)]
    err = StringIO()

    with pytest.raises(CommandError, match="The feed has 60 problems"):
        call_command("directory", "import-oruk", _feed_file(tmp_path, services), "--area", "Brent", stderr=err)

    lines = err.getvalue().splitlines()
    assert len(lines) == 51
    assert lines[-1] == "  …and 10 more on the import history page."


def test_an_unusable_feed_says_why(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"^There is no file or folder at .*missing\.json"):
        _run("import-oruk", str(tmp_path / "missing.json"), "--area", "Brent")


def test_an_unknown_area_lists_the_boroughs(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as failed:
        _run("import-oruk", _feed_file(tmp_path, [example_service()]), "--area", "Camden")

    assert str(failed.value) == (
        "No borough is called or coded 'Camden'. The boroughs are: Brent (E09000005), Westminster (E09000033)."
    )
    assert not DirectoryImport.objects.exists()


def test_the_command_line_help_names_the_subcommand() -> None:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    result = subprocess.run(
        [sys.executable, "-m", "joinedup.cli", "directory", "import-oruk", "--help"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.startswith("usage: joinedup directory import-oruk [-h] --area AREA SOURCE")
