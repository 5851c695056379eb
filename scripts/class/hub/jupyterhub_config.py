"""JupyterHub's configuration for `npm run class` (scripts/class.ts writes the
settings this file reads; nothing here is meant to be edited by hand).

Each student is a Unix user of their own: a system account (PAM, the default)
or, in --test-login mode, a numbered uid with no account and a home under the
class's state folder. Their server runs as that uid, so their files, kernels,
labs (user namespaces they own) and captures are theirs alone; the limits
(cgroups when this machine lets us make them, rlimits always) and the cap on
labs go with the server to everything it starts.
"""
import atexit
import json
import os
import pwd
import resource
import signal
import subprocess
import time

from jupyterhub.auth import DummyAuthenticator, PAMAuthenticator
from jupyterhub.spawner import LocalProcessSpawner

with open(os.environ["MCAST_CLASS_SETTINGS"]) as f:
    S = json.load(f)

c = get_config()  # noqa: F821 (JupyterHub's config loader defines it)

c.JupyterHub.ip = S["ip"]
c.JupyterHub.port = S["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = S["hubPort"]
c.JupyterHub.db_url = "sqlite:///" + os.path.join(S["state"], "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(S["state"], "cookie-secret")
c.JupyterHub.pid_file = os.path.join(S["state"], "jupyterhub.pid")
# The proxy stops with the hub, even a hub killed hard.
c.ConfigurableHTTPProxy.command = ["setpriv", "--pdeathsig", "TERM", "--", S["proxy"]]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:%d" % S["proxyApiPort"]
c.ConfigurableHTTPProxy.pid_file = os.path.join(S["state"], "proxy.pid")
# The proxy reports which routes carried traffic; the culler reads the result.
c.JupyterHub.last_activity_interval = S["activityIntervalS"]
# A hub that stops takes every student's server with it: nothing outlives `npm run class`.
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
c.JupyterHub.shutdown_on_logout = False

# --- who may log in -------------------------------------------------------

STUDENTS = list(S["students"])


class CoursePAMAuthenticator(PAMAuthenticator):
    """PAM, for the machine's own accounts: the students file's names, or
    without one any ordinary account (uid in login.defs' UID_MIN..UID_MAX),
    never root or a system account."""

    def check_allowed(self, username, authentication=None):
        if STUDENTS:
            return username in STUDENTS
        try:
            uid = pwd.getpwnam(username).pw_uid
        except KeyError:
            return False
        return S["uidMin"] <= uid <= S["uidMax"]


if S["mode"] == "test-login":
    # JupyterHub's dummy authenticator: one password for the class, for tests
    # and demos only (class.ts refuses this mode unless bound to 127.0.0.1).
    c.JupyterHub.authenticator_class = DummyAuthenticator
    c.DummyAuthenticator.password = S["password"]
    c.Authenticator.allowed_users = set(STUDENTS)
else:
    c.JupyterHub.authenticator_class = CoursePAMAuthenticator
    if STUDENTS:
        c.Authenticator.allowed_users = set(STUDENTS)
c.Authenticator.admin_users = set(S["admins"])

# --- the instructor's tools and the idle culler, as hub services ----------

c.JupyterHub.services = [
    {"name": "instructor", "api_token": S["instructorToken"]},
]
c.JupyterHub.load_roles = [
    # `npm run class -- list | stop | collect` and the tests: the instructor is the hub's admin.
    {"name": "admin", "services": ["instructor"], "users": sorted(S["admins"])},
]
if S["idleTimeoutS"] > 0:
    c.JupyterHub.services.append({
        "name": "idle-culler",
        "command": [S["node"], S["culler"], "--timeout", str(S["idleTimeoutS"]), "--every", str(S["cullEveryS"])],
    })
    c.JupyterHub.load_roles.append({
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    })

# --- each student's server -------------------------------------------------


def student(name):
    """(uid, gid, home, groups) of a student: their account, or in test-login
    mode the uid numbered by their place in the students file."""
    if S["mode"] == "test-login":
        uid = S["uidBase"] + STUDENTS.index(name)
        return uid, uid, os.path.join(S["homes"], name), []
    import grp
    user = pwd.getpwnam(name)
    groups = [g.gr_gid for g in grp.getgrall() if name in g.gr_mem]
    return user.pw_uid, user.pw_gid, user.pw_dir, groups


def as_student(uid, gid, groups, home):
    """A preexec_fn that makes the child the student (still root until it runs)."""
    def become():
        os.setgid(gid)
        os.setgroups(groups)
        os.setuid(uid)
        os.chdir(home)
    return become


def run_as(argv, timeout, preexec, env):
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, preexec_fn=preexec, env=env)
    if done.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(argv), done.returncode, (done.stderr or done.stdout).strip()))


class CourseSpawner(LocalProcessSpawner):
    """LocalProcessSpawner, plus: the student's home and their copy of the
    notebooks made on first login, limits on everything the server starts,
    and on stop every process it left (kernels run in sessions of their own,
    so the server's own exit does not take them)."""

    def make_preexec_fn(self, name):
        uid, gid, home, groups = student(name)
        procs = [os.path.join(folder, "cgroup.procs") for folder, _ in self.cgroups]
        nproc = S["limits"]["processes"]

        become = as_student(uid, gid, groups, home)

        def preexec():
            # Still root here: enter the student's cgroups, then become them.
            for path in procs:
                with open(path, "w") as f:
                    f.write("0")
            if nproc:
                resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
            become()

        return preexec

    def user_env(self, env):
        uid, gid, home, _ = student(self.user.name)
        env.update({
            "USER": self.user.name, "LOGNAME": self.user.name, "HOME": home, "SHELL": "/bin/bash",
            "PATH": S["path"],
            "JUPYTER_PATH": S["jupyterData"],
            "JUPYTERHUB_SINGLEUSER_APP": "jupyter_server.serverapp.ServerApp",
            "JUPYTERHUB_ACTIVITY_INTERVAL": str(S["activityIntervalS"]),
            "MCAST_LAB_APP": S["labApp"],
            "MCAST_LAB_ROOT": S["course"],
            "MCAST_LAB_MAX_LABS": str(S["limits"]["labs"]),
        })
        return env

    @property
    def cgroups(self):
        """The student's cgroup folder under each of the class's: (folder, kind)."""
        return [(os.path.join(root["path"], self.user.name), root["kind"]) for root in S["cgroupRoots"]]

    async def start(self):
        uid, gid, home, groups = student(self.user.name)
        if S["mode"] == "test-login" and not os.path.isdir(home):
            # In the class's own folder (root's, mode 0711): the student's from here on.
            os.mkdir(home, 0o700)
            os.chown(home, uid, gid)
        # First login: their copy of the notebooks, made by them; never overwritten after.
        run_as([S["node"], S["studentHome"], "--home", home], 60, as_student(uid, gid, groups, home),
               {"HOME": home, "PATH": S["path"], "USER": self.user.name})
        self.make_cgroups()
        self.notebook_dir = os.path.join(home, S["courseFolder"])
        return await super().start()

    def make_cgroups(self):
        limits = S["limits"]
        cpu_quota = int(limits["cpus"] * 100000) if limits["cpus"] else 0
        memory = limits["memoryMiB"] * 1024 * 1024
        files = {
            "cpu": {"cpu.cfs_period_us": "100000", "cpu.cfs_quota_us": str(cpu_quota)} if cpu_quota else {},
            "memory": {"memory.limit_in_bytes": str(memory)} if memory else {},
            "pids": {"pids.max": str(limits["processes"])} if limits["processes"] else {},
            "v2": {k: v for k, v in {
                "cpu.max": "%d 100000" % cpu_quota if cpu_quota else None,
                "memory.max": str(memory) if memory else None,
                "pids.max": str(limits["processes"]) if limits["processes"] else None,
            }.items() if v},
        }
        for folder, kind in self.cgroups:
            os.makedirs(folder, exist_ok=True)
            for name, value in files[kind].items():
                with open(os.path.join(folder, name), "w") as f:
                    f.write(value)

    async def stop(self, now=False):
        await super().stop(now)
        self.sweep()

    def sweep(self):
        """Kill what the server left (its kernels, their labs) and remove its cgroups; 10 s at most."""
        uid = student(self.user.name)[0]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            left = self.leftovers(uid)
            if not left:
                break
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.1)
        else:
            self.log.warning("%s: processes still running after 10 s: %s", self.user.name, sorted(self.leftovers(uid)))
        for d, _ in self.cgroups:
            try:
                os.rmdir(d)
            except FileNotFoundError:
                pass
            except OSError as e:
                self.log.warning("%s: cannot remove %s: %s", self.user.name, d, e)

    def leftovers(self, uid):
        pids = set()
        for d, _ in self.cgroups:
            try:
                with open(os.path.join(d, "cgroup.procs")) as f:
                    pids.update(int(p) for p in f.read().split())
            except FileNotFoundError:
                pass
        if S["mode"] == "test-login":
            # A test-login uid belongs to this class alone: all of its processes are the server's.
            for entry in os.listdir("/proc"):
                if entry.isdigit():
                    try:
                        if os.stat("/proc/" + entry).st_uid == uid:
                            pids.add(int(entry))
                    except FileNotFoundError:
                        pass
        return pids


def remove_class_cgroups():
    """The class's cgroup folders, once the hub has stopped every server (npm
    run class removes them too, but not when it was killed hard)."""
    for root in S["cgroupRoots"]:
        try:
            os.rmdir(root["path"])
        except OSError:
            pass


atexit.register(remove_class_cgroups)

c.JupyterHub.spawner_class = CourseSpawner
c.Spawner.cmd = [S["python"], S["singleuser"]]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60
# Only these reach the student's server; everything else it needs, user_env sets.
c.Spawner.env_keep = ["LANG", "LC_ALL", "TZ"]
