import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { AggregateAttributes, AggregateIndexes } from '../core';

// The item layout is the consumer's (core/itemKeys.ts): one source for both.
const A = AggregateAttributes;
const PARTITION_KEY = A.pk;
const SORT_KEY = A.sk;
const TTL_ATTRIBUTE = A.expiresAt;
/** The index that lists every key of one window (top keys come from leaderboard items instead). */
export const BY_WINDOW_INDEX = AggregateIndexes.byWindow;
const WINDOW_PARTITION_KEY = A.windowPk;
const WINDOW_SORT_KEY = A.key;

/** Item operations a consumer needs: conditional puts and updates (also inside transactions), reads. */
const CONSUMER_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];
const READER_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:DescribeTable'];

/** Properties of an {@link AggregatesStore}. */
export interface AggregatesStoreProps {
  /**
   * Customer-managed key for both tables.
   * @default - the AWS-managed key (aws/dynamodb)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * What happens to the tables when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Refuse table deletion, also outside CloudFormation.
   * @default false
   */
  readonly deletionProtection?: boolean;
}

/**
 * The two DynamoDB tables of the consumers: window aggregates (with the
 * keys-only `byWindow` index listing each window's keys, and leaderboard items for top-N) and checkpoints (per-consumer, per-shard
 * offsets and producer-id claims). On-demand, point-in-time recovery, encrypted, TTL on
 * `expiresAt` (aggregates by window TTL, claims by dedup retention; checkpoints never expire).
 */
export class AggregatesStore extends Construct {
  /** Window aggregates and top-keys leaderboards: pk, sk; TTL expiresAt; GSI byWindow (windowPk, key), keys only. */
  public readonly aggregatesTable: dynamodb.Table;
  /** Consumer checkpoints and producer-id claims: pk, sk; TTL expiresAt. */
  public readonly checkpointTable: dynamodb.Table;

  constructor(scope: Construct, id: string, props: AggregatesStoreProps = {}) {
    super(scope, id);
    const common: Omit<dynamodb.TableProps, 'partitionKey'> = {
      sortKey: { name: SORT_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      ...(props.encryptionKey
        ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: props.encryptionKey }
        : { encryption: dynamodb.TableEncryption.AWS_MANAGED }),
      timeToLiveAttribute: TTL_ATTRIBUTE,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      deletionProtection: props.deletionProtection,
    };
    this.aggregatesTable = new dynamodb.Table(this, 'Aggregates', {
      partitionKey: { name: PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      ...common,
    });
    // Keys only, and keyed by attributes an item never changes: DynamoDB then
    // writes the index once per item, not on every count change.
    this.aggregatesTable.addGlobalSecondaryIndex({
      indexName: BY_WINDOW_INDEX,
      partitionKey: { name: WINDOW_PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      sortKey: { name: WINDOW_SORT_KEY, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });
    this.checkpointTable = new dynamodb.Table(this, 'Checkpoints', {
      partitionKey: { name: PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      ...common,
    });
  }

  /**
   * Lets a consumer read and write items of both tables and query the index: named
   * item actions on the two table ARNs and the one index ARN (no Scan, no wildcard).
   */
  public grantConsumer(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, CONSUMER_ACTIONS);
  }

  /** Lets a reader (query tools, dashboards) get and query items of both tables and the index. */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, READER_ACTIONS);
  }

  private grant(grantee: iam.IGrantable, actions: string[]): iam.Grant {
    const resourceArns = [
      this.aggregatesTable.tableArn,
      `${this.aggregatesTable.tableArn}/index/${BY_WINDOW_INDEX}`,
      this.checkpointTable.tableArn,
    ];
    const grant = iam.Grant.addToPrincipal({ grantee, actions, resourceArns });
    const key = this.aggregatesTable.encryptionKey;
    if (key) return grant.combine(actions === READER_ACTIONS ? key.grantDecrypt(grantee) : key.grantEncryptDecrypt(grantee));
    return grant;
  }
}
