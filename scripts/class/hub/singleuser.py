"""A student's server under `npm run class`: the course's JupyterLab front end
(jupyterlab/main.py, in the folder $MCAST_LAB_APP) on a jupyter_server wrapped
in JupyterHub's login, as `jupyterhub-singleuser` wraps a stock JupyterLab.
The hub starts it as the student, with the options in c.Spawner.args."""
import os
import sys

sys.path.insert(0, os.environ["MCAST_LAB_APP"])
# Importing it first keeps config files out, as under `npm start` (it sets JUPYTER_NO_CONFIG).
import main  # noqa: E402,F401

from jupyterhub.singleuser.app import SingleUserNotebookApp  # noqa: E402

if __name__ == "__main__":
    SingleUserNotebookApp.launch_instance(jpserver_extensions={"main": True})
