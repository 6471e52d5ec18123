"""The file-extension policy."""

import pytest

from ora_xblock.definition.model import FileType
from ora_xblock.uploads import (
    DEFAULT_PIECE_BYTES,
    MIN_PIECE_BYTES,
    PROHIBITED_EXTENSIONS,
    CheckedName,
    Rejected,
    allowed_extensions,
    check_bytes,
    check_name,
    check_piece,
    normalise_extension,
    piece_bytes,
    piece_count,
    piece_length,
    prohibited,
)


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


PRESET = ("jpg", "jpeg", "gif", "png", "pdf")
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PDF = b"%PDF-1.7\n" + b"\0" * 64


@pytest.mark.parametrize(
    ("raw", "name", "extension"),
    [
        ("../x.png", "x.png", "png"),  # path parts never survive
        ("..\\x.png", "x.png", "png"),
        ("/etc/passwd.png", "passwd.png", "png"),
        ("x.php.jpg", "x.php.jpg", "jpg"),  # the last extension decides...
        ("x.asax:.jpg", "x.asax:.jpg", "jpg"),
        ("x.exe%00.png", "x.exe%00.png", "png"),  # ...and preset types must also have matching bytes
        ("zero\u200bwidth.pdf", "zerowidth.pdf", "pdf"),
        ("Résumé.PDF", "Résumé.PDF", "pdf"),
    ],
)
def test_names_are_normalised_and_judged_by_the_last_extension(raw: str, name: str, extension: str) -> None:
    assert check_name(raw, PRESET) == CheckedName(name, extension)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("x.html.", "file.type_not_allowed"),
        ("x.html ", "file.type_not_allowed"),
        ("x.HTML", "file.type_not_allowed"),
        ("evil\u202egnp.exe", "file.type_not_allowed"),  # right-to-left override dropped: it is an .exe
        (".", "file.no_name"),
        ("..", "file.no_name"),
        ("", "file.no_name"),
        ("CON", "file.no_extension"),
        ("noextension", "file.no_extension"),
        ("a" * 300 + ".png", "file.name_too_long"),
    ],
)
def test_bad_names_are_rejected_with_a_code(raw: str, code: str) -> None:
    with pytest.raises(Rejected) as rejected:
        check_name(raw, PRESET)
    assert rejected.value.code == code


def test_a_custom_list_never_admits_a_prohibited_extension() -> None:
    with pytest.raises(Rejected):
        check_name("run.exe", ("exe", "txt"))
    with pytest.raises(Rejected):
        check_name("notes.py", ("py",), extra_prohibited=("PY",))
    assert check_name("notes.txt", ("txt",)).extension == "txt"


@pytest.mark.parametrize(
    ("head", "extension"),
    [
        (b"<html><script>alert(1)</script></html>", "png"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>', "png"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 64, "jpg"),  # a Windows executable
        (PNG, "pdf"),
        (PDF, "gif"),
        (b"", "png"),
    ],
)
def test_preset_types_must_have_matching_bytes(head: bytes, extension: str) -> None:
    with pytest.raises(Rejected) as rejected:
        check_bytes(head, extension)
    assert rejected.value.code == "file.content_mismatch"


def test_matching_bytes_give_the_type_to_serve_with() -> None:
    assert check_bytes(PNG, "png") == "image/png"
    assert check_bytes(PDF, "pdf") == "application/pdf"
    assert check_bytes(b"anything", "txt") == "application/octet-stream"


# Files sent in pieces


def test_pieces_fit_the_lms_file_limit_and_a_4_mb_body_cap() -> None:
    piece = piece_bytes(DEFAULT_PIECE_BYTES, 4_000_000)
    assert piece == 3_500_000
    assert piece + 2_000 < 4_000_000  # room for the multipart envelope, the other fields and the description


def test_the_piece_size_follows_the_setting_within_the_hosts_limit() -> None:
    assert piece_bytes(10_000_000, 4_000_000) == 4_000_000  # never above what the LMS accepts in one file
    assert piece_bytes(10_000_000, None) == 10_000_000  # an operator who raised every limit
    assert piece_bytes(1, None) == MIN_PIECE_BYTES  # no thousands of tiny requests
    assert piece_bytes(1, 100_000) == 100_000  # ...unless the host itself accepts less


@pytest.mark.parametrize(
    ("size", "count", "last"),
    [(1, 1, 1), (1000, 1, 1000), (3000, 1, 3000), (3001, 2, 1), (9000, 3, 3000)],
)
def test_a_file_is_cut_into_whole_pieces_and_a_remainder(size: int, count: int, last: int) -> None:
    assert piece_count(size, 3000) == count
    assert piece_length(size, 3000, count - 1) == last
    assert sum(piece_length(size, 3000, index) for index in range(count)) == size


def test_pieces_in_order_with_their_exact_bytes_are_accepted() -> None:
    for index, length in enumerate((3000, 3000, 1000)):
        check_piece(7000, 3000, index, index, index * 3000, length)


@pytest.mark.parametrize(
    ("next_index", "index", "offset", "length", "code"),
    [
        (1, 2, 6000, 1000, "piece.out_of_order"),  # skips a piece
        (1, 1, 2999, 3000, "piece.out_of_order"),  # the right index at the wrong place
        (0, 0, 0, 3001, "piece.too_large"),
        (2, 2, 6000, 1001, "piece.too_large"),  # past the declared size
        (3, 3, 9000, 1, "piece.too_large"),  # the file is complete
        (3, 3, 9000, 0, "piece.too_large"),
        (0, 0, 0, 2999, "piece.incomplete"),
    ],
)
def test_a_piece_out_of_place_or_of_the_wrong_length_is_refused(next_index, index, offset, length, code) -> None:
    with pytest.raises(Rejected) as rejected:
        check_piece(7000, 3000, next_index, index, offset, length)
    assert rejected.value.code == code
