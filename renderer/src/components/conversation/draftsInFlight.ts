/**
 * Drafts being written to the local store right now, by conversation (R-NET-04). A composer that
 * unmounts writes its draft asynchronously; one mounted for the same conversation a moment later
 * (the agent switched back) must see that text, not the older stored one.
 */
export const draftsInFlight = new Map<string, string>();
