"""Sealed files (``core.sealed``): what is written is read back only with the passphrase, and any change is found."""

from __future__ import annotations

import io
import os
import struct

import pytest

from joinedup.core.sealed import MAGIC, PIECE, SealedReader, SealedWriter, SealError

HEAD = len(MAGIC) + 17
PASSPHRASE = "correct horse battery staple"


def seal(plain: bytes, passphrase: str = PASSPHRASE) -> bytes:
    out = io.BytesIO()
    with SealedWriter(out, passphrase) as writer:
        for start in range(0, len(plain), 100_000):
            writer.write(plain[start : start + 100_000])
    return out.getvalue()


def unseal(sealed: bytes, passphrase: str = PASSPHRASE) -> bytes:
    return io.BufferedReader(SealedReader(io.BytesIO(sealed), passphrase)).read()


def pieces(sealed: bytes) -> list[tuple[int, int]]:
    """Where each piece starts and ends."""
    found, at = [], HEAD
    while at < len(sealed):
        (length,) = struct.unpack(">I", sealed[at : at + 4])
        found.append((at, at + 4 + 12 + length))
        at += 4 + 12 + length
    return found


PLAIN = os.urandom(PIECE * 2 + 12_345)  # three pieces, the last part-full


def test_what_is_sealed_is_read_back_exactly_and_holds_nothing_readable() -> None:
    sealed = seal(PLAIN)
    assert sealed.startswith(MAGIC)
    assert len(pieces(sealed)) == 3
    assert unseal(sealed) == PLAIN
    words = b"Amara Okafor, 12 Harrow Road" * 1000
    assert b"Amara" not in seal(words)
    assert unseal(seal(words)) == words
    assert unseal(seal(b"")) == b""


def test_sealing_twice_gives_different_files() -> None:
    assert seal(b"the same") != seal(b"the same")


def test_another_passphrase_does_not_open_it() -> None:
    with pytest.raises(SealError, match="The passphrase does not open this file"):
        unseal(seal(PLAIN), "Correct horse battery staple")
    with pytest.raises(SealError, match="The passphrase is empty"):
        unseal(seal(PLAIN), "")


def test_a_changed_byte_in_any_piece_is_found_before_its_bytes_are_given_out() -> None:
    sealed = bytearray(seal(PLAIN))
    start, end = pieces(bytes(sealed))[1]
    sealed[(start + end) // 2] ^= 1
    reader = io.BufferedReader(SealedReader(io.BytesIO(bytes(sealed)), PASSPHRASE))
    assert reader.read(PIECE) == PLAIN[:PIECE]
    with pytest.raises(SealError, match="Part 2 of the file has been changed or damaged"):
        reader.read()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda sealed, found: sealed[: found[-1][0]], "cut short"),  # the last piece dropped
        (lambda sealed, found: sealed[:-10], "cut short"),  # cut inside the last piece
        (lambda sealed, found: sealed + b"more", "more after its last part"),
        (  # the second and third pieces swapped
            lambda sealed, found: sealed[: found[1][0]] + sealed[found[2][0] :] + sealed[found[1][0] : found[2][0]],
            "Part 2 of the file has been changed",
        ),
        (lambda sealed, found: b"JOINEDUP-SEALED-9\n" + sealed[len(MAGIC) :], "not a sealed Joinedup file"),
        (lambda sealed, found: sealed[:20], "not a sealed Joinedup file"),
    ],
    ids=["last-piece-dropped", "cut-inside", "added-to", "reordered", "other-format", "only-a-beginning"],
)
def test_a_file_cut_short_added_to_or_reordered_is_refused(change: object, message: str) -> None:
    sealed = seal(PLAIN)
    with pytest.raises(SealError, match=message):
        unseal(change(sealed, pieces(sealed)))  # type: ignore[operator]
