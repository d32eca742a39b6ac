import { describe, expect, it } from 'vitest';
import { parseCreateForm, parseEditForm } from '../../src/customers/form.ts';
import { generatePassword } from '../../src/customers/password.ts';
import { changeLines, changesBetween, createdView } from '../../src/customers/write-blocks.ts';
import { HistorySources, type HistoryCursor, type HistoryEntry } from '../../src/history/source.ts';
import { createLogger } from '../../src/util/logger.ts';
import { describeHours, parseDuration } from '../../src/trade-scripts/duration.ts';
import { parseSuspendForm, suspendedMessage } from '../../src/trade-scripts/write-blocks.ts';

describe('parseDuration', () => {
  it.each([
    ['1', 1],
    ['10', 10],
    ['10h', 10],
    ['10H', 10],
    ['2d', 48],
    ['30d', 720],
    ['720', 720],
    ['007', 7],
  ])('%s is %i hours', (text, hours) => {
    expect(parseDuration(text)).toEqual({ ok: true, hours });
  });

  it.each(['1.5', '0', '0d', '-1', 'abc', '721', '31d', '', '10 h', '1e2', '10m', '1234567'])(
    'refuses %j with the accepted forms',
    (text) => {
      const parsed = parseDuration(text);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error).toContain('10, 10h or 2d (2d = 48 hours)');
    },
  );

  it('describes hours for people', () => {
    expect(describeHours(1)).toBe('1 hour');
    expect(describeHours(24)).toBe('24 hours');
    expect(describeHours(168)).toBe('168 hours (7 days)');
  });
});

describe('the suspend form', () => {
  it('takes the list or the typed value, not both, not neither', () => {
    expect(parseSuspendForm({ preset: '12', custom: '' })).toEqual({ ok: true, hours: 12 });
    expect(parseSuspendForm({ preset: '', custom: ' 3d ' })).toEqual({ ok: true, hours: 72 });
    expect(parseSuspendForm({ preset: '12', custom: '3' })).toMatchObject({
      ok: false,
      errors: { custom: expect.stringContaining('not both') },
    });
    expect(parseSuspendForm({})).toMatchObject({ ok: false, errors: { preset: expect.any(String) } });
  });

  it('confirms with the end time as a Slack date token', () => {
    const until = new Date('2025-03-01T22:00:00Z');
    const shown = JSON.stringify(suspendedMessage({ userName: 'billyjoel', hours: 10, until, by: 'U0OPERAT01' }, { scheduled: true }));
    expect(shown).toContain(`<!date^${until.getTime() / 1000}^`);
    expect(shown).toContain('|1 Mar 2025, 22:00 UTC>');
  });
});

describe('generatePassword', () => {
  it('is 20 characters with every class, and different each time', () => {
    const passwords = new Set(Array.from({ length: 200 }, () => generatePassword()));
    expect(passwords.size).toBe(200);
    for (const password of passwords) {
      expect(password).toHaveLength(20);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[2-9]/);
      expect(password).toMatch(/[!#%+\-=?@_]/);
      expect(password).not.toMatch(/[0O1lI<>&`\s]/);
    }
  });
});

describe('customer form rules', () => {
  const valid = { first_name: ' Ada ', last_name: 'Byron', user_name: 'ada', email: 'ada@example.org', password: '' };

  it('trims names, keeps passwords as typed, and reads an empty password as none', () => {
    expect(parseCreateForm(valid)).toEqual({
      ok: true,
      fields: { first_name: 'Ada', last_name: 'Byron', user_name: 'ada', email: 'ada@example.org', password: undefined },
    });
    expect(parseEditForm({ ...valid, password: ' spaced pass ' })).toMatchObject({ ok: true, fields: { password: ' spaced pass ' } });
  });

  it('treats a missing field as empty', () => {
    expect(parseCreateForm({})).toMatchObject({
      ok: false,
      errors: { first_name: 'Required.', user_name: 'Required.', email: 'Required.' },
    });
  });
});

describe('edit changes', () => {
  it('lists changed fields with old → new, escaped, and a password only as "changed"', () => {
    const before = { first_name: 'Billy', last_name: 'Joel', email: 'billy@gmail.com' };
    const changes = changesBetween(before, { ...before, first_name: '<!channel>', password: 'secret-value' });
    expect(changes).toEqual([{ field: 'first_name', from: 'Billy', to: '<!channel>' }, { field: 'password' }]);
    const lines = changeLines(changes);
    expect(lines).toBe('*First name*: Billy → &lt;!channel&gt;\n*Password*: changed');
    expect(lines).not.toContain('secret-value');
  });

  it('shows a generated password only when there is one', () => {
    const customer = { first_name: 'Ada', last_name: 'Byron', dart_user_name: 'ada', email: 'ada@example.org' };
    expect(JSON.stringify(createdView('c', customer, 'Gen3rated-Pass'))).toContain('Gen3rated-Pass');
    expect(JSON.stringify(createdView('c', customer, undefined))).not.toContain('Generated password');
  });
});

describe('HistorySources', () => {
  const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 0, minute));
  const source = (name: string, entries: HistoryEntry[]) => ({
    name,
    entriesFor: (_customers: readonly string[], { limit, before }: { limit: number; before: Date | undefined }) =>
      entries.filter((entry) => !before || entry.at < before).slice(0, limit),
  });

  it('merges sources newest first and pages through ties across sources without loss or doubles', async () => {
    const history = new HistorySources(createLogger('silent'));
    history.add(
      source(
        'a',
        [at(5), at(3), at(3), at(1)].map((time, index) => ({ at: time, line: `a${index}` })),
      ),
    );
    history.add(
      source(
        'b',
        [at(4), at(3), at(2)].map((time, index) => ({ at: time, line: `b${index}` })),
      ),
    );
    const seen: string[] = [];
    let cursor: HistoryCursor | undefined;
    for (let pages = 0; pages < 10; pages += 1) {
      const page = await history.page('x', 2, cursor);
      seen.push(...page.entries.map((entry) => entry.line));
      cursor = page.next;
      if (!cursor) break;
    }
    expect(seen).toEqual(['a0', 'b0', 'a1', 'a2', 'b1', 'b2', 'a3']);
  });
});
