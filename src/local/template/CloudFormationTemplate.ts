/** A resource of a CloudFormation template, as far as the local stack reads it. */
export interface CloudFormationResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
  /** CDK puts `aws:asset:path` here (when asset metadata is on, as with `cdk synth`). */
  readonly Metadata?: Readonly<Record<string, unknown>>;
  /** The name of a condition that decides whether the resource exists. */
  readonly Condition?: string;
}

/** An output of a CloudFormation template. */
export interface CloudFormationOutput {
  readonly Value: unknown;
  readonly Description?: string;
  readonly Condition?: string;
}

/** The parts of a synthesized CloudFormation template that the local stack reads. */
export interface CloudFormationTemplate {
  readonly Resources?: Readonly<Record<string, CloudFormationResource>>;
  readonly Outputs?: Readonly<Record<string, CloudFormationOutput>>;
  readonly Conditions?: Readonly<Record<string, unknown>>;
  readonly Parameters?: Readonly<Record<string, { readonly Type: string; readonly Default?: unknown }>>;
  readonly Mappings?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
}
