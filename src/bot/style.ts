// Hearth's accent colour: a warm ember orange, used on every embed so its posts are recognisable.
export const HEARTH_COLOUR = 0xe8743b;
// A quiet grey for what is over (a closed poll or survey): still readable, no longer inviting a click.
export const CLOSED_COLOUR = 0x6b7280;
