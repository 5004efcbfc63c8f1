/** The emulators of the local stack, by the AWS service they stand in for. */
export const EmulatorName = {
  /** Kinesis Data Streams: kinesalite (patched, see docs/local-runtime.md). */
  kinesis: 'kinesis',
  /** DynamoDB: dynalite. */
  dynamodb: 'dynamodb',
  /** S3: s3rver. */
  s3: 's3',
} as const;

/** One of {@link EmulatorName}. */
export type EmulatorName = (typeof EmulatorName)[keyof typeof EmulatorName];
