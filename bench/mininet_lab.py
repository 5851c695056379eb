#!/usr/bin/python3
"""The peer for bench/lab.ts: Mininet building the lab's shape.

Four hosts with two links each, one to each of two Linux bridges (no
OpenFlow controller), started and stopped RUNS times. Prints one JSON object:
the milliseconds of each build+start, first command, and stop.

Mininet puts its switches (and their ends of the links) in this machine's own
network namespace; they carry no address. The hosts' addresses, inside the
hosts' namespaces, stay in 192.168.56.0/24, and no traffic is sent.
Run as root with Debian's mininet and bridge-utils: python3 mininet_lab.py RUNS
"""
import json
import sys
import time

from mininet.log import setLogLevel
from mininet.net import Mininet
from mininet.nodelib import LinuxBridge
from mininet.topo import Topo

HOSTS = [("eastny", 101), ("midwood", 103), ("flatbush", 104), ("bushwick", 105)]


class LectureShape(Topo):
    """The lab's shape: a host-only switch and a NAT switch, every host on both."""

    def build(self):
        hostonly = self.addSwitch("mclab1")
        nat = self.addSwitch("mclab2")
        for name, last in HOSTS:
            host = self.addHost(name, ip=None)
            # eth0 to the NAT switch, eth1 to the host-only one, as in the lab.
            self.addLink(host, nat, intfName1=name + "-eth0", params1={"ip": "192.168.56.%d/32" % (last + 100)})
            self.addLink(host, hostonly, intfName1=name + "-eth1", params1={"ip": "192.168.56.%d/24" % last})


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    setLogLevel("error")
    up, first, down = [], [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        net = Mininet(topo=LectureShape(), switch=LinuxBridge, controller=None, autoSetMacs=True)
        net.start()
        for name, _last in HOSTS:
            net.get(name).cmd("ip route add default dev %s-eth0" % name)
        t1 = time.perf_counter()
        net.get("eastny").cmd("true")
        t2 = time.perf_counter()
        net.stop()
        t3 = time.perf_counter()
        up.append((t1 - t0) * 1000)
        first.append((t2 - t1) * 1000)
        down.append((t3 - t2) * 1000)
    print(json.dumps({"up": up, "first": first, "down": down}))


if __name__ == "__main__":
    main()
