import Table from 'cli-table3';

/** Renders rows as a boxed table string; colour only when the stream is a terminal and NO_COLOR is unset. */
export function renderTable(
  head: string[],
  rows: (string | number)[][],
  stream: NodeJS.WriteStream = process.stdout,
): string {
  const colour = Boolean(stream.isTTY) && !process.env.NO_COLOR;
  const table = new Table({
    head,
    style: { head: colour ? ['cyan'] : [], border: colour ? ['grey'] : [] },
    // No rule between body rows: long tables stay readable.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const row of rows) table.push(row.map(String));
  return table.toString();
}

/** Bytes as MiB/GiB for people. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '-';
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  return `${Math.round(bytes / 1024 ** 2)} MiB`;
}

/** Renders rows as a GitHub-flavoured Markdown table. */
export function renderMarkdownTable(head: string[], rows: (string | number)[][]): string {
  const escape = (cell: string | number) => String(cell).replaceAll('|', '\\|');
  const line = (cells: (string | number)[]) => `| ${cells.map(escape).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}
