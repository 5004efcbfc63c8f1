import { PutRecordsCommand, type PutRecordsCommandInput } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { it } from 'vitest';
import { Producer } from '../../../src/producer/Producer';
import { answer, producerEvent, singleAttemptClient } from './factories';
it('debug', async () => {
  const client = singleAttemptClient();
  const kinesis = mockClient(client);
  kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => answer(input));
  const p = new Producer({ streamName: 's', client, maxAttempts: 2 });
  await p.send(producerEvent(1));
  const r = await p.close();
  console.log(r.failedRecords[0].errorCode, r.failedRecords[0].errorMessage);
});
