from __future__ import annotations

import pytest

from joinedup.directory.models import DirectoryFeed, DirectoryImport, SearchEntry, Service
from joinedup.directory.services import ImportRejected, content_import
from joinedup.directory.sources import FeedContent
from tests.conftest import World
from tests.directory.feeds import contains, example_service, exported, variant

pytestmark = pytest.mark.django_db


def _feed(world: World, source: str = "https://directory.example.org/api") -> DirectoryFeed:
    return DirectoryFeed.objects.create(area=world.area, source=source, kind=DirectoryFeed.Kind.API)


def test_import_then_export_loses_no_field(world: World) -> None:
    service = example_service()
    service["schedules"][0]["opens_at"] = "10:00:00"
    service["last_modified"] = "2023-03-15T10:30:45.123Z"
    service["a_local_extension"] = {"kept": True}

    report = content_import(content=FeedContent(format="ORUK 3.0", services=[service]), feed=_feed(world))

    assert report.created == 1
    assert contains(service, exported(service["id"])) == []


def test_reimport_is_idempotent_and_counts_changes(world: World) -> None:
    feed = _feed(world)
    first, second = example_service(), variant(example_service(), 2, name="Family Counselling")
    content_import(content=FeedContent(format="ORUK 3.0", services=[first, second]), feed=feed)

    again = content_import(content=FeedContent(format="ORUK 3.0", services=[first, second]), feed=feed)
    assert (again.created, again.updated, again.unchanged, again.deactivated) == (0, 0, 2, 0)

    changed = dict(first, name="Community Counselling (renamed)")
    changed["schedules"] = []
    report = content_import(content=FeedContent(format="ORUK 3.0", services=[changed]), feed=feed)
    assert (report.created, report.updated, report.unchanged, report.deactivated) == (0, 1, 0, 1)
    assert exported(first["id"])["schedules"] == []
    dropped = Service.objects.get(id=second["id"])
    assert dropped.status == "inactive"
    assert dropped.removed_from_feed_at is not None
    assert not SearchEntry.objects.filter(service=dropped).exists()


def test_a_bad_field_rejects_the_whole_feed_and_names_record_and_field(world: World) -> None:
    good, bad = example_service(), variant(example_service(), 3, minimum_age="twelve", assured_date="31/02/2024")

    with pytest.raises(ImportRejected) as rejected:
        content_import(content=FeedContent(format="ORUK 3.0", services=[good, bad]), feed=_feed(world))

    problems = {(p.field, p.message) for p in rejected.value.problems}
    assert ("minimum_age", "expected a number, got ‘twelve’") in problems
    assert ("assured_date", "expected a date like 2025-09-01, got ‘31/02/2024’") in problems
    assert all(p.record.startswith(f"service {bad['id']}") for p in rejected.value.problems)
    assert not Service.objects.exists()
    history = DirectoryImport.objects.get()
    assert history.status == DirectoryImport.Status.REJECTED
    assert history.errors[0]["field"] in {"minimum_age", "assured_date"}


def test_non_uuid_ids_become_stable_uuids(world: World) -> None:
    service = example_service()
    service["id"] = "42"
    service["organization"]["id"] = "7"
    feed = _feed(world)
    content_import(content=FeedContent(format="ORUK 3.0", services=[service]), feed=feed)
    content_import(content=FeedContent(format="ORUK 3.0", services=[service]), feed=feed)

    stored = Service.objects.get()
    assert len(stored.id) == 36
    assert stored.organization is not None
    assert len(stored.organization.id) == 36


def test_a_service_dropped_then_listed_again_is_active_again(world: World) -> None:
    feed = _feed(world)
    first, second = example_service(), variant(example_service(), 5)
    content_import(content=FeedContent(format="ORUK 3.0", services=[first, second]), feed=feed)
    content_import(content=FeedContent(format="ORUK 3.0", services=[first]), feed=feed)
    assert Service.objects.get(id=second["id"]).status == "inactive"

    report = content_import(content=FeedContent(format="ORUK 3.0", services=[first, second]), feed=feed)

    back = Service.objects.get(id=second["id"])
    assert (report.updated, report.unchanged) == (1, 1)
    assert back.status == "active"
    assert back.removed_from_feed_at is None
    assert SearchEntry.objects.filter(service=back).exists()


def test_the_feed_that_last_sent_a_service_looks_after_it(world: World) -> None:
    brent = _feed(world)
    westminster = DirectoryFeed.objects.create(area=world.other_area, source="https://w.example.org/api", kind="api")
    shared = example_service()
    content_import(content=FeedContent(format="ORUK 3.0", services=[shared]), feed=brent)
    content_import(content=FeedContent(format="ORUK 3.0", services=[shared]), feed=westminster)
    assert Service.objects.get(id=shared["id"]).area == world.other_area

    # Brent stops listing it: Westminster still does, so it stays active.
    content_import(content=FeedContent(format="ORUK 3.0", services=[variant(example_service(), 6)]), feed=brent)
    assert Service.objects.get(id=shared["id"]).status == "active"


def test_a_part_whose_id_belongs_to_another_service_is_refused(world: World) -> None:
    feed = _feed(world)
    original = example_service()
    content_import(content=FeedContent(format="ORUK 3.0", services=[original]), feed=feed)
    # A copy with a new id and name but every part's id left as it was.
    copied = dict(example_service(), id="5b0c7f5e-0000-4000-8000-000000000001", name="Copied Counselling")

    with pytest.raises(ImportRejected) as rejected:
        content_import(content=FeedContent(format="ORUK 3.0", services=[original, copied]), feed=feed)

    messages = {(p.field, p.message) for p in rejected.value.problems}
    assert ("id", "is used for two different schedules; every record needs its own id") in messages
    upload = _feed(world, "copy.json")
    with pytest.raises(ImportRejected) as again:
        content_import(content=FeedContent(format="ORUK 3.0", services=[copied]), feed=upload)
    assert any(
        "already belongs to another service in the directory (‘Community Counselling’)" in p.message
        for p in again.value.problems
    )
    assert exported(original["id"])["schedules"] != []


def test_an_import_that_fails_while_writing_changes_nothing_and_says_so(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from joinedup.directory import services

    def broken(**kwargs: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "search_entries_rebuild", broken)
    with pytest.raises(RuntimeError):
        content_import(content=FeedContent(format="ORUK 3.0", services=[example_service()]), feed=_feed(world))

    assert not Service.objects.exists()
    history = DirectoryImport.objects.get()
    assert history.status == DirectoryImport.Status.FAILED
    assert "disk full" in history.message
