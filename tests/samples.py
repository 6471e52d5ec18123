"""Real files of the preset types, of any size, for tests that upload them (the block parses what it accepts),
and what a browser makes of a download's name.

Each is built by hand, byte by byte, so that no test needs an image library to make one. ``sized(kind, size)``
pads a file to exactly ``size`` bytes where its format keeps such bytes: a private ancillary chunk in a PNG, a
comment segment in a JPEG, a comment extension in a GIF, and a stream before the trailer in a PDF.
"""

from __future__ import annotations

import random
import re
import struct
import zlib
from urllib.parse import unquote

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(padding: bytes = b"") -> bytes:
    """A 1x1 RGB PNG; ``padding`` goes in a private ancillary chunk (``prVt``), which readers skip."""
    header = _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    extra = _chunk(b"prVt", padding) if padding else b""
    return PNG_SIGNATURE + header + extra + _chunk(b"IDAT", zlib.compress(b"\0\0\0\0")) + _chunk(b"IEND", b"")


# A baseline 1x1 greyscale JPEG: SOI, JFIF APP0, quantisation table, frame, Huffman tables, scan, EOI.
_JPEG_HEAD = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000"
    "ffdb004300" + "01" * 64 + "ffc0000b080001000101011100"
    "ffc4001f0000010501010101010100000000000000000102030405060708090a0b"
    "ffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f0"
    "2433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a7374757677"
    "78797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8"
    "d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa"
)
_JPEG_SCAN = bytes.fromhex("ffda0008010100003f00d2cf20ffd9")


def jpeg(padding: bytes = b"") -> bytes:
    """A 1x1 JPEG; ``padding`` goes in comment segments (COM) after the header."""
    comments = b"".join(
        b"\xff\xfe" + struct.pack(">H", len(part) + 2) + part
        for part in (padding[start : start + 65_000] for start in range(0, len(padding), 65_000))
    )
    return _JPEG_HEAD[:20] + comments + _JPEG_HEAD[20:] + _JPEG_SCAN


def gif(padding: bytes = b"") -> bytes:
    """A 1x1 GIF89a; ``padding`` goes in a comment extension."""
    comment = b""
    if padding:
        blocks = b"".join(
            bytes([len(part)]) + part for part in (padding[i : i + 255] for i in range(0, len(padding), 255))
        )
        comment = b"\x21\xfe" + blocks + b"\x00"
    screen = b"GIF89a" + struct.pack("<HH", 1, 1) + b"\x80\x00\x00" + b"\x00\x00\x00\xff\xff\xff"
    image = b"\x2c" + struct.pack("<HHHH", 0, 0, 1, 1) + b"\x00" + b"\x02\x02\x44\x01\x00"
    return screen + comment + image + b"\x3b"


def pdf(padding: bytes = b"") -> bytes:
    """A one-page PDF whose ``padding`` is a stream object nobody refers to."""
    body = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    body += b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    if padding:
        body += b"3 0 obj<</Length %d>>stream\n" % len(padding) + padding + b"\nendstream endobj\n"
    return body + b"trailer<</Root 1 0 R>>\n%%EOF\n"


BUILDERS = {"png": png, "jpg": jpeg, "jpeg": jpeg, "gif": gif, "pdf": pdf}
FRAMING = {  # the bytes a kind's padding adds besides itself, for a padding of n bytes
    "png": lambda n: 12,
    "jpg": lambda n: 4 * -(-n // 65_000),
    "jpeg": lambda n: 4 * -(-n // 65_000),
    "gif": lambda n: 3 + -(-n // 255),
    "pdf": lambda n: len(b"3 0 obj<</Length %d>>stream\n\nendstream endobj\n" % n),
}


def sized(kind: str, size: int, seed: int = 0) -> bytes:
    """A valid ``kind`` file (png, jpg, gif, pdf) of about ``size`` bytes (exactly, for most sizes), padded with
    seeded random bytes."""
    extra = size - len(BUILDERS[kind]())
    padding = max(0, extra - FRAMING[kind](extra))
    while padding + 1 + FRAMING[kind](padding + 1) <= extra:
        padding += 1
    while padding and padding + FRAMING[kind](padding) > extra:
        padding -= 1
    return BUILDERS[kind](random.Random(seed).randbytes(padding))


def download_name(header: str) -> tuple[str, str | None]:
    """What a browser makes of a Content-Disposition (RFC 6266): its type, and the file name, ``filename*``
    (RFC 5987, percent-encoded in its charset) before ``filename``."""
    kind, _, rest = header.partition(";")
    params = dict(re.findall(r'\s*([\w*]+)=("(?:[^"\\]|\\.)*"|[^;]*)', rest))
    if "filename*" in params:
        charset, _, encoded = params["filename*"].split("'", 2)
        return kind.strip().lower(), unquote(encoded, encoding=charset, errors="strict")
    plain = params.get("filename")
    return kind.strip().lower(), plain.strip('"') if plain else None
