/** Placeholder until the nestjs issue lands. */
export const placeholder = true;
