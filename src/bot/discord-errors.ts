import { DiscordAPIError, HTTPError, RESTJSONErrorCodes } from 'discord.js';

/** The Discord error codes Hearth acts on, named once (Discord's own names from discord-api-types). */
export const DiscordErrorCode = {
  UnknownChannel: RESTJSONErrorCodes.UnknownChannel, // 10003
  UnknownMember: RESTJSONErrorCodes.UnknownMember, // 10007
  UnknownMessage: RESTJSONErrorCodes.UnknownMessage, // 10008
  UnknownRole: RESTJSONErrorCodes.UnknownRole, // 10011
  UnknownUser: RESTJSONErrorCodes.UnknownUser, // 10013
  UnknownInteraction: RESTJSONErrorCodes.UnknownInteraction, // 10062
  InteractionAlreadyAcknowledged: RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged, // 40060
  MissingAccess: RESTJSONErrorCodes.MissingAccess, // 50001
  CannotSendMessagesToThisUser: RESTJSONErrorCodes.CannotSendMessagesToThisUser, // 50007
  MissingPermissions: RESTJSONErrorCodes.MissingPermissions, // 50013
} as const;

export type DiscordErrorCode = (typeof DiscordErrorCode)[keyof typeof DiscordErrorCode];

/** True when Discord refused the request with one of these codes (any code when none are given). */
export function isDiscordError(error: unknown, ...codes: number[]): error is DiscordAPIError {
  if (!(error instanceof DiscordAPIError)) return false;
  return codes.length === 0 || (typeof error.code === 'number' && codes.includes(error.code));
}

// Discord refusals a member or leader can do something about, in their words.
const EXPLAINED: Partial<Record<number, string>> = {
  [DiscordErrorCode.UnknownChannel]: 'That channel no longer exists.',
  [DiscordErrorCode.UnknownMember]: 'That member is no longer in this server.',
  [DiscordErrorCode.UnknownMessage]: 'That message has been deleted, so Hearth could not update it.',
  [DiscordErrorCode.UnknownRole]: 'That role no longer exists.',
  [DiscordErrorCode.MissingAccess]: "Hearth cannot see that channel. Give Hearth's role the View Channel permission there.",
  [DiscordErrorCode.MissingPermissions]: "Hearth is missing a permission for that. Check Hearth's role in Server Settings -> Roles and the channel's permission overrides.",
  [DiscordErrorCode.CannotSendMessagesToThisUser]: 'That member does not accept direct messages from this server.',
};

/** A leader-ready explanation of a Discord refusal, or null when there is none for it. */
export function explainDiscordError(error: unknown): string | null {
  return isDiscordError(error) && typeof error.code === 'number' ? (EXPLAINED[error.code] ?? null) : null;
}

/** What Discord said, for a leader's note or a log line. */
export function discordMessage(error: unknown): string {
  return error instanceof DiscordAPIError || error instanceof HTTPError ? error.message : 'an unexpected error';
}

/** The HTTP status of a failed Discord request, or null for a network failure or anything else. */
export function httpStatusOf(error: unknown): number | null {
  if (error instanceof DiscordAPIError || error instanceof HTTPError) return error.status;
  return null;
}
