"""The transition maps, walked at random: illegal moves are refused and change nothing; tracking
never takes a parcel back."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lumbung.logistics.models import BatchStatus, Parcel, ParcelEvent, ParcelStatus
from lumbung.logistics.services import IllegalBatchMove, IllegalParcelMove, parcel_set_status
from lumbung.logistics.services.batches import _move
from lumbung.logistics.status import (
    BATCH_TRANSITIONS,
    FINAL_PARCEL_STATES,
    PARCEL_RANK,
    PARCEL_TRANSITIONS,
    RETRY_EDGE,
    is_forward,
    parcel_can_move,
    parcel_path,
)

STATUSES = list(ParcelStatus.values)


def test_every_status_has_a_row_and_final_states_go_nowhere():
    assert set(PARCEL_TRANSITIONS) == set(STATUSES) == set(PARCEL_RANK)
    assert {"delivered", "collected", "returned", "lost", "refused"} == FINAL_PARCEL_STATES
    for state in FINAL_PARCEL_STATES:
        assert all(not parcel_can_move(state, other) for other in STATUSES)


def test_every_status_is_reachable_from_created():
    for state in STATUSES:
        assert state == "created" or parcel_path("created", state) is not None, state


def test_the_only_moves_to_a_lower_rank_are_the_retry_and_unbatching():
    backwards = {
        (a, b) for a, nexts in PARCEL_TRANSITIONS.items() for b in nexts if PARCEL_RANK[b] < PARCEL_RANK[a]
    }
    assert backwards == {RETRY_EDGE, ("batched", "accepted_at_centre")}


@given(st.sampled_from(STATUSES), st.sampled_from(STATUSES))
def test_tracking_moves_only_along_a_forward_path(current, target):
    if is_forward(current, target):
        path = parcel_path(current, target)
        assert path and path[-1] == target
        steps = list(zip([current, *path], path, strict=False))
        assert all(parcel_can_move(a, b) for a, b in steps)
        assert all(PARCEL_RANK[b] > PARCEL_RANK[a] or (a, b) == RETRY_EDGE for a, b in steps)
    if PARCEL_RANK[target] < PARCEL_RANK[current] and (current, target) != RETRY_EDGE:
        assert not is_forward(current, target)
    assert not is_forward(current, current)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves=st.lists(st.sampled_from(STATUSES), min_size=1, max_size=12))
def test_random_status_sequences_take_legal_moves_and_refuse_the_rest(make_parcel, moves):
    parcel = make_parcel(accepted=False)
    expected = parcel.status
    history = [expected]
    for to in moves:
        before_events = ParcelEvent.objects.filter(parcel=parcel).count()
        if parcel_can_move(expected, to):
            parcel_set_status(parcel=parcel, to=to, source="test")
            expected = to
            history.append(to)
            assert ParcelEvent.objects.filter(parcel=parcel).count() == before_events + 1
        else:
            with pytest.raises(IllegalParcelMove):
                parcel_set_status(parcel=parcel, to=to, source="test")
            assert ParcelEvent.objects.filter(parcel=parcel).count() == before_events
        assert Parcel.objects.get(pk=parcel.pk).status == expected
    recorded = list(
        ParcelEvent.objects.filter(parcel=parcel).order_by("pk").values_list("to_status", flat=True)
    )
    assert recorded[-len(history) :] == history


@settings(max_examples=200)
@given(moves=st.lists(st.sampled_from(list(BatchStatus.values)), max_size=10))
def test_random_batch_sequences_follow_the_map(moves):
    class Fake:
        status = BatchStatus.OPEN
        code = "BT-TEST"

    batch = Fake()
    for to in moves:
        before = batch.status
        if to in BATCH_TRANSITIONS[before]:
            _move(batch, to)
            assert batch.status == to
        else:
            with pytest.raises(IllegalBatchMove):
                _move(batch, to)
            assert batch.status == before
    assert not BATCH_TRANSITIONS[BatchStatus.HANDED_OVER]
