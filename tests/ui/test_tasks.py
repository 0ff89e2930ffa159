"""The task runner: results on the GUI thread, stale reads dropped, writes serial."""

from __future__ import annotations

import threading

import pytest

from reader.errors import BadQuery
from reader.ui.tasks import WRITE, TaskRunner


@pytest.fixture
def runner(qtbot):
    r = TaskRunner()
    yield r
    r.shutdown()


def test_result_arrives_on_the_gui_thread(qtbot, runner):
    gui = threading.current_thread()
    seen = {}

    def work(ctx):
        seen["worker"] = threading.current_thread()
        return 42

    runner.submit("x", work, done=lambda v: seen.update(value=v, thread=threading.current_thread()))
    qtbot.waitUntil(lambda: "value" in seen)
    assert seen["value"] == 42
    assert seen["thread"] is gui and seen["worker"] is not gui


def test_a_newer_request_in_the_same_lane_wins(qtbot, runner):
    release = threading.Event()
    delivered = []

    def slow(ctx):
        release.wait(5)
        return "old"

    old = runner.submit("search", slow, done=delivered.append)
    runner.submit("search", lambda ctx: "new", done=delivered.append)
    qtbot.waitUntil(lambda: delivered == ["new"])
    assert old.stop.is_set()  # the superseded request was told to stop
    release.set()
    qtbot.waitUntil(lambda: not runner.busy)
    assert delivered == ["new"]


def test_other_lanes_are_independent(qtbot, runner):
    delivered = []
    runner.submit("a", lambda ctx: "a", done=delivered.append)
    runner.submit("b", lambda ctx: "b", done=delivered.append)
    qtbot.waitUntil(lambda: not runner.busy)
    assert sorted(delivered) == ["a", "b"]


def test_write_lane_is_serial_and_delivers_everything_in_order(qtbot, runner):
    running = []
    overlap = []
    order = []

    def write(n):
        def work(ctx):
            running.append(n)
            if len(running) > 1:
                overlap.append(n)
            threading.Event().wait(0.01)
            running.remove(n)
            return n
        return work

    for n in range(5):
        runner.submit(WRITE, write(n), done=order.append)
    qtbot.waitUntil(lambda: not runner.busy)
    assert order == [0, 1, 2, 3, 4]
    assert overlap == []


def test_errors_reach_the_failed_callback_or_task_failed(qtbot, runner):
    errors = []

    def boom(ctx):
        raise BadQuery("no good")

    runner.submit("x", boom, failed=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], BadQuery)
    with qtbot.waitSignal(runner.task_failed) as blocker:
        runner.submit("y", boom)
    assert blocker.args[0] == "y" and str(blocker.args[1]) == "no good"


def test_progress_and_cancel(qtbot, runner):
    progress = []
    started = threading.Event()

    def work(ctx):
        for n in range(1000):
            ctx.progress("index", n, 1000)
            started.set()
            if ctx.cancelled():
                return ("cancelled", n)
            threading.Event().wait(0.005)
        return ("done", 1000)

    results = []
    task = runner.submit(WRITE, work, done=results.append,
                         progress=lambda *a: progress.append(a))
    assert started.wait(5)
    qtbot.waitUntil(lambda: bool(progress))
    runner.cancel(task)
    qtbot.waitUntil(lambda: bool(results))
    assert results[0][0] == "cancelled"
    assert progress[0][0] == "index"
