// How host.send()/receive() and the agent inside the host talk: lines that
// start with AGENT_PREFIX and hold JSON that keeps bytes, bigints and the
// course's ArgumentError intact across the process boundary.
import { ArgumentError } from "../util/errors";

export const AGENT_PREFIX = "@mcast-lab ";

export interface SerializedError {
  name: string;
  message: string;
  argument?: string;
  value?: unknown;
  allowed?: string;
  why?: string;
}

/** JSON that keeps bytes and bigints. */
export function encode(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "bigint") return { $bigint: v.toString() };
    if (v && typeof v === "object" && (v as { type?: string }).type === "Buffer" && Array.isArray((v as { data?: unknown }).data)) {
      return { $bytes: Buffer.from((v as { data: number[] }).data).toString("base64") };
    }
    if (v instanceof Uint8Array) return { $bytes: Buffer.from(v).toString("base64") };
    return v;
  });
}

export function decode(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === "$bigint") return BigInt((v as { $bigint: string }).$bigint);
      if (keys.length === 1 && keys[0] === "$bytes") return Buffer.from((v as { $bytes: string }).$bytes, "base64");
    }
    return v;
  });
}

export function serializeError(error: unknown): SerializedError {
  const e = error as Error & Partial<SerializedError>;
  const out: SerializedError = { name: e?.name ?? "Error", message: e?.message ?? String(error) };
  if (e?.name === "ArgumentError") Object.assign(out, { argument: e.argument, value: e.value, allowed: e.allowed, why: e.why });
  return out;
}

export function revive(error: SerializedError): Error {
  if (error.name === "ArgumentError" && error.argument !== undefined && error.allowed !== undefined) {
    return new ArgumentError(error.argument, error.value, error.allowed, error.why);
  }
  const e = new Error(error.message);
  e.name = error.name;
  return e;
}
