#!/usr/bin/env node
// Writes a Prisma 6 copy of prisma/schema.prisma for the Prisma 6 CLI (npm alias
// `prisma-migrate-engine`), which is what authors and checks migrations offline here: Prisma 7's CLI
// needs a native schema engine it cannot download. Prisma 6 wants the datasource URL in the schema
// and does not know the `prisma-client` generator, so: drop generator blocks, add `url = env(...)`.
//
//   node scripts/prisma-v6-schema.mjs [input=prisma/schema.prisma] [output=-]   ("-" = stdout)
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Pure: Prisma 7 schema text -> Prisma 6 schema text. Throws when there is no datasource block. */
export function toV6Schema(source) {
  const withoutGenerators = source.replace(/^generator\s+\w+\s*\{[\s\S]*?^\}[ \t]*\r?\n?/gm, '');
  const datasource = /^(datasource\s+\w+\s*\{)([\s\S]*?)^\}/m;
  const match = datasource.exec(withoutGenerators);
  if (!match) throw new Error('no `datasource` block found in the schema');
  if (/^\s*url\s*=/m.test(match[2])) return withoutGenerators;
  return withoutGenerators.replace(datasource, (_all, head, body) => `${head}${body}  url = env("DATABASE_URL")\n}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [input = 'prisma/schema.prisma', output = '-'] = process.argv.slice(2);
  let text;
  try {
    text = toV6Schema(readFileSync(input, 'utf8'));
  } catch (error) {
    console.error(`${input}: ${error.message}`);
    process.exit(1);
  }
  if (output === '-') process.stdout.write(text);
  else writeFileSync(output, text);
}
