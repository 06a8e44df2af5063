"""check_structure: truncation and damage found before any password is asked for."""

from __future__ import annotations

import pytest

from keystore_gui.core.errors import CorruptFileError, TruncatedFileError
from keystore_gui.core.io import check_structure
from keystore_gui.core.model import StoreType
from tests.tools import genkeypair, requires_keytool

pytestmark = [pytest.mark.keytool, requires_keytool]

STOREPASS = "structure1"


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[StoreType, bytes]:
    folder = tmp_path_factory.mktemp("structure")
    out: dict[StoreType, bytes] = {}
    for store_type in (StoreType.JKS, StoreType.JCEKS, StoreType.PKCS12):
        path = folder / f"made.{store_type.name.lower()}"
        genkeypair(
            path, store_type.name, "server", "CN=server", "-keyalg", "EC", storepass=STOREPASS
        )
        out[store_type] = path.read_bytes()
    return out


@pytest.mark.parametrize("store_type", [StoreType.JKS, StoreType.JCEKS, StoreType.PKCS12])
def test_whole_keytool_file_passes(made: dict[StoreType, bytes], store_type: StoreType) -> None:
    check_structure(made[store_type], store_type)


@pytest.mark.parametrize("store_type", [StoreType.JKS, StoreType.JCEKS, StoreType.PKCS12])
@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9])
def test_truncated_keytool_file_says_so_without_a_password(
    made: dict[StoreType, bytes], store_type: StoreType, keep: float
) -> None:
    data = made[store_type]
    with pytest.raises(TruncatedFileError, match=r"^file is truncated$"):
        check_structure(data[: int(len(data) * keep)], store_type)


def test_damaged_pkcs12_inner_length_is_reported(made: dict[StoreType, bytes]) -> None:
    data = bytearray(made[StoreType.PKCS12])
    # the authenticated safe (a SEQUENCE with a two-byte length) follows the version INTEGER
    # (02 01 03): make it run past the end of the PFX around it. (Lengthening the version instead
    # let the bytes it swallowed decide, at random, whether the rest still parsed.)
    start = data.index(b"\x02\x01\x03") + 3
    assert data[start : start + 2] == b"\x30\x82"
    data[start + 2 : start + 4] = b"\xff\xff"
    with pytest.raises(CorruptFileError, match=r"^file is damaged: "):
        check_structure(bytes(data), StoreType.PKCS12)
