"""`slotlog send` with a message that is already a JSON entry (an object with
"msg"): it is sent as it is, so its level, app and other keys count; -l and -a
fill in only what it lacks. Anything else is stamped as before, --raw sends
as given."""
import json

from conftest import file_config, read_lines, slotlog, wait_for


def start(collectors, tmp_path):
    log = tmp_path / "out.log"
    c = collectors(file_config(log, format="json"))
    wait_for(lambda: any("started" in l for l in read_lines(log)), what="slotlogd to start")
    return c, log


def sent(c, log):
    assert c.stop() == 0, c.stderr()
    return [json.loads(l) for l in read_lines(log) if json.loads(l)["app"] != "slotlogd"]


def test_a_json_entry_is_sent_as_it_is(collectors, tmp_path, env):
    c, log = start(collectors, tmp_path)
    slotlog("send", '{"msg": "disk full", "level": "warning", "app": "billing", "order": 7}', env=env)
    # -l and -a fill in what the message lacks, never what it says
    slotlog("send", "-l", "error", "-a", "tool", '{"msg": "bare"}', ' \t{"msg": "own", "level": "notice"}',
            '\ufeff{"app": "mine", "msg": "with a bom"}', env=env)
    got = sent(c, log)
    assert [(e["msg"], e["level"], e["app"]) for e in got] == [
        ("disk full", "warning", "billing"), ("bare", "error", "tool"), ("own", "notice", "tool"),
        ("with a bom", "error", "mine")]
    assert got[0]["order"] == 7
    # as it is: not stamped
    assert {(e["host"], e["pid"], e["seq"]) for e in got} == {(None, None, None)}


def test_anything_else_is_stamped_and_raw_is_as_given(collectors, tmp_path, env):
    c, log = start(collectors, tmp_path)
    others = ['{"message": "no msg key"}', "[1, 2]", '{"msg": broken', "plain text"]
    slotlog("send", "-l", "warning", *others, env=env)
    # standard input: one message per line, each judged on its own
    slotlog("send", input=b'{"msg": "from stdin", "level": "critical"}\nplain line\n', env=env)
    slotlog("send", "--raw", '{"msg": "raw", "level": "debug"}', env=env)
    got = sent(c, log)
    assert [(e["msg"], e["level"], e["seq"] is not None) for e in got] == [
        *[(m, "warning", True) for m in others], ("from stdin", "critical", False), ("plain line", "info", True),
        ("raw", "debug", False)]


def test_send_help_says_so(env):
    out = slotlog("send", "--help", env=env).stdout.decode()
    text = " ".join(out.split())
    assert 'a MESSAGE that is a json object with "msg"' in text and "is sent as it is" in text, out
    assert "--raw" in text
