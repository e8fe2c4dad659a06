/**
 * Just enough YAML for the compose file, written the way Prettier formats it (so a generated file passes
 * `prettier --check`): block mappings and lists, short lists of scalars on one line, multi-line strings as
 * literal blocks, and scalars quoted only when YAML could read them as something else.
 */

/** A YAML value; mappings keep their insertion order. */
export type YamlNode = string | number | boolean | null | YamlNode[] | { [key: string]: YamlNode };

/** Longest line, as Prettier formats it. */
export const YAML_WIDTH = 110;

/**
 * The YAML lines of `head` (`key:` or `-`) followed by a value, indented by `indent` spaces: a list of scalars
 * on one line when it fits, multi-line strings as literal blocks.
 */
export function yamlEntry(head: string, value: YamlNode, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (value.every((item) => item === null || typeof item !== 'object')) {
      const flow = `${pad}${head} [${value.map((item) => yamlScalar(item as string)).join(', ')}]`;
      if (flow.length <= YAML_WIDTH) return [flow];
    }
    return [`${pad}${head}`, ...value.flatMap((item) => yamlEntry('-', item, indent + 2))];
  }
  if (value !== null && typeof value === 'object') {
    return [
      `${pad}${head}`,
      ...Object.entries(value).flatMap(([key, v]) => yamlEntry(`${key}:`, v, indent + 2)),
    ];
  }
  if (value === null) return [`${pad}${head}`];
  if (typeof value === 'string' && value.includes('\n') && !/^[ \t]|\r/.test(value)) {
    const body = value.replace(/\n$/, '');
    const chomp = value.endsWith('\n') ? (body.endsWith('\n') ? '+' : '') : '-';
    return [`${pad}${head} |${chomp}`, ...body.split('\n').map((line) => (line ? `${pad}  ${line}` : ''))];
  }
  return [`${pad}${head} ${yamlScalar(value)}`];
}

/** A scalar as YAML: plain when it cannot be read as anything but that string (in a list too), else quoted. */
export function yamlScalar(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value);
  const plain =
    /^(?:[A-Za-z_/]|-+[A-Za-z]|\.\.?(?:\/|$))[\w./:=+*@%-]*$/.test(value) || /^\d+(?:ms|s|m|g)$/.test(value);
  const ambiguous = /^(?:true|false|yes|no|on|off|y|n|null)$/i.test(value) || value.endsWith(':');
  if (plain && !ambiguous) return value;
  if (/[\n\r]/.test(value)) return JSON.stringify(value);
  return `'${value.replaceAll("'", "''")}'`;
}
