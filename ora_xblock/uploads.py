"""The file-upload policy: which extensions a problem may ever accept. Pure Python."""

from __future__ import annotations

from collections.abc import Iterable

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
