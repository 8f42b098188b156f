import { customId, field } from '../bot/custom-id';

/**
 * The custom ids of privacy's buttons and form. A confirmation carries only its request's id: who
 * asked, for whom and when are stored, so a forged or late click changes nothing.
 */
export const privacyIds = {
  confirm: customId('privacy', 'confirm', { requestId: field.rowId }),
  cancel: customId('privacy', 'cancel', { requestId: field.rowId }),
  /** The form asking the owner to type the server's name before everything is deleted. */
  deleteAll: customId('privacy', 'delete-all', {}),
};

export const DELETE_ALL_FIELD = 'server-name';
