export { JournalingKinesisProxy } from './JournalingKinesisProxy';
export { type JournaledKinesisOptions, startJournaledKinesis } from './startJournaledKinesis';
export { WriteAheadJournal } from './WriteAheadJournal';
