/**
 * An alarm of the template cannot be evaluated locally: a form CloudWatch has that
 * this evaluator does not (an anomaly-detection threshold, an unknown metric-math
 * function), or an unresolvable reference. The message names the alarm.
 */
export class AlarmEvaluationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AlarmEvaluationError';
  }
}
