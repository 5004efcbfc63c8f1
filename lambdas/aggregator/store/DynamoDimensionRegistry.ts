import { ConditionalCheckFailedException, GetItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dimensionRegistryPk, MeasureAttributes } from '../../../core';
import type { DimensionAdmission, DimensionRegistry } from './ports';

/** What this execution environment knows of one (type, field, day) registry item. */
interface DayState {
  /** Values known to be admitted: the item's set as last read or written. */
  admitted: Set<string>;
  /** The set is full: it will never take another value, so it is final. */
  full: boolean;
}

/** Registry days kept in memory per environment; a few per dimension are in use at a time. */
const MAX_CACHED_DAYS = 1024;

/**
 * Dimension buckets in the checkpoint table: one item per (consumer, type,
 * field, UTC day) whose String Set `admitted` holds the values with a bucket.
 *
 * A value is admitted with a conditional `ADD`: it holds when the value is
 * in the set already or the set has room. The set only grows, and once it
 * holds `cap` values the condition can only hold for values in it, so a
 * full set never changes again. Hence every decision is final: admitted
 * stays admitted, and a value refused (condition failed: not in the set and
 * the set full) is refused forever, whichever attempt or environment asks.
 * The cache per environment only remembers such final facts: values seen
 * admitted, and the whole set once it is full (read after the refusal, when
 * it can no longer change). A value not known admitted while the set is not
 * known full is always asked of the table.
 */
export class DynamoDimensionRegistry implements DimensionRegistry {
  private readonly days = new Map<string, DayState>();

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly consumerName: string,
  ) {}

  async admit(admission: DimensionAdmission): Promise<boolean[]> {
    const key = this.key(admission);
    const id = `${key.pk.S}\u0000${key.sk.S}`;
    let state = this.days.get(id);
    if (state === undefined) {
      // Read once per environment and day, so that values admitted earlier cost no write.
      state = await this.read(key, admission.cap);
      if (this.days.size >= MAX_CACHED_DAYS) this.days.delete(this.days.keys().next().value!);
      this.days.set(id, state);
    }
    const decisions: boolean[] = [];
    for (const value of admission.values) {
      if (state.admitted.has(value)) decisions.push(true);
      else if (state.full) decisions.push(false);
      else decisions.push(await this.tryAdmit(key, admission, value, state));
    }
    return decisions;
  }

  private async tryAdmit(key: RegistryKey, admission: DimensionAdmission, value: string, state: DayState): Promise<boolean> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'ADD #admitted :values SET #exp = if_not_exists(#exp, :exp)',
          ConditionExpression: 'attribute_not_exists(#admitted) OR contains(#admitted, :value) OR size(#admitted) < :cap',
          ExpressionAttributeNames: { '#admitted': MeasureAttributes.admitted, '#exp': 'expiresAt' },
          ExpressionAttributeValues: {
            ':values': { SS: [value] },
            ':value': { S: value },
            ':cap': { N: String(admission.cap) },
            ':exp': { N: String(admission.expiresAtSec) },
          },
          // The whole set after the write: other environments' admissions come with it.
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      for (const admitted of Attributes?.[MeasureAttributes.admitted]?.SS ?? [value]) state.admitted.add(admitted);
      state.full = state.admitted.size >= admission.cap;
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    // Refused: the set is full, so it is final now; keep all of it.
    const final = await this.read(key, admission.cap);
    state.admitted = final.admitted;
    state.full = true;
    return false;
  }

  private async read(key: RegistryKey, cap: number): Promise<DayState> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: key,
        ConsistentRead: true,
        ProjectionExpression: '#admitted',
        ExpressionAttributeNames: { '#admitted': MeasureAttributes.admitted },
      }),
    );
    const admitted = new Set(Item?.[MeasureAttributes.admitted]?.SS ?? []);
    return { admitted, full: admitted.size >= cap };
  }

  private key(admission: DimensionAdmission): RegistryKey {
    return { pk: { S: dimensionRegistryPk(this.consumerName, admission.type, admission.field) }, sk: { S: admission.day } };
  }
}

type RegistryKey = { pk: { S: string }; sk: { S: string } };
