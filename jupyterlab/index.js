// A JupyterLab 4 front end with what a student uses on a notebook: the
// shell, menus, file browser, notebook (with its search, table of contents and
// metadata plugins, which it requires), editor, keyboard shortcuts
// (Shift-Enter), output renderers, status bar and the light theme. Test
// tooling for test/browser.test.ts, in the spirit of JupyterLab's
// examples/app; not part of the course.
import '@jupyterlab/application-extension/style/index.js';
import '@jupyterlab/apputils-extension/style/index.js';
import '@jupyterlab/codemirror-extension/style/index.js';
import '@jupyterlab/completer-extension/style/index.js';
import '@jupyterlab/docmanager-extension/style/index.js';
import '@jupyterlab/documentsearch-extension/style/index.js';
import '@jupyterlab/filebrowser-extension/style/index.js';
import '@jupyterlab/mainmenu-extension/style/index.js';
import '@jupyterlab/markedparser-extension/style/index.js';
import '@jupyterlab/metadataform-extension/style/index.js';
import '@jupyterlab/notebook-extension/style/index.js';
import '@jupyterlab/rendermime-extension/style/index.js';
import '@jupyterlab/shortcuts-extension/style/index.js';
import '@jupyterlab/statusbar-extension/style/index.js';
import '@jupyterlab/toc-extension/style/index.js';
import '@jupyterlab/translation-extension/style/index.js';
import '@jupyterlab/ui-components-extension/style/index.js';

import { JupyterLab } from '@jupyterlab/application';

// Keep this list in step with "jupyterlab.extensions" in package.json (whose
// settings schemas and theme webpack.config.js copies next to the bundle).
const extensions = [
  require('@jupyterlab/application-extension'),
  require('@jupyterlab/apputils-extension'),
  require('@jupyterlab/codemirror-extension'),
  require('@jupyterlab/completer-extension'),
  require('@jupyterlab/docmanager-extension'),
  require('@jupyterlab/documentsearch-extension'),
  require('@jupyterlab/filebrowser-extension'),
  require('@jupyterlab/mainmenu-extension'),
  require('@jupyterlab/markedparser-extension'),
  require('@jupyterlab/metadataform-extension'),
  require('@jupyterlab/notebook-extension'),
  require('@jupyterlab/rendermime-extension'),
  require('@jupyterlab/shortcuts-extension'),
  require('@jupyterlab/statusbar-extension'),
  require('@jupyterlab/theme-light-extension'),
  require('@jupyterlab/toc-extension'),
  require('@jupyterlab/translation-extension'),
  require('@jupyterlab/ui-components-extension')
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
