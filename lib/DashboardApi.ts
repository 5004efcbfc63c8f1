import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { AggregatesStore } from './AggregatesStore';
import { Concern } from './monitoring/Concern';
import type { Monitoring } from './Monitoring';
import type { Quarantine } from './Quarantine';

/** The repository root when run from the sources (lib/), `dist/` when compiled (dist/lib/). */
const PROJECT_ROOT = path.resolve(__dirname, '..');
const SOURCE_ENTRY = path.join(PROJECT_ROOT, 'lambdas', 'dashboardApi', 'handler.ts');
/** The API's Lambda as `npm run build` bundled it (scripts/buildAssets.ts), deployed by the compiled library. */
export const DASHBOARD_API_BUNDLE_DIR = path.join(PROJECT_ROOT, 'assets', 'dashboardApi');

/** Properties of a {@link DashboardApi}. */
export interface DashboardApiProps {
  readonly stage: string;
  readonly stream: kinesis.IStream;
  readonly store: AggregatesStore;
  readonly quarantine: Quarantine;
  /** The consumers whose lag the API reports. */
  readonly consumerNames: readonly string[];
  /** The event types `/api/types` lists (the reader grant has no Scan to find them). */
  readonly eventTypes: readonly string[];
  /** Where its alarms go. */
  readonly monitoring: Monitoring;
}

/**
 * The dashboard's read path as an HTTP API (docs/dashboard.md): an API Gateway HTTP
 * API whose every route needs IAM (SigV4) auth, in front of a read-only Lambda with
 * the reader grants (get and query the tables, read the stream, list and get
 * quarantined records), with alarms on its 5xx answers and its latency.
 */
export class DashboardApi extends Construct {
  public readonly api: apigw.HttpApi;
  public readonly fn: lambda.Function;
  /** The base URL; the endpoints are under `api/`. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: DashboardApiProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'LogGroup', { retention: logs.RetentionDays.ONE_MONTH });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'streamtally dashboard API (read-only)',
    });
    logGroup.grantWrite(role);
    const settings = {
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(20),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      role,
      environment: {
        STREAM_NAME: props.stream.streamName,
        AGGREGATES_TABLE: props.store.aggregatesTable.tableName,
        CHECKPOINT_TABLE: props.store.checkpointTable.tableName,
        QUARANTINE_BUCKET: props.quarantine.bucket.bucketName,
        CONSUMER_NAMES: props.consumerNames.join(','),
        EVENT_TYPES: props.eventTypes.join(','),
        NODE_OPTIONS: '--enable-source-maps',
      },
    } satisfies Partial<lambda.FunctionProps>;
    // From the sources its TypeScript is bundled at synth; compiled (the package) there is
    // no TypeScript, and the bundle `npm run build` made from the same settings is deployed.
    this.fn = existsSync(SOURCE_ENTRY)
      ? new nodejs.NodejsFunction(this, 'Function', {
          ...settings,
          entry: SOURCE_ENTRY,
          projectRoot: PROJECT_ROOT,
          depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
          // As the aggregator is bundled (lib/StreamConsumer.ts): the SDK at the locked version.
          bundling: {
            forceDockerBundling: false,
            minify: true,
            sourceMap: true,
            sourcesContent: false,
            target: 'node22',
            bundleAwsSDK: true,
            externalModules: [],
          },
        })
      : new lambda.Function(this, 'Function', { ...settings, handler: 'index.handler', code: bundledCode() });
    props.store.grantRead(this.fn);
    props.stream.grantRead(this.fn);
    props.quarantine.grantQuarantineRead(this.fn);

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.ONE_MONTH });
    this.api = new apigw.HttpApi(this, 'Api', {
      description: `streamtally ${props.stage} dashboard API (read-only, IAM auth)`,
      createDefaultStage: false,
      defaultAuthorizer: new HttpIamAuthorizer(),
    });
    const stage = new apigw.HttpStage(this, 'Stage', {
      httpApi: this.api,
      autoDeploy: true,
      // JSON lines (structured), one per request.
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: apigateway.AccessLogFormat.jsonWithStandardFields(),
      },
      throttle: { rateLimit: 50, burstLimit: 100 },
    });
    this.api.addRoutes({
      path: '/api/{proxy+}',
      methods: [apigw.HttpMethod.GET],
      integration: new HttpLambdaIntegration('Reader', this.fn),
    });
    this.url = stage.url;

    const alarm = (name: string, meaning: string, metric: cloudwatch.IMetric, threshold: number) => {
      const created = new cloudwatch.Alarm(this, name, {
        alarmName: `streamtally-${props.stage}-dashboardApi-${name}`,
        alarmDescription: `${meaning} Runbook: docs/dashboard.md#its-alarms`,
        metric,
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      props.monitoring.addAlarm(created, Concern.consumer);
    };
    alarm(
      'serverErrors',
      'The dashboard API answered 5xx (its Lambda failed or timed out).',
      stage.metricServerError({ period: Duration.minutes(1), statistic: 'Sum' }),
      0,
    );
    alarm(
      'p99Latency',
      'The dashboard API took over 5 s at p99: the reads behind it are slow or throttled.',
      stage.metricLatency({ period: Duration.minutes(5), statistic: 'p99' }),
      5_000,
    );
    alarm(
      'functionErrors',
      'The dashboard API function threw.',
      this.fn.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' }),
      0,
    );

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only X-Ray (xray:PutTraceSegments, xray:PutTelemetryRecords, added by active tracing) has Resource *: X-Ray has no resource-level permissions.',
    });
    for (const id of ['AwsSolutions-L1', 'Serverless-LambdaLatestVersion']) {
      Validations.of(this.fn).acknowledge({
        id,
        reason: 'Node.js 22 is the runtime streamtally targets, bundles for (esbuild target node22) and tests, as for the aggregator.',
      });
    }
    Validations.of(this.fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'The function is invoked synchronously by API Gateway only, never asynchronously, so a function DLQ would never receive anything.',
    });
  }
}

function bundledCode(): lambda.Code {
  if (!existsSync(path.join(DASHBOARD_API_BUNDLE_DIR, 'index.js'))) {
    throw new Error(`DashboardApi: the API bundle ${DASHBOARD_API_BUNDLE_DIR} is missing: run \`npm run build\` in streamtally`);
  }
  return lambda.Code.fromAsset(DASHBOARD_API_BUNDLE_DIR);
}
