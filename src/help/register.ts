import type { Services } from '../app/services.ts';
import { context, message, section } from '../slack/blocks.ts';
import { code } from '../slack/mrkdwn.ts';
import { defineSubcommand, ephemeral, type SlackRoutes, type Subcommand } from '../slack/routes.ts';

/**
 * The one order of the commands, shared by this help, the README's table and the
 * manifest's usage hint (the product's order); a command not listed goes last.
 */
const HELP_ORDER = [
  'help',
  'customer',
  'balance',
  'scripts',
  'token',
  'create',
  'edit',
  'suspend',
  'resume',
  'transfer',
  'history',
  'transfers',
  'freeze',
  'unfreeze',
];

const rank = (name: string) => {
  const index = HELP_ORDER.indexOf(name);
  return index === -1 ? HELP_ORDER.length : index;
};

/** The help text for one caller: only the commands their roles allow, under `notice` (e.g. a freeze in force) if any. */
function helpMessage(allowed: Subcommand[], notice?: string) {
  const lines = allowed.map((subcommand) => `${code(subcommand.usage)}\n${subcommand.summary}`);
  return message(`/dart commands you may run: ${allowed.map((subcommand) => subcommand.name).join(', ')}`, [
    ...(notice ? [section(notice)] : []),
    section('*`/dart` commands you may run*'),
    section(lines.join('\n\n')),
    context('`<user>` is the customer’s DART user name, e.g. `billyjoel`.'),
  ]);
}

/**
 * `/dart` and `/dart help`. `notice` says what everyone should know first (the freeze),
 * read at each call since another instance may have changed it.
 */
export function registerHelp(
  routes: SlackRoutes,
  { access }: Services,
  notice: () => Promise<string | undefined> = async () => undefined,
): void {
  routes.subcommand(
    defineSubcommand({
      name: 'help',
      usage: '/dart help',
      summary: 'This list',
      role: 'viewer',
      parse: () => ({ ok: true, args: undefined }),
      run: async ({ respond, userId }) => {
        const allowed: Subcommand[] = [];
        for (const subcommand of [...routes.subcommands].sort((a, b) => rank(a.name) - rank(b.name))) {
          if (await access.allows(userId, subcommand.role)) allowed.push(subcommand);
        }
        const help = helpMessage(allowed, await notice());
        await respond(ephemeral(help.text, help.blocks));
      },
    }),
  );
}
