/**
 * Reads until `ok` holds or `timeoutMs` passes, then returns the last value read: the caller's
 * expect then says what was awaited (webhooks, send jobs and the simulator run apart from the test).
 */
export async function until<T>(read: () => Promise<T> | T, ok: (value: T) => boolean, timeoutMs = 8_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
