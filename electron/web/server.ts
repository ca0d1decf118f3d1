// `npm run web`: the browser preview / end-to-end bridge (see web-bridge.ts). Prints as its
// FIRST stdout line `Skiff web preview: http://127.0.0.1:<port>/?token=<token>`.
// Reads config where the app does: $XDG_CONFIG_HOME/Skiff and $HOME/.ssh (tests isolate
// both by setting HOME and XDG_CONFIG_HOME).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultConfigDir } from '../core/paths';
import { startWebBridge } from './web-bridge';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '5199' },
    static: { type: 'string', default: path.join(root, 'dist', 'renderer') },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});

if (values.help) {
  process.stdout.write('Usage: tsx electron/web/server.ts [--port N (0 = any free port)] [--static DIR]\n');
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`--port must be 0..65535, got “${values.port}”\n`);
  process.exit(2);
}

const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
const home = os.homedir();

const bridge = await startWebBridge({ port, staticDir: values.static, configDir: defaultConfigDir(process.env, process.platform, home), home, version });
process.stdout.write(`Skiff web preview: ${bridge.url}\n`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void bridge.close().finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
