export interface RingKey {
  readonly id: string;
  readonly secret: string;
  readonly retiresAt?: Date;
}

export interface RingMerchant {
  readonly memberId: string;
  readonly terminalId: string;
  readonly keys: readonly RingKey[];
}

/**
 * The merchants' keys. Incoming messages verify against every key not yet
 * retired (so a rotation loses no notification in flight); outgoing requests
 * are signed with the current key only.
 */
export class KeyRing {
  private readonly byIds = new Map<string, RingMerchant>();

  constructor(readonly merchants: readonly RingMerchant[]) {
    for (const m of merchants) this.byIds.set(KeyRing.ids(m.memberId, m.terminalId), m);
  }

  private static ids(memberId: string, terminalId: string): string {
    return `${memberId}\u0000${terminalId}`;
  }

  merchant(memberId: string, terminalId: string): RingMerchant | undefined {
    return this.byIds.get(KeyRing.ids(memberId, terminalId));
  }

  /** Keys accepted at `now` for the merchant, current first; empty for an unknown merchant. */
  verificationKeys(memberId: string, terminalId: string, now: Date): RingKey[] {
    const m = this.merchant(memberId, terminalId);
    return m ? m.keys.filter((k) => !k.retiresAt || k.retiresAt.getTime() > now.getTime()) : [];
  }

  /** The key that signs requests: the first without a retirement time. */
  signingKey(memberId: string, terminalId: string): RingKey | undefined {
    const m = this.merchant(memberId, terminalId);
    return m?.keys.find((k) => !k.retiresAt) ?? m?.keys[0];
  }
}
