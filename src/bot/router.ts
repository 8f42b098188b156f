import { type Interaction, type RepliableInteraction } from 'discord.js';
import type { AppContext } from '../context';
import type { Command, ComponentHandler, SlashCommand } from './command';
import { customIdKey } from './custom-id';
import { UserError } from '../user-error';
import { describe, reportInteractionError } from './errors';
import { assertLeader } from './leaders';
import type { InteractionOutcome } from '../ops/metrics';

/**
 * The one way in for every interaction: finds the handler by command name or custom id, checks
 * leader-only commands, and puts the error boundary around all of it.
 */
export function createRouter(commands: readonly Command[], ctx: () => AppContext) {
  const byName = new Map<string, Command>();
  const components = new Map<string, ComponentHandler>();
  for (const command of commands) {
    if (byName.has(command.data.name)) throw new Error(`Two commands are named ${command.data.name}.`);
    byName.set(command.data.name, command);
    for (const handler of command.components ?? []) {
      if (components.has(handler.spec.key)) throw new Error(`Two handlers claim custom id ${handler.spec.key}.`);
      components.set(handler.spec.key, handler);
    }
  }

  async function route(interaction: Interaction, app: AppContext): Promise<void> {
    if (!interaction.inGuild() && (interaction.isButton() || interaction.isModalSubmit())) {
      // Controls on a direct message Hearth sent: only those declared for it answer there.
      const handler = components.get(customIdKey(interaction.customId));
      const values = handler?.inDirectMessages && handler.kind === (interaction.isButton() ? 'button' : 'modal') ? handler.spec.parse(interaction.customId) : null;
      if (!handler || !values) {
        throw new UserError('This control is not one Hearth recognises any more (it may be from an older version). Use the server\'s commands to get a fresh one.');
      }
      await handler.run(interaction as never, values, app);
      return;
    }
    if (!interaction.inCachedGuild()) {
      if (interaction.isRepliable()) {
        throw new UserError(
          interaction.inGuild()
            ? 'Hearth is still getting to know this server. Try again in a few seconds.'
            : 'Hearth works inside servers. Use its commands in a server channel.',
        );
      }
      return;
    }

    if (interaction.isChatInputCommand() || interaction.isAutocomplete()) {
      const command = byName.get(interaction.commandName);
      if (command?.kind !== 'slash') return unknownCommand(interaction);
      if (interaction.isAutocomplete()) {
        await (command.autocomplete ? command.autocomplete(interaction, app) : interaction.respond([]));
        return;
      }
      if (command.leadersOnly) assertLeader(app.db, interaction, `use /${command.data.name}`);
      const handler = pickSubcommand(command, interaction.options.getSubcommandGroup(false), interaction.options.getSubcommand(false));
      if (!handler) return unknownCommand(interaction);
      await handler(interaction, app);
      return;
    }

    if (interaction.isUserContextMenuCommand()) {
      const command = byName.get(interaction.commandName);
      if (command?.kind !== 'user-menu') return unknownCommand(interaction);
      await command.execute(interaction, app);
      return;
    }

    if (interaction.isMessageContextMenuCommand()) {
      const command = byName.get(interaction.commandName);
      if (command?.kind !== 'message-menu') return unknownCommand(interaction);
      await command.execute(interaction, app);
      return;
    }

    if (interaction.isMessageComponent() || interaction.isModalSubmit()) {
      const handler = components.get(customIdKey(interaction.customId));
      const kind = interaction.isButton() ? 'button' : interaction.isModalSubmit() ? 'modal' : 'select';
      const values = handler?.kind === kind ? handler.spec.parse(interaction.customId) : null;
      if (!handler || !values) {
        throw new UserError('This control is not one Hearth recognises any more (it may be from an older version). Run the command again to get a fresh one.');
      }
      await handler.run(interaction as never, values, app);
    }
  }

  const inFlight = new Set<Promise<void>>();

  async function handleInteraction(interaction: Interaction): Promise<void> {
    const app = ctx();
    const started = performance.now();
    let outcome: InteractionOutcome = 'ok';
    app.metrics.interactionReceived(interaction);
    try {
      await route(interaction, app);
    } catch (error) {
      outcome = error instanceof UserError ? 'refused' : 'failed';
      await reportInteractionError(interaction, error, app.logger);
    } finally {
      app.metrics.interactionHandled(interaction, outcome);
      if (app.logger.isLevelEnabled('debug')) app.logger.debug({ ...describe(interaction), ms: Math.round(performance.now() - started) }, 'interaction handled');
    }
  }

  return {
    handle(interaction: Interaction): Promise<void> {
      const running = handleInteraction(interaction);
      inFlight.add(running);
      void running.finally(() => inFlight.delete(running));
      return running;
    },
    /** Resolves once every interaction being handled now has finished (for a clean shutdown). */
    async drain(): Promise<void> {
      await Promise.allSettled([...inFlight]);
    },
  };
}

function pickSubcommand(command: SlashCommand, group: string | null, sub: string | null) {
  if (!sub) return command.execute;
  return command.subcommands?.[group ? `${group} ${sub}` : sub];
}

function unknownCommand(interaction: RepliableInteraction | Interaction): never | void {
  if (interaction.isAutocomplete()) return void interaction.respond([]);
  const name = interaction.isCommand() ? `/${interaction.commandName}` : 'that command';
  throw new UserError(
    `Hearth does not know ${name} any more. A server admin can refresh the command list by running \`npm run deploy-commands\` where Hearth is hosted.`,
  );
}
