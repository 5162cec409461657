"""The portal's one CSV convention and formula-injection neutralisation
(openlima/exports.py)."""

import csv
import io

import pytest

from openlima import exports


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("-12.5", "-12.5"),
        ("+51", "+51"),
        ("Miraflores", "Miraflores"),
        (-3, -3),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert exports.neutralise(value) == expected


def test_csv_bytes_convention():
    data = exports.csv_bytes(["a", "b"], [{"a": "=1+1", "b": None}, {"a": 2, "b": "x"}])
    assert not data.startswith(b"\xef\xbb\xbf")  # no BOM
    assert data == b"a,b\r\n'=1+1,\r\n2,x\r\n"
    assert (
        "".join(exports.csv_stream(["a", "b"], [{"a": "=1+1"}])) == "a,b\r\n'=1+1,\r\n"
    )
    rows = list(csv.reader(io.StringIO(data.decode())))
    assert rows == [["a", "b"], ["'=1+1", ""], ["2", "x"]]
