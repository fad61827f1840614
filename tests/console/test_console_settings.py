"""The console's session cookie is Secure by default wherever it is not on this machine's loopback."""
import pytest

from console.__main__ import cookie_secure


@pytest.mark.parametrize("value, host, secure", [
    (None, "127.0.0.1", False), (None, "localhost", False), (None, "0.0.0.0", True), (None, "10.1.2.3", True),
    ("1", "127.0.0.1", True), ("0", "0.0.0.0", False), ("yes", "::1", True), ("", "0.0.0.0", True),
])
def test_cookie_secure(value, host, secure):
    assert cookie_secure(value, host) is secure


def test_a_wrong_value_is_refused_with_a_reason():
    with pytest.raises(SystemExit, match="CONSOLE_COOKIE_SECURE"):
        cookie_secure("maybe", "0.0.0.0")
