"""mqsim.check's public names, asserted."""

import mqsim.check


def test_public_names() -> None:
    """The checker exports exactly these names, all real."""
    assert set(mqsim.check.__all__) == {
        "DELIBERATE_DROPS",
        "Finding",
        "Reordering",
        "Report",
        "check",
        "delivery_histories",
    }
    for name in mqsim.check.__all__:
        assert getattr(mqsim.check, name) is not None
