"""Malformed upload files, made in code so that no binary file is committed.

Each builder returns the bytes of one file. ``csv_text`` makes a well-formed CSV from a header and rows,
and the other builders break it the ways real uploads arrive broken: another encoding, a zip that is
not a workbook, a workbook that unpacks to hundreds of megabytes.
"""

from __future__ import annotations

import csv
import functools
import io
import zipfile
from collections.abc import Sequence

#: Values a spreadsheet would run as a formula if an export wrote them as they are.
FORMULAS = ('=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "-1+1", "@SUM(1,2)", "\t=1", "\r=1")
#: Dates of birth written every wrong way: impossible, month 13, two-digit year, words, an Excel
#: serial number typed as text.
WRONG_DATES = ("31/02/2016", "2016-13-01", "01-01-16", "yesterday", "42000", "2016/02/30", "1/1")


def csv_text(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A CSV file's text (quoting cells that need it), with a line end after every row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def utf16(text: str) -> bytes:
    """As Excel's "Unicode text" saves it: UTF-16 with a byte order mark."""
    return text.encode("utf-16")


def latin1(text: str) -> bytes:
    """As an old spreadsheet saves a name with an accent: one byte per letter, not UTF-8."""
    return text.encode("latin-1")


def invalid_utf8(text: str) -> bytes:
    """UTF-8 with one byte that can never appear in it, in the first data row."""
    head, _, rest = text.encode().partition(b"\n")
    return head + b"\n" + rest.replace(b",", b",\xff", 1)


def xlsx(header: Sequence[object], rows: Sequence[Sequence[object]]) -> bytes:
    """A real workbook, with the header in row 1 of the first sheet."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@functools.cache
def xlsx_bomb(unpacked_mb: int = 250) -> bytes:
    """A tiny .xlsx (a few hundred kilobytes) whose sheet unpacks to ``unpacked_mb`` megabytes of XML.

    The sheet is one repeated row, which deflate packs about a thousand to one: a reader that trusted
    it would spend the memory and minutes of a real workbook a hundred times the size.
    """
    out = io.BytesIO()
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    body = row * (unpacked_mb * 1024 * 1024 // len(row))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet><sheetData>" + body + b"</sheetData></worksheet>")
    return out.getvalue()


@functools.cache
def xlsx_ratio_bomb() -> bytes:
    """Under the total size limit, but one part unpacks to far more than a thousand times its packed size."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (50 * 1024 * 1024))
    return out.getvalue()


def png() -> bytes:
    """The start of a PNG image: what arrives when someone attaches a screenshot named list.xlsx."""
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


def zip_without_workbook() -> bytes:
    """A valid zip archive holding a text file, not a workbook."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "This is not a spreadsheet.")
    return out.getvalue()


def csv_zip(files: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of CSV files (as a directory's HSDS export comes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method, compresslevel=9 if method == zipfile.ZIP_DEFLATED else None) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


@functools.cache
def csv_zip_bomb(parts: int = 3, part_mb: int = 90) -> bytes:
    """A zip of CSV files each under the 200 MB limit for one file, together far over it."""
    body = b"id,name\n" + b"1,x\n" * (part_mb * 1024 * 1024 // 4)
    return csv_zip({f"part{number}.csv": body for number in range(parts)})


def deeply_nested_json(depth: int = 100_000) -> bytes:
    """An array inside an array, ``depth`` deep: valid JSON that a recursive parser cannot finish."""
    return b"[" * depth + b"]" * depth
