"""The sha-256 of a file's bytes, read in 1 MB blocks: one helper for duplicate inputs, the drop
folder's ledger and archive manifests."""
from __future__ import annotations

import hashlib
from pathlib import Path


def size_and_sha256(path: Path) -> tuple[int, str]:
    """(size in bytes, hex sha-256) of the file at `path`; OSError when it cannot be read."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()


def sha256_of(path: Path) -> str:
    return size_and_sha256(path)[1]
