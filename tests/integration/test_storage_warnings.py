"""The staff area warns when the report storage or the response file storage serves files to anyone: real folder
storages in a temporary directory, and django-storages' S3Storage configured in-process (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ora_xblock import scenarios
from ora_xblock.services import storage_checks
from tests.conftest import call_handler

pytestmark = pytest.mark.django_db

FOLDER = "django.core.files.storage.FileSystemStorage"
S3 = "storages.backends.s3.S3Storage"


def _use(settings, **aliases: tuple[str, dict]) -> None:
    """Give STORAGES these aliases; the report storage is ``reports``, the response file storage ``files``."""
    settings.STORAGES = {
        **settings.STORAGES,
        **{alias: {"BACKEND": backend, "OPTIONS": options} for alias, (backend, options) in aliases.items()},
    }
    settings.ORA_XBLOCK_REPORT_STORAGE, settings.ORA_XBLOCK_FILE_STORAGE = "reports", "files"


def _found() -> list[tuple[str, str, str]]:
    return [(item.setting, item.reason, item.detail) for item in storage_checks.public_storages()]


def _private_folder(tmp_path: Path, name: str) -> tuple[str, dict]:
    return FOLDER, {"location": str(tmp_path / name)}


def test_private_folders_warn_of_nothing(settings, tmp_path: Path) -> None:
    settings.MEDIA_URL, settings.MEDIA_ROOT = "/media/", str(tmp_path / "media")
    _use(settings, reports=_private_folder(tmp_path, "reports"), files=_private_folder(tmp_path, "files"))
    assert _found() == []  # outside the served media folder, with no address of their own


def test_a_folder_inside_the_served_media_folder_or_with_an_address_of_its_own_is_public(settings, tmp_path) -> None:
    settings.MEDIA_URL, settings.MEDIA_ROOT = "/media/", str(tmp_path / "media")
    _use(
        settings,
        reports=(FOLDER, {"location": str(tmp_path / "media" / "reports")}),
        files=(FOLDER, {"location": str(tmp_path / "files"), "base_url": "https://files.example.org/"}),
    )
    assert _found() == [
        ("ORA_XBLOCK_REPORT_STORAGE", storage_checks.SERVED, "/media/"),
        ("ORA_XBLOCK_FILE_STORAGE", storage_checks.SERVED, "https://files.example.org/"),
    ]
    settings.MEDIA_URL = ""  # nothing serves the media folder
    assert [setting for setting, *_ in _found()] == ["ORA_XBLOCK_FILE_STORAGE"]


def _pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, None),  # signed links that expire: the default
        ({"querystring_auth": False}, (storage_checks.UNSIGNED, "")),
        ({"default_acl": "public-read"}, (storage_checks.PUBLIC_ACL, "public-read")),
        ({"default_acl": "private"}, None),
        ({"custom_domain": "cdn.example.org"}, (storage_checks.UNSIGNED_DOMAIN, "cdn.example.org")),
        ({"custom_domain": "cdn.example.org", "cloudfront_key_id": "K", "cloudfront_key": "PEM"}, None),
    ],
    ids=["signed", "unsigned", "public-acl", "private-acl", "cdn-unsigned", "cdn-signed"],
)
def test_s3_storages_are_public_when_links_are_unsigned_or_files_public(
    settings, tmp_path: Path, options: dict, expected
) -> None:
    if options.get("cloudfront_key") == "PEM":
        options = options | {"cloudfront_key": _pem()}
    _use(settings, reports=(S3, {"bucket_name": "ora-reports", **options}), files=_private_folder(tmp_path, "f"))
    assert _found() == ([] if expected is None else [("ORA_XBLOCK_REPORT_STORAGE", *expected)])


def test_the_storage_checks_do_not_touch_the_network(settings, tmp_path: Path, monkeypatch) -> None:
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("the storage checks opened a connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    _use(settings, reports=(S3, {"bucket_name": "b", "querystring_auth": False}), files=(S3, {"bucket_name": "f"}))
    assert [setting for setting, *_ in _found()] == ["ORA_XBLOCK_REPORT_STORAGE"]


def test_a_missing_alias_is_left_to_fail_where_it_is_used(settings, tmp_path: Path) -> None:
    _use(settings, files=_private_folder(tmp_path, "files"))
    settings.ORA_XBLOCK_REPORT_STORAGE = "nowhere"
    assert _found() == []


def test_staff_read_the_warning_naming_the_setting_in_the_overview_and_the_reports(
    settings, tmp_path: Path, make_block, users
) -> None:
    _use(
        settings,
        reports=(S3, {"bucket_name": "ora-reports", "default_acl": "public-read"}),
        files=(FOLDER, {"location": str(tmp_path / "files"), "base_url": "/uploads/"}),
    )
    block = make_block(scenarios.demo_olx("staff_only.xml"))
    block.runtime.handler_url = lambda block, name, suffix="", *args, **kwargs: f"/handler/{name}/{suffix}"
    users.as_user("staff", staff=True)
    for handler in ("staff_overview", "staff_reports"):
        shown = json.loads(call_handler(block, handler, {}).body)["html"]
        assert shown.count("ora-storage-warning") == 2
        assert (
            "Reports and zips of files are saved in the storage &#34;reports&#34;, and it makes every file public "
            "(default_acl public-read)" in shown
        )
        assert "set ORA_XBLOCK_REPORT_STORAGE to a private storage" in shown
        assert "Learners&#39; response files are saved in the storage &#34;files&#34;" in shown
        assert "the site serves its files to anyone at /uploads/" in shown
        assert "set ORA_XBLOCK_FILE_STORAGE to a private storage" in shown
    _use(settings, reports=_private_folder(tmp_path, "r"), files=_private_folder(tmp_path, "f"))
    assert "ora-storage-warning" not in json.loads(call_handler(block, "staff_overview", {}).body)["html"]
