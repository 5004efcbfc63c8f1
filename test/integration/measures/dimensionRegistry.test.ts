import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { dimensionRegistryPk } from '../../../core';
import { DynamoDimensionRegistry } from '../../../lambdas/aggregator/store/DynamoDimensionRegistry';
import type { DimensionAdmission } from '../../../lambdas/aggregator/store/ports';
import { tablesFromTemplate } from '../../../src/local/template/tablesFromTemplate';
import { dynamoClient } from '../../support/clients';
import { outputLogicalId, synthesizedTemplate } from '../../support/synthesizedTemplate';

describe('the dimension registry on dynalite: the first cap values of a day, decided once for every environment', () => {
  const dynamo = dynamoClient(inject('dynamoEndpoint'));
  const template = synthesizedTemplate();
  const tables = tablesFromTemplate(template, (logicalId) => `${logicalId}-dims-${process.pid}`);
  const checkpointTable = tables.find((table) => table.logicalId === outputLogicalId(template, 'CheckpointTableName'))!.input.TableName!;
  let consumer = 0;

  beforeAll(async () => {
    await dynamo.send(new CreateTableCommand(tables.find((table) => table.input.TableName === checkpointTable)!.input));
  });

  const admission = (values: string[], day = '2026-12-03'): DimensionAdmission => ({
    type: 'page_view',
    field: 'attrs.country',
    day,
    cap: 2,
    values,
    expiresAtSec: 1_900_000_000,
  });

  it('admits values until the set is full, then refuses every other value, the same in every environment', async () => {
    // Prepare
    const name = `dims${++consumer}`;
    const first = new DynamoDimensionRegistry(dynamo, checkpointTable, name);
    const second = new DynamoDimensionRegistry(dynamo, checkpointTable, name);

    // Act
    const a = await first.admit(admission(['DE']));
    const b = await second.admit(admission(['FR', 'IT', 'DE']));
    // `first` last saw the set with room; it learns the full set from its refusal.
    const c = await first.admit(admission(['IT', 'FR', 'DE', 'ES']));
    const fresh = await new DynamoDimensionRegistry(dynamo, checkpointTable, name).admit(admission(['ES', 'FR', 'DE']));
    const otherDay = await first.admit(admission(['IT'], '2026-12-04'));

    // Assess
    expect(a).toEqual([true]);
    expect(b).toEqual([true, false, true]);
    expect(c).toEqual([false, true, true, false]);
    expect(fresh).toEqual([false, true, true]);
    expect(otherDay).toEqual([true]);
    const { Item } = await dynamo.send(
      new GetItemCommand({
        TableName: checkpointTable,
        Key: { pk: { S: dimensionRegistryPk(name, 'page_view', 'attrs.country') }, sk: { S: '2026-12-03' } },
      }),
    );
    expect(new Set(Item?.admitted?.SS)).toEqual(new Set(['DE', 'FR']));
    expect(Item?.expiresAt?.N).toBe('1900000000');
  });

  it('asks the table for a value it does not know while the set has room (another environment may have admitted it)', async () => {
    const name = `dims${++consumer}`;
    const first = new DynamoDimensionRegistry(dynamo, checkpointTable, name);
    const second = new DynamoDimensionRegistry(dynamo, checkpointTable, name);
    expect(await first.admit(admission(['DE']))).toEqual([true]);
    expect(await second.admit(admission(['FR']))).toEqual([true]);
    // The set is full now; `first` has not seen FR but must not refuse it.
    expect(await first.admit(admission(['FR', 'IT']))).toEqual([true, false]);
  });
});
