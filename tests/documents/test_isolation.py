import ctypes
import faulthandler
import os
import subprocess
import time

import pytest

from datascores.documents.extract.base import ExtractionError, FailureCode
from datascores.documents.isolation import run_isolated


def _allocate_gigabytes():
    blocks = [bytearray(256 * 1024 * 1024) for _ in range(8)]
    return len(blocks)


def _spin():
    while True:
        pass


def _segfault():
    faulthandler.disable()  # the child's traceback dump would only clutter the test output
    ctypes.string_at(0)


def _abort():
    faulthandler.disable()
    os.abort()


def _grow_then_abort():
    """What pdfium does when a 1 GiB Flate stream outgrows the cap: abort() in C."""
    faulthandler.disable()
    held = b"\x01" * (200 * 1024 * 1024)  # written, so resident
    os.abort()
    return len(held)


def _big_result():
    return "x" * (40 * 1024 * 1024)


def _raise_extraction_error():
    raise ExtractionError(FailureCode.CORRUPT, "This PDF file is damaged.")


def _raise_bug():
    return {}["missing"]


def _spawn_and_hang(pid_file):
    proc = subprocess.Popen(["sleep", "60"])
    with open(pid_file, "w") as fh:
        fh.write(str(proc.pid))
    _spin()


def test_returns_the_result():
    assert run_isolated(sum, [1, 2, 3], timeout=10, memory_mb=200) == 6


def test_memory_hog_fails_with_memory_and_the_caller_survives():
    with pytest.raises(ExtractionError) as info:
        run_isolated(_allocate_gigabytes, timeout=30, memory_mb=300)
    assert info.value.code == FailureCode.MEMORY
    assert "300 MB" in info.value.reason
    # The caller is untouched and can carry on working.
    assert run_isolated(sum, [2, 2], timeout=10, memory_mb=100) == 4


def test_infinite_loop_times_out():
    started = time.monotonic()
    with pytest.raises(ExtractionError) as info:
        run_isolated(_spin, timeout=1, memory_mb=100)
    assert info.value.code == FailureCode.TIMEOUT
    assert "longer than 1 s" in info.value.reason
    assert time.monotonic() - started < 10


def test_timeout_also_kills_the_childs_subprocesses(tmp_path):
    pid_file = tmp_path / "pid"
    with pytest.raises(ExtractionError) as info:
        run_isolated(_spawn_and_hang, str(pid_file), timeout=1.5, memory_mb=100)
    assert info.value.code == FailureCode.TIMEOUT
    pid = int(pid_file.read_text())
    time.sleep(0.3)
    try:
        with open(f"/proc/{pid}/status") as fh:
            state = next(line for line in fh if line.startswith("State:"))
        assert "Z" in state  # killed, waiting only to be reaped by init
    except FileNotFoundError:
        pass  # already gone


@pytest.mark.parametrize("crash", [_segfault, _abort])
def test_native_crash_is_an_error_naming_the_signal(crash):
    with pytest.raises(ExtractionError) as info:
        run_isolated(crash, timeout=10, memory_mb=100)
    assert info.value.code == FailureCode.ERROR
    assert "signal SIG" in info.value.reason


def test_a_native_abort_after_growing_into_the_cap_is_memory_not_an_error():
    with pytest.raises(ExtractionError) as info:
        run_isolated(_grow_then_abort, timeout=30, memory_mb=500)
    assert info.value.code == FailureCode.MEMORY


def test_big_results_come_back_whole():
    assert len(run_isolated(_big_result, timeout=30, memory_mb=400)) == 40 * 1024 * 1024


def test_extraction_errors_pass_through_unchanged():
    with pytest.raises(ExtractionError) as info:
        run_isolated(_raise_extraction_error, timeout=10, memory_mb=100)
    assert info.value.code == FailureCode.CORRUPT
    assert info.value.reason == "This PDF file is damaged."


def test_other_exceptions_become_errors_with_a_reason():
    with pytest.raises(ExtractionError) as info:
        run_isolated(_raise_bug, timeout=10, memory_mb=100)
    assert info.value.code == FailureCode.ERROR
    assert "KeyError" in info.value.reason


def _isolated_sum_and_pid(numbers):
    return run_isolated(sum, numbers, timeout=10, memory_mb=100), os.getpid()


def _isolated_timeout():
    try:
        run_isolated(_spin, timeout=0.5, memory_mb=100)
    except ExtractionError as exc:
        return exc.code
    return None


def test_works_inside_a_celery_prefork_pool_child():
    from billiard.pool import Pool

    with Pool(1) as pool:
        total, worker_pid = pool.apply(_isolated_sum_and_pid, ([1, 2, 3],))
        assert total == 6
        assert worker_pid != os.getpid()
        assert pool.apply(_isolated_timeout) == FailureCode.TIMEOUT
        # The same pool child is still alive and serving.
        assert pool.apply(_isolated_sum_and_pid, ([4],)) == (4, worker_pid)
