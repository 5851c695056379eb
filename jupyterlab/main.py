"""Serve the course's JupyterLab front end, built in ./build, with Debian's
jupyterlab_server on its jupyter_server (npm start runs it). Settings and
workspaces are saved where JupyterLab keeps them (~/.jupyter/lab/...) unless
the command line says otherwise; every other option comes on the command line:

    /usr/bin/python3 main.py --ServerApp.root_dir=NOTEBOOKS --ServerApp.port=N \
        --ServerApp.token=T --MCastLabApp.user_settings_dir=D --MCastLabApp.workspaces_dir=D
"""
import atexit
import getpass
import json
import os
import shutil

from jupyter_core.paths import jupyter_config_dir

# Settings and workspaces are the user's and persist: they go under the
# Jupyter config folder (~/.jupyter, or $JUPYTER_CONFIG_DIR), asked for before
# the next line makes jupyter_core answer with a temporary folder.
USER_CONFIG_DIR = jupyter_config_dir()
# Only the command line configures this server, never a config file on disk.
os.environ["JUPYTER_NO_CONFIG"] = "1"
# From here on jupyter_core hands out one temporary folder per process; it is
# ours to remove (a SIGTERM stops the server normally, so this runs then too).
atexit.register(shutil.rmtree, jupyter_config_dir(), True)

from jupyterlab_server import LabServerApp  # noqa: E402
from jupyter_server.base.handlers import JupyterHandler  # noqa: E402
from jupyter_server.base.zmqhandlers import WebSocketMixin  # noqa: E402
from jupyter_server.utils import url_path_join  # noqa: E402
from tornado import web, websocket  # noqa: E402
from traitlets import Unicode  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(HERE, "build")

with open(os.path.join(HERE, "package.json")) as f:
    VERSION = json.load(f)["dependencies"]["@jupyterlab/application"]


class EventsSubscribeHandler(WebSocketMixin, websocket.WebSocketHandler, JupyterHandler):
    """JupyterLab 4 subscribes to the server's event bus (/api/events/subscribe),
    which Debian's jupyter-server 1.23 predates: without this it retries for as
    long as the page is open and logs a console error and a server 404 each
    time. The socket is authenticated like a kernel's and never sends: this
    server emits no events."""

    def set_default_headers(self):
        # JupyterHandler's headers are for pages, not for a websocket upgrade.
        pass

    async def get(self, *args, **kwargs):
        if self.get_current_user() is None:
            raise web.HTTPError(403)
        await super().get(*args, **kwargs)

    def on_message(self, message):
        pass


class EventsEmitHandler(JupyterHandler):
    """POST /api/events (an extension emitting an event): accepted, nothing listens."""

    @web.authenticated
    def post(self):
        self.set_status(204)
        self.finish()


class IdentityHandler(JupyterHandler):
    """GET /api/me, which JupyterLab 4 asks for the user's name and initials
    (jupyter-server 2 has it, 1.23 does not): one user, the one who started
    the server."""

    @web.authenticated
    def get(self):
        name = getpass.getuser()
        identity = {"username": name, "name": name, "display_name": name,
                    "initials": name[:1].upper(), "avatar_url": None, "color": None}
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"identity": identity, "permissions": {}}))


def _jupyter_server_extension_points():
    return [{"module": __name__, "app": MCastLabApp}]


class MCastLabApp(LabServerApp):
    name = __name__
    app_name = "JupyterLab"
    app_version = VERSION
    extension_url = "/lab"
    default_url = "/lab"
    load_other_extensions = False
    static_dir = BUILD
    templates_dir = os.path.join(HERE, "templates")
    schemas_dir = os.path.join(BUILD, "schemas")
    themes_dir = os.path.join(BUILD, "themes")
    app_settings_dir = os.path.join(HERE, "app-settings")
    # Without these two, the settings editor saves nothing and every change of
    # layout is a 405 on PUT /lab/api/workspaces (LabServerApp leaves them empty).
    user_settings_dir = Unicode(os.path.join(USER_CONFIG_DIR, "lab", "user-settings"), config=True)
    workspaces_dir = Unicode(os.path.join(USER_CONFIG_DIR, "lab", "workspaces"), config=True)

    def initialize_handlers(self):
        super().initialize_handlers()
        # jupyterlab_server 2.16 rewrites the url(...)s inside theme CSS with
        # themes_url alone, leaving out the server's base_url: under a base
        # URL (JupyterHub's /user/NAME/) theme.css was asked for at /lab/...
        # and never loaded. The handler is given the full path.
        for handler in self.handlers:
            if len(handler) > 2 and isinstance(handler[2], dict) and "themes_url" in handler[2]:
                handler[2]["themes_url"] = url_path_join(self.serverapp.base_url, handler[2]["themes_url"])
        self.handlers.extend([
            (r"/api/events/subscribe", EventsSubscribeHandler),
            (r"/api/events", EventsEmitHandler),
            (r"/api/me", IdentityHandler),
        ])


if __name__ == "__main__":
    MCastLabApp.launch_instance()
