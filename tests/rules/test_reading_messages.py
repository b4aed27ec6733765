"""What reading a school's file says when its columns are not the ones Joinedup reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from joinedup.rules.reading import ReadingError, read_school_data


def test_every_missing_column_is_named_at_once(tmp_path: Path) -> None:
    file = tmp_path / "pupils.csv"
    file.write_text("name,age\nAmara,9\n", encoding="utf-8")
    with pytest.raises(ReadingError, match=r"lacks the columns ‘upn’, ‘year_group’ and ‘school_urn’, which"):
        read_school_data(file)


@pytest.mark.parametrize(("mark", "called"), [(";", "semicolons"), ("\t", "tabs"), ("|", "bars")])
def test_a_file_separated_by_something_else_is_told_so(tmp_path: Path, mark: str, called: str) -> None:
    file = tmp_path / "pupils.csv"
    file.write_text(mark.join(["upn", "year_group", "school_urn"]) + "\n" + mark.join(["A1", "5", "100"]) + "\n")
    with pytest.raises(
        ReadingError, match=rf"^pupils.csv has its columns separated by {called}, not commas"
    ) as refused:
        read_school_data(file)
    assert "lacks" not in str(refused.value)
    assert "column mapping" not in str(refused.value)
