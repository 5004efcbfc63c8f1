/** The states of a CloudWatch alarm. */
export const AlarmState = {
  ok: 'OK',
  alarm: 'ALARM',
  insufficientData: 'INSUFFICIENT_DATA',
} as const;
export type AlarmState = (typeof AlarmState)[keyof typeof AlarmState];
