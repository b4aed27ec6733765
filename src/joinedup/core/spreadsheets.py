"""Cells for the CSV files people open in a spreadsheet."""

from __future__ import annotations


def spreadsheet_safe(text: str) -> str:
    """A cell a spreadsheet shows as text: one starting with =, +, - or @ would run as a formula, and so
    would one starting with a tab or carriage return, which some spreadsheets skip before reading it.

    >>> spreadsheet_safe("=SUM(A1:A9)"), spreadsheet_safe("@cmd"), spreadsheet_safe("Brent")
    ("'=SUM(A1:A9)", "'@cmd", 'Brent')
    """
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
