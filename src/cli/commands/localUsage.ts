// What `--help` prints for the command: apart from its code, so `streamtally --help`
// loads no command (src/cli/main.ts loads each one when it runs).

export const localUsage = `streamtally local up [--detach] [--stack NAME] [--kinesis-port N] [--dynamodb-port N] [--s3-port N]
streamtally local down
  up: starts the emulators, the resources of cdk.out and the consumers on this machine (run \`npx cdk synth\` first);
      prints READY <state-file> once events can be sent, runs until Ctrl-C (--detach: in the background).
  down: stops a local stack started with --detach (or in another terminal).`;
