// The lecture's captured frame, typed from the hexdump its scapy session
// printed on bushwick: midwood (192.168.56.103) sending "Hello, World!" to
// 224.1.1.5 port 50001 with TTL 1, padded to 60 bytes.

/** The hexdump exactly as the lecture shows it (offset, 16 bytes, text). */
export const LECTURE_HEXDUMP = [
  "0000 01005E010105080027A133B408004500 ..^.....'.3...E.",
  "0010 00290DC74000011191E7C0A83867E001 .)..@.......8g..",
  "0020 0105CD66C351001553C948656C6C6F2C ...f.Q..S.Hello,",
  "0030 20576F726C64210000000000 World!.....",
].join("\n");

/** The same 60 bytes. */
export const LECTURE_FRAME: Uint8Array = Uint8Array.from(
  LECTURE_HEXDUMP.split("\n").flatMap((line) => line.split(" ")[1].match(/../g)!.map((pair) => parseInt(pair, 16))),
);

/** What scapy printed for it on the lecture's screen. */
export const LECTURE_SUMMARY = "Ether / IP / UDP 192.168.56.103:52582 > 224.1.1.5:50001 / Raw / Padding";
