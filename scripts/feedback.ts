// The feedback page of one graded submission: per exercise, each visible
// case's verdict and hint, how many hidden cases passed, and the points. One
// self-contained HTML file (no scripts, no links out) a student opens offline.
// Hidden cases are counted, never shown.
import type { SubmissionGrade } from "./grade";

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export function feedbackHtml(g: SubmissionGrade, gradedAt: Date): string {
  const sections = g.exercises.map((e) => {
    const rows = e.cases
      .filter((c) => !c.hidden)
      .map((c) => `<tr class="${c.ok ? "ok" : "no"}"><td>${c.ok ? "✔" : "✘"}</td><td>${escape(c.name)}</td><td>${escape(c.detail)}</td></tr>`)
      .join("\n");
    const hidden = e.cases.filter((c) => c.hidden);
    const hiddenLine = hidden.length ? `<p>Hidden cases: ${hidden.filter((c) => c.ok).length} of ${hidden.length} pass.</p>` : "";
    const note = e.note ? `<p class="note">${escape(e.note)}</p>` : "";
    return `<section>
<h2>${escape(e.id)} <span class="points">${e.earned} of ${e.possible} points</span></h2>
${rows ? `<table><thead><tr><th></th><th>case</th><th>what was wrong</th></tr></thead><tbody>\n${rows}\n</tbody></table>` : ""}
${hiddenLine}${note}
</section>`;
  });
  const flags = g.flags.length ? `<section><h2>Notes from the grader</h2><ul>${g.flags.map((f) => `<li>${escape(f)}</li>`).join("")}</ul></section>` : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Feedback: ${escape(g.notebook)}</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
.points { float: right; font-weight: normal; }
table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: .3rem .5rem; vertical-align: top; border-bottom: 1px solid #eee; }
tr.ok td:first-child { color: #1a7f37; } tr.no td:first-child { color: #c62828; }
.note { color: #8a5a00; } .total { font-size: 1.2rem; }
</style>
</head>
<body>
<h1>Feedback on ${escape(g.notebook)}</h1>
<p>Submission <code>${escape(g.submission.replace(/^.*\//, ""))}</code>, graded ${escape(gradedAt.toISOString().replace("T", " ").slice(0, 16))} UTC.</p>
<p class="total">${g.earned} of ${g.possible} points</p>
${sections.join("\n")}
${flags}
</body>
</html>
`;
}
