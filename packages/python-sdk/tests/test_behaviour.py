"""Every shared behaviour scenario (test/behaviour/*.yaml, format in its README), with ``Sandbox`` and
with ``AsyncSandbox``, each file against a fresh local server (packages/server/dist/cli.js): what a
real, stateful server does over a sandbox's life, down to its processes on this machine.

The files are listed when the tests are collected, so a scenario added to the folder is run
without any change here. The runner is tests/behaviour.py; the server and the host checks are
tests/local_server.py. Linux only: the host checks read /proc.
"""

from __future__ import annotations

import sys

import pytest

from behaviour import (
    EXPECT_FIELDS,
    FLAVOURS,
    NOT_EXPRESSIBLE,
    STEP_FIELDS,
    Run,
    Scenario,
    StepFailure,
    documented_step_kinds,
    load_scenarios,
    validate_step,
)
from local_server import BEHAVIOUR_DIR, LocalServer

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the host checks read Linux's /proc")

SCENARIOS = load_scenarios()


def test_finds_every_scenario_file() -> None:
    files = [s.file for s in SCENARIOS]
    assert files == sorted(p.name for p in BEHAVIOUR_DIR.glob("*.yaml"))
    assert {"lifecycle.yaml", "restart-adoption.yaml", "bad-input.yaml"} <= set(files)


def test_runner_knows_every_documented_step_kind() -> None:
    documented = documented_step_kinds()
    assert len(documented) >= 19, documented  # the README's table was read
    assert set(STEP_FIELDS) == set(documented)
    assert set(EXPECT_FIELDS) <= set(documented)
    # Step kinds the Python SDK cannot express, each with its reason. None: every kind runs with
    # both flavours; a new entry needs its reason in behaviour.py and this line changed with it.
    assert set(NOT_EXPRESSIBLE) <= set(documented)
    assert NOT_EXPRESSIBLE == {}


@pytest.mark.parametrize("flavour", list(FLAVOURS))
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.file for s in SCENARIOS])
def test_scenario(scenario: Scenario, flavour: str) -> None:
    assert scenario.error is None, f"{scenario.file}: {scenario.error}"
    # Every step is checked against the README before anything runs: a field this runner does not
    # know fails here rather than being ignored.
    for number, step in enumerate(scenario.steps, start=1):
        try:
            validate_step(step)
        except StepFailure as error:
            raise StepFailure(f"{scenario.file} step {number}: {error}") from None

    server = LocalServer(scenario.keys)
    try:
        with Run(scenario, server, flavour) as run:
            try:
                run.run_all()
            except StepFailure as error:
                output = server.output().splitlines()[-40:]
                raise StepFailure(f"{error}\n--- the server's last lines ---\n" + "\n".join(output)) from error
            # A scenario that left no sandbox running or paused must leave no process behind either.
            live = run.live_sandboxes()
        assert [s.step for s in run.skipped] == [
            n for n, step in enumerate(scenario.steps, start=1) if step["do"] in NOT_EXPRESSIBLE
        ]
        leftovers = server.dispose()
        if not live:
            assert leftovers == [], f"processes left behind: {leftovers}"
    finally:
        # Stops the server, kills every process of its sandboxes, removes its folder (a no-op
        # after the dispose above).
        server.dispose()
