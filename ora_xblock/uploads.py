"""The file-upload policy: which names, extensions and bytes a problem accepts, and the names files leave with.
Pure Python.

Names are normalised before they are judged (case-folded, trailing dots and
spaces stripped, control, bidi-override and zero-width characters dropped);
the last extension decides. Custom extensions are ASCII letters and digits.

For the image and PDF presets the bytes must be what the extension says
(:func:`check_head` for a file's first bytes, :func:`check_file` for the whole
file): the type's full signature, no HTML in an image's first KB, an image
header that Pillow parses and verifies without decoding pixels, and a PDF
whose ``%%EOF`` is in its last KB.

Every name that leaves the block, in an archive or a download's
``Content-Disposition``, goes through :func:`safe_name`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import quote

from PIL import Image

from .definition.model import FileType

# Extensions no learner may upload, whatever the problem allows (the seed's list).
PROHIBITED_EXTENSIONS = frozenset(
    (
        "action apk app application bat bin cmd com command cpl csh dmg exe gadget hta htm html inf ins inx ipa isu "
        "jar job jse lnk msc msh msh1 msh2 mshxml msh1xml msh2xml msi msp mst osx out paf pif prg psc1 psc2 ps1 ps1xml "
        "ps2 ps2xml reg rgs run scf scr sct shb shs u3p vb vbe vbs vbscript workflow ws wsc wsf wsh"
    ).split()
)

IMAGE_EXTENSIONS = ("jpg", "jpeg", "gif", "png")
PDF_AND_IMAGE_EXTENSIONS = (*IMAGE_EXTENSIONS, "pdf")


def normalise_extension(name: str) -> str:
    """The last extension of ``name``, case-folded, ignoring trailing dots and spaces."""
    stem = name.rstrip(". ").rsplit("/", 1)[-1]
    return stem.rsplit(".", 1)[-1].casefold().strip() if "." in stem else ""


def plain_extension(extension: str) -> bool:
    """Whether ``extension`` has only ASCII letters and digits: nothing invisible, no look-alike letter."""
    return bool(re.fullmatch("[A-Za-z0-9]+", extension))


def prohibited(extensions: Iterable[str], extra: Iterable[str] = ()) -> list[str]:
    """Those of ``extensions`` that are never allowed, in the order given."""
    banned = PROHIBITED_EXTENSIONS | {normalise_extension(f".{item}") for item in extra}
    return [item for item in extensions if normalise_extension(f".{item}") in banned]


def allowed_extensions(file_type: FileType | None, custom: tuple[str, ...]) -> tuple[str, ...]:
    """The extensions a problem accepts, never including a prohibited one."""
    if file_type is FileType.IMAGE:
        return IMAGE_EXTENSIONS
    if file_type is FileType.PDF_AND_IMAGE:
        return PDF_AND_IMAGE_EXTENSIONS
    if file_type is FileType.CUSTOM:
        # A list saved before the validator held custom extensions to ASCII letters and digits loses the rest.
        plain = dict.fromkeys(item.lower() for item in custom if plain_extension(item))
        banned = set(prohibited(plain))
        return tuple(item for item in plain if item not in banned)
    return ()


MAX_NAME_CHARS = 200
# What the bytes of a file with each preset extension must be: the type to serve it with, every signature it
# may start with, and the format Pillow must find (None for PDF, which is checked by its header and trailer).
PRESETS: dict[str, tuple[str, tuple[bytes, ...], str | None]] = {
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",), "JPEG"),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",), "JPEG"),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",), "PNG"),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a"), "GIF"),
    "pdf": ("application/pdf", (b"%PDF-",), None),
}
HEAD_BYTES = 8192  # what check_head needs of a file; a first piece has at least this much unless it is the file
MARKUP_WINDOW = 1024  # an image's first KB: where browsers that sniff look for HTML
PDF_TRAILER_WINDOW = 1024  # where readers look for the end-of-file marker (ISO 32000: %%EOF at the end)
# Tags that make a browser take bytes for HTML (the WHATWG sniffing patterns), each long enough that binary
# image data holds it by chance about never.
_MARKUP = re.compile(
    rb"<(?:!doctype|html|head|body|script|iframe|svg|object|embed|meta|style|title|img|div|table|a\s+href)"
    rb"|javascript:",
    re.IGNORECASE,
)
_INVISIBLE = {"Cc", "Cf", "Zl", "Zp"}  # controls, format characters (bidi overrides, zero-width), separators


class Rejected(ValueError):
    """A file refused by the policy: ``code`` is stable, ``params`` fill in the message."""

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code, self.params = code, params


@dataclass(frozen=True)
class CheckedName:
    """A file name fit to show, and the extension that decides its type."""

    name: str
    extension: str


def clean_name(raw: str) -> CheckedName:
    """The name with every character that could mislead removed; refuses names with nothing left.

    Path parts are dropped (``../x`` becomes ``x``); the result is only ever
    shown, never used to store the file.
    """
    visible = "".join(char for char in raw if unicodedata.category(char) not in _INVISIBLE)
    name = visible.replace("\\", "/").rsplit("/", 1)[-1].strip().rstrip(". ").strip()
    if name in ("", ".", ".."):
        raise Rejected("file.no_name")
    if len(name) > MAX_NAME_CHARS:
        raise Rejected("file.name_too_long", limit=MAX_NAME_CHARS)
    extension = normalise_extension(name)
    if not extension:
        raise Rejected("file.no_extension", name=name)
    return CheckedName(unicodedata.normalize("NFC", name), extension)


def check_name(raw: str, allowed: tuple[str, ...], extra_prohibited: Iterable[str] = ()) -> CheckedName:
    """A clean name whose extension the problem allows and no rule prohibits."""
    checked = clean_name(raw)
    if prohibited((checked.extension,), extra_prohibited) or checked.extension not in allowed:
        raise Rejected("file.type_not_allowed", name=checked.name, allowed=", ".join(f".{item}" for item in allowed))
    return checked


def check_head(head: bytes, extension: str) -> str:
    """The content type to serve the file with, judged on its first :data:`HEAD_BYTES` (or all of it, if fewer):
    for a preset type, its full signature, and for an image no HTML in the first KB. Custom types are bytes.

    Enough for a file's first piece; the whole file must pass :func:`check_file`.
    """
    preset = PRESETS.get(extension)
    if preset is None:
        return "application/octet-stream"
    content_type, signatures, image_format = preset
    if not head.startswith(signatures) or (image_format and _MARKUP.search(head[:MARKUP_WINDOW])):
        raise Rejected("file.content_mismatch", extension=extension)
    return content_type


def check_file(stream: BinaryIO, size: int, extension: str) -> str:
    """:func:`check_head`, then the structure of the whole file (``size`` bytes, seekable): an image must open
    with Pillow as its format and pass Pillow's verify (PNG chunks' checksums hold), which reads the headers and
    chunks without decoding pixels; a PDF must end with ``%%EOF`` in its last KB. The stream is left at its start.
    """
    content_type = check_head(_read_at(stream, 0, HEAD_BYTES), extension)
    _, _, image_format = PRESETS.get(extension, (None, (), None))
    try:
        if image_format:
            _verify_image(stream, image_format, extension)
        elif extension == "pdf" and b"%%EOF" not in _read_at(stream, max(0, size - PDF_TRAILER_WINDOW), size):
            raise Rejected("file.content_mismatch", extension=extension)
    finally:
        stream.seek(0)
    return content_type


def _verify_image(stream: BinaryIO, image_format: str, extension: str) -> None:
    stream.seek(0)
    try:
        with Image.open(stream, formats=[image_format]) as image:
            image.verify()
    except Image.DecompressionBombError:
        return  # a header that parsed, of more pixels than Pillow would decode: never decoded here
    except Exception as error:  # Pillow raises many kinds: OSError, SyntaxError, ValueError, struct.error...
        raise Rejected("file.content_mismatch", extension=extension) from error


def _read_at(stream: BinaryIO, start: int, end: int) -> bytes:
    stream.seek(start)
    return stream.read(max(0, end - start))


# Names that leave the block

MAX_SAFE_CHARS = 100
_RESERVED = re.compile(r'[<>:"/\\|?*]')  # path separators, and what Windows refuses in a file name


def safe_name(raw: str, fallback: str, limit: int = MAX_SAFE_CHARS) -> str:
    """``raw`` as one path segment fit for an archive entry or a download: controls and invisible characters
    dropped, separators and reserved characters as ``_``, no leading dot nor dot-only name, at most ``limit``
    characters (a long name keeps its extension). ``fallback`` (taken as it is) when nothing is left."""
    visible = "".join(
        char for char in unicodedata.normalize("NFC", raw) if unicodedata.category(char) not in _INVISIBLE
    )
    name = _RESERVED.sub("_", visible).strip().lstrip(".").rstrip(". ")
    if len(name) > limit:
        stem, dot, extension = name.rpartition(".")
        keep = f"{dot}{extension}" if stem and len(extension) < limit // 2 else ""
        name = name[: limit - len(keep)].rstrip(". ") + keep
    return name or fallback


def content_disposition(raw: str, fallback: str) -> str:
    """``Content-Disposition: attachment`` for a file named ``raw`` (RFC 6266): an ASCII ``filename`` for old
    clients, then the name itself in UTF-8 as ``filename*`` (RFC 5987); both go through :func:`safe_name`, and
    ``fallback`` (made safe too) stands in for a name with nothing left."""
    name = safe_name(raw, safe_name(fallback, "download"))
    ascii_name = "".join(
        char if char.isascii() and char.isprintable() and char not in '"\\' else "_"
        for char in unicodedata.normalize("NFKD", name)
        if not unicodedata.combining(char)
    )
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='!#$&+^`|~')}"


# Files sent in pieces, for hosts that cap each request (the LMS refuses files over STUDENT_FILEUPLOAD_MAX_SIZE,
# 4,000,000 bytes by default, and Tutor's proxy caps bodies at 4 MB).
DEFAULT_PIECE_BYTES = 3_500_000  # under both, with room for the multipart envelope and the other fields
MIN_PIECE_BYTES = 256 * 1024


def piece_bytes(configured: int, per_request_limit: int | None = None) -> int:
    """The size of every piece but the last: the operator's setting, at least :data:`MIN_PIECE_BYTES`,
    and never above the host's per-request file limit (which wins over the minimum)."""
    size = max(MIN_PIECE_BYTES, configured)
    return max(1, min(size, per_request_limit)) if per_request_limit else size


def piece_count(size: int, piece: int) -> int:
    """How many pieces a file of ``size`` bytes is sent in (at least one)."""
    return max(1, -(-size // piece))


def piece_length(size: int, piece: int, index: int) -> int:
    """How many bytes piece ``index`` of the file has: ``piece``, or what is left for the last one."""
    return max(0, min(piece, size - index * piece))


def check_piece(size: int, piece: int, next_index: int, index: int, offset: int, length: int) -> None:
    """Refuse a piece that is not the next one, or whose bytes don't fit exactly where it goes.

    Codes: ``piece.out_of_order`` (not the next index, or its offset is not where that piece
    starts), ``piece.too_large`` (more bytes than the piece may have, or past the declared size),
    ``piece.incomplete`` (fewer bytes than the piece must have).
    """
    if index != next_index or offset != index * piece:
        raise Rejected("piece.out_of_order", expected=next_index)
    expected = piece_length(size, piece, index)
    if length > expected or not expected:
        raise Rejected("piece.too_large", expected=expected)
    if length < expected:
        raise Rejected("piece.incomplete", expected=expected)
