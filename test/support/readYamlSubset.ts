/**
 * Reads the small subset of YAML that compose.yaml is written in: block mappings,
 * block sequences, flow sequences of scalars, quoted and plain scalars, comments.
 * Anything else (anchors, multi-line scalars, tabs, flow mappings) is an error, so the
 * file cannot drift into syntax this reader would misread. There is no YAML parser
 * among the project's dependencies, and Docker Compose is not installed where CI runs.
 */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  readonly number: number;
  readonly indent: number;
  readonly text: string;
}

export function readYamlSubset(source: string): YamlValue {
  const lines: Line[] = [];
  source.split('\n').forEach((raw, index) => {
    if (raw.includes('\t')) throw new Error(`line ${index + 1}: tabs are not YAML indentation`);
    const text = stripComment(raw).trimEnd();
    if (text.trim() === '') return;
    lines.push({ number: index + 1, indent: text.length - text.trimStart().length, text: text.trim() });
  });
  let position = 0;

  function block(indent: number): YamlValue {
    const first = lines[position];
    if (!first || first.indent !== indent) throw new Error(`line ${first?.number ?? 'end'}: expected a block at indentation ${indent}`);
    if (first.text.startsWith('- ') || first.text === '-') {
      const items: YamlValue[] = [];
      while (position < lines.length && lines[position]!.indent === indent && lines[position]!.text.startsWith('-')) {
        const line = lines[position++]!;
        const rest = line.text.slice(1).trim();
        if (rest === '') throw new Error(`line ${line.number}: nested blocks inside sequences are not in the subset`);
        if (/^[^"'[]*:(\s|$)/.test(rest)) throw new Error(`line ${line.number}: mappings inside sequences are not in the subset`);
        items.push(scalarOrFlow(rest, line.number));
      }
      return items;
    }
    const map: { [key: string]: YamlValue } = {};
    while (position < lines.length && lines[position]!.indent === indent) {
      const line = lines[position++]!;
      const match = /^([A-Za-z0-9_.-]+|"[^"]*"):(?:\s+(.*))?$/.exec(line.text);
      if (!match) throw new Error(`line ${line.number}: expected "key: value", got "${line.text}"`);
      const key = match[1]!.replace(/^"|"$/g, '');
      if (key in map) throw new Error(`line ${line.number}: duplicate key "${key}"`);
      const rest = match[2];
      if (rest === undefined || rest === '') {
        const next = lines[position];
        map[key] = next && next.indent > indent ? block(next.indent) : null;
      } else {
        map[key] = scalarOrFlow(rest, line.number);
      }
    }
    const next = lines[position];
    if (next && next.indent > indent) throw new Error(`line ${next.number}: unexpected indentation`);
    return map;
  }

  const value = block(lines[0]?.indent ?? 0);
  if (position < lines.length) throw new Error(`line ${lines[position]!.number}: unexpected indentation`);
  return value;
}

function scalarOrFlow(text: string, lineNumber: number): YamlValue {
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) throw new Error(`line ${lineNumber}: a flow sequence must close on its line`);
    const inner = text.slice(1, -1).trim();
    if (inner === '') return [];
    return splitFlow(inner, lineNumber).map((item) => scalar(item.trim(), lineNumber));
  }
  if (/^[{&*!|>]/.test(text)) throw new Error(`line ${lineNumber}: "${text[0]}" is not in the subset`);
  return scalar(text, lineNumber);
}

function scalar(text: string, lineNumber: number): YamlValue {
  if (text.startsWith('"')) {
    if (!text.endsWith('"') || text.length < 2) throw new Error(`line ${lineNumber}: unterminated string`);
    return JSON.parse(text) as string;
  }
  if (text.startsWith("'")) {
    if (!text.endsWith("'") || text.length < 2) throw new Error(`line ${lineNumber}: unterminated string`);
    return text.slice(1, -1).replace(/''/g, "'");
  }
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null' || text === '~') return null;
  return text;
}

/** Splits `a, "b, c", 'd'` at the commas outside quotes. */
function splitFlow(text: string, lineNumber: number): string[] {
  const items: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (const char of text) {
    if (quote) {
      current += char;
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") {
      quote = char;
      current += char;
    } else if (char === ',') {
      items.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (quote) throw new Error(`line ${lineNumber}: unterminated string in a flow sequence`);
  items.push(current);
  return items;
}

/** The line without its comment: a `#` at the start or after a space, outside quotes. */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index]!;
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === '#' && (index === 0 || line[index - 1] === ' ')) {
      return line.slice(0, index);
    }
  }
  return line;
}
