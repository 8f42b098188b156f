import {
  MessageFlags,
  type InteractionReplyOptions,
  type MessageComponentInteraction,
  type ModalSubmitInteraction,
  type RepliableInteraction,
} from 'discord.js';

type Payload = string | Omit<InteractionReplyOptions, 'flags'>;

function toOptions(payload: Payload): Omit<InteractionReplyOptions, 'flags'> {
  return typeof payload === 'string' ? { content: payload } : payload;
}

/** Answer only the member who acted, whatever state the interaction is in. */
export async function replyPrivately(interaction: RepliableInteraction, payload: Payload): Promise<void> {
  const options = toOptions(payload);
  // Only a private "thinking…" may be replaced; after a public one the answer must be a private follow-up.
  if (interaction.deferred && !interaction.replied && interaction.ephemeral) {
    await interaction.editReply(options);
  } else if (interaction.replied || interaction.deferred) {
    await interaction.followUp({ ...options, flags: MessageFlags.Ephemeral });
  } else {
    await interaction.reply({ ...options, flags: MessageFlags.Ephemeral });
  }
}

/** Answer in the channel, for everyone to see. */
export async function replyPublicly(interaction: RepliableInteraction, payload: Payload): Promise<void> {
  const options = toOptions(payload);
  if (interaction.deferred && !interaction.replied) {
    await interaction.editReply(options);
  } else if (interaction.replied) {
    await interaction.followUp(options);
  } else {
    await interaction.reply(options);
  }
}

/** Replace the message a button or select belongs to (or the one a modal was opened from). */
export async function updateSourceMessage(
  interaction: MessageComponentInteraction | ModalSubmitInteraction,
  payload: Payload,
): Promise<void> {
  const options = toOptions(payload);
  if (interaction.deferred || interaction.replied) {
    await interaction.editReply(options);
  } else if (interaction.isModalSubmit() && interaction.isFromMessage()) {
    await interaction.update(options);
  } else if (!interaction.isModalSubmit()) {
    await interaction.update(options);
  } else {
    await interaction.reply({ ...options, flags: MessageFlags.Ephemeral });
  }
}
