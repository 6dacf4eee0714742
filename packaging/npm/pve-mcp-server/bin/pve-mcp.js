#!/usr/bin/env node
// pve-mcp's npm launcher: runs the native binary from the platform package that npm installed
// alongside this one (an optional dependency chosen by `os`/`cpu`, the way esbuild and biome ship).
// stdin, stdout and stderr are the binary's own, so MCP over stdio passes straight through.
'use strict';

const { spawn } = require('node:child_process');
const path = require('node:path');

const platform = `${process.platform}-${process.arch}`;
const packageName = `pve-mcp-server-${platform}`;
const executable = process.platform === 'win32' ? 'pve-mcp.exe' : 'pve-mcp';

function binaryPath() {
  try {
    return path.join(path.dirname(require.resolve(`${packageName}/package.json`)), 'bin', executable);
  } catch {
    const supported = Object.keys(require('../package.json').optionalDependencies || {}).map((name) =>
      name.replace('pve-mcp-server-', ''),
    );
    const why = supported.includes(platform)
      ? `the package ${packageName}, which carries the binary for ${platform}, is not installed: npm skips ` +
        'optional packages with --omit=optional (or --no-optional), and a lockfile made on another platform ' +
        'can leave it out. Install it (`npm install ' + packageName + '`) or reinstall without those options.\n'
      : `no binary is published for ${platform} (there are binaries for ${supported.join(', ')}).\n`;
    process.stderr.write(
      `pve-mcp: ${why}` + 'Other ways: `uvx pve-mcp-server`, or `cargo install pve-mcp-server` (needs Rust).\n',
    );
    process.exit(1);
  }
}

const child = spawn(binaryPath(), process.argv.slice(2), { stdio: 'inherit', windowsHide: true });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
child.on('error', (error) => {
  process.stderr.write(`pve-mcp: cannot start ${binaryPath()}: ${error.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  } else {
    process.exit(code ?? 1);
  }
});
