// `npm run notebook -- notebooks/01-addresses.ipynb [...]`: execute notebooks
// headless in a fresh tslab kernel and print each code cell's status and
// output, for working on a notebook without a browser.
import { outputText, runNotebook } from "./notebook";

async function main(): Promise<void> {
  const paths = process.argv.slice(2);
  if (paths.length === 0) {
    console.error("usage: npm run notebook -- NOTEBOOK.ipynb [...]");
    process.exit(1);
  }
  let failed = 0;
  for (const path of paths) {
    const started = Date.now();
    const result = await runNotebook(path, {
      onCell: (cell) => {
        const text = outputText(cell.outputs).trimEnd();
        const shown = cell.outputs.filter((o) => o.data).map((o) => Object.keys(o.data!).join("|"));
        console.log(`[${cell.index}] ${cell.status} ${cell.seconds}s${shown.length ? " shows " + shown.join(", ") : ""}`);
        if (text) console.log(text.replace(/^/gm, "    "));
        if (cell.status !== "ok") failed++;
      },
    });
    console.log(`${path}: ${result.end} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (result.end !== "complete") failed++;
    if (result.stderr.trim()) console.log(result.stderr.trim());
  }
  process.exit(failed ? 1 : 0);
}

main();
