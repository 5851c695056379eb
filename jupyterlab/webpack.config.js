// Builds the JupyterLab front end in index.js into build/: bundle.js and its
// chunks, plus what jupyterlab_server serves beside it (each extension's
// settings schemas in build/schemas, the light theme in build/themes).
// `node webpack.config.js` builds; scripts/browser/lab.ts runs it once per
// version of this folder and caches the result.
'use strict';
const fs = require('fs');
const path = require('path');
const webpack = require('webpack');

const BUILD = path.join(__dirname, 'build');
const { extensions } = require('./package.json').jupyterlab;

/** Copy each extension's settings schemas and theme where jupyterlab_server looks. */
function copyAssets() {
  for (const name of extensions) {
    const dir = path.dirname(require.resolve(`${name}/package.json`));
    const meta = require(`${name}/package.json`);
    const lab = meta.jupyterlab || {};
    if (lab.schemaDir) {
      const to = path.join(BUILD, 'schemas', name);
      fs.cpSync(path.join(dir, lab.schemaDir), to, { recursive: true });
      // jupyterlab_server reads the plugin's version from here.
      fs.writeFileSync(path.join(to, 'package.json.orig'), JSON.stringify(meta, null, 2));
    }
    if (lab.themePath) {
      // The theme manager loads themes/<name>/index.css.
      const to = path.join(BUILD, 'themes', name);
      fs.cpSync(path.dirname(path.join(dir, lab.themePath)), to, { recursive: true });
      fs.writeFileSync(path.join(to, 'index.css'), `@import url('./${path.basename(lab.themePath)}');\n`);
    }
  }
}

const config = {
  entry: path.join(__dirname, 'index.js'),
  // publicPath 'auto': chunks and assets load from beside bundle.js.
  output: { path: BUILD, filename: 'bundle.js', chunkFilename: '[name].[contenthash:8].js', publicPath: 'auto' },
  mode: 'development',
  devtool: false,
  bail: true,
  performance: { hints: false },
  module: {
    rules: [
      { test: /\.css$/, exclude: /\.raw\.css$/, use: ['style-loader', 'css-loader'] },
      { test: /\.raw\.css$/, type: 'asset/source' },
      { test: /\.md$/, type: 'asset/source' },
      { test: /\.(html|eot|jpg|png|gif)$/, type: 'asset/resource' },
      { test: /\.(woff2?|ttf)(\?v=\d+\.\d+\.\d+)?$/, type: 'asset' },
      // In CSS an SVG is a data URI; in code, JupyterLab's icons want its text.
      { test: /\.svg(\?v=\d+\.\d+\.\d+)?$/, issuer: /\.css$/, type: 'asset/inline' },
      { test: /\.svg(\?v=\d+\.\d+\.\d+)?$/, issuer: /\.js$/, type: 'asset/source' }
    ]
  },
  plugins: [
    // Some packages call process.cwd() (the path polyfill).
    new webpack.DefinePlugin({ process: { cwd: () => '/', env: {} } })
  ]
};

module.exports = config;

if (require.main === module) {
  fs.rmSync(BUILD, { recursive: true, force: true });
  copyAssets();
  webpack(config, (err, stats) => {
    if (err || stats.hasErrors()) {
      console.error(err || stats.toString({ all: false, errors: true, errorDetails: true }));
      process.exit(1);
    }
    console.log(stats.toString({ all: false, assets: false, timings: true, warnings: true }));
  });
}
