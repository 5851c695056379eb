// The course's JupyterLab 4 front end: what a student expects of JupyterLab
// (file browser, launcher, notebooks with MathJax, Markdown and Mermaid,
// table of contents, search, consoles, terminals, running kernels, settings
// editor, shortcuts, light and dark themes, status bar, CSV, image, HTML and
// Markdown viewers, help), built from npm in the spirit of JupyterLab's
// examples/app and served by jupyterlab_server (main.py).
import '@jupyterlab/application-extension/style/index.js';
import '@jupyterlab/apputils-extension/style/index.js';
import '@jupyterlab/celltags-extension/style/index.js';
import '@jupyterlab/codemirror-extension/style/index.js';
import '@jupyterlab/completer-extension/style/index.js';
import '@jupyterlab/console-extension/style/index.js';
import '@jupyterlab/csvviewer-extension/style/index.js';
import '@jupyterlab/docmanager-extension/style/index.js';
import '@jupyterlab/documentsearch-extension/style/index.js';
import '@jupyterlab/filebrowser-extension/style/index.js';
import '@jupyterlab/fileeditor-extension/style/index.js';
import '@jupyterlab/help-extension/style/index.js';
import '@jupyterlab/htmlviewer-extension/style/index.js';
import '@jupyterlab/imageviewer-extension/style/index.js';
import '@jupyterlab/launcher-extension/style/index.js';
import '@jupyterlab/logconsole-extension/style/index.js';
import '@jupyterlab/mainmenu-extension/style/index.js';
import '@jupyterlab/markdownviewer-extension/style/index.js';
import '@jupyterlab/markedparser-extension/style/index.js';
import '@jupyterlab/mathjax-extension/style/index.js';
import '@jupyterlab/mermaid-extension/style/index.js';
import '@jupyterlab/metadataform-extension/style/index.js';
import '@jupyterlab/notebook-extension/style/index.js';
import '@jupyterlab/rendermime-extension/style/index.js';
import '@jupyterlab/running-extension/style/index.js';
import '@jupyterlab/settingeditor-extension/style/index.js';
import '@jupyterlab/shortcuts-extension/style/index.js';
import '@jupyterlab/statusbar-extension/style/index.js';
import '@jupyterlab/terminal-extension/style/index.js';
import '@jupyterlab/toc-extension/style/index.js';
import '@jupyterlab/tooltip-extension/style/index.js';
import '@jupyterlab/translation-extension/style/index.js';
import '@jupyterlab/ui-components-extension/style/index.js';
import '@jupyterlab/workspaces-extension/style/index.js';

import { JupyterLab } from '@jupyterlab/application';

// Keep this list in step with "jupyterlab.extensions" in package.json (whose
// settings schemas and theme webpack.config.js copies next to the bundle).
const extensions = [
  require('@jupyterlab/application-extension'),
  require('@jupyterlab/apputils-extension'),
  require('@jupyterlab/celltags-extension'),
  require('@jupyterlab/codemirror-extension'),
  require('@jupyterlab/completer-extension'),
  require('@jupyterlab/console-extension'),
  require('@jupyterlab/csvviewer-extension'),
  require('@jupyterlab/docmanager-extension'),
  require('@jupyterlab/documentsearch-extension'),
  require('@jupyterlab/filebrowser-extension'),
  require('@jupyterlab/fileeditor-extension'),
  require('@jupyterlab/help-extension'),
  require('@jupyterlab/htmlviewer-extension'),
  require('@jupyterlab/imageviewer-extension'),
  require('@jupyterlab/launcher-extension'),
  require('@jupyterlab/logconsole-extension'),
  require('@jupyterlab/mainmenu-extension'),
  require('@jupyterlab/markdownviewer-extension'),
  require('@jupyterlab/markedparser-extension'),
  require('@jupyterlab/mathjax-extension'),
  require('@jupyterlab/mermaid-extension'),
  require('@jupyterlab/metadataform-extension'),
  require('@jupyterlab/notebook-extension'),
  require('@jupyterlab/rendermime-extension'),
  require('@jupyterlab/running-extension'),
  require('@jupyterlab/settingeditor-extension'),
  require('@jupyterlab/shortcuts-extension'),
  require('@jupyterlab/statusbar-extension'),
  require('@jupyterlab/terminal-extension'),
  require('@jupyterlab/theme-dark-extension'),
  require('@jupyterlab/theme-light-extension'),
  require('@jupyterlab/toc-extension'),
  require('@jupyterlab/tooltip-extension'),
  require('@jupyterlab/translation-extension'),
  require('@jupyterlab/ui-components-extension'),
  require('@jupyterlab/workspaces-extension')
];

function pluginsOf(mod) {
  const exported = mod && mod.__esModule ? mod.default : mod;
  return Array.isArray(exported) ? exported : [exported];
}

window.addEventListener('load', async () => {
  const lab = new JupyterLab();
  // No language server here (as in a student's JupyterLab without one).
  const plugins = extensions.flatMap(pluginsOf).filter((p) => !p.id.includes(':language-server'));
  lab.registerPlugins(plugins);
  await lab.start();
  await lab.restored;
  // The browser test waits for this before it drives the page.
  document.body.dataset.mcastLab = 'ready';
  console.log('mcast-lab: JupyterLab started');
});
