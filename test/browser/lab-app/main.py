"""Serve the JupyterLab front end built in ./build with Debian's
jupyterlab_server on its jupyter_server. Test tooling for
test/browser.test.ts; every server option comes on the command line:

    /usr/bin/python3 main.py --ServerApp.root_dir=NOTEBOOKS --ServerApp.port=N \
        --ServerApp.token=T --MCastLabApp.user_settings_dir=D --MCastLabApp.workspaces_dir=D
"""
import json
import os

# Only the command line configures this server, never a config file on disk.
os.environ["JUPYTER_NO_CONFIG"] = "1"

from jupyterlab_server import LabServerApp  # noqa: E402

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


if __name__ == "__main__":
    MCastLabApp.launch_instance()
