"""The file-upload policy: extensions, names, bytes, pieces, and the names files leave with."""

import dataclasses
import io
import time

import pytest

from ora_xblock import scenarios, uploads
from ora_xblock.definition import load_olx
from ora_xblock.definition.model import FileType, Necessity
from ora_xblock.definition.validate import validate
from ora_xblock.uploads import (
    DEFAULT_PIECE_BYTES,
    MIN_PIECE_BYTES,
    PROHIBITED_EXTENSIONS,
    CheckedName,
    Rejected,
    allowed_extensions,
    check_head,
    check_name,
    check_piece,
    normalise_extension,
    piece_bytes,
    piece_count,
    piece_length,
    prohibited,
)
from tests import samples


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
        check_head(head, extension)
    assert rejected.value.code == "file.content_mismatch"


def test_matching_bytes_give_the_type_to_serve_with() -> None:
    assert check_head(PNG, "png") == "image/png"
    assert check_head(PDF, "pdf") == "application/pdf"
    assert check_head(b"anything", "txt") == "application/octet-stream"


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


# Custom extensions: ASCII letters and digits only

CUSTOM = dataclasses.replace(
    load_olx(scenarios.resource_text("scenarios/self_only.xml")),
    file_upload_response=Necessity.OPTIONAL,
    file_upload_type=FileType.CUSTOM,
)
NOT_PLAIN = [
    "htm\u200bl",
    "ex\u00ade",
    "\u0455cr",
    "p df",
    "tar.gz",
    "pdf\u202e",
    "\uff50\uff44\uff46",
    "caf\u00e9",
    "-",
]


@pytest.mark.parametrize("extension", NOT_PLAIN)
def test_a_custom_extension_with_invisible_or_non_ascii_characters_is_invalid(extension: str) -> None:
    [error] = validate(dataclasses.replace(CUSTOM, white_listed_file_types=("pdf", extension)))
    assert error.code == "files.extension_not_plain"
    assert "ASCII letters and digits" in error.text()
    assert extension.encode("unicode_escape").decode() in error.text()  # shown so that an invisible one is seen
    assert error.text().isascii()


def test_a_custom_list_stored_before_the_rule_loses_what_is_not_plain_and_learners_cannot_use_it() -> None:
    assert allowed_extensions(FileType.CUSTOM, ("pdf", "TXT", *NOT_PLAIN)) == ("pdf", "txt")
    allowed = allowed_extensions(FileType.CUSTOM, ("\u0455cr", "htm\u200bl"))
    for name in ("notes.\u0455cr", "page.htm\u200bl"):
        with pytest.raises(Rejected):
            check_name(name, allowed)


# Content-Disposition and archive names


@pytest.mark.parametrize(
    ("name", "fallback", "shown"),
    [
        ("report.pdf", "report.pdf", "report.pdf"),
        ("R\u00e9sum\u00e9.pdf", "Resume.pdf", "R\u00e9sum\u00e9.pdf"),
        ("notes.\u0455cr", "notes._cr", "notes.\u0455cr"),
        ('a"b\\c.txt', "a_b_c.txt", "a_b_c.txt"),
        ("x\r\nSet-Cookie: a=b.txt", "xSet-Cookie_ a=b.txt", "xSet-Cookie_ a=b.txt"),
        ("../../etc/passwd", "_.._etc_passwd", "_.._etc_passwd"),
        ("..", "download", "download"),
        ("\u202e\u200b", "download", "download"),
    ],
)
def test_a_download_is_an_attachment_with_an_ascii_fallback_and_the_utf8_name(name, fallback, shown) -> None:
    header = uploads.content_disposition(name, "download")
    assert header.isascii() and "\r" not in header and "\n" not in header
    assert header.startswith(f"attachment; filename=\"{fallback}\"; filename*=UTF-8''")
    assert samples.download_name(header) == ("attachment", shown)


@pytest.mark.parametrize(
    "raw", ["..", ".", "../../../tmp/pwn", "a/b", "C:\\x", "\x00\x1f\x7f", ".hidden", "", " ", "\u202e", "x" * 500]
)
def test_an_archive_name_is_one_visible_bounded_segment_never_a_path(raw: str) -> None:
    name = uploads.safe_name(raw, "learner")
    assert name and len(name) <= uploads.MAX_SAFE_CHARS
    assert not {"/", "\\", ":", "\x00"} & set(name) and not name.startswith(".") and name.strip(".")
    assert all(char.isprintable() for char in name)


def test_an_archive_name_keeps_the_extension_when_it_shortens_a_long_name() -> None:
    assert uploads.safe_name("y" * 500 + ".pdf", "file").endswith(".pdf")
    assert len(uploads.safe_name("y" * 500 + ".pdf", "file")) == uploads.MAX_SAFE_CHARS


# Structural checks of the preset types


CRAFTED = [
    ("jpg", b"\xff\xd8" + b"<html><script>alert(1)</script></html>" * 30),  # the old two-byte prefix
    ("jpg", b"\xff\xd8\xff\xe0" + b"<html><script>alert(1)</script></html>" * 30),
    ("jpeg", samples.jpeg()[:200] + b"<script>alert(1)</script>"),  # a real header, then a script in the first KB
    ("png", samples.PNG_SIGNATURE + b"<script>alert(1)</script>" * 30),
    ("png", samples.png()[:40] + b"\0" * 500),  # a real signature and header, then no image at all
    ("gif", b"GIF89a<script>alert(1)</script>" + b" " * 500),
    ("gif", b"GIF87a" + b"\0" * 500),
    ("pdf", b"%PDF-1.7\n" + b"<html></html>" * 50),  # no %%EOF at the end
    ("pdf", b"%PDF-1.7\n%%EOF\n" + b"\0" * 5000),  # the trailer is not near the end
    ("pdf", b" %PDF-1.7\n%%EOF\n"),
]


@pytest.mark.parametrize(("extension", "data"), CRAFTED)
def test_a_file_that_only_begins_like_its_type_is_refused(extension: str, data: bytes) -> None:
    with pytest.raises(Rejected) as rejected:
        uploads.check_file(io.BytesIO(data), len(data), extension)
    assert rejected.value.code == "file.content_mismatch"


@pytest.mark.parametrize(("extension", "data"), [CRAFTED[0], CRAFTED[1], CRAFTED[3], CRAFTED[5]])
def test_the_first_piece_is_judged_by_the_full_signature_and_no_html(extension: str, data: bytes) -> None:
    with pytest.raises(Rejected):
        uploads.check_head(data, extension)


@pytest.mark.parametrize(
    ("extension", "kind"), [("png", "png"), ("jpg", "jpg"), ("jpeg", "jpg"), ("gif", "gif"), ("pdf", "pdf")]
)
def test_real_files_pass_and_get_the_type_to_serve_with(extension: str, kind: str) -> None:
    data = samples.sized(kind, 50_000, seed=1)
    expected = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "pdf": "application/pdf"}[kind]
    assert uploads.check_head(data[:8192], extension) == expected
    assert uploads.check_file(io.BytesIO(data), len(data), extension) == expected


def test_a_custom_type_is_served_as_bytes_whatever_it_holds() -> None:
    assert uploads.check_file(io.BytesIO(b"<html>"), 6, "txt") == "application/octet-stream"


def test_checking_a_20_mb_image_reads_its_structure_not_its_pixels() -> None:
    data = samples.sized("png", 20 * 1000 * 1000, seed=2)
    started = time.perf_counter()
    assert uploads.check_file(io.BytesIO(data), len(data), "png") == "image/png"
    assert time.perf_counter() - started < 2.0
