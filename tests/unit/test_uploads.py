"""The file-extension policy."""

import pytest

from ora_xblock.definition.model import FileType
from ora_xblock.uploads import PROHIBITED_EXTENSIONS, allowed_extensions, normalise_extension, prohibited


@pytest.mark.parametrize(
    ("name", "extension"),
    [
        ("x.php.jpg", "jpg"),
        ("x.html.", "html"),
        ("x.html ", "html"),
        ("x.HTML", "html"),
        ("archive.tar.gz", "gz"),
        ("noextension", ""),
        ("dir/x.Png", "png"),
    ],
)
def test_the_last_extension_is_normalised(name: str, extension: str) -> None:
    assert normalise_extension(name) == extension


def test_the_seed_list_is_complete() -> None:
    assert {"exe", "html", "htm", "lnk", "msc", "psc1", "vbscript", "workflow", "wsh"} <= PROHIBITED_EXTENSIONS
    assert len(PROHIBITED_EXTENSIONS) == 65


def test_custom_lists_lose_prohibited_extensions() -> None:
    assert prohibited(("pdf", "exe", "HTML")) == ["exe", "HTML"]
    assert allowed_extensions(FileType.CUSTOM, ("pdf", "exe")) == ("pdf",)
    assert allowed_extensions(FileType.IMAGE, ()) == ("jpg", "jpeg", "gif", "png")
    assert "pdf" in allowed_extensions(FileType.PDF_AND_IMAGE, ())
    assert allowed_extensions(None, ("pdf",)) == ()
