"""Format detection and the codec registry.

Every codec module registers a :class:`Codec` for the store types it handles. The type of a file
comes from its content; the file name is only a hint for content that says nothing (DER).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from .errors import NotAKeystoreError, TruncatedFileError, UnsupportedFormatError
from .model import Keystore, StoreType

Loader = Callable[[bytes, str | None], Keystore]
Dumper = Callable[[Keystore, str], bytes]
Checker = Callable[[bytes], None]


@dataclass(frozen=True)
class Codec:
    store_type: StoreType
    load: Loader
    """``load(data, password)``: parse; raise a :class:`KeystoreError` subclass on bad input."""
    dump: Dumper | None = None
    """``dump(store, password)``: serialise every entry or raise ``CannotHoldError``."""
    check: Checker | None = None
    """``check(data)``: find truncation or damage that shows without the password."""


_CODECS: dict[StoreType, Codec] = {}


def register(codec: Codec) -> None:
    _CODECS[codec.store_type] = codec


def codec_for(store_type: StoreType) -> Codec:
    if store_type not in _CODECS:
        from .codecs import load_for

        load_for(store_type)
    try:
        return _CODECS[store_type]
    except KeyError:
        raise UnsupportedFormatError(f"{store_type} files are not supported") from None


def writable_types() -> list[StoreType]:
    _load_codecs()
    return [t for t, c in _CODECS.items() if c.dump is not None]


def _load_codecs() -> None:
    from .codecs import load_all

    load_all()


EXTENSION_HINTS: dict[str, StoreType] = {
    ".jks": StoreType.JKS,
    ".ks": StoreType.JKS,
    ".keystore": StoreType.JKS,
    ".truststore": StoreType.JKS,
    ".jceks": StoreType.JCEKS,
    ".p12": StoreType.PKCS12,
    ".pfx": StoreType.PKCS12,
    ".pem": StoreType.PEM,
    ".crt": StoreType.PEM,
    ".cer": StoreType.DER,
    ".der": StoreType.DER,
    ".p7b": StoreType.PKCS7,
    ".p7c": StoreType.PKCS7,
    ".pkipath": StoreType.PKIPATH,
    ".bks": StoreType.BKS,
    ".uber": StoreType.UBER,
}


def type_from_extension(name: str | PurePath) -> StoreType | None:
    return EXTENSION_HINTS.get(PurePath(name).suffix.lower())


def detect(data: bytes, name: str | PurePath | None = None) -> StoreType:
    """Tell the store type from the content; ``name`` only breaks ties."""
    from .sniff import looks_like_text, sniff

    if not data:
        raise NotAKeystoreError("the file is empty")
    found = sniff(data, name)
    if found is None:
        if len(data) < 4:
            raise TruncatedFileError()
        if b"PRIVATE KEY-----" in data[: 1 << 16]:
            raise NotAKeystoreError("the file holds a PEM private key but no certificate")
        if looks_like_text(data):
            raise NotAKeystoreError("the file is text without any certificate in it")
        raise NotAKeystoreError("the content is not a known keystore or certificate format")
    return found
