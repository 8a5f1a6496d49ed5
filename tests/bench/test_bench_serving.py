"""The pure parts of the serving benchmark (bench/bench_serving.py): CPU accounting from /proc, which worker holds
which connection, wrk's figures, medians over rounds and the Markdown table. The full run (servers, wrk) is a
benchmark, not a test."""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_serving", ROOT / "bench" / "bench_serving.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_serving"] = module
    spec.loader.exec_module(module)
    return module


def test_cpu_time_is_read_from_proc_stat_even_when_the_command_name_holds_spaces_and_parentheses(bench):
    fields = ["S", *["0"] * 10, "250", "50", *["0"] * 30]  # utime and stime are fields 14 and 15
    stat = f"4242 (gunicorn: worker [x) y]) {' '.join(fields)}"
    assert bench.parse_stat_cpu(stat) == pytest.approx(300 / bench.CLOCK_TICKS)


def test_cpu_used_counts_a_process_seen_late_from_zero_and_one_gone_up_to_its_last_reading(bench):
    before = {1: 10.0, 2: 5.0}
    last = {1: 12.5, 3: 0.75, 2: 5.0}  # 3 started during the run; 2 idle
    assert bench.cpu_used(before, last) == {1: 2.5, 2: 0.0, 3: 0.75}


def test_the_meter_counts_the_cpu_of_a_busy_worker_below_the_root(bench):
    spin = "while True: pass"
    parent = subprocess.Popen(
        [sys.executable, "-c", f"import subprocess, sys\nsubprocess.run([sys.executable, '-c', {spin!r}])"],
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 20
        while not bench.leaves(bench.children_map(), parent.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        [worker] = bench.leaves(bench.children_map(), parent.pid)
        before = bench.cpu_seconds([worker])[worker]
        meter = bench.CpuMeter({"server": parent.pid})
        meter.start()
        time.sleep(1.0)
        measured = meter.stop()
        after = bench.cpu_seconds([worker])[worker]
    finally:
        os.killpg(parent.pid, signal.SIGKILL)
        parent.wait()
    assert after - before > 0.05, "the worker never ran"
    assert after - before - 0.1 <= measured.worker_seconds[worker] <= after - before, (measured, before, after)
    assert measured.group_seconds["server"] == pytest.approx(measured.worker_seconds[worker], abs=0.05)
    assert bench.per_request(measured, 100)["server_cpu_ms_per_request"] == pytest.approx(
        1000 * measured.group_seconds["server"] / 100, abs=0.001
    )


def test_connections_are_found_on_the_process_that_accepted_them(bench):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
        accepted = [listener.accept()[0] for _ in clients]
        try:
            # the client ends are in this process too, but their local port is not the server's
            assert bench.connections_by_pid([bench.os.getpid()], port) == {bench.os.getpid(): 3}
        finally:
            for sock in clients + accepted:
                sock.close()


def test_established_inodes_reads_the_local_port_and_state(bench):
    table = (
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1\n"
        "   1: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 222 1\n"
        "   2: 0100007F:D431 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 333 1\n"
        "   3: 0100007F:1F90 0100007F:D432 06 00000000:00000000 00:00000000 00000000     0        0 444 1\n"
    )
    assert bench.established_inodes(table, 8080) == {222}  # not the listener, the client end or a TIME_WAIT


def test_process_tree_and_its_workers(bench):
    children = {1: [10], 10: [11, 12, 13], 13: [14]}
    assert sorted(bench.tree(children, 10)) == [10, 11, 12, 13, 14]
    assert bench.leaves(children, 10) == [11, 12, 14]
    assert bench.leaves({}, 10) == []


def test_worker_split_puts_the_busiest_first_and_keeps_an_idle_worker(bench):
    measured = bench.Measured(
        group_seconds={"server": 4.1}, worker_seconds={11: 0.9, 12: 3.1, 99: 0.0}, worker_connections={11: 2, 12: 6}
    )
    split = bench.worker_split(measured)
    assert [w["pid"] for w in split] == [12, 11, 99]
    assert bench.split_label(split) == "6/2/0 (78/22/0 %)"
    assert bench.split_label([]) == "-"


def test_wrk_figures_are_parsed_from_the_lua_line(bench):
    out = (
        "Running 2s test\n"
        'BENCH_JSON {"requests": 500, "duration_us": 2000000, "bytes": 1, "connect_errors": 0, "read_errors": 0, '
        '"write_errors": 0, "status_errors": 3, "timeouts": 0, "mean_us": 4100.5, "p50_us": 3900, "p90_us": 6000, '
        '"p99_us": 12000, "max_us": 30000}\n'
    )
    result = bench.parse_wrk(out)
    assert (result.rps, result.p50_ms, result.p99_ms, result.requests) == (250.0, 3.9, 12.0, 500)
    assert result.errors == {"status_errors": 3}
    with pytest.raises(RuntimeError, match="BENCH_JSON"):
        bench.parse_wrk("Running 2s test\n")


def _round(bench, rps, p50, server_cpu, pg_cpu=None, split=(4, 4)):
    cpu = {"server_cpu_ms_per_request": server_cpu} | ({"postgres_cpu_ms_per_request": pg_cpu} if pg_cpu else {})
    workers = [{"pid": i, "cpu_share": c / sum(split), "connections": c} for i, c in enumerate(split)]
    return bench.WrkResult(rps, p50, p50 * 2, p50 * 4, p50, p50 * 5, int(rps * 10), {}, cpu, workers)


def test_summary_takes_the_median_of_each_figure_over_rounds(bench):
    rounds = [
        _round(bench, 169.0, 40.0, 10.7, 0.3, (4, 4)),
        _round(bench, 56.0, 140.0, 18.6, 0.5, (7, 1)),
        _round(bench, 58.0, 130.0, 18.0, 0.4, (8, 0)),
    ]
    summary = bench.summarize(rounds)
    assert summary["rps"] == 58.0 and summary["p50_ms"] == 130.0 and summary["p99_ms"] == 520.0
    assert summary["cpu"] == {"postgres_cpu_ms_per_request": 0.4, "server_cpu_ms_per_request": 18.0}
    assert summary["total_cpu_ms_per_request"] == 18.4
    assert summary["rounds_rps"] == [169.0, 56.0, 58.0]
    assert summary["splits"] == ["4/4 (50/50 %)", "7/1 (88/12 %)", "8/0 (100/0 %)"]


def test_the_markdown_table_has_one_row_per_model_with_both_sides_and_their_ratios(bench):
    keel = bench.summarize([_round(bench, 500.0, 10.0, 2.0, 0.5)])
    mlflow = bench.summarize([_round(bench, 100.0, 50.0, 10.0)])
    figures = {
        "date": "2026-12-06 10:00 UTC",
        "settings": {"rounds": 1, "seconds": 15, "wrk_threads": 2, "connections": 8, "workers": 2},
        "loadavg_at_start": ["0.1", "0.2", "0.3"],
        "models": [
            {
                "name": "forest",
                "engine": "onnxruntime",
                "keel": keel,
                "mlflow": mlflow,
                "keel_one_connection": {"p50_ms": 1.5},
                "mlflow_one_connection": {"p50_ms": 7.25},
                "keel_batch": {"rows_per_s": 25000.0},
                "mlflow_batch": {"rows_per_s": 4000.0},
                "label_mismatches": {"keel": 0, "rows": 100, "mlflow": 0},
            }
        ],
    }
    text = bench.markdown(figures)
    rows = [line for line in text.splitlines() if line.startswith("| forest")]
    assert len(rows) == 2
    cells = [c.strip() for c in rows[0].strip("|").split("|")]
    assert cells == [
        "forest",
        "onnxruntime",
        "500.0",
        "100.0",
        "5.00x",
        "10.00 / 40.0",
        "50.00 / 200.0",
        "2.00 + 0.50 pg",
        "10.00",
        "4.00x",
    ]
    assert "| 1.50 / 7.25 | 25,000 / 4,000 | 500 | 100 | 4/4 (50/50 %) | keel 0, mlflow 0 of 100 |" in rows[1]
    assert "Errors" not in text


def test_labels_are_compared_by_value(bench):
    assert bench.label_mismatches([1, 0, "a"], [1.0, 1, "a"]) == 1
    assert bench.label_mismatches([1], [1, 0]) == 1


def test_arguments_name_the_model_kinds_and_refuse_unknown_ones(bench, capsys):
    assert bench.parse_args(["--model-kind", "all"]).kinds == ["lr", "forest", "hgb", "keel"]
    smoke = bench.parse_args(["--model-kind", "forest", "--seconds", "2", "--rounds", "1"])
    assert (smoke.kinds, smoke.seconds, smoke.rounds, smoke.connections) == (["forest"], 2, 1, 8)
    with pytest.raises(SystemExit):
        bench.parse_args(["--model-kind", "svm"])
    assert "choose from lr, forest, hgb, keel" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        bench.parse_args(["--db-url", "postgres://db.example.com/keel_bench"])
    assert bench.artifact_name("/tmp/My Model_v2.skops") == "my-model-v2"


def test_gunicorn_variants_are_tabled_with_their_rounds_and_splits(bench):
    variant = {"gunicorn_args": "--reuse-port", "model": "forest"} | bench.summarize(
        [_round(bench, 150.0, 50.0, 10.0, 0.2, (5, 3)), _round(bench, 60.0, 130.0, 18.0, 0.2, (8, 0))]
    )
    configured = {"gunicorn_args": "", "model": "forest"} | bench.summarize([_round(bench, 100.0, 80.0, 12.0)])
    text = bench.variants_markdown([configured, variant])
    assert "| `as configured` | 100.0 |" in text
    assert (
        "| `--reuse-port` | 105.0 | 90.00 / 360.0 | 14.00 + 0.20 pg | 150 / 60 | 5/3 (62/38 %); 8/0 (100/0 %) |" in text
    )
    with pytest.raises(SystemExit):
        bench.parse_args(["--only-extras"])  # nothing left to measure
