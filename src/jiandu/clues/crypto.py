"""Encryption at rest of what identifies a whistleblower, and of clue attachments.

AES-256-GCM (`cryptography`). The key is 32 bytes, given base64url-encoded in the
environment variable JIANDU_CLUE_KEY (`jiandu clues keygen` makes one). When the variable
is unset the key is derived from SECRET_KEY with HKDF, which keeps a trial installation
working; `manage check --deploy` then warns (clues.W001), because the two secrets should
not be one.

A ciphertext is ``b"jd1" + key id (4 bytes) + nonce (12 bytes) + AES-GCM output``; the
associated data binds it to its place (the clue's number and the field, or the stored
file name), so a ciphertext copied into another row does not decrypt."""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

ENV = "JIANDU_CLUE_KEY"
MAGIC = b"jd1"
NONCE = 12


class KeyError_(Exception):
    """The key is malformed, or a ciphertext does not open with it."""


def generate() -> str:
    """A new random key, base64url-encoded (for JIANDU_CLUE_KEY)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def from_environment() -> bool:
    return bool(os.environ.get(ENV, "").strip())


def key() -> bytes:
    raw = os.environ.get(ENV, "").strip()
    if raw:
        try:
            decoded = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        except (binascii.Error, ValueError) as exc:
            raise KeyError_(f"{ENV} is not base64url") from exc
        if len(decoded) != 32:
            raise KeyError_(f"{ENV} must encode 32 bytes, not {len(decoded)}")
        return decoded
    from django.conf import settings

    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"jiandu", info=b"jiandu clue key v1"
    ).derive(settings.SECRET_KEY.encode("utf-8"))


def key_id(value: bytes | None = None) -> bytes:
    return hashlib.sha256(value if value is not None else key()).digest()[:4]


def encrypt(plain: bytes, context: str) -> bytes:
    k = key()
    nonce = secrets.token_bytes(NONCE)
    return MAGIC + key_id(k) + nonce + AESGCM(k).encrypt(nonce, plain, context.encode("utf-8"))


def decrypt(blob: bytes, context: str) -> bytes:
    blob = bytes(blob)
    if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + 4 + NONCE + 16:
        raise KeyError_("not a ciphertext of this system")
    k = key()
    if blob[3:7] != key_id(k):
        raise KeyError_("encrypted with another key")
    nonce = blob[7 : 7 + NONCE]
    try:
        return AESGCM(k).decrypt(nonce, blob[7 + NONCE :], context.encode("utf-8"))
    except InvalidTag as exc:
        raise KeyError_("the ciphertext was altered or belongs elsewhere") from exc


def seal_text(text: str, context: str) -> bytes:
    return encrypt(text.encode("utf-8"), context)


def open_text(blob: bytes, context: str) -> str:
    return decrypt(blob, context).decode("utf-8")
