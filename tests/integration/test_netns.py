"""Three hosts on one bridge, in network namespaces made and removed here: a
broadcast `slotlog send` reaches every collector of the slot once, whatever
the number of copies on the wire, and nobody else."""
import json
import os
import shutil
import subprocess
import uuid

import pytest

from conftest import BIN, read_lines, wait_for

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or shutil.which("ip") is None,
                                reason="network namespaces need root and iproute2")

SUBNET = "10.77.{}.{}"


def run(*cmd, check=True):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    if check and r.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr}")
    return r


class Network:
    """A bridge in a namespace of its own and hosts plugged into it with veth pairs."""

    def __init__(self):
        tag = uuid.uuid4().hex[:6]
        self.prefix = f"sl{tag}"
        self.net = int(tag[:2], 16) % 200 + 20  # 10.77.<net>.0/24, for tests that run side by side
        self.namespaces = []
        self.bridge_ns = self._namespace("br")
        run("ip", "-n", self.bridge_ns, "link", "add", "br0", "type", "bridge")
        run("ip", "-n", self.bridge_ns, "link", "set", "br0", "up")

    def _namespace(self, name):
        ns = f"{self.prefix}{name}"
        run("ip", "netns", "add", ns)
        self.namespaces.append(ns)
        run("ip", "-n", ns, "link", "set", "lo", "up")
        return ns

    def host(self, index):
        """A namespace with one interface on the bridge, 10.77.<net>.<index>/24; returns (namespace, address)."""
        ns = self._namespace(f"h{index}")
        inside, outside = f"{self.prefix}i{index}", f"{self.prefix}o{index}"
        run("ip", "link", "add", inside, "netns", ns, "type", "veth", "peer", "name", outside, "netns", self.bridge_ns)
        run("ip", "-n", self.bridge_ns, "link", "set", outside, "master", "br0", "up")
        address = SUBNET.format(self.net, index)
        run("ip", "-n", ns, "addr", "add", f"{address}/24", "broadcast", SUBNET.format(self.net, 255), "dev", inside)
        run("ip", "-n", ns, "link", "set", inside, "up")
        return ns, address

    def remove(self):
        for ns in reversed(self.namespaces):
            run("ip", "netns", "del", ns, check=False)


@pytest.fixture
def network():
    n = Network()
    yield n
    n.remove()


class NsCollector:
    def __init__(self, ns, folder, slot):
        folder.mkdir()
        self.log = folder / "out.log"
        config = {
            "inputs": [{"type": "netbios", "bind": "0.0.0.0:138", "slot": slot},
                       {"type": "netbios", "bind": "0.0.0.0:5138", "slot": slot}],
            "outputs": [{"type": "file", "path": str(self.log), "format": "json"}],
        }
        (folder / "slotlogd.json").write_text(json.dumps(config))
        env = dict(os.environ, SLOTLOG_RUNTIME_DIR=str(folder / "run"))
        self.proc = subprocess.Popen(["ip", "netns", "exec", ns, str(BIN / "slotlogd"), "serve",
                                      "-c", str(folder / "slotlogd.json")],
                                     env=env, stdout=subprocess.DEVNULL, stderr=open(folder / "stderr.txt", "wb"))
        self.folder = folder
        wait_for(lambda: self._started(), what=f"slotlogd in {ns} to start")

    def _started(self):
        if self.proc.poll() is not None:
            raise AssertionError(f"slotlogd exited: {(self.folder / 'stderr.txt').read_text()}")
        return any("started" in l for l in read_lines(self.log))

    def stop(self):
        self.proc.terminate()
        assert self.proc.wait(timeout=30) == 0
        return [json.loads(l) for l in read_lines(self.log)]

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def app_messages(entries):
    return [e for e in entries if e["app"] != "slotlogd"]


def send(ns, *args, folder):
    env = dict(os.environ, SLOTLOG_RUNTIME_DIR=str(folder / "sender-run"))
    r = subprocess.run(["ip", "netns", "exec", ns, str(BIN / "slotlog"), "send", *args],
                       env=env, capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr


def test_a_broadcast_reaches_each_collector_of_the_slot_once(network, tmp_path):
    sender, _ = network.host(1)
    ns_b, addr_b = network.host(2)
    ns_c, _ = network.host(3)
    collectors = []
    try:
        b = NsCollector(ns_b, tmp_path / "b", "logger")
        collectors.append(b)
        c = NsCollector(ns_c, tmp_path / "c", "logger")
        collectors.append(c)
        # a collector of another slot, on the sender's own host: broadcasts reach it too
        other = NsCollector(sender, tmp_path / "other", "other")
        collectors.append(other)

        send(sender, "-s", r"\\*\mailslot\logger", "-a", "netns", "hello everyone", folder=tmp_path)
        # on both ports at once: two datagrams per collector, one entry
        send(sender, "-s", r"\\*\mailslot\logger", "-a", "netns", "--transport", "both", "sent twice",
             folder=tmp_path)
        # the same stamped message sent twice
        stamped = json.dumps({"msg": "duplicate", "app": "netns", "host": "SENDER", "pid": 4242, "seq": 1})
        for _ in range(2):
            send(sender, "-s", r"\\*\mailslot\logger", "--raw", stamped, folder=tmp_path)
        # unicast to one collector by its address
        send(sender, "-s", rf"\\{addr_b}\mailslot\logger", "-a", "netns", "only for b", folder=tmp_path)

        wait_for(lambda: sum("only for b" in l for l in read_lines(b.log)) == 1, what="the unicast message")
        got_b, got_c, got_other = b.stop(), c.stop(), other.stop()
    finally:
        for col in collectors:
            col.kill()

    def msgs(entries):
        return sorted(e["msg"] for e in app_messages(entries))

    assert msgs(got_b) == sorted(["hello everyone", "sent twice", "duplicate", "only for b"]), got_b
    assert msgs(got_c) == sorted(["hello everyone", "sent twice", "duplicate"]), got_c
    assert msgs(got_other) == [], got_other
    # the sender is named by its netbios name and address, or by its own stamp
    hello = next(e for e in app_messages(got_b) if e["msg"] == "hello everyone")
    assert hello["app"] == "netns" and hello["pid"] is not None and hello["seq"] is not None
    assert next(e for e in app_messages(got_c) if e["msg"] == "duplicate")["host"] == "SENDER"
    # the copies were dropped and counted: "sent twice" and "duplicate" once each
    assert ", 2 repeats dropped, " in got_b[-1]["msg"], got_b[-1]
    assert ", 2 repeats dropped, " in got_c[-1]["msg"], got_c[-1]
