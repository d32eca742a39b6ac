import { parseEnv } from 'node:util';
import { readFileSync } from 'node:fs';
import { conditionalRequirements, environmentSchema, placeholderProblems, type Environment } from './schema.ts';

export type Config = Environment;

/** Thrown when the environment cannot start the app; `message` is one line per bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Validates `env` against the configuration contract (`schema.ts`). Blank values count as unset. The error
 * names every bad variable with what is expected, never its value (it may be a secret).
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const result = environmentSchema.safeParse(present);
  const requirements = conditionalRequirements(present);
  const placeholders = placeholderProblems(present);
  if (result.success && requirements.length === 0 && placeholders.length === 0) return result.data;
  const named = new Set(placeholders.map((line) => line.slice(0, line.indexOf(':'))));
  // A placeholder is reported as one; what the schema says about the same value adds nothing.
  const issues = result.success ? [] : result.error.issues.filter((issue) => !named.has(String(issue.path[0])));
  const lines = issues.map((issue) => {
    const name = String(issue.path[0] ?? 'environment');
    const expected = issue.code === 'invalid_type' && present[name] === undefined ? 'is required' : issue.message;
    return `${name}: ${expected}`;
  });
  throw new ConfigError([...placeholders, ...lines, ...requirements].join('\n'));
}

/**
 * The process environment with a `.env` file's values underneath it (the real
 * environment wins), as `dotenv` does, using Node's own parser.
 */
export function readEnvironment(path = '.env'): Record<string, string | undefined> {
  let fromFile: Record<string, string | undefined> = {};
  try {
    fromFile = parseEnv(readFileSync(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return { ...fromFile, ...process.env };
}
