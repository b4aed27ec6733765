from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tests.conftest import data_migrations_rerun

# Synthetic rows: real district shapes (NW10, W9, N1) with made-up inward codes,
# and grid references near the districts' centres.
CODES = "E92000001,E19000003,E18000007,,E09000005,E05013497"


def codepoint_line(postcode: str, easting: int, northing: int, quality: int = 10) -> str:
    return f'"{postcode}",{quality},{easting},{northing},{CODES}\n'


NW = "".join(
    [
        codepoint_line("NW109ZX", 521500, 183900),
        codepoint_line("NW109ZY", 521600, 184000),
        codepoint_line("NW109ZZ", 0, 0, quality=90),
    ]
)
W = codepoint_line("W9  9ZZ", 525400, 182200)


def codepoint_zip(path: Path, files: dict[str, str]) -> Path:
    """A zip laid out like codepo_gb.zip, with a Doc CSV that must not be read as data."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Doc/Code-Point_Open_Column_Headers.csv", "PC,PQ,EA,NO,CY,RH,LH,CC,DC,WC\n")
        for name, text in files.items():
            archive.writestr(f"Data/CSV/{name}", text)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def codepoint(tmp_path: Path) -> Path:
    """A small Code-Point zip: two areas, three postcodes with coordinates and one without."""
    return codepoint_zip(tmp_path / "codepo_gb.zip", {"nw.csv": NW, "w.csv": W})


@pytest.fixture(autouse=True)
def districts(db: None) -> None:
    # A transactional test elsewhere empties every table, the migration's districts included.
    data_migrations_rerun()
