# The lab's supervisor: runs inside the lab (in its pid, mount and network
# namespaces, started by the shell that built them) and runs commands in the
# hosts for the lab's owner, which talks to it over stdin/stdout in JSON lines
# (owner-supervisor-protocol.ts). When stdin ends, the owner is gone, even if
# it was killed with -9: the supervisor kills what it runs and exits, the shell
# above it (PID 1) exits, and the kernel kills every process of the lab and
# frees its namespaces.
#
# Why Python and not Node like the rest: a host's first command waits for the
# supervisor, and `python3 -I -S` is ready in 8 ms where Node takes 70. For
# the same reason it loads only modules compiled into Python (_json, not json,
# which brings re and enum: 8 ms more) and starts processes with posix_spawn
# (a vfork) rather than fork.
#
# Started by up(), never by hand, with its settings in MCAST_LAB_CONFIG (a
# SupervisorConfig as JSON).
import _json
import _signal
import codecs
import os
import select
import sys
import time

PROTOCOL = 2  # owner-supervisor-protocol.ts: bumped when a message changes
READ_SIZE = 65536
SIGNALS = {"SIGINT": _signal.SIGINT, "SIGTERM": _signal.SIGTERM, "SIGKILL": _signal.SIGKILL}
# Every signal a process can catch or ignore (not SIGKILL and SIGSTOP).
DEFAULT_SIGNALS = [n for n in range(1, 32) if n not in (_signal.SIGKILL, _signal.SIGSTOP)]
SIGNAL_NAMES = {getattr(_signal, n): n for n in dir(_signal) if n.startswith("SIG") and not n.startswith("SIG_") and n not in ("SIGRTMIN", "SIGRTMAX")}


class _JsonSettings:
    """What _json's scanner reads from json.JSONDecoder: plain JSON only."""
    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int

    @staticmethod
    def parse_constant(name):
        raise ValueError(f"{name} is not JSON")


_scan = _json.make_scanner(_JsonSettings())


def parse(text):
    value, end = _scan(text, 0)
    if text[end:].strip():
        raise ValueError("more after the value")
    return value


def dumps(value):
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _json.encode_basestring_ascii(value)
    return "{" + ",".join(f"{_json.encode_basestring_ascii(k)}:{dumps(v)}" for k, v in value.items()) + "}"


def emit(event):
    data = (dumps(event) + "\n").encode()
    try:
        while data:
            data = data[os.write(1, data):]
    except OSError:  # the owner is gone
        stop_everything()


if "MCAST_LAB_CONFIG" not in os.environ or os.getppid() != 1:
    # Outside a lab, setup() would bind-mount over this machine's /etc/hosts.
    sys.stderr.write("supervisor.py runs inside a lab, started by up(); not by hand\n")
    sys.exit(2)
config = parse(os.environ.pop("MCAST_LAB_CONFIG"))  # not for the commands
RUN_DIR = config["runDir"]


class Command:
    """One command the owner asked for: its pipes, its deadline, how it ended."""

    def __init__(self, req):
        self.id = req["id"]
        self.pid = 0
        self.status = None  # (code, signal name) once it has exited
        self.timed_out = False
        self.deadline = time.monotonic() + req["timeoutMs"] / 1000
        self.grace = req["graceMs"] / 1000
        self.hard_kill = None
        self.out = {}  # fd -> (1 or 2, its UTF-8 decoder)
        self.input = b""
        self.input_fd = -1


running = {}  # id -> Command
hostnames = set()


def start(req):
    cmd = Command(req)
    # `ip netns exec` also mounts the namespace's own /sys (libpcap lists
    # interfaces from there); nsenter adds the host's hostname and the
    # working directory (posix_spawn cannot change it).
    argv = ["ip", "netns", "exec", req["namespace"], "nsenter"]
    if req["namespace"] in hostnames:
        argv.append(f"--uts={RUN_DIR}/uts/{req['namespace']}")
    argv += [f"--wd={req['cwd']}", "--", "sh", "-c", req["command"]]
    env = dict(os.environ)
    env.update(req["env"])
    env["PATH"] = f"{RUN_DIR}/bin:{req['env'].get('PATH') or os.environ.get('PATH') or '/usr/bin:/bin'}"
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    in_r, in_w = os.pipe() if "input" in req else (-1, -1)
    stdin = (os.POSIX_SPAWN_DUP2, in_r, 0) if in_r >= 0 else (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0)
    try:
        # setsid: a process group of its own, so a kill reaches its children
        # too. setsigdef: an ignored signal stays ignored across exec, and
        # this process ignores several (SIGINT and SIGQUIT, as a background
        # job of the shell; SIGPIPE and SIGXFSZ, as Python does): a Ctrl-C at
        # a deadline must reach the command.
        cmd.pid = os.posix_spawnp("ip", argv, env, setsid=True, setsigdef=DEFAULT_SIGNALS,
                                  file_actions=[stdin, (os.POSIX_SPAWN_DUP2, out_w, 1), (os.POSIX_SPAWN_DUP2, err_w, 2)])
    except OSError as error:
        for fd in (out_r, err_r, in_w):
            if fd >= 0:
                os.close(fd)
        emit({"ev": "exit", "id": cmd.id, "code": None, "signal": None, "timedOut": False, "error": f"ip: {error.strerror}"})
        return
    finally:
        for fd in (out_w, err_w, in_r):
            if fd >= 0:
                os.close(fd)
    for fd, which in ((out_r, 1), (err_r, 2)):
        os.set_blocking(fd, False)
        cmd.out[fd] = (which, codecs.getincrementaldecoder("utf-8")(errors="replace"))
    running[cmd.id] = cmd
    if in_w >= 0:
        os.set_blocking(in_w, False)
        cmd.input = req["input"].encode()
        cmd.input_fd = in_w
        write_input(cmd)
    emit({"ev": "started", "id": cmd.id, "pid": cmd.pid})


def write_input(cmd):
    try:
        while cmd.input:
            cmd.input = cmd.input[os.write(cmd.input_fd, cmd.input):]
    except BlockingIOError:
        return  # the rest when the pipe has room
    except OSError:
        pass  # the command exited without reading it all
    os.close(cmd.input_fd)
    cmd.input_fd = -1


def signal_group(cmd, sig):
    # Also after the command itself has exited: a child it left in the
    # background may still hold its output open.
    try:
        os.killpg(cmd.pid, sig)
    except ProcessLookupError:
        try:  # started, but not yet in a group of its own
            os.kill(cmd.pid, sig)
        except OSError:
            pass
    except OSError:
        pass


def read_output(cmd, fd):
    which, decoder = cmd.out[fd]
    try:
        data = os.read(fd, READ_SIZE)
    except BlockingIOError:
        return
    except OSError:
        data = b""
    text = decoder.decode(data, final=not data)
    if text:
        emit({"ev": "out", "id": cmd.id, "fd": which, "data": text})
    if not data:
        os.close(fd)
        del cmd.out[fd]


def reap():
    for cmd in running.values():
        if cmd.status is not None:
            continue
        pid, status = os.waitpid(cmd.pid, os.WNOHANG)
        if pid == 0:
            continue
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            cmd.status = (None, SIGNAL_NAMES.get(sig, f"SIG{sig}"))
        else:
            cmd.status = (os.waitstatus_to_exitcode(status), None)


def finish_done():
    # As Node's "close": it has exited and its output is closed (a child it
    # left in the background may hold that open after it exits).
    for cmd in [c for c in running.values() if c.status is not None and not c.out]:
        if cmd.input_fd >= 0:
            os.close(cmd.input_fd)
        del running[cmd.id]
        code, sig = cmd.status
        emit({"ev": "exit", "id": cmd.id, "code": code, "signal": sig, "timedOut": cmd.timed_out})


def check_deadlines(now):
    for cmd in running.values():
        if not cmd.timed_out and now >= cmd.deadline:
            # At the deadline: SIGINT first, as a Ctrl-C would (a capture can
            # still write its file), then SIGKILL for whatever ignores it.
            cmd.timed_out = True
            cmd.hard_kill = now + cmd.grace
            signal_group(cmd, _signal.SIGINT)
        elif cmd.hard_kill is not None and now >= cmd.hard_kill:
            cmd.hard_kill = None
            signal_group(cmd, _signal.SIGKILL)


def next_wait(now):
    times = [c.deadline if not c.timed_out else c.hard_kill for c in running.values()]
    times = [t for t in times if t is not None]
    return max(0.0, min(times) - now) if times else None


def handle(line):
    if not line.strip():
        return
    try:
        req = parse(line)
    except ValueError:
        emit({"ev": "error", "message": f"not JSON: {line[:80]}"})
        return
    if req.get("op") == "run":
        start(req)
    elif req.get("op") == "kill":
        cmd = running.get(req.get("id"))
        if cmd is not None and req.get("signal") in SIGNALS:
            signal_group(cmd, SIGNALS[req["signal"]])
    else:
        emit({"ev": "error", "message": f"unknown op in {line[:80]}"})


def stop_everything():
    for cmd in running.values():
        signal_group(cmd, _signal.SIGKILL)
    os._exit(0)


def setup():
    """What the build script leaves out to be quick: the hosts' commands on
    PATH, /etc/hosts and /etc/resolv.conf, and a hostname per host (a UTS
    namespace each). Done before the first command runs; a step that fails
    costs only a nicety and is reported as a warning."""
    os.makedirs(f"{RUN_DIR}/bin", exist_ok=True)
    os.makedirs(f"{RUN_DIR}/uts", exist_ok=True)
    for name, text in config["bin"].items():
        path = f"{RUN_DIR}/bin/{name}"
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o755)
    jobs = []
    if config["hostsFile"] and os.path.exists("/etc/hosts"):
        with open(f"{RUN_DIR}/hosts", "w") as f:
            f.write(config["hostsFile"])
        jobs.append(("/etc/hosts", None, ["mount", "--bind", f"{RUN_DIR}/hosts", "/etc/hosts"]))
    # The lab is offline: with no name server, a lookup of a name that is not
    # in /etc/hosts fails at once instead of timing out after seconds.
    if os.path.exists("/etc/resolv.conf"):
        with open(f"{RUN_DIR}/resolv.conf", "w") as f:
            f.write("# the lab is offline: no name server; its hosts are in /etc/hosts\n")
        jobs.append(("/etc/resolv.conf", None, ["mount", "--bind", f"{RUN_DIR}/resolv.conf", "/etc/resolv.conf"]))
    for host in config["hosts"]:
        path = f"{RUN_DIR}/uts/{host}"
        open(path, "w").close()
        jobs.append((f"the hostname of {host}", host, ["unshare", f"--uts={path}", "hostname", host]))
    quiet = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_RDWR, 0) for fd in (0, 1, 2)]
    started = []
    for what, host, argv in jobs:  # side by side: a few milliseconds for all
        try:
            started.append((what, host, argv, os.posix_spawnp(argv[0], argv, os.environ, file_actions=quiet)))
        except OSError as error:
            emit({"ev": "error", "message": f"setting up {what}: {argv[0]}: {error.strerror}"})
    for what, host, argv, pid in started:
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            emit({"ev": "error", "message": f"setting up {what}: `{' '.join(argv)}` failed"})
        elif host:
            hostnames.add(host)


def main():
    try:
        setup()
    except OSError as error:
        emit({"ev": "error", "message": f"setting up the lab's files: {error}"})
    # SIGCHLD wakes the loop through a pipe: poll returns when a command exits.
    wake_r, wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    _signal.signal(_signal.SIGCHLD, lambda *_: None)
    _signal.set_wakeup_fd(wake_w)
    emit({"ev": "ready", "protocol": PROTOCOL})
    buffered = b""
    while True:
        now = time.monotonic()
        check_deadlines(now)
        readers = [0, wake_r]
        owners = {}
        for cmd in running.values():
            for fd in cmd.out:
                readers.append(fd)
                owners[fd] = cmd
        writers = [c.input_fd for c in running.values() if c.input_fd >= 0]
        # poll, not select: select stops at fd 1024, a few hundred commands.
        poller = select.poll()
        for fd in readers:
            poller.register(fd, select.POLLIN)
        for fd in writers:
            poller.register(fd, select.POLLOUT)
        wait = next_wait(now)
        ready = poller.poll(None if wait is None else wait * 1000)
        # A closed pipe reports POLLHUP (or POLLERR), not POLLIN: read it to see the end.
        readable = [fd for fd, ev in ready if fd in owners or fd in (0, wake_r)]
        writable = [fd for fd, ev in ready if ev & (select.POLLOUT | select.POLLERR | select.POLLHUP) and fd in writers]
        for cmd in list(running.values()):
            if cmd.input_fd >= 0 and cmd.input_fd in writable:
                write_input(cmd)
        for fd in readable:
            if fd == wake_r:
                try:
                    while os.read(wake_r, 512):
                        pass
                except BlockingIOError:
                    pass
            elif fd == 0:
                chunk = os.read(0, READ_SIZE)
                if not chunk:  # the owner is gone: stop everything now
                    stop_everything()
                buffered += chunk
                while b"\n" in buffered:
                    line, buffered = buffered.split(b"\n", 1)
                    handle(line.decode(errors="replace"))
            else:
                read_output(owners[fd], fd)
        reap()
        finish_done()


main()
