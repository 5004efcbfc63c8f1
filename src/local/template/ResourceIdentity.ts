/** What a template's intrinsics see of a resource in the local stack. */
export interface ResourceIdentity {
  readonly logicalId: string;
  readonly type: string;
  /** Its physical name, locally. */
  readonly name: string;
  /** What `Ref` returns (a name for most types, an ARN for an SNS topic, a URL for an SQS queue). */
  readonly ref: string;
  /** What `Fn::GetAtt` returns, by attribute (`Arn` for every type). */
  readonly attributes: Readonly<Record<string, string>>;
}
