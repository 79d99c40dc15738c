"""The public surface is small and asserted, as in trio's test_exports."""

import mqsim
import mqsim.sim


def test_top_level_names() -> None:
    """`import mqsim` exposes exactly these names."""
    assert set(mqsim.__all__) >= {
        "World",
        "FaultPlan",
        "Fault",
        "Interrupted",
        "InvalidArgument",
        "TraceLevel",
        "TraceRecord",
        "parse_duration",
        "read_jsonl",
        "__version__",
    }
    for name in mqsim.__all__:
        assert hasattr(mqsim, name), name


def test_every_exported_name_exists_and_private_ones_are_not_exported() -> None:
    """Each package's __all__ names real objects and nothing private."""
    for module in (mqsim, mqsim.sim):
        for name in module.__all__:
            assert getattr(module, name) is not None
            assert not name.startswith("_") or name == "__version__"


def test_package_ships_py_typed() -> None:
    """The package is marked as typed (PEP 561)."""
    from importlib.resources import files

    assert files("mqsim").joinpath("py.typed").is_file()
