/** The emulators of the local stack, by the AWS service they stand in for. */
export const EmulatorName = {
  /** Kinesis Data Streams: kinesis-local (kinesis-mock, the engine LocalStack uses). */
  kinesis: 'kinesis',
  /** DynamoDB: dynalite. */
  dynamodb: 'dynamodb',
  /** S3: s3rver. */
  s3: 's3',
} as const;

/** One of {@link EmulatorName}. */
export type EmulatorName = (typeof EmulatorName)[keyof typeof EmulatorName];
