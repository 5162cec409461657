import pytest

from budgets.dni import dni_check_characters, dni_hmac, dni_parse

# DNI numbers with their check character as printed on real cards (published online,
# collected in python-stdnum's test data). Both the digit and the letter series occur.
PUBLISHED_VALID = [
    "05209244-8",
    "05337812-4",
    "06009893-5",
    "06224656-7",
    "06416641-2",
    "06477277-1",
    "06770169-6",
    "07750457-1",
    "07881352-6",
    "09482447-3",
    "09537333-5",
    "10117410-2",
    "10123558-6",
    "10586119B",
    "17859853-3",
    "25465832-0",
    "25543680E",
    "25735046-6",
    "32023446H",
    "33562458-6",
    "40812023-9",
    "42189197-0",
    "42388604-3",
    "43381907-7",
    "43451826-7",
    "45055499E",
    "46788632-6",
    "46967914-0",
    "47205319-7",
    "474996072",
    "63109177-1",
    "70025425-4",
    "71347545-4",
    "72641234-6",
    "72859897-8",
    "10812543-3",
    "10812543-H",
]


@pytest.mark.parametrize("value", PUBLISHED_VALID)
def test_published_dni_numbers_are_valid(value):
    assert dni_parse(value) == value.replace("-", "")[:8]


def test_both_series_for_each_remainder():
    # 10117410: 3*1+0+7*1+6*1+5*7+4*4+3*1+0 = 70; 70 mod 11 = 4; k = 7 -> "2" / "G"
    assert dni_check_characters("10117410") == ("2", "G")
    assert dni_parse("10117410-g") == "10117410"
    # The numeric series repeats "1": k=5 and k=6 both print "1" (published "-1"),
    # while the letters differ (E / F). A 10-entry series "6789012345" gets these wrong.
    assert dni_check_characters("06477277") == ("1", "E")  # sum 160, k = 5
    assert dni_check_characters("63109177") == ("1", "F")  # sum 115, k = 6
    # k = 11 maps to the first entry ("6" / "K").
    assert dni_check_characters("00000000") == ("6", "K")


@pytest.mark.parametrize(
    "value",
    [
        "10117410-3",  # wrong digit
        "10117410-H",  # wrong letter
        "10117410-Z",  # not in either series
        "1011741-2",  # 7 digits
        "101174100-2",  # 9 digits
        "1011741A-2",  # letter in the number
        "10117410",  # check character missing
        "",
        None,
        "<script>alert(1)</script>",
    ],
)
def test_invalid_dni_values(value):
    assert dni_parse(value) is None


def test_hmac_is_keyed_and_never_the_number(settings):
    settings.RESIDENT_ID_HMAC_KEY = "key-one"
    first = dni_hmac("10117410")
    assert len(first) == 64 and "10117410" not in first
    settings.RESIDENT_ID_HMAC_KEY = "key-two"
    assert dni_hmac("10117410") != first
