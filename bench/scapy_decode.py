"""scapy's side of the capture cross-checks and bench (run with Debian's /usr/bin/python3).

  scapy_decode.py json FILE   one JSON object per packet: scapy's summary, show and hexdump
  scapy_decode.py bench FILE  rdpcap + summary() of every packet; prints {"packets", "seconds"}

IGMP is read with scapy's contrib layers loaded (igmp, igmpv3); without them
scapy shows an IGMP message as Raw.
"""
import json
import sys
import time
import logging

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)

from scapy.all import conf, hexdump, load_contrib, rdpcap  # noqa: E402

load_contrib("igmp")
load_contrib("igmpv3")


def describe(packet):
    return {"summary": packet.summary(), "show": packet.show(dump=True), "hexdump": hexdump(packet, dump=True)}


def main(mode, path):
    if mode == "json":
        for packet in rdpcap(path):
            print(json.dumps(describe(packet)))
    elif mode == "bench":
        start = time.perf_counter()
        count = 0
        length = 0
        for packet in rdpcap(path):
            length += len(packet.summary())
            count += 1
        print(json.dumps({"packets": count, "seconds": time.perf_counter() - start, "chars": length}))
    else:
        raise SystemExit("usage: scapy_decode.py json|bench FILE")


if __name__ == "__main__":
    conf.verb = 0
    main(sys.argv[1], sys.argv[2])
