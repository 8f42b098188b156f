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

/** What Discord said, for a leader's note or a log line. */
export function discordMessage(error: unknown): string {
  return error instanceof DiscordAPIError || error instanceof HTTPError ? error.message : 'an unexpected error';
}

/** The HTTP status of a failed Discord request, or null for a network failure or anything else. */
export function httpStatusOf(error: unknown): number | null {
  if (error instanceof DiscordAPIError || error instanceof HTTPError) return error.status;
  return null;
}
