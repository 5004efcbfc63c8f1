// Moved to ./template/tablesFromTemplate.ts. This re-export keeps bench/dynamo/localEmulators.ts
// compiling until it imports from the new place; then delete this file.
export type { CloudFormationTemplate } from './template/CloudFormationTemplate';
export { type TemplateTable, tablesFromTemplate } from './template/tablesFromTemplate';
