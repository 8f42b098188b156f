// Hearth's accent colour: a warm ember orange, used on every embed so its posts are recognisable.
export const HEARTH_COLOUR = 0xe8743b;
