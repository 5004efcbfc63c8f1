/** What provisioning did to a resource: made it, found it from an earlier run, or changed it to match the template. */
export type ProvisionOutcome = 'created' | 'kept' | 'updated';

/** What {@link provisionLocalStack} did. */
export interface ProvisionReport {
  /** One entry per stream, table and bucket of the plan. */
  readonly resources: readonly {
    readonly logicalId: string;
    readonly kind: 'stream' | 'table' | 'bucket';
    readonly name: string;
    readonly outcome: ProvisionOutcome;
  }[];
}
