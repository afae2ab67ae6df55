import fc from 'fast-check';

/**
 * The fast-check seed: `FC_SEED` when set (to replay a failure), a fixed one under CI so a run is
 * reproducible, a fresh one otherwise so local runs explore further.
 */
export const FUZZ_SEED = Number(
  process.env.FC_SEED ?? (process.env.CI === 'true' ? 20261202 : Date.now() % 2 ** 31),
);

/** `fc.assert` with {@link FUZZ_SEED}, whose failure message starts with the seed to replay it with. */
export async function assertProperty<T>(property: fc.IAsyncProperty<T> | fc.IProperty<T>, numRuns: number) {
  try {
    await fc.assert(property, { seed: FUZZ_SEED, numRuns });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`property failed; replay with FC_SEED=${FUZZ_SEED}\n${message}`);
  }
}
