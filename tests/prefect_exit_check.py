"""Not collected by default: tests/test_newcomer_runs.py runs it in a child pytest to check
what pytest prints after its summary when a test has started Prefect's temporary server."""

from prefect import flow


@flow
def tiny() -> int:
    return 1


def test_a_flow_runs():
    assert tiny() == 1
