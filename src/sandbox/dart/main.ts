/**
 * Runs the DART sandbox on its own, for the offline demo and benchmarks:
 * `DART_API_TOKEN` (default `sandbox-token`) and `SANDBOX_PORT` (default 4010) configure it;
 * it listens on 127.0.0.1, prints one line ending in the base URL, and stops on SIGINT/SIGTERM.
 */
import { createDartSandbox } from './server.ts';

const token = process.env.DART_API_TOKEN?.trim() || 'sandbox-token';
const portText = process.env.SANDBOX_PORT?.trim() || '4010';
const port = Number(portText);
if (!/^\d+$/.test(portText) || port > 65_535) {
  console.error(`SANDBOX_PORT: expected a port number from 0 to 65535, got ${JSON.stringify(portText)}`);
  process.exit(1);
}

const sandbox = createDartSandbox({ token });
const url = await sandbox.start(port);
console.log(`DART sandbox listening on ${url}`);

let stopping = false;
function shutdown(): void {
  if (stopping) return;
  stopping = true;
  // Once the server and its connections are closed nothing is left, so Node exits with 0.
  sandbox.stop().catch((error: unknown) => {
    console.error('DART sandbox: could not stop cleanly', error);
    process.exitCode = 1;
  });
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
