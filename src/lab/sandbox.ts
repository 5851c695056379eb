// A student's socket function, run inside a lab host instead of the kernel
// (Host.call starts it through the agent). Two reasons: a program that picks
// the wrong interface then sends on the lab's links, never on this machine's
// own network; and the checker can watch it from outside (captures, the
// host's socket table) instead of trusting what the program says.
//
// The function runs in a fresh V8 context that has `dgram` and the timers and
// nothing else of Node: no require, no process, no file system, so it cannot
// load the course's own send() and receive(). A context is not a security
// boundary against someone who sets out to escape it; the source is also
// refused at the door when it names the ways out.
import * as dgram from "node:dgram";
import { createContext, runInContext } from "node:vm";

/** The longest function text a host will run. */
export const MAX_SOURCE = 64 * 1024;

/** Names the sandbox has no use for and an escape would need. */
const WAYS_OUT = /\b(require|process|import|eval|Function|constructor|globalThis|global|module|__proto__|prototype|Reflect|Proxy)\b/;

/** What is wrong with a function's source, or undefined when it may run. */
export function sourceProblem(source: unknown): string | undefined {
  if (typeof source !== "string" || source.trim() === "") return "it is not a function's source text";
  if (source.length > MAX_SOURCE) return `its source is ${source.length} characters, more than ${MAX_SOURCE}`;
  // Comments may say anything ("the module's own send"); code may not.
  const way = WAYS_OUT.exec(withoutComments(source));
  if (way) return `it uses \`${way[1]}\`, which a function run in a lab host may not (it has dgram, the timers, Buffer and console)`;
  return undefined;
}

/**
 * tslab compiles a name from another cell as `exports.name` (`exports.dgram`
 * when dgram was imported in an earlier cell); here only dgram is there, and
 * any other name says why it is missing instead of reading as undefined.
 */
function cellExports(): object {
  return new Proxy(Object.freeze({ dgram }), {
    get(target, name) {
      if (name === "dgram") return dgram;
      if (typeof name === "symbol" || name === "then") return undefined;
      throw new ReferenceError(`${String(name)} is from another cell; a function run in a lab host sees only dgram, the timers, Buffer and console: define it inside the function`);
    },
  });
}

/** The source with its line and block comments blanked (strings kept, so a name hidden in one is still seen). */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, " ");
}

/** The globals a function run in a host sees. */
function sandboxGlobals(): Record<string, unknown> {
  return {
    dgram,
    exports: cellExports(),
    setTimeout, clearTimeout, setInterval, clearInterval, setImmediate, clearImmediate,
    Buffer, console, TextEncoder, TextDecoder, AbortController,
  };
}

/** Compile a function's source in a fresh context; throws when it is not a function. */
export function compileFunction(source: string): (...args: unknown[]) => unknown {
  const problem = sourceProblem(source);
  if (problem) throw new Error(`this function cannot run in a lab host: ${problem}`);
  const fn = runInContext(`(${source}\n)`, createContext(sandboxGlobals()), { timeout: 1000, filename: "your-function.js" });
  if (typeof fn !== "function") throw new Error("this source text is not a function");
  return fn as (...args: unknown[]) => unknown;
}
