/** The account and region the local stack pretends to be in. */
export interface LocalEnvironment {
  /** @default 'us-east-1' */
  readonly region: string;
  /** The Kinesis emulator's account, so the stream ARNs of the plan are the ones it reports. @default '000000000000' */
  readonly accountId: string;
  /** `AWS::StackName`. */
  readonly stackName: string;
  /** Prefix of the names given to resources the template leaves unnamed. @default 'streamtally' */
  readonly namePrefix: string;
}
