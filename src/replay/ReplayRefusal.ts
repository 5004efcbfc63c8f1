/**
 * A replay that cannot start as asked: a range in the future, or a shadow
 * that already holds a different replay. The CLI prints the message as one
 * line; nothing has been written when it is thrown.
 */
export class ReplayRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayRefusal';
  }
}
