import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { conditionalRequirements, environmentSchema } from '../../src/config/schema.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { npmStartArguments } from '../support/npm-start.ts';

const root = new URL('../..', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

/** Variables the app reads: its environment schema. */
const readByApp = new Set(Object.keys(environmentSchema.shape));

interface Container {
  name: string;
  env?: Array<{ name: string; value?: string }>;
  envFrom?: Array<{ configMapRef?: { name: string } }>;
  startupProbe?: { httpGet?: { path: string } };
  livenessProbe?: { httpGet?: { path: string } };
  readinessProbe?: { httpGet?: { path: string } };
}

// biome-ignore lint/suspicious/noExplicitAny: the test reads nested JSON of any shape
const manifests = parseAllDocuments(read('deploy/kubernetes.yaml')).map((document) => document.toJS() as Record<string, any>);
const deployment = manifests.find((manifest) => manifest.kind === 'Deployment' && manifest.metadata.name === 'dart-slack');
const app = (deployment?.spec.template.spec.containers as Container[] | undefined)?.find((container) => container.name === 'dart-slack');

/** The Dockerfile's last stage (the image that runs), as instruction + arguments. */
function runtimeStage(): Array<[string, string]> {
  const joined = read('Dockerfile').replace(/\\\n\s*/g, ' ');
  const lines = joined.split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
  const last = lines.findLastIndex((line) => line.startsWith('FROM '));
  return lines.slice(last).map((line) => {
    const space = line.indexOf(' ');
    return [line.slice(0, space), line.slice(space + 1).trim()];
  });
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('the Kubernetes example (deploy/kubernetes.yaml)', () => {
  it('runs two replicas whose probes point at routes the app answers 200 when ready', async () => {
    expect(deployment?.spec.replicas).toBe(2);
    const paths = [app?.startupProbe, app?.livenessProbe, app?.readinessProbe].map((probe) => probe?.httpGet?.path);
    expect(paths).toEqual(['/livez', '/livez', '/readyz']);
    h = await startHarness();
    for (const path of new Set(paths)) expect((await fetch(`${h.app.url}${path}`)).status, path).toBe(200);
  });

  it('sets only variables the app reads, and runs PostgreSQL beside it', () => {
    const configMaps = new Map(
      manifests.filter((manifest) => manifest.kind === 'ConfigMap').map((manifest) => [manifest.metadata.name, Object.keys(manifest.data)]),
    );
    const names = [
      ...(app?.env ?? []).map((variable) => variable.name),
      ...(app?.envFrom ?? []).flatMap((source) => configMaps.get(source.configMapRef?.name ?? '') ?? ['<missing ConfigMap>']),
    ];
    expect(names).toContain('DATABASE_URL');
    expect(names.filter((name) => !readByApp.has(name))).toEqual([]);
    expect(
      manifests.some(
        (manifest) => manifest.kind === 'StatefulSet' && String(manifest.spec.template.spec.containers[0].image).startsWith('postgres:'),
      ),
    ).toBe(true);
  });

  it('keeps its state in PostgreSQL: the image’s DATABASE_PATH is cleared, since setting both is a configuration error', () => {
    const image = Object.fromEntries(imageEnvironment());
    const pod = Object.fromEntries((app?.env ?? []).map((variable) => [variable.name, variable.value ?? 'postgres://app:pw@db:5432/dart']));
    const problems = conditionalRequirements({ ...image, ...pod, DATABASE_PATH: (pod.DATABASE_PATH ?? image.DATABASE_PATH) || undefined });
    expect(problems.filter((line) => line.startsWith('DATABASE_'))).toEqual([]);
  });
});

/** The runtime stage's ENV, as name and value. */
function imageEnvironment(): Array<[string, string]> {
  return runtimeStage()
    .filter(([name]) => name === 'ENV')
    .flatMap(([, args]) => args.split(/\s+/))
    .map((pair) => pair.split('=') as [string, string]);
}

describe('the Dockerfile', () => {
  it('runs node as PID 1 in exec form with npm start’s Node options, as a non-root user, with a /livez healthcheck, the SQLite file on a volume, and only variables the app reads', () => {
    const stage = runtimeStage();
    const get = (instruction: string) => stage.filter(([name]) => name === instruction).map(([, args]) => args);
    expect(JSON.parse(get('CMD')[0] ?? '[]')).toEqual(['node', ...npmStartArguments().options, 'dist/main.js']);
    expect(get('USER')).toEqual(['node']);
    expect(get('HEALTHCHECK').join()).toContain("'/livez'");
    const env = Object.fromEntries(imageEnvironment());
    expect(Object.keys(env).filter((name) => name !== 'NODE_ENV' && !readByApp.has(name))).toEqual([]);
    expect(get('VOLUME')).toEqual(['["/data"]']);
    expect(String(env.DATABASE_PATH)).toMatch(/^\/data\//);
    expect(get('EXPOSE')).toEqual([env.PORT]);
    expect(read('Dockerfile')).toContain('npm ci --omit=dev');
  });
});
