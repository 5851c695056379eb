"""Serve the course's JupyterLab front end, built in ./build, with Debian's
jupyterlab_server on its jupyter_server (npm start runs it). Settings and
workspaces are saved where JupyterLab keeps them (~/.jupyter/lab/...) unless
the command line says otherwise; every other option comes on the command line:

    /usr/bin/python3 main.py --ServerApp.root_dir=NOTEBOOKS --ServerApp.port=N \
        --ServerApp.token=T --MCastLabApp.user_settings_dir=D --MCastLabApp.workspaces_dir=D
"""
import json
import os

# Only the command line configures this server, never a config file on disk.
os.environ["JUPYTER_NO_CONFIG"] = "1"

from jupyter_core.paths import jupyter_config_dir  # noqa: E402
from jupyterlab_server import LabServerApp  # noqa: E402
from traitlets import Unicode  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(HERE, "build")

with open(os.path.join(HERE, "package.json")) as f:
    VERSION = json.load(f)["dependencies"]["@jupyterlab/application"]


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
    user_settings_dir = Unicode(os.path.join(jupyter_config_dir(), "lab", "user-settings"), config=True)
    workspaces_dir = Unicode(os.path.join(jupyter_config_dir(), "lab", "workspaces"), config=True)


if __name__ == "__main__":
    MCastLabApp.launch_instance()
