#!/usr/bin/python3
"""The peer for bench/lab.ts: Mininet building the lab's shape.

Four hosts with two links each, one to each of two Linux bridges (no
OpenFlow controller), started and stopped RUNS times. Prints one JSON object:
the milliseconds of each build+start, first command, and stop.

Mininet puts its switches (and their ends of the links) in this machine's own
network namespace; they carry no address. The hosts' addresses, inside the
hosts' namespaces, stay in 192.168.56.0/24, and no traffic is sent.
With "routed", the routed topology's shape instead: three switches in a
row joined by two router hosts (IP forwarding on, one smcrouted each with the
same routes as the lab's, waited for until its VIFs exist), midwood on the
first, bushwick on the second, eastny and flatbush on the third.
Run as root with Debian's mininet and bridge-utils: python3 mininet_lab.py RUNS [routed]
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


ROUTERS = {"router1": ("192.168.56.1/24", "192.168.57.1/24"), "router2": ("192.168.57.2/24", "192.168.58.1/24")}
GROUPS = ["224.1.1.5", "234.3.2.1", "224.0.0.251"]


class RoutedShape(Topo):
    """Three networks in a row, two routers between them."""

    def build(self):
        nets = [self.addSwitch("mclab%d" % i) for i in (1, 2, 3)]
        for i, (name, (a, b)) in enumerate(ROUTERS.items()):
            router = self.addHost(name, ip=None)
            self.addLink(router, nets[i], intfName1=name + "-eth1", params1={"ip": a})
            self.addLink(router, nets[i + 1], intfName1=name + "-eth2", params1={"ip": b})
        for name, net, ip in [("midwood", 0, "192.168.56.103/24"), ("bushwick", 1, "192.168.57.105/24"),
                              ("eastny", 2, "192.168.58.101/24"), ("flatbush", 2, "192.168.58.104/24")]:
            self.addLink(self.addHost(name, ip=None), nets[net], intfName1=name + "-eth1", params1={"ip": ip})


def start_routers(net):
    for name in ROUTERS:
        node = net.get(name)
        node.cmd("sysctl -qw net.ipv4.ip_forward=1")
        conf = "/tmp/mclab-bench-%s.conf" % name
        lines = ["phyint %s-eth1 enable" % name, "phyint %s-eth2 enable" % name]
        lines += ["mroute from %s-eth1 group %s to %s-eth2" % (name, g, name) for g in GROUPS]
        with open(conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        base = "/tmp/mclab-bench-%s" % name
        node.cmd("smcrouted -n -N -i %s -f %s -u %s.sock -P %s.pid -l none > /dev/null 2>&1 &" % (name, conf, base, base))
    for name in ROUTERS:
        node = net.get(name)
        for _ in range(100):
            if len(node.cmd("cat /proc/net/ip_mr_vif").strip().split("\n")) > 2:
                break
            time.sleep(0.01)
        else:
            raise RuntimeError("smcrouted in %s did not start" % name)


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    routed = len(sys.argv) > 2 and sys.argv[2] == "routed"
    setLogLevel("error")
    up, first, down = [], [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        net = Mininet(topo=RoutedShape() if routed else LectureShape(), switch=LinuxBridge, controller=None, autoSetMacs=True)
        net.start()
        if routed:
            start_routers(net)
        else:
            for name, _last in HOSTS:
                net.get(name).cmd("ip route add default dev %s-eth0" % name)
        t1 = time.perf_counter()
        net.get("eastny").cmd("true")
        t2 = time.perf_counter()
        if routed:
            for name in ROUTERS:
                net.get(name).cmd("kill $(cat /tmp/mclab-bench-%s.pid) 2>/dev/null; rm -f /tmp/mclab-bench-%s.*" % (name, name))
        net.stop()
        t3 = time.perf_counter()
        up.append((t1 - t0) * 1000)
        first.append((t2 - t1) * 1000)
        down.append((t3 - t2) * 1000)
    print(json.dumps({"up": up, "first": first, "down": down}))


if __name__ == "__main__":
    main()
