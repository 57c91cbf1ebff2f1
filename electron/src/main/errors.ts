/**
 * For the `default:` branch of a `switch` over a union: the argument only type-checks when every
 * case is handled, so adding a member to the union breaks the build where it must be handled
 * (STYLE: Signal's missingCaseError).
 */
export function missingCaseError(value: never): Error {
  return new TypeError(`Unhandled case: ${String(value)}`);
}
