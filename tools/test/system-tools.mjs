// Debian packages the integration tests drive as a user would: docker-compose (validates the
// compose file), redis-cli and redis-benchmark (the RESP port), Chromium (the OpenAPI UI in a
// browser). Missing ones are installed with apt-get when this runs as root; otherwise the exact
// command is printed and the run stops, rather than skipping the tests that need them.
import { execSync, spawnSync } from 'node:child_process';

const TOOLS = [
  { command: 'docker-compose', pkg: 'docker-compose' },
  { command: 'redis-cli', pkg: 'redis-tools' },
  { command: 'redis-benchmark', pkg: 'redis-tools' },
  { command: 'chromium', pkg: 'chromium' },
];

const installed = (command) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

function missingPackages() {
  return [...new Set(TOOLS.filter((t) => !installed(t.command)).map((t) => t.pkg))];
}

export function ensureSystemTools(log) {
  let missing = missingPackages();
  if (missing.length === 0) return;
  const canInstall = process.getuid?.() === 0 && installed('apt-get');
  if (canInstall) {
    log(`installing ${missing.join(', ')} (apt-get)…`);
    const install = `apt-get install -y -qq ${missing.join(' ')}`;
    try {
      execSync(`${install} || (apt-get update -qq && ${install})`, { stdio: ['ignore', 'ignore', 'inherit'] });
    } catch {
      // reported below
    }
    missing = missingPackages();
  }
  if (missing.length > 0) {
    throw new Error(`the tests need these Debian packages: ${missing.join(' ')}\ninstall them with: sudo apt-get install ${missing.join(' ')}`);
  }
}
