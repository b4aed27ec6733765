"""Whatever text or bytes are uploaded, the readers accept the file or refuse it with their own clear error:
never an unhandled exception (a failed job, a 500). An import writes all of its rows or none of them."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from joinedup.directory.models import DirectoryImport, Service
from joinedup.directory.services import ImportRejected as FeedRejected
from joinedup.directory.services import directory_import
from joinedup.identification.models import ScreenedPupil, ScreeningImport
from joinedup.identification.services import ImportRejected
from joinedup.linkage.people import COLUMNS, ListError, people_read
from joinedup.rules.reading import SCHOOL_DATA_COLUMNS
from tests.conftest import World
from tests.identification.conftest import import_file
from tests.uploads.corpus import FORMULAS, WRONG_DATES, csv_text

cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "5", "Y", "N", "below", "2016-09-01", "01/09/2016", "100001", "84.5", '"', ",", "\n"]),
    st.sampled_from([*FORMULAS, *WRONG_DATES]),
)


@st.composite
def csv_files(draw: st.DrawFn, known: tuple[str, ...]) -> str:
    """A CSV file whose header mixes the columns a reader knows with junk, and whose rows may be ragged."""
    header = draw(st.lists(st.one_of(st.sampled_from(known), st.text(max_size=8)), min_size=0, max_size=8))
    width = len(header)
    rows = draw(
        st.lists(
            st.lists(cells, min_size=max(0, width - 1), max_size=width + 1),
            max_size=6,
        )
    )
    return csv_text(header, rows)


EXAMPLES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@EXAMPLES
@given(text=csv_files(SCHOOL_DATA_COLUMNS), upn_rows=st.booleans())
def test_a_school_data_import_of_any_csv_is_all_or_nothing(shared_world: World, text: str, upn_rows: bool) -> None:
    if upn_rows:  # the URN of the world's school, so some rows can be valid
        text = text.replace("100001", shared_world.school.urn or "")
    with transaction.atomic(), tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "school.csv"
        path.write_text(text, encoding="utf-8")
        try:
            record = import_file(shared_world, path, "school_data")
        except ImportRejected as rejected:
            record = rejected.record
        if record.status == ScreeningImport.Status.REJECTED:
            assert record.message
            assert not ScreenedPupil.objects.exists()
        else:
            assert record.status == ScreeningImport.Status.IMPORTED
            assert ScreenedPupil.objects.count() == record.created == record.rows
        transaction.set_rollback(True)


@EXAMPLES
@given(
    content=st.one_of(st.binary(max_size=300), csv_files(COLUMNS).map(str.encode)),
    suffix=st.sampled_from([".csv", ".xlsx", ".parquet"]),
)
def test_any_bytes_as_a_person_list_are_read_or_refused_clearly(content: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"list{suffix}"
        path.write_bytes(content)
        try:
            rows = people_read(path).rows
        except ListError as error:
            message, rows = str(error), 0
        else:
            message = ""
        assert message if not rows else rows > 0


@EXAMPLES
@given(
    content=st.one_of(
        st.binary(max_size=300),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=8),
            lambda inner: (
                st.lists(inner, max_size=4)
                | st.dictionaries(st.sampled_from(["id", "name", "services", "contents", "x"]), inner, max_size=4)
            ),
            max_leaves=12,
        ).map(lambda value: json.dumps(value).encode()),
    )
)
def test_a_directory_import_of_any_json_is_all_or_nothing(shared_world: World, content: bytes) -> None:
    with transaction.atomic(), tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "feed.json"
        path.write_bytes(content)
        try:
            services = directory_import(source=str(path), area=shared_world.area).services
        except FeedRejected:
            services = 0
            assert DirectoryImport.objects.get().status == DirectoryImport.Status.REJECTED
            assert DirectoryImport.objects.get().message
        assert Service.objects.count() == services
        transaction.set_rollback(True)
