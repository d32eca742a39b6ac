/**
 * `npm run check:image`: no Docker engine runs here, so this plays the Dockerfile's own
 * steps in a clean temporary folder: each stage gets a folder standing for its file system,
 * COPY copies from the build context (as .dockerignore filters it) or from an earlier
 * stage, RUN runs in the stage's WORKDIR, and the last stage's CMD is started with its ENV
 * (its VOLUME a temporary folder) against the DART and Slack stand-ins. It passes when
 * /readyz answers 200, the HEALTHCHECK command exits 0, and SIGTERM ends it with 0.
 * Not run: the base image, the user switch, file ownership, the HEALTHCHECK schedule.
 * npm uses this machine's cache first (prefer-offline), so it works offline after `npm ci`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { startStandins } from '../src/sandbox/standins.ts';
import { baseEnvironment, SECRETS } from '../test/support/harness.ts';

const context = new URL('..', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'dart-image-'));
const say = (line: string) => process.stdout.write(`check:image: ${line}\n`);

/** .dockerignore's rules as this repository writes them: `*`, `!path/`, `path/`; the last match wins. */
function included(path: string): boolean {
  const rules = readFileSync(join(context, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  let keep = true;
  for (const rule of rules) {
    const negated = rule.startsWith('!');
    const pattern = (negated ? rule.slice(1) : rule).replace(/\/$/, '');
    if (pattern === '*' || path === pattern || path.startsWith(`${pattern}/`)) keep = negated;
  }
  return keep;
}

interface Stage {
  name: string;
  root: string;
  workdir: string;
  env: Record<string, string>;
  volumes: string[];
  cmd?: string[];
}

const inStage = (stage: Stage, path: string) => join(stage.root, path.startsWith('/') ? path : join(stage.workdir, path));

const instructions = readFileSync(join(context, 'Dockerfile'), 'utf8')
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
const stages: Stage[] = [];
try {
  for (const line of instructions) {
    const [instruction = '', ...rest] = line.split(' ');
    const args = rest.join(' ').trim();
    const stage = stages.at(-1);
    if (instruction === 'FROM') {
      const name = / AS (\S+)$/i.exec(args)?.[1] ?? `stage-${stages.length}`;
      stages.push({ name, root: join(scratch, name), workdir: '/', env: {}, volumes: [] });
      continue;
    }
    if (!stage) throw new Error(`${instruction} before FROM`);
    if (instruction === 'WORKDIR') stage.workdir = args;
    else if (instruction === 'ENV')
      for (const pair of args.split(/\s+/)) stage.env[pair.split('=')[0]!] = pair.split('=').slice(1).join('=');
    else if (instruction === 'VOLUME') stage.volumes.push(...(JSON.parse(args) as string[]));
    else if (instruction === 'CMD') stage.cmd = JSON.parse(args) as string[];
    else if (instruction === 'COPY') {
      const parts = args.split(/\s+/);
      const fromName = parts[0]?.startsWith('--from=') ? parts.shift()!.slice('--from='.length) : undefined;
      const from = fromName === undefined ? undefined : stages.find((earlier) => earlier.name === fromName);
      if (fromName !== undefined && !from) throw new Error(`COPY --from=${fromName}: no such stage`);
      const destination = inStage(stage, parts.pop()!);
      for (const source of parts) {
        const origin = from ? inStage(from, source) : join(context, source);
        const target = parts.length > 1 || destination.endsWith('/') ? join(destination, source.split('/').pop()!) : destination;
        mkdirSync(dirname(target), { recursive: true });
        cpSync(origin, target, {
          recursive: true,
          filter: (path) => from !== undefined || included(relative(context, path) || '.') || path === context,
        });
      }
    } else if (instruction === 'RUN') {
      // File-system set-up outside WORKDIR (the volume's owner) is what a container does, not this folder; npm's cache is this machine's, kept.
      const command = args
        .split('&&')
        .map((part) => part.trim())
        .filter((part) => !part.startsWith('npm cache clean') && !/(^| )\/(?!app)/.test(part))
        .join(' && ');
      if (command === '') continue;
      mkdirSync(inStage(stage, '.'), { recursive: true });
      say(`${stage.name}: RUN ${command}`);
      const ran = spawnSync('sh', ['-c', command], {
        cwd: inStage(stage, '.'),
        stdio: 'inherit',
        env: {
          ...process.env,
          PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
          npm_config_prefer_offline: 'true',
          npm_config_audit: 'false',
          npm_config_fund: 'false',
        },
      });
      if (ran.status !== 0) throw new Error(`RUN failed (${ran.status}): ${command}`);
    } else if (!['USER', 'EXPOSE', 'HEALTHCHECK', 'STOPSIGNAL'].includes(instruction)) {
      throw new Error(`check-image does not know ${instruction}`);
    }
  }

  const image = stages.at(-1)!;
  if (image.cmd?.[0] !== 'node') throw new Error('the image must start with CMD ["node", …] in exec form');
  if (existsSync(inStage(image, 'src')) || existsSync(inStage(image, 'node_modules/typescript')))
    throw new Error('sources or dev dependencies ended up in the image');
  const standins = await startStandins({ botToken: SECRETS.botToken, dartToken: SECRETS.dartToken, folderPrefix: 'dart-image-standins-' });
  const env: Record<string, string> = { ...image.env };
  for (const volume of image.volumes) {
    mkdirSync(join(image.root, volume), { recursive: true });
    for (const [name, value] of Object.entries(env)) if (value.startsWith(`${volume}/`)) env[name] = join(image.root, value);
  }
  const port = String(20_000 + Math.floor(Math.random() * 20_000));
  const app = spawn(process.execPath, image.cmd.slice(1), {
    cwd: inStage(image, '.'),
    env: {
      ...baseEnvironment(),
      LOG_LEVEL: 'warn',
      DATABASE_PATH: env.DATABASE_PATH ?? '',
      ...env,
      PORT: port,
      SLACK_API_URL: standins.slack.apiUrl,
      DART_API_URL: standins.dart.url,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  try {
    let status = 0;
    for (let attempt = 0; attempt < 300 && status !== 200 && app.exitCode === null; attempt += 1) {
      status = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (response) => response.status,
        () => 0,
      );
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (status !== 200) throw new Error('the image never answered /readyz 200');
    say(`/readyz 200 (${image.cmd.join(' ')} in ${inStage(image, '.')}, database ${env.DATABASE_PATH})`);
    const healthcheck = readFileSync(join(context, 'Dockerfile'), 'utf8')
      .replace(/\\\n\s*/g, ' ')
      .match(/HEALTHCHECK .*CMD (\[.*\])/)?.[1];
    const probe = spawnSync(process.execPath, (JSON.parse(healthcheck ?? '[]') as string[]).slice(1), { env: { PORT: port } });
    if (probe.status !== 0) throw new Error(`the HEALTHCHECK command exited ${probe.status}`);
    say('HEALTHCHECK command exits 0');
    app.kill('SIGTERM');
    const [code] = await once(app, 'exit');
    if (code !== 0) throw new Error(`SIGTERM ended it with ${code}`);
    say('SIGTERM: drained and exited 0');
  } finally {
    if (app.exitCode === null) app.kill('SIGKILL');
    await standins.stop();
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
