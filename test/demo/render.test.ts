import { describe, it, expect } from 'vitest';
import { renderMessage, renderModal, renderMrkdwn, type RenderOptions } from '../../src/demo/render.ts';

const plain: RenderOptions = { color: false, timeZone: 'UTC' };
const color: RenderOptions = { color: true, timeZone: 'UTC' };
const BOLD = (text: string) => `\x1b[1m${text}\x1b[22m`;
const ITALIC = (text: string) => `\x1b[3m${text}\x1b[23m`;
const CYAN = (text: string) => `\x1b[36m${text}\x1b[39m`;
const DIM = (text: string) => `\x1b[2m${text}\x1b[22m`;

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const plainText = (text: string) => ({ type: 'plain_text', text });
const button = (text: string, action_id: string, extra: Record<string, unknown> = {}) => ({
  type: 'button',
  text: plainText(text),
  action_id,
  ...extra,
});

describe('renderMrkdwn: emphasis', () => {
  it('renders *bold* as ANSI bold with color, as plain text without', () => {
    expect(renderMrkdwn('a *big* deal', color)).toBe(`a ${BOLD('big')} deal`);
    expect(renderMrkdwn('a *big* deal', plain)).toBe('a big deal');
  });

  it('renders _italic_ as ANSI italic with color, as plain text without', () => {
    expect(renderMrkdwn('_quite_ so', color)).toBe(`${ITALIC('quite')} so`);
    expect(renderMrkdwn('_quite_ so', plain)).toBe('quite so');
  });

  it('nests bold and italic', () => {
    expect(renderMrkdwn('*_both_*', color)).toBe(BOLD(ITALIC('both')));
  });

  it('renders ~strike~ as plain text', () => {
    expect(renderMrkdwn('~gone~ now', color)).toBe('gone now');
  });

  it('leaves delimiters inside words alone', () => {
    expect(renderMrkdwn('snake_case_name and 2*3*4', color)).toBe('snake_case_name and 2*3*4');
  });

  it('renders `code` in cyan with color, plain without, and does not style inside it', () => {
    expect(renderMrkdwn('run `a *b* c` now', color)).toBe(`run ${CYAN('a *b* c')} now`);
    expect(renderMrkdwn('run `a *b* c` now', plain)).toBe('run a *b* c now');
  });

  it('keeps ``` blocks as indented lines of their own, unstyled', () => {
    expect(renderMrkdwn('before ```x = *1*\ny = 2``` after', color)).toBe('before\n    x = *1*\n    y = 2\nafter');
    expect(renderMrkdwn('```\nonly\n```', plain)).toBe('    only');
  });
});

describe('renderMrkdwn: links and mentions', () => {
  it('renders labelled links as "label (url)" and bare links as the url', () => {
    expect(renderMrkdwn('see <https://x.example/a_b_c|the docs>', plain)).toBe('see the docs (https://x.example/a_b_c)');
    expect(renderMrkdwn('<https://x.example>', plain)).toBe('https://x.example');
  });

  it('does not style text inside a link', () => {
    expect(renderMrkdwn('<https://x.example/*a*|*label*>', color)).toBe('*label* (https://x.example/*a*)');
  });

  it('renders mailto links as the address or label', () => {
    expect(renderMrkdwn('<mailto:a@b.example|a@b.example>', plain)).toBe('a@b.example');
    expect(renderMrkdwn('<mailto:a@b.example>', plain)).toBe('a@b.example');
  });

  it('renders user, channel and group mentions', () => {
    expect(renderMrkdwn('<@U123> in <#C123|general> and <#C456>', plain)).toBe('@U123 in #general and #C456');
    expect(renderMrkdwn('<!subteam^S123>', plain)).toBe('@S123');
  });

  it('renders special mentions', () => {
    expect(renderMrkdwn('<!here> <!channel> <!everyone>', plain)).toBe('@here @channel @everyone');
  });

  it('unescapes &lt; &gt; &amp; last, so escaped text is never a link or a mention', () => {
    expect(renderMrkdwn('&lt;!channel&gt; &amp; &lt;https://x.example&gt;', plain)).toBe('<!channel> & <https://x.example>');
    expect(renderMrkdwn('&amp;lt;', plain)).toBe('&lt;');
    expect(renderMrkdwn('*a &amp; b*', color)).toBe(BOLD('a & b'));
  });

  it('leaves a bare angle bracket that is not a Slack token as written', () => {
    expect(renderMrkdwn('a < b > c', plain)).toBe('a < b > c');
  });
});

describe('renderMrkdwn: dates', () => {
  // 1700000000 is 2023-11-14 22:13:20 UTC: 17:13 in New York, 07:13 the next day in Tokyo.
  const date = (template: string) => `<!date^1700000000^${template}|fallback>`;
  const newYork: RenderOptions = { color: false, timeZone: 'America/New_York', now: new Date('2023-11-01T12:00:00Z') };
  const tokyo: RenderOptions = { ...newYork, timeZone: 'Asia/Tokyo' };

  it('renders date tokens in the given time zone', () => {
    expect(renderMrkdwn(date('{date_num} {time}'), newYork)).toBe('2023-11-14 17:13');
    expect(renderMrkdwn(date('{date_num} {time}'), tokyo)).toBe('2023-11-15 07:13');
    expect(renderMrkdwn(date('{date}'), newYork)).toBe('November 14, 2023');
    expect(renderMrkdwn(date('{date_short}'), tokyo)).toBe('Nov 15, 2023');
    expect(renderMrkdwn(date('{date_long}'), newYork)).toBe('Tuesday, November 14, 2023');
    expect(renderMrkdwn(date('{time_secs}'), tokyo)).toBe('07:13:20');
  });

  it('follows daylight saving time and renders midnight as 00', () => {
    // 2023-07-01 00:00 UTC: 20:00 EDT (UTC-4) in New York.
    expect(renderMrkdwn('<!date^1688169600^{date_num} {time}|x>', newYork)).toBe('2023-06-30 20:00');
    // 2023-11-14 15:00 UTC: midnight in Tokyo.
    expect(renderMrkdwn('<!date^1699974000^{date_num} {time}|x>', tokyo)).toBe('2023-11-15 00:00');
  });

  it('says Today, Yesterday or Tomorrow for the pretty tokens, counted in the time zone', () => {
    const at = (now: string, options: RenderOptions) => ({ ...options, now: new Date(now) });
    // 2023-11-15 03:00 UTC is still the 14th in New York, already the 15th in Tokyo.
    expect(renderMrkdwn(date('{date_short_pretty} at {time}'), at('2023-11-15T03:00:00Z', newYork))).toBe('Today at 17:13');
    expect(renderMrkdwn(date('{date_pretty}'), at('2023-11-15T03:00:00Z', tokyo))).toBe('Today');
    expect(renderMrkdwn(date('{date_long_pretty}'), at('2023-11-15T20:00:00Z', newYork))).toBe('Yesterday');
    expect(renderMrkdwn(date('{date_pretty}'), at('2023-11-13T12:00:00Z', newYork))).toBe('Tomorrow');
    expect(renderMrkdwn(date('{date_short_pretty}'), at('2023-11-20T12:00:00Z', newYork))).toBe('Nov 14, 2023');
  });

  it('uses the fallback for unknown tokens, a bad timestamp or a bad time zone', () => {
    expect(renderMrkdwn(date('{date} {ago}'), newYork)).toBe('fallback');
    expect(renderMrkdwn('<!date^soon^{date}|fallback>', newYork)).toBe('fallback');
    expect(renderMrkdwn(date('{date}'), { ...newYork, timeZone: 'Not/AZone' })).toBe('fallback');
  });

  it('appends the optional link', () => {
    expect(renderMrkdwn('<!date^1700000000^{date_num}^https://x.example|fb>', newYork)).toBe('2023-11-14 (https://x.example)');
  });
});

describe('renderMessage: blocks', () => {
  it('renders the text as mrkdwn when there are no blocks', () => {
    expect(renderMessage({ text: 'hi *you*' }, plain)).toEqual({ lines: ['hi you'], buttons: [] });
    expect(renderMessage({ text: 'fallback', blocks: [] }, plain).lines).toEqual(['fallback']);
  });

  it('shows blocks, not the text fallback, when there are blocks', () => {
    expect(renderMessage({ text: 'fallback', blocks: [{ type: 'divider' }] }, { ...plain, width: 3 }).lines).toEqual(['───']);
  });

  it('renders a header bold, underlined to its length', () => {
    const blocks = [{ type: 'header', text: plainText('Payout sent') }];
    expect(renderMessage({ blocks }, color).lines).toEqual([BOLD('Payout sent'), '─'.repeat(11)]);
    expect(renderMessage({ blocks }, plain).lines).toEqual(['Payout sent', '─'.repeat(11)]);
  });

  it('renders a section: mrkdwn or plain text, then fields in two columns, then the accessory button', () => {
    const blocks = [
      {
        type: 'section',
        block_id: 'sec',
        text: mrkdwn('*Amount* due'),
        fields: [mrkdwn('*Status*\npaid'), plainText('*Fee*'), plainText('Alone')],
        accessory: button('Open', 'open', { url: 'https://x.example' }),
      },
      { type: 'section', text: plainText('*not bold*') },
    ];
    const { lines, buttons } = renderMessage({ blocks }, { ...plain, width: 20 });
    expect(lines).toEqual(['Amount due', 'Status    *Fee*', 'paid', 'Alone', '[1] Open', '*not bold*']);
    expect(buttons).toEqual([{ number: 1, text: 'Open', action_id: 'open', block_id: 'sec', url: 'https://x.example' }]);
  });

  it('renders a divider as a line of the full width (80 by default)', () => {
    expect(renderMessage({ blocks: [{ type: 'divider' }] }, plain).lines).toEqual(['─'.repeat(80)]);
  });

  it('renders context elements joined by two spaces, dim with color', () => {
    const blocks = [{ type: 'context', elements: [mrkdwn('by <@U1>'), plainText('today'), { type: 'image', alt_text: 'logo' }] }];
    expect(renderMessage({ blocks }, plain).lines).toEqual(['by @U1  today  [image: logo]']);
    expect(renderMessage({ blocks }, color).lines).toEqual([DIM('by @U1  today  [image: logo]')]);
  });

  it('keeps a context dim after bold text inside it', () => {
    const blocks = [{ type: 'context', elements: [mrkdwn('*a* b')] }];
    expect(renderMessage({ blocks }, color).lines).toEqual([`\x1b[2m\x1b[1ma\x1b[22m\x1b[2m b\x1b[22m`]);
  });

  it('renders actions as numbered buttons on one line, primary green and danger red with color', () => {
    const blocks = [
      {
        type: 'actions',
        block_id: 'act',
        elements: [
          button('Confirm', 'yes', { style: 'primary', value: 'p1' }),
          button('Cancel', 'no', { style: 'danger' }),
          button('Later', 'later'),
        ],
      },
    ];
    expect(renderMessage({ blocks }, plain).lines).toEqual(['[1] Confirm  [2] Cancel  [3] Later']);
    expect(renderMessage({ blocks }, color).lines).toEqual(['\x1b[32m[1] Confirm\x1b[39m  \x1b[31m[2] Cancel\x1b[39m  [3] Later']);
    expect(renderMessage({ blocks }, plain).buttons).toEqual([
      { number: 1, text: 'Confirm', action_id: 'yes', block_id: 'act', value: 'p1', style: 'primary' },
      { number: 2, text: 'Cancel', action_id: 'no', block_id: 'act', style: 'danger' },
      { number: 3, text: 'Later', action_id: 'later', block_id: 'act' },
    ]);
  });

  it('shows elements the console cannot press by type and placeholder', () => {
    const blocks = [{ type: 'actions', elements: [{ type: 'static_select', placeholder: plainText('Pick one') }] }];
    expect(renderMessage({ blocks }, plain)).toEqual({ lines: ['[static_select: Pick one]'], buttons: [] });
  });

  it('numbers buttons across blocks, starting at firstNumber', () => {
    const blocks = [
      { type: 'section', text: mrkdwn('one'), accessory: button('A', 'a') },
      { type: 'actions', elements: [button('B', 'b'), button('C', 'c')] },
    ];
    const { lines, buttons } = renderMessage({ blocks }, plain, 7);
    expect(lines).toEqual(['one', '[7] A', '[8] B  [9] C']);
    expect(buttons.map((b) => [b.number, b.action_id])).toEqual([
      [7, 'a'],
      [8, 'b'],
      [9, 'c'],
    ]);
  });

  it('renders an image as its alt text', () => {
    const blocks = [{ type: 'image', image_url: 'https://x.example/a.png', alt_text: 'a chart' }];
    expect(renderMessage({ blocks }, plain).lines).toEqual(['[image: a chart]']);
  });

  it('renders rich text: styled text, mentions, links, lists, quotes and code', () => {
    const blocks = [
      {
        type: 'rich_text',
        elements: [
          {
            type: 'rich_text_section',
            elements: [
              { type: 'text', text: 'Hi ', style: { bold: true } },
              { type: 'user', user_id: 'U1' },
              { type: 'text', text: ', see ' },
              { type: 'link', url: 'https://x.example', text: 'this' },
            ],
          },
          {
            type: 'rich_text_list',
            style: 'ordered',
            elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'one' }] }],
          },
          { type: 'rich_text_quote', elements: [{ type: 'text', text: 'quoted' }] },
          { type: 'rich_text_preformatted', elements: [{ type: 'text', text: 'a < b' }] },
        ],
      },
    ];
    expect(renderMessage({ blocks }, plain).lines).toEqual(['Hi @U1, see this (https://x.example)', '1. one', '│ quoted', '    a < b']);
    expect(renderMessage({ blocks }, color).lines[0]).toBe(`${BOLD('Hi ')}@U1, see this (https://x.example)`);
  });

  it('renders an input block in a message as its label', () => {
    const blocks = [{ type: 'input', label: plainText('Amount'), element: { type: 'plain_text_input' } }];
    expect(renderMessage({ blocks }, plain).lines).toEqual(['Amount']);
  });

  it('marks unknown block types as unsupported', () => {
    expect(renderMessage({ blocks: [{ type: 'video' }, 'junk'] }, plain).lines).toEqual([
      '[unsupported block: video]',
      '[unsupported block: undefined]',
    ]);
  });
});

describe('renderMessage: wrapping', () => {
  it('word-wraps long lines at the width', () => {
    const blocks = [{ type: 'section', text: mrkdwn('the quick brown fox jumps over the lazy dog') }];
    expect(renderMessage({ blocks }, { ...plain, width: 16 }).lines).toEqual(['the quick brown', 'fox jumps over', 'the lazy dog']);
  });

  it('does not count ANSI codes toward the width', () => {
    const lines = renderMessage({ text: '*bold* words here' }, { ...color, width: 15 }).lines;
    expect(lines).toEqual([`${BOLD('bold')} words here`]);
  });

  it('keeps a word longer than the width whole and code indentation on continuation lines', () => {
    const url = 'https://x.example/a/very/long/path';
    expect(renderMessage({ text: `go ${url} now` }, { ...plain, width: 10 }).lines).toEqual(['go', url, 'now']);
    expect(renderMessage({ text: '```aa bb cc```' }, { ...plain, width: 9 }).lines).toEqual(['    aa bb', '    cc']);
  });

  it('wraps each field column on its own', () => {
    const blocks = [{ type: 'section', fields: [plainText('one two three'), plainText('four five six')] }];
    expect(renderMessage({ blocks }, { ...plain, width: 20 }).lines).toEqual(['one two   four five', 'three     six']);
  });

  it('moves buttons that do not fit to the next line whole', () => {
    const blocks = [{ type: 'actions', elements: [button('Confirm', 'a'), button('Cancel', 'b')] }];
    expect(renderMessage({ blocks }, { ...plain, width: 15 }).lines).toEqual(['[1] Confirm', '[2] Cancel']);
  });
});

describe('renderModal', () => {
  const view = {
    type: 'modal',
    title: plainText('Send payout'),
    submit: plainText('Send'),
    close: plainText('Cancel'),
    blocks: [
      { type: 'header', text: plainText('Payout') },
      { type: 'section', text: mrkdwn('To *Acme*'), accessory: button('Help', 'help') },
      {
        type: 'input',
        block_id: 'amount',
        label: plainText('Amount'),
        hint: plainText('In USDC'),
        element: { type: 'plain_text_input', action_id: 'amount_value', placeholder: plainText('50.00'), initial_value: '10' },
      },
      {
        type: 'input',
        block_id: 'memo',
        optional: true,
        label: plainText('Memo'),
        element: { type: 'plain_text_input', action_id: 'memo_value', multiline: true },
      },
      {
        type: 'input',
        block_id: 'speed',
        label: plainText('Speed'),
        element: {
          type: 'static_select',
          action_id: 'speed_value',
          options: [
            { text: plainText('Standard'), value: 'standard' },
            { text: plainText('Instant'), value: 'instant' },
          ],
          initial_option: { text: plainText('Instant'), value: 'instant' },
        },
      },
      {
        type: 'input',
        block_id: 'network',
        label: plainText('Network'),
        element: {
          type: 'radio_buttons',
          action_id: 'network_value',
          options: [{ text: mrkdwn('*Base*'), value: 'base' }],
        },
      },
      { type: 'context', elements: [mrkdwn('Fees apply')] },
      { type: 'actions', elements: [button('Preview', 'preview')] },
    ],
  };

  it('reads the title and the submit and close labels', () => {
    const modal = renderModal(view, plain);
    expect([modal.title, modal.submit, modal.close]).toEqual(['Send payout', 'Send', 'Cancel']);
  });

  it('renders non-input blocks into lines and numbers their buttons from firstNumber', () => {
    const modal = renderModal(view, plain, 4);
    expect(modal.lines).toEqual(['Payout', '──────', 'To Acme', '[4] Help', 'Fees apply', '[5] Preview']);
    expect(modal.buttons.map((b) => `${b.number} ${b.action_id}`)).toEqual(['4 help', '5 preview']);
  });

  it('turns each input block into a field with its label, hint, placeholder, initial value and options', () => {
    expect(renderModal(view, plain).fields).toEqual([
      {
        block_id: 'amount',
        action_id: 'amount_value',
        label: 'Amount',
        hint: 'In USDC',
        placeholder: '50.00',
        initial: '10',
        optional: false,
        type: 'plain_text_input',
        multiline: false,
      },
      { block_id: 'memo', action_id: 'memo_value', label: 'Memo', optional: true, type: 'plain_text_input', multiline: true },
      {
        block_id: 'speed',
        action_id: 'speed_value',
        label: 'Speed',
        initial: 'instant',
        optional: false,
        type: 'static_select',
        multiline: false,
        options: [
          { text: 'Standard', value: 'standard' },
          { text: 'Instant', value: 'instant' },
        ],
      },
      {
        block_id: 'network',
        action_id: 'network_value',
        label: 'Network',
        optional: false,
        type: 'radio_buttons',
        multiline: false,
        options: [{ text: 'Base', value: 'base' }],
      },
    ]);
  });

  it('renders mrkdwn option text with color', () => {
    expect(renderModal(view, color).fields[3]?.options).toEqual([{ text: BOLD('Base'), value: 'base' }]);
  });

  it('copes with a view that is not one', () => {
    expect(renderModal(undefined, plain)).toEqual({ title: '', lines: [], fields: [], buttons: [] });
  });
});

describe('emoji and user names, as a Slack client shows them', () => {
  const names: RenderOptions = { ...plain, userName: (id) => (id === 'U0TREASU01' ? 'tess' : undefined) };

  it('shows the emoji codes the app uses as emoji, and leaves unknown codes and times alone', () => {
    expect(renderMrkdwn(':warning: Careful :white_check_mark: :not_an_emoji: at 14:05:30', plain)).toBe(
      '⚠️ Careful ✅ :not_an_emoji: at 14:05:30',
    );
    expect(renderMrkdwn('`:warning:` in code', plain)).toBe(':warning: in code');
    expect(
      renderMessage({ blocks: [{ type: 'header', text: plainText(':inbox_tray: 3 DART events') }] }, plain).lines.join('\n'),
    ).toContain('📥 3 DART events');
  });

  it('names a user mention, in a modal’s result as in a message; an unknown id stays an id', () => {
    const view = {
      type: 'modal',
      title: plainText('Suspended'),
      blocks: [{ type: 'section', text: mrkdwn(':no_entry: <@U0TREASU01> suspended `billyjoel`; <@U0NOBODY1> saw it') }],
    };
    expect(renderModal(view, names).lines.join('\n')).toBe('⛔ @tess suspended billyjoel; @U0NOBODY1 saw it');
  });
});
