import { customId, field } from '../bot/custom-id';

/** The custom ids of kudos components; each holds all its handler needs, so it works after a restart. */
export const kudosIds = {
  /** The "Give kudos" modal, opened from a member's context menu: the recipient is a Discord id, nothing else. */
  give: customId('kudos', 'give', { recipientId: field.snowflake }),
};

/** Field ids inside the give modal. */
export const KUDOS_MODAL_FIELDS = { value: 'value', message: 'message' } as const;
