import { ClaimOutcome, type ClaimStore } from '../../lambdas/aggregator/store/ports';
import { countCall, type CallCounts } from './CallCounts';

/** The ClaimStore port over a Map: a conditional put per id, with no I/O. */
export class MemoryClaimStore implements ClaimStore {
  private readonly owners = new Map<string, string>();
  readonly calls: CallCounts = {};

  async claim(id: string, owner: string, _expiresAtSec: number): Promise<ClaimOutcome> {
    countCall(this.calls, 'claim');
    const current = this.owners.get(id);
    if (current === undefined) {
      this.owners.set(id, owner);
      return ClaimOutcome.owned;
    }
    return current === owner ? ClaimOutcome.owned : ClaimOutcome.taken;
  }

  async ownerOf(id: string): Promise<string | undefined> {
    countCall(this.calls, 'ownerOf');
    return this.owners.get(id);
  }
}
