"""berthd's own log on stderr: logfmt by default, `--log-format json` on request, and every line
written while a request is handled carries its request_id, also from a stream that ends long after
the handler returned."""

import json
import re
import subprocess


def events_for_a_moment(daemon):
    """An NDJSON event stream held open for a second, then dropped by the client."""
    subprocess.run(
        ["curl", "-sS", "--max-time", "1", "--unix-socket", str(daemon.socket), "-H", "Accept: application/x-ndjson",
         "http://unix/1.0/events"],
        capture_output=True, timeout=10,
    )


def test_json_lines_start_with_time_level_msg_and_carry_the_request_id(berthd_factory):
    daemon = berthd_factory(args=("--log-format", "json"))
    assert daemon.request("GET", "/1.0").status == 200
    assert daemon.request("GET", "/1.0/nope").status == 404
    events_for_a_moment(daemon)
    daemon.wait_for_log(r'"msg":"event listener stopped"')
    assert daemon.stop() == 0

    lines = [json.loads(line) for line in daemon.log.splitlines()]  # every line is one JSON object
    assert all(list(line)[:3] == ["time", "level", "msg"] for line in lines)
    assert all(isinstance(value, str) for line in lines for value in line.values())
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", lines[0]["time"])
    ready = next(line for line in lines if line["msg"] == "berthd ready")
    assert ready["level"] == "info" and ready["state_dir"] == str(daemon.state_dir)
    assert "request_id" not in ready

    requests = [line for line in lines if line["msg"] == "request"]
    assert [(r["path"], r["status"]) for r in requests][:3] == [("/1.0", "200"), ("/1.0", "200"), ("/1.0/nope", "404")]
    ids = [r["request_id"] for r in requests]
    assert len(set(ids)) == len(ids) and all(id.isdigit() for id in ids)

    # The listener's lines are written by the stream's producer, after the handler returned.
    started = next(line for line in lines if line["msg"] == "event listener started")
    stopped = next(line for line in lines if line["msg"] == "event listener stopped")
    events_request = next(r for r in requests if r["path"] == "/1.0/events")
    assert started["request_id"] == stopped["request_id"] == events_request["request_id"]
    assert list(stopped)[:4] == ["time", "level", "msg", "request_id"]


def test_logfmt_stays_the_default_and_carries_the_request_id_too(berthd):
    events_for_a_moment(berthd)
    stopped = berthd.wait_for_log(r"msg=\"event listener stopped\"")
    assert stopped.startswith("time=")
    assert re.search(r' level=debug msg="event listener stopped" request_id=\d+ ', stopped)
    request_id = re.search(r"request_id=(\d+)", stopped).group(1)
    assert re.search(rf"msg=request request_id={request_id} method=GET path=/1.0/events ", berthd.log)
