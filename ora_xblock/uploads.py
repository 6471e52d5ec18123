"""The file-upload policy: which names, extensions and bytes a problem accepts. Pure Python.

Names are normalised before they are judged (case-folded, trailing dots and
spaces stripped, control, bidi-override and zero-width characters dropped);
the last extension decides. For the image and PDF presets the bytes must
match the extension, checked with the puremagic signature library.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import puremagic

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
        banned = set(prohibited(custom))
        return tuple(item for item in custom if item not in banned)
    return ()


MAX_NAME_CHARS = 200
# What the bytes of a file with each preset extension must be.
SIGNATURE_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "png": "image/png",
    "pdf": "application/pdf",
}
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


def check_bytes(head: bytes, extension: str) -> str:
    """The content type to serve the file with; for preset types, the bytes must match the extension."""
    expected = SIGNATURE_TYPES.get(extension)
    if expected is None:
        return "application/octet-stream"
    try:
        found = {match.mime_type for match in puremagic.magic_string(head)}
    except (puremagic.PureError, ValueError):  # no signature found, or nothing to look at
        found = set()
    if expected not in found:
        raise Rejected("file.content_mismatch", extension=extension)
    return expected


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
