"""Execute one notebook in a fresh kernel and report every cell as a JSON line.

Run with Debian's /usr/bin/python3 (it has nbclient). The Node side
(src/notebook/run.ts) starts this, reads the lines and decides what passed.
A line per cell, as soon as it is done, so a caller can show progress:

  {"event": "cell", "index": 3, "status": "ok"|"error"|"aborted"|"timeout"|"dead",
   "seconds": 0.12, "outputs": [...]}

then one {"event": "end", "status": "complete"|"timeout"|"dead"|"deadline"}. Before the
first cell, {"event": "kernel", "seconds": 2.8}: how long the kernel took to
start and answer.
A cell's text output is cut at --max-output characters (the cell's line then
says "truncated": the characters it printed). Run as PID 1 of a PID namespace
(the grader does), it reports the processes still alive after the kernel is
gone, as {"event": "leftover", "processes": [...]}, before it exits and the
namespace takes them with it.
A cell that exceeds --cell-timeout ends the run: the kernel is killed, since a
busy JavaScript event loop cannot be interrupted, and the caller may rerun.
"""

import argparse
import asyncio
import json
import os
import shutil
import signal
import tempfile
import sys
import time

import nbformat
from traitlets.config import Config
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def cut(text, limit):
    return text if len(text) <= limit else text[:limit] + "\n[... cut: %d characters in all]\n" % len(text)


def summarize_output(out, limit):
    kind = out.get("output_type")
    if kind == "stream":
        return {"type": "stream", "name": out.get("name"), "text": cut(out.get("text", ""), limit)}
    if kind == "error":
        return {"type": "error", "ename": out.get("ename"), "evalue": out.get("evalue"),
                "traceback": out.get("traceback", [])}
    data = out.get("data", {})
    return {"type": kind, "data": {k: cut(v if isinstance(v, str) else json.dumps(v), limit)
                                   for k, v in data.items()}}


def output_size(outputs):
    n = 0
    for out in outputs:
        n += len(out.get("text", "") or "")
        for v in (out.get("data") or {}).values():
            n += len(v) if isinstance(v, str) else len(json.dumps(v))
    return n


def leftover_processes(wait_seconds=3.0):
    """Other processes of this PID namespace, after giving the lab's own a moment to exit."""
    deadline = time.monotonic() + wait_seconds
    while True:
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == os.getpid():
                continue
            try:
                with open("/proc/%s/cmdline" % entry, "rb") as f:
                    cmd = f.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
            except OSError:
                continue
            if cmd:
                found.append(cmd[:200])
        if not found or time.monotonic() >= deadline:
            return found
        time.sleep(0.1)


async def run(args):
    nb = nbformat.read(args.notebook, as_version=4)
    replies = {}

    def on_executed(cell, cell_index, execute_reply):
        replies[cell_index] = execute_reply.get("content", {}).get("status", "unknown")

    # The kernel on Unix sockets, not TCP ports: with other runs and servers
    # starting kernels at the same time, a port picked as free can be taken
    # before the kernel binds it. (The kernel's launcher speaks ipc: see
    # scripts/tslab-kernel.cjs.) The sockets live in a folder of this run's.
    # (Set by config, not by handing nbclient a kernel manager: it shuts down
    # only a kernel whose manager it made itself.)
    config = Config()
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = os.path.join(args.ipc_dir, "kernel")
    client = NotebookClient(
        nb,
        config=config,
        timeout=args.cell_timeout,
        kernel_name=args.kernel,
        allow_errors=True,
        interrupt_on_timeout=False,
        shutdown_kernel="immediate",
        startup_timeout=60,
        resources={"metadata": {"path": args.cwd}},
        on_cell_executed=on_executed,
    )
    deadline = time.monotonic() + args.total_timeout
    end = "complete"
    started_kernel = time.monotonic()
    async with client.async_setup_kernel():
        emit({"event": "kernel", "seconds": round(time.monotonic() - started_kernel, 3)})
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            left = deadline - time.monotonic()
            if left <= 0:
                end = "deadline"
                break
            client.timeout = max(1, min(args.cell_timeout, int(left)))
            started = time.monotonic()
            status = None
            try:
                await client.async_execute_cell(cell, index)
                status = replies.get(index, "unknown")
            except CellTimeoutError:
                status = "timeout"
            except DeadKernelError:
                status = "dead"
            except Exception as err:  # a kernel that stops answering mid-cell
                status = "dead"
                cell.outputs.append({"output_type": "stream", "name": "stderr",
                                     "text": "runner: %s: %s\n" % (type(err).__name__, err)})
            if status == "timeout" and time.monotonic() >= deadline - 0.5:
                status, end = "timeout", "deadline"
            size = output_size(cell.outputs)
            event = {"event": "cell", "index": index, "status": status,
                     "seconds": round(time.monotonic() - started, 3),
                     "outputs": [summarize_output(o, args.max_output) for o in cell.outputs]}
            if size > args.max_output:
                event["truncated"] = size
            emit(event)
            if status in ("timeout", "dead"):
                end = end if end == "deadline" else status
                break
    if os.getpid() == 1:
        left = leftover_processes()
        if left:
            emit({"event": "leftover", "processes": left})
    emit({"event": "end", "status": end})


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebook")
    ap.add_argument("--cwd", required=True, help="the kernel's working folder")
    ap.add_argument("--kernel", default="tslab")
    ap.add_argument("--cell-timeout", type=int, default=60)
    ap.add_argument("--total-timeout", type=int, default=600)
    ap.add_argument("--max-output", type=int, default=200000, help="characters of output kept per cell")
    args = ap.parse_args()
    # SIGTERM from the caller must still shut the kernel down (the context
    # manager does that), so turn it into an exception.
    def on_term(signum, frame):
        raise KeyboardInterrupt()
    signal.signal(signal.SIGTERM, on_term)
    args.ipc_dir = tempfile.mkdtemp(prefix="nbrun-ipc-")
    try:
        asyncio.run(run(args))
    except KeyboardInterrupt:
        emit({"event": "end", "status": "killed"})
        sys.exit(130)
    finally:
        shutil.rmtree(args.ipc_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
