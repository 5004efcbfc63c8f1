/** Where each emulator of the local stack answers (docs/contract.md §3, `endpoints`). */
export interface LocalEndpoints {
  /** The Kinesis emulator, `http://127.0.0.1:<port>`. */
  readonly kinesis: string;
  /** The DynamoDB emulator, `http://127.0.0.1:<port>`. */
  readonly dynamodb: string;
  /** The S3 emulator, `http://127.0.0.1:<port>` (path-style addressing). */
  readonly s3: string;
}
