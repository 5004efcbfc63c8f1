import type { CloudFormationTemplate } from './CloudFormationTemplate';
import type { LocalEnvironment } from './LocalEnvironment';
import type { ResourceIdentity } from './ResourceIdentity';
import { TemplateError } from '../errors';

/** The resources intrinsics can name, by logical id (a Map will do). */
export interface ResourceIdentities {
  get(logicalId: string): ResourceIdentity | undefined;
}

/** Why a value cannot be resolved; becomes a {@link TemplateError} naming where it was. */
class Unresolvable extends Error {}

/** `Ref: AWS::NoValue`: the property is dropped, as CloudFormation does. */
const NO_VALUE = Symbol('AWS::NoValue');

/**
 * Resolves CloudFormation intrinsic functions to the values they have in the local stack
 * (the one resolver of the local runtime: the stack's plan and the alarm evaluator use it):
 * `Ref` and `Fn::GetAtt` of a resource give its local name and fake local ARN, pseudo
 * parameters give the local account and region; `Fn::Join`, `Fn::Sub`, `Fn::Select`,
 * `Fn::Split`, `Fn::If` (with the template's conditions), `Fn::FindInMap`, `Fn::Base64`,
 * `Fn::GetAZs`, `Fn::ToJsonString` and `Fn::Length` are evaluated. Anything else (e.g.
 * `Fn::ImportValue`, which reads another stack) is a {@link TemplateError} naming the place.
 */
export class IntrinsicResolver {
  private readonly conditionValues = new Map<string, boolean>();

  constructor(
    private readonly template: CloudFormationTemplate,
    private readonly identities: ResourceIdentities,
    private readonly environment: Pick<LocalEnvironment, 'region' | 'accountId' | 'stackName'>,
  ) {}

  /**
   * `value` with every intrinsic resolved.
   * @param where what the value is, for the error message (`environment variable X of function Y`)
   * @throws {@link TemplateError} `cannot resolve <where>: <reason>`
   */
  resolve(value: unknown, where: string): unknown {
    try {
      const resolved = this.value(value);
      return resolved === NO_VALUE ? undefined : resolved;
    } catch (error) {
      if (error instanceof Unresolvable) throw new TemplateError(`cannot resolve ${where}: ${error.message}`, { cause: error });
      throw error;
    }
  }

  /** {@link resolve}, required to give a string. */
  resolveString(value: unknown, where: string): string {
    const resolved = this.resolve(value, where);
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    throw new TemplateError(`cannot resolve ${where}: it is ${JSON.stringify(resolved) ?? 'nothing'}, not a string`);
  }

  /**
   * Whether the template's condition `name` holds locally.
   * @throws {@link TemplateError} when it cannot be evaluated
   */
  condition(name: string): boolean {
    try {
      return this.conditionValue(name);
    } catch (error) {
      if (error instanceof Unresolvable) throw new TemplateError(`cannot evaluate condition ${name}: ${error.message}`, { cause: error });
      throw error;
    }
  }

  private conditionValue(name: string): boolean {
    const known = this.conditionValues.get(name);
    if (known !== undefined) return known;
    const definition = this.template.Conditions?.[name];
    if (definition === undefined) throw new Unresolvable(`the template has no condition ${name}`);
    const result = this.value(definition);
    if (typeof result !== 'boolean') throw new Unresolvable(`condition ${name} is not true or false`);
    this.conditionValues.set(name, result);
    return result;
  }

  private value(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.value(item)).filter((item) => item !== NO_VALUE);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    if (entries.length === 1) {
      const [key, argument] = entries[0] as [string, unknown];
      if (key === 'Ref' || key === 'Condition' || key.startsWith('Fn::')) return this.intrinsic(key, argument);
    }
    const result: Record<string, unknown> = {};
    for (const [key, item] of entries) {
      const resolved = this.value(item);
      if (resolved !== NO_VALUE) result[key] = resolved;
    }
    return result;
  }

  private intrinsic(name: string, argument: unknown): unknown {
    switch (name) {
      case 'Ref':
        return this.ref(this.stringArgument(name, argument));
      case 'Condition':
        return this.conditionValue(this.stringArgument(name, argument));
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = typeof argument === 'string' ? splitOnce(argument, '.') : (this.value(argument) as unknown[]);
        return this.getAtt(String(logicalId), String(attribute));
      }
      case 'Fn::Join': {
        const [delimiter, items] = this.arrayArgument(name, argument, 2);
        return this.list(name, items)
          .map((item) => this.scalar(name, item))
          .join(String(delimiter));
      }
      case 'Fn::Select': {
        const [index, items] = this.arrayArgument(name, argument, 2);
        const list = this.list(name, items);
        const position = Number(index);
        if (!Number.isInteger(position) || position < 0 || position >= list.length)
          throw new Unresolvable(`Fn::Select index ${String(index)} is outside a list of ${list.length}`);
        return list[position];
      }
      case 'Fn::Split': {
        const [delimiter, text] = this.arrayArgument(name, argument, 2);
        return this.scalar(name, text).split(String(delimiter));
      }
      case 'Fn::Sub':
        return this.sub(argument);
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = Array.isArray(argument) ? argument : [];
        if (typeof condition !== 'string') throw new Unresolvable('Fn::If needs [condition, value if true, value if false]');
        return this.value(this.conditionValue(condition) ? whenTrue : whenFalse);
      }
      case 'Fn::Equals': {
        const [left, right] = this.arrayArgument(name, argument, 2);
        return JSON.stringify(left) === JSON.stringify(right);
      }
      case 'Fn::Not':
        return !this.booleanItems(name, argument)[0];
      case 'Fn::And':
        return this.booleanItems(name, argument).every(Boolean);
      case 'Fn::Or':
        return this.booleanItems(name, argument).some(Boolean);
      case 'Fn::FindInMap': {
        const [map, top, second] = this.arrayArgument(name, argument, 3).map(String) as [string, string, string];
        const found = this.template.Mappings?.[map]?.[top]?.[second];
        if (found === undefined) throw new Unresolvable(`Fn::FindInMap: mapping ${map} has no ${top}.${second}`);
        return this.value(found);
      }
      case 'Fn::Base64':
        return Buffer.from(this.scalar(name, this.value(argument))).toString('base64');
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((zone) => `${this.environment.region}${zone}`);
      case 'Fn::ToJsonString':
        return JSON.stringify(this.value(argument));
      case 'Fn::Length':
        return this.list(name, this.value(argument)).length;
      case 'Fn::ImportValue':
        throw new Unresolvable("Fn::ImportValue reads another stack's exports, which the local stack does not have");
      default:
        throw new Unresolvable(`${name} is not supported by the local runtime`);
    }
  }

  private ref(name: string): unknown {
    const { region, accountId, stackName } = this.environment;
    switch (name) {
      case 'AWS::Region':
        return region;
      case 'AWS::AccountId':
        return accountId;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return stackName;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${region}:${accountId}:stack/${stackName}/00000000-0000-0000-0000-000000000000`;
      case 'AWS::NotificationARNs':
        return [];
      case 'AWS::NoValue':
        return NO_VALUE;
    }
    const identity = this.identities.get(name);
    if (identity) return identity.ref;
    const parameter = this.template.Parameters?.[name];
    if (parameter) {
      if (parameter.Type.startsWith('AWS::SSM::Parameter'))
        throw new Unresolvable(`Ref ${name}: an SSM parameter, which has no local value`);
      if (parameter.Default === undefined) throw new Unresolvable(`Ref ${name}: a parameter without a default`);
      return parameter.Default;
    }
    if (this.template.Resources?.[name]) throw new Unresolvable(`Ref ${name}: a resource whose condition is false locally`);
    throw new Unresolvable(`Ref ${name}: no such resource or parameter`);
  }

  private getAtt(logicalId: string, attribute: string): string {
    const identity = this.identities.get(logicalId);
    if (!identity) throw new Unresolvable(`Fn::GetAtt ${logicalId}.${attribute}: no such resource`);
    const value = identity.attributes[attribute];
    if (value === undefined)
      throw new Unresolvable(`Fn::GetAtt ${logicalId}.${attribute}: the local runtime has no ${attribute} for ${identity.type}`);
    return value;
  }

  private sub(argument: unknown): string {
    const [text, variables] = typeof argument === 'string' ? [argument, {}] : Array.isArray(argument) ? argument : [];
    if (typeof text !== 'string') throw new Unresolvable('Fn::Sub needs a string or [string, variables]');
    const values = (this.value(variables ?? {}) ?? {}) as Record<string, unknown>;
    return text.replace(/\$\{([^}]*)\}/g, (_whole, inner: string) => {
      if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
      if (inner in values) return this.scalar('Fn::Sub', values[inner]);
      if (inner.includes('.')) {
        const [logicalId, attribute] = splitOnce(inner, '.');
        return this.getAtt(logicalId, attribute);
      }
      return this.scalar('Fn::Sub', this.ref(inner));
    });
  }

  private stringArgument(name: string, argument: unknown): string {
    if (typeof argument !== 'string') throw new Unresolvable(`${name} needs a name`);
    return argument;
  }

  private arrayArgument(name: string, argument: unknown, length: number): unknown[] {
    const resolved = this.value(argument);
    if (!Array.isArray(resolved) || resolved.length < length) throw new Unresolvable(`${name} needs a list of ${length}`);
    return resolved;
  }

  private list(name: string, value: unknown): unknown[] {
    if (!Array.isArray(value)) throw new Unresolvable(`${name} needs a list, got ${JSON.stringify(value)}`);
    return value;
  }

  private scalar(name: string, value: unknown): string {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw new Unresolvable(`${name} needs text, got ${JSON.stringify(value)}`);
  }

  private booleanItems(name: string, argument: unknown): boolean[] {
    const items = this.list(name, this.value(argument));
    if (!items.every((item) => typeof item === 'boolean')) throw new Unresolvable(`${name} needs conditions`);
    return items as boolean[];
  }
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}
