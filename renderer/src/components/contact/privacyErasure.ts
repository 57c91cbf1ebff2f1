import { shallowRef } from 'vue';
import type { RemovedCounts } from '@atende/protocol';

/**
 * What an erasure removed (R-PRIV-03), shown after the contact is closed. The erased contact's
 * conversation and contact leave the replica when it resets, taking with them the screens that
 * asked for the erasure; the counts are shown by a host that outlives them (the contact panel,
 * `PrivacyErasureReceipt`). Without one (a pop-out window), the erase dialog shows them itself.
 */
export interface ErasureReceipt {
  name: string;
  removed: RemovedCounts;
}

export const erasureReceipt = shallowRef<ErasureReceipt>();
let hosts = 0;

/** A host mounted; the function it returns unmounts it. */
export function hostErasureReceipts(): () => void {
  hosts++;
  return () => {
    hosts--;
  };
}

/** Hands the receipt to a host; false when none is mounted. */
export function showErasureReceipt(receipt: ErasureReceipt): boolean {
  if (hosts === 0) return false;
  erasureReceipt.value = receipt;
  return true;
}
