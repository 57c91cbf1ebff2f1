/** net/api's ApiError (which needs a browser to load): the same shape, for rules read from it. */
export class FakeApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }

  get isNetwork(): boolean {
    return this.status === 0;
  }
}
