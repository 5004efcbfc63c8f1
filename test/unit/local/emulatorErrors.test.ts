import { describe, expect, it } from 'vitest';
import { EmulatorError } from '../../../src/local/emulators';
import { OutputTail } from '../../../src/local/emulators/OutputTail';
import { portTakenError } from '../../../src/local/emulators/portTakenError';

describe('emulator errors', () => {
  it('are one line, whatever output they quote', () => {
    const error = new EmulatorError('kinesis', 'kinesis emulator exited: Error: boom\n  at x (y.js:1)\r\n  at z');
    expect(error.name).toBe('EmulatorError');
    expect(error.emulator).toBe('kinesis');
    expect(error.message).toBe('kinesis emulator exited: Error: boom | at x (y.js:1) | at z');
  });

  it('name the option that picks another port', () => {
    expect(portTakenError('dynamodb', 8000).message).toBe(
      'port 8000 is taken (dynamodb); choose another with --dynamodb-port or stop what uses it',
    );
  });
});

describe('OutputTail', () => {
  it('keeps the last lines, across chunks, without blank ones', () => {
    const tail = new OutputTail(3);
    tail.push('one\ntw');
    tail.push('o\n\nthree\nfour\nfi');
    expect(tail.text()).toBe('two | three | four | fi');
    expect(tail.includes('three')).toBe(true);
    expect(new OutputTail().text()).toBe('(no output)');
  });
});
