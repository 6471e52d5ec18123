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
