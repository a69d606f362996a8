/**
 * Entry point of the rotation Lambda. The rotation logic lands with the rotation issue;
 * until then every event is rejected with a clear error.
 */
export async function handler(event: unknown): Promise<void> {
  const shape =
    event && typeof event === 'object' ? Object.keys(event).sort().join(', ') : typeof event;
  throw new Error(`keyplane rotation: unsupported event (fields: ${shape || 'none'})`);
}
