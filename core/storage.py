"""Content-addressed blob storage on top of Django's storage API (local disk or S3-compatible).

Blobs are stored under their sha256 (``blobs/ab/cd/<sha256>``), never under a user-supplied name, so a logical
path can never escape the storage root. Reads re-check the hash.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages

from core.errors import PayloadTooLarge

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 1024 * 1024


class IntegrityError(Exception):
    """The stored bytes no longer hash to the recorded sha256."""


@dataclass(frozen=True)
class Blob:
    sha256: str
    size: int
    key: str
    created: bool  # False when identical bytes were already stored


def artifact_storage() -> Storage:
    return storages["artifacts"]


def blob_key(sha256: str) -> str:
    if not _SHA256.match(sha256):
        raise ValueError("not a sha256 hex digest")
    return f"blobs/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def hash_file(fileobj: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    fileobj.seek(0)
    while chunk := fileobj.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    fileobj.seek(0)
    return digest.hexdigest(), size


def check_upload_size(size: int) -> None:
    """A 413 naming the ``file`` field for a file of ``size`` bytes over ``KEEL_MAX_UPLOAD_BYTES``."""
    limit = settings.KEEL_MAX_UPLOAD_BYTES
    if size > limit:
        raise PayloadTooLarge.file(f"file: {size} bytes is over the limit of {limit} bytes.")


def blob_put(fileobj: IO[bytes], *, sha256: str | None = None, size: int | None = None) -> Blob:
    if sha256 is None or size is None:
        sha256, size = hash_file(fileobj)
    storage = artifact_storage()
    key = blob_key(sha256)
    if storage.exists(key):
        return Blob(sha256=sha256, size=size, key=key, created=False)
    fileobj.seek(0)
    saved = storage.save(key, File(fileobj, name=sha256))
    if saved != key:  # a concurrent writer stored the same bytes first
        storage.delete(saved)
    return Blob(sha256=sha256, size=size, key=key, created=True)


def blob_put_bytes(data: bytes) -> Blob:
    import io

    return blob_put(io.BytesIO(data))


def blob_delete(sha256: str) -> None:
    storage = artifact_storage()
    key = blob_key(sha256)
    if storage.exists(key):
        storage.delete(key)


def blob_exists(sha256: str) -> bool:
    return artifact_storage().exists(blob_key(sha256))


def blob_open(sha256: str) -> IO[bytes]:
    return artifact_storage().open(blob_key(sha256), "rb")


def blob_read_verified(sha256: str) -> bytes:
    with blob_open(sha256) as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise IntegrityError(f"blob {sha256} does not match its hash")
    return data


def blob_iter(sha256: str) -> Iterator[bytes]:
    with blob_open(sha256) as handle:
        while chunk := handle.read(CHUNK):
            yield chunk
