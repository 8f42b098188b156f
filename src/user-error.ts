/**
 * Something the member can fix (bad input, missing role, closed poll). Its message is shown to
 * them as it is, privately, so it should say what was wrong and how to put it right.
 * Kept free of discord.js so that services, which never touch Discord, can throw it.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}
