"""Files sealed with a passphrase: encrypted and checked piece by piece, so a large file never sits in memory.

A backup holds every child's record; sealed, it can be kept or sent where the database could not be.

    b"JOINEDUP-SEALED-1\\n", salt (16 bytes), scrypt cost (1 byte: log2 n)
    pieces: length (4 bytes, big-endian), nonce (12 bytes), AES-256-GCM ciphertext and tag

The key comes from the passphrase through scrypt. Each piece is authenticated with its number and
whether it is the last, so a piece changed, moved, dropped or cut off is found, and a file cut
short after a whole piece is found too (no piece says it is the last).
"""

from __future__ import annotations

import io
import os
import struct
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"JOINEDUP-SEALED-1\n"
PIECE = 1024 * 1024
COST = 15  # scrypt n = 2**15: about 0.1 s and 32 MB to try one passphrase


class SealError(Exception):
    """A sealed file cannot be opened: the passphrase is wrong, or the file was changed or cut short."""


def is_sealed(path: os.PathLike[str] | str) -> bool:
    with open(path, "rb") as file:
        return file.read(len(MAGIC)) == MAGIC


def _key(passphrase: str, salt: bytes, cost: int) -> AESGCM:
    if not passphrase:
        raise SealError("The passphrase is empty.")
    return AESGCM(Scrypt(salt=salt, length=32, n=2**cost, r=8, p=1).derive(passphrase.encode()))


def _context(number: int, last: bool) -> bytes:
    return struct.pack(">Q?", number, last)


class SealedWriter(io.RawIOBase):
    """Write plain bytes; ``raw`` receives them sealed. Closing writes the last piece (``raw`` stays open)."""

    def __init__(self, raw: IO[bytes], passphrase: str) -> None:
        salt = os.urandom(16)
        self._aead = _key(passphrase, salt, COST)
        self._raw = raw
        self._buffer = bytearray()
        self._number = 0
        raw.write(MAGIC + salt + bytes([COST]))

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        self._buffer += data
        while len(self._buffer) > PIECE:
            self._seal(bytes(self._buffer[:PIECE]), last=False)
            del self._buffer[:PIECE]
        return len(data)

    def _seal(self, plain: bytes, *, last: bool) -> None:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plain, _context(self._number, last))
        self._raw.write(struct.pack(">I", len(sealed)) + nonce + sealed)
        self._number += 1

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self._buffer), last=True)
            self._raw.flush()
        super().close()


class SealedReader(io.RawIOBase):
    """Read the plain bytes of a sealed file, each piece checked before any of it is given out. Closing
    closes ``raw``."""

    def __init__(self, raw: IO[bytes], passphrase: str) -> None:
        head = raw.read(len(MAGIC) + 17)
        if len(head) < len(MAGIC) + 17 or not head.startswith(MAGIC):
            raise SealError("This is not a sealed Joinedup file.")
        self._aead = _key(passphrase, head[len(MAGIC) : len(MAGIC) + 16], head[-1])
        self._raw = raw
        self._plain = b""
        self._number = 0
        self._ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._plain and not self._ended:
            self._open_next()
        count = min(len(target), len(self._plain))
        target[:count] = self._plain[:count]
        self._plain = self._plain[count:]
        return count

    def _open_next(self) -> None:
        length_bytes = self._raw.read(4)
        if len(length_bytes) < 4:
            raise SealError("The file is cut short: its last part is missing.")
        (length,) = struct.unpack(">I", length_bytes)
        nonce = self._raw.read(12)
        sealed = self._raw.read(length)
        if len(nonce) < 12 or len(sealed) < length:
            raise SealError("The file is cut short: its last part is missing.")
        for last in (False, True):
            try:
                self._plain = self._aead.decrypt(nonce, sealed, _context(self._number, last))
            except InvalidTag:
                continue
            self._ended = last
            self._number += 1
            if last and self._raw.read(1):
                raise SealError("The file has more after its last part: it has been changed.")
            return
        if self._number == 0:
            raise SealError("The passphrase does not open this file (or its first part has been changed).")
        raise SealError(f"Part {self._number + 1} of the file has been changed or damaged.")

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()
