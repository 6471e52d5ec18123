"""Whether the storages the operator named serve their files to anyone who has an address.

Reports, zips and response files hold personal data; the block hands them out only through its own handlers
(signed links, staff and author checks). A storage that also serves them at plain addresses leaks them to anyone
who comes by one. Nothing here reaches the network: only the storages' configuration is read.

- a :class:`~django.core.files.storage.FileSystemStorage` with a ``base_url`` of its own, or under
  ``MEDIA_ROOT`` while ``MEDIA_URL`` is set (the web server serves that folder);
- an S3-like storage (django-storages' ``S3Storage``, ``GoogleCloudStorage``) whose links are not signed
  (``querystring_auth`` off), whose ``default_acl`` makes files public, or whose ``custom_domain`` serves them
  without a CloudFront signer.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import FileSystemStorage, InvalidStorageError, Storage, storages
from django.urls import get_script_prefix

from ..conf import ora_settings
from ..definition.errors import N_

log = logging.getLogger(__name__)

SERVED = N_("the site serves its files to anyone at {detail}")
UNSIGNED = N_("its links are not signed (querystring_auth is off)")
PUBLIC_ACL = N_("it makes every file public (default_acl {detail})")
UNSIGNED_DOMAIN = N_("its links go through {detail} without a signature (custom_domain without a CloudFront signer)")
REPORTS = "ORA_XBLOCK_REPORT_STORAGE"
FILES = "ORA_XBLOCK_FILE_STORAGE"


@dataclass(frozen=True)
class PublicStorage:
    """A storage named by ``setting`` (the alias ``alias``) that serves files publicly, and why (``reason``, a
    message to translate and fill with ``detail``)."""

    setting: str
    alias: str
    reason: str
    detail: str = ""


def public_storages() -> list[PublicStorage]:
    """The report storage (reports and zips) and the response file storage, each listed when it is public."""
    found = []
    for setting in (REPORTS, FILES):
        alias = str(getattr(ora_settings, setting))
        try:
            storage = storages[alias]
        except InvalidStorageError:  # it fails where it is used, with its own error
            log.warning("ora_xblock: %s names the storage %r, which STORAGES does not define", setting, alias)
            continue
        why = why_public(storage)
        if why is not None:
            found.append(PublicStorage(setting, alias, *why))
    return found


def why_public(storage: Storage) -> tuple[str, str] | None:
    """Why ``storage`` serves its files to anyone (a reason and its detail), or None when it does not."""
    if isinstance(storage, FileSystemStorage):
        return _served_folder(storage)
    acl = str(getattr(storage, "default_acl", None) or "")
    if "public" in acl.lower():  # S3's public-read(-write), Google Cloud's publicRead(Write)
        return PUBLIC_ACL, acl
    if getattr(storage, "custom_domain", None) and not getattr(storage, "cloudfront_signer", None):
        return UNSIGNED_DOMAIN, str(storage.custom_domain)  # type: ignore[attr-defined]
    if getattr(storage, "querystring_auth", True) is False:
        return UNSIGNED, ""
    return None


def _served_folder(storage: FileSystemStorage) -> tuple[str, str] | None:
    """A folder storage is served when it has an address of its own, or lies in the media folder the site serves."""
    url = storage.base_url
    if not url or url == get_script_prefix():  # Django's reading of an empty MEDIA_URL: nothing is served
        return None
    media_url = settings.MEDIA_URL
    if url != media_url:
        return SERVED, url
    media_root = os.path.realpath(getattr(settings, "MEDIA_ROOT", "") or "")
    location = os.path.realpath(storage.location)
    if location == media_root or location.startswith(media_root.rstrip(os.sep) + os.sep):
        return SERVED, url
    return None
