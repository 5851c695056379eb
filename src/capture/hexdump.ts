// Bytes the way scapy's hexdump() prints them: a 4-digit hex offset, two
// spaces, 16 bytes in upper-case hex each followed by a space, one more
// space, then the bytes as text with "." for anything unprintable.
import { ArgumentError } from "../util/errors";

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, "0") + " ");
const TEXT = Array.from({ length: 256 }, (_, i) => (i < 32 || i >= 127 ? "." : String.fromCharCode(i)));

/** Bytes as scapy's hexdump() prints them: offset, 16 bytes in hex, and their text. */
export function hexdump(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) throw new ArgumentError("bytes", bytes, "a Uint8Array (or Buffer) of the frame's bytes");
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    let hex = "";
    let text = "";
    for (let j = 0; j < 16; j++) {
      if (i + j < bytes.length) {
        hex += HEX[bytes[i + j]];
        text += TEXT[bytes[i + j]];
      } else hex += "   ";
    }
    lines.push(`${i.toString(16).padStart(4, "0")}  ${hex} ${text}`);
  }
  return lines.join("\n");
}
