"""Deep nesting is refused in one line, and joining a nested string never multiplies memory."""

from __future__ import annotations

import tracemalloc

import pytest

from keystore_gui.cli import main
from keystore_gui.core import der
from keystore_gui.core.codecs.limits import MAX_DEPTH
from keystore_gui.core.errors import CorruptFileError, KeystoreError
from keystore_gui.core.io import check_structure, load_keystore
from keystore_gui.core.model import StoreType
from tests import hostile


@pytest.mark.parametrize("depth", [MAX_DEPTH + 2, 2_000])
def test_octet_strings_nested_deeper_than_the_limit(depth: int) -> None:
    data = hostile.deep_octets(depth)
    with pytest.raises(CorruptFileError, match="nested more than 64 deep"):
        check_structure(data, StoreType.PKCS12)
    with pytest.raises(CorruptFileError, match="nested more than 64 deep"):
        load_keystore(data, "x", StoreType.PKCS12)


def test_the_cli_says_it_in_one_line(tmp_path, capsys, monkeypatch) -> None:
    path = tmp_path / "deep.p12"
    path.write_bytes(hostile.deep_octets(2_000))
    monkeypatch.setenv("KS_PASS", "x")
    assert main(["list", str(path), "--password-env", "KS_PASS"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nested more than" in err


def test_a_nested_string_is_joined_without_a_copy_per_level() -> None:
    payload = bytes(2 * 1024 * 1024)
    element = (der.OCTET_STRING, payload)
    for _ in range(MAX_DEPTH):
        element = (der.OCTET_STRING_CONSTRUCTED, der.tlv(*element))
    tracemalloc.start()
    try:
        joined = der.octets(element)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert joined == payload
    assert peak < 3 * len(payload)  # a copy per level: 64 times


def test_nested_pieces_still_read_as_ber() -> None:
    data = hostile.nested_octets(b"ab", 5)  # each level holds the one below twice
    element = der.first(data)[0]
    content = der.children(der.children(der.sequence(data)[1][1])[1][1])[0]
    assert element[0] == der.SEQUENCE
    assert der.octets(content) == b"ab" * 32
    with pytest.raises(KeystoreError):
        load_keystore(data, "x", StoreType.PKCS12)
