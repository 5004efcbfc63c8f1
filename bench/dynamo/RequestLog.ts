import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';

/** One request as the SDK sent it: which command, on which table or bucket, for which item. */
export interface LoggedRequest {
  readonly command: string;
  /** TableName or Bucket. */
  readonly target: string;
  /** `pk|sk` for single-item DynamoDB commands. */
  readonly itemKey: string | undefined;
  /** Set once the response is in: whether a condition check failed. */
  conditionFailed: boolean;
}

type Input = { TableName?: string; Bucket?: string; Key?: Record<string, { S?: string }>; Item?: Record<string, { S?: string }> };

/**
 * Logs every command sent through the clients it is attached to, by a
 * middleware at the `initialize` step (once per command, whatever the
 * retries), and counts HTTP attempts by one inside the retry loop.
 */
export class RequestLog {
  readonly requests: LoggedRequest[] = [];
  attempts = 0;

  attach(client: DynamoDBClient | S3Client): void {
    // Both clients share the smithy middleware stack; their command unions differ, hence the loose type here.
    const stack = (client as DynamoDBClient).middlewareStack as unknown as {
      add(middleware: unknown, options: { step: string; name: string; priority?: string }): void;
    };
    stack.add(
      (next: (args: { input: Input }) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: Input }) => {
        const input = args.input;
        const keyed = input.Key ?? input.Item;
        const entry: LoggedRequest = {
          command: context.commandName ?? 'unknown',
          target: input.TableName ?? input.Bucket ?? '',
          itemKey: keyed?.pk?.S === undefined ? undefined : `${keyed.pk.S}|${keyed.sk?.S ?? ''}`,
          conditionFailed: false,
        };
        this.requests.push(entry);
        try {
          return await next(args);
        } catch (error) {
          if ((error as Error).name === 'ConditionalCheckFailedException') entry.conditionFailed = true;
          throw error;
        }
      },
      { step: 'initialize', name: 'benchRequestLog' },
    );
    stack.add(
      (next: (args: unknown) => Promise<unknown>) => (args: unknown) => {
        this.attempts++;
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'benchAttemptCount' },
    );
  }

  /** How many requests have been logged: a position to slice from later. */
  mark(): number {
    return this.requests.length;
  }

  since(mark: number): readonly LoggedRequest[] {
    return this.requests.slice(mark);
  }
}
