/**
 * One Mango index operation at a time per embedded database. pouchdb-find brings an index up to
 * date in its task queue, but reads it OUTSIDE that queue: a find whose own update is done can
 * read the index while another find (or the index warmer) is rewriting the rows of a document
 * changed meanwhile (an outgoing message whose status the send job just set), and miss that
 * document altogether — an agent's acknowledged reply absent from the visitor's transcript.
 * Taking turns makes every find read an index no one is writing.
 */
const turns = new WeakMap<object, Promise<unknown>>();

export function inMangoTurn<T>(db: object, operation: () => Promise<T>): Promise<T> {
  const previous = turns.get(db) ?? Promise.resolve();
  const next = previous.then(operation, operation);
  turns.set(db, next.catch(() => undefined));
  return next;
}
