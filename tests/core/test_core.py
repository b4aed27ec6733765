from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from joinedup.accounts.models import Role
from joinedup.audit.models import AuditChainHead
from joinedup.core.models import Job
from tests.conftest import World

ROOT = Path(__file__).resolve().parents[2]
JOINEDUP = str(Path(sys.executable).with_name("joinedup"))


def test_healthz_reports_the_database(db: None) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_pages_carry_a_strict_csp_with_a_nonce_and_security_headers(world: World) -> None:
    response = world.client_for(Role.LINK_WORKER).get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.text
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert len(response["X-Request-ID"]) == 32


def test_layout_shows_organisation_borough_and_navigation_for_the_role(world: World) -> None:
    page = world.client_for(Role.ADMINISTRATOR).get("/").text
    assert "Administrator, Link Programme" in page
    assert "Brent" in page
    assert 'href="/audit/"' in page
    assert 'href="/children/"' not in page
    commissioner = world.client_for(Role.COMMISSIONER).get("/").text
    assert 'href="/outcomes/"' in commissioner
    assert 'href="/audit/"' not in commissioner


# The worker closes its database connection when done, as it would in production,
# so this test runs outside the usual per-test transaction.
@pytest.mark.django_db(transaction=True)
def test_audit_verify_runs_as_a_background_job_with_progress(
    world: World, django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]]
) -> None:
    """The real database queue and worker: the page queues the job, the worker runs it."""
    assert AuditChainHead.objects.filter(pk=1).exists()  # the world fixture restores migration rows
    admin = world.client_for(Role.ADMINISTRATOR)
    admin.get("/audit/")  # writes an event, so there is a chain to check
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post("/audit/verify/")
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == Job.Status.QUEUED
    assert job.task_result_id
    queued = admin.get(f"/jobs/{job.pk}/progress/")
    assert 'hx-trigger="every 1s"' in queued.text

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result["ok"] is True
    assert job.done == job.total == job.result["checked"]
    finished = admin.get(f"/jobs/{job.pk}/progress/")
    assert "The audit log is intact" in finished.text
    assert "hx-trigger" not in finished.text


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([JOINEDUP, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update(extra)
    return env


def test_production_mode_refuses_to_start_without_a_secret() -> None:
    result = run_cli("check", env=clean_env(DEBUG="false"))
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_check_deploy_is_clean_in_production_settings(tmp_path: Path) -> None:
    env = clean_env(
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-" + "q" * 40,
        ALLOWED_HOSTS="joinedup.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    result = run_cli("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_cli_maps_hyphenated_command_names(tmp_path: Path) -> None:
    env = clean_env(DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = run_cli("seed-demo", "--help", env=env)
    assert result.returncode == 0, result.stderr
    assert "--seed" in result.stdout
    listing = run_cli("--help", env=env)
    assert "    seed-demo" in listing.stdout
    assert "    add-membership" in listing.stdout
    assert "seed_demo" not in listing.stdout


def test_every_page_costs_a_bounded_number_of_queries(
    world: World, django_assert_max_num_queries: Callable[[int], AbstractContextManager[object]]
) -> None:
    """Session, person, two-factor state and memberships: one query each, whatever the role."""
    client = world.client_for(Role.TEAM_MANAGER)
    client.get("/")
    with django_assert_max_num_queries(7):
        assert client.get("/").status_code == 200


def test_a_record_nobody_may_see_is_the_site_s_own_not_found_page_also_when_debugging(
    world: World, settings: object
) -> None:
    settings.DEBUG = True
    page = world.client_for(Role.LINK_WORKER).get("/children/999999/")
    assert page.status_code == 404
    assert "Records you cannot see look the same as records that do not exist." in page.text
    assert "URLconf" not in page.text


def test_an_address_that_only_takes_a_form_s_answer_says_so_when_opened(world: World) -> None:
    page = world.client_for(Role.DATA_LEAD).get("/sharing/pairs/1/decide/")
    assert page.status_code == 405
    assert page["Allow"] == "POST"
    assert "This page cannot be opened directly" in page.text


def test_a_nul_character_in_an_address_form_or_json_is_refused_before_any_view(world: World) -> None:
    client = world.client_for(Role.LINK_WORKER)
    assert client.get("/children/", {"q": "Am\x00ara"}).status_code == 400
    assert client.post("/children/", "q=a%00", content_type="application/x-www-form-urlencoded").status_code == 400
    answer = client.post(
        "/api/outcomes/children/1/measurements", '{"measure": "a\\u0000"}', content_type="application/json"
    )
    assert answer.status_code == 400
    assert "NUL character" in answer.json()["detail"]
    assert client.get("/children/", {"q": "Amara"}).status_code == 200


@pytest.mark.parametrize(
    ("result", "attention"),
    [
        ({"imported": True, "import_id": 1}, False),
        ({"imported": False, "import_id": 1}, True),
        ({"run_id": None, "message": "No school data"}, True),
        ({"run_id": 3}, False),
        ({"matched": False, "run_id": 2}, True),
        ({"ok": False}, True),
        ({"ok": True}, False),
    ],
)
def test_a_job_that_finished_without_doing_its_work_is_not_shown_as_a_success(
    result: dict[str, object], attention: bool
) -> None:
    assert Job(status=Job.Status.SUCCEEDED, result=result).needs_attention is attention
    assert not Job(status=Job.Status.FAILED, result=result).needs_attention


def test_the_browsers_favicon_request_reaches_the_pages_icon() -> None:
    response = Client().get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith(".svg")
