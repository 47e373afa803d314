"""The design document's first example, as a Linux equivalent.

A reader on `logger` (slotlogd) and a writer that puts "the quick brown fox"
word by word, each python-marshalled as winsys's Mailslot.put does, then STOP.
"""
import marshal
import socket
import subprocess

from conftest import BIN, entries, file_config, read_lines, slotlog, wait_for


def winsys_writer(socket_path):
    # winsys: with ipc.mailslot(r"\\*\mailslot\logger") as m: m.put(word) -> marshal.dumps(word)
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        for word in "the quick brown fox".split():
            s.sendto(marshal.dumps(word), str(socket_path))
        s.sendto(marshal.dumps("STOP"), str(socket_path))


def test_words_are_logged_and_stop_ends_serve_when_allowed(tmp_path, env, collectors):
    log = tmp_path / "logs/slotlog.log"
    c = collectors(file_config(log), args=["--allow-plain-stop"]).wait_ready(log)
    winsys_writer(c.socket_path())
    assert c.proc.wait(timeout=15) == 0, "STOP should end serve"
    lines = read_lines(log)
    assert entries(lines, "-") == ["the", "quick", "brown", "fox"]
    assert any("stop requested by a plain STOP message" in l for l in lines)
    assert not (c.socket_path()).exists(), "the socket is removed on exit"


def test_stop_is_ignored_without_the_flag(tmp_path, env, collectors):
    log = tmp_path / "logs/slotlog.log"
    c = collectors(file_config(log)).wait_ready(log)
    winsys_writer(c.socket_path())
    wait_for(lambda: any("plain STOP message" in l for l in read_lines(log)), what="the ignored STOP warning")
    assert c.proc.poll() is None, "serve must keep running"
    # a message logged after the STOP is the proof that it kept running
    slotlog("send", "-s", r"\\*\mailslot\logger", "still running", env=env)
    assert c.stop() == 0
    lines = read_lines(log)
    assert entries(lines, "-")[:4] == ["the", "quick", "brown", "fox"]
    assert any("WARNING" in l and "plain STOP message on slot logger ignored" in l for l in lines)
    assert any(l.endswith("]: still running") for l in lines)


def test_the_same_writer_in_cpp_on_the_client_library(tmp_path, env, collectors):
    log = tmp_path / "logs/slotlog.log"
    c = collectors(file_config(log), args=["--allow-plain-stop"]).wait_ready(log)
    r = subprocess.run([str(BIN / "quick_brown_fox")], env=env, capture_output=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert c.proc.wait(timeout=15) == 0, "STOP should end serve"
    assert entries(read_lines(log), "-") == ["the", "quick", "brown", "fox"]
