"""Each AMQP invariant can fail: a deliberately broken model breaks exactly it.

The correct model runs each scenario of :mod:`amqp_variants` with every invariant
holding; the broken variant breaks the named one, in the fixed scenario and when the
hypothesis machine searches for it.
"""

from __future__ import annotations

import pytest
from amqp_variants import VARIANTS
from hypothesis import Phase
from hypothesis.stateful import run_state_machine_as_test
from machine_settings import PROFILE, SEARCH_EXAMPLES, machine_settings

from mqsim.testing.amqp_driver import AmqpDriver
from mqsim.testing.driver import InvariantViolation, Scenario, replay
from mqsim.testing.machines import AmqpMachine

#: Variants the machine finds within a second; the deep profile searches for all.
QUICK = ("conservation", "delivery-tags", "redelivered", "fifo")


def _scenario(name: str) -> Scenario:
    ops = VARIANTS[name][1]
    return Scenario.from_data({"machine": "amqp", "seed": 0, "ops": [[o, a] for o, a in ops]})


def test_every_amqp_invariant_has_a_broken_variant() -> None:
    """The variants cover the driver's invariants one for one."""
    assert sorted(VARIANTS) == sorted(AmqpDriver.INVARIANTS)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_scenario_holds_on_the_amqp_model(name: str) -> None:
    """The scenario that exposes a broken variant breaks nothing on the real model."""
    result = replay(_scenario(name))
    assert result.ok, str(result.violation)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_broken_amqp_model_breaks_the_invariant(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the model broken on purpose, the driver names the broken invariant."""
    VARIANTS[name][0](monkeypatch)
    result = replay(_scenario(name))
    assert result.violation is not None
    assert result.violation.invariant == name


@pytest.mark.parametrize("name", sorted(VARIANTS) if PROFILE == "deep" else QUICK)
def test_amqp_machine_finds_the_broken_variant(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine's own search finds the broken variant (derandomized, no shrinking):
    e.g. a channel that forgets to requeue its unacknowledged messages on close."""
    VARIANTS[name][0](monkeypatch)
    with pytest.raises(InvariantViolation) as caught:
        run_state_machine_as_test(
            AmqpMachine,
            settings=machine_settings(
                derandomize=True,
                database=None,
                max_examples=SEARCH_EXAMPLES,
                phases=[Phase.generate],
                report_multiple_bugs=False,
            ),
        )
    assert caught.value.invariant == name
