import type { Services } from '../app/services.ts';
import { context, message, section } from '../slack/blocks.ts';
import { code } from '../slack/mrkdwn.ts';
import { defineSubcommand, ephemeral, type SlackRoutes, type Subcommand } from '../slack/routes.ts';

/** The help text for one caller: only the commands their roles allow. */
export function helpMessage(allowed: Subcommand[]) {
  const lines = allowed.map((subcommand) => `${code(subcommand.usage)}\n${subcommand.summary}`);
  return message(`/dart commands you may run: ${allowed.map((subcommand) => subcommand.name).join(', ')}`, [
    section('*`/dart` commands you may run*'),
    section(lines.join('\n\n')),
    context('`<user>` is the customer’s DART user name, e.g. `billyjoel`.'),
  ]);
}

/** `/dart` and `/dart help`. */
export function registerHelp(routes: SlackRoutes, { access }: Services): void {
  routes.subcommand(
    defineSubcommand({
      name: 'help',
      usage: '/dart help',
      summary: 'This list',
      role: 'viewer',
      parse: () => ({ ok: true, args: undefined }),
      run: async ({ respond, userId }) => {
        const allowed: Subcommand[] = [];
        for (const subcommand of routes.subcommands) {
          if (await access.allows(userId, subcommand.role)) allowed.push(subcommand);
        }
        const help = helpMessage(allowed);
        await respond(ephemeral(help.text, help.blocks));
      },
    }),
  );
}
