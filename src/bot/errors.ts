import { MessageFlags, type DiscordAPIError, type Interaction } from 'discord.js';
import { randomBytes } from 'node:crypto';
import { withoutInteractionTokens, type Logger } from '../logger';
import { UserError } from '../user-error';
import { customIdKey } from './custom-id';
import { DiscordErrorCode, explainDiscordError, isDiscordError } from './discord-errors';

// The interaction is gone (expired or answered elsewhere): nobody is left to tell.
const UNANSWERABLE: number[] = [DiscordErrorCode.UnknownInteraction, DiscordErrorCode.InteractionAlreadyAcknowledged];

export function newReference(): string {
  return randomBytes(4).toString('hex').toUpperCase();
}

/** The one place an interaction's failure becomes a message for the member and a log line. */
export async function reportInteractionError(interaction: Interaction, error: unknown, logger: Logger): Promise<void> {
  let message: string;
  if (error instanceof UserError) {
    message = error.message;
  } else if (isDiscordError(error, ...UNANSWERABLE)) {
    logger.warn({ code: error.code, interaction: describe(interaction) }, 'interaction could not be answered');
    return;
  } else if (isDiscordError(error) && explainDiscordError(error) !== null) {
    logger.warn({ code: error.code, request: requestOf(error), interaction: describe(interaction) }, 'discord refused a request');
    message = explainDiscordError(error)!;
  } else {
    const reference = newReference();
    logger.error({ err: error, reference, interaction: describe(interaction) }, 'interaction failed');
    message = `Something went wrong on Hearth's side, and it has been logged. If it keeps happening, give the bot's host this reference: \`${reference}\`.`;
  }

  try {
    if (interaction.isAutocomplete()) {
      if (!interaction.responded) await interaction.respond([]);
      return;
    }
    if (!interaction.isRepliable()) return;
    if (interaction.deferred && !interaction.replied && interaction.ephemeral) {
      await interaction.editReply({ content: message, embeds: [], components: [], files: [] });
    } else if (interaction.deferred || interaction.replied) {
      await interaction.followUp({ content: message, flags: MessageFlags.Ephemeral });
      // A public "thinking…" from a command is removed; after a button's deferUpdate the original
      // is the message the button sits on, which must stay.
      if (interaction.isCommand() && interaction.deferred && !interaction.replied) {
        await interaction.deleteReply().catch((deleteError: unknown) => logger.warn({ err: deleteError }, 'could not remove a "thinking…" reply'));
      }
    } else {
      await interaction.reply({ content: message, flags: MessageFlags.Ephemeral });
    }
  } catch (replyError) {
    logger.warn({ err: replyError, interaction: describe(interaction) }, 'could not tell the member about an error');
  }
}

/** The refused request's method and path, without the interaction token a callback's path holds (never its body). */
function requestOf(error: DiscordAPIError): string {
  let path = error.url;
  try {
    path = new URL(error.url).pathname;
  } catch {
    // not a full URL: keep it as it is, the token still goes below
  }
  return `${error.method} ${withoutInteractionTokens(path)}`;
}

/**
 * What an interaction was, for logs: never option values or custom id values (a custom id can
 * hold the choice a member picked), and never who did it.
 */
export function describe(interaction: Interaction): Record<string, unknown> {
  const base = { id: interaction.id, guild: interaction.guildId, channel: interaction.channelId };
  if (interaction.isCommand() || interaction.isAutocomplete()) return { ...base, command: interaction.commandName };
  if (interaction.isMessageComponent() || interaction.isModalSubmit()) return { ...base, control: customIdKey(interaction.customId) };
  return base;
}
