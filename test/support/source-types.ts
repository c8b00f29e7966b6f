import fs from 'node:fs';
import path from 'node:path';

/** The members of a string-literal union type, read from the TypeScript source that declares it. */
export function unionMembers(file: string, typeName: string): string[] {
  const source = fs.readFileSync(path.join(__dirname, '../..', file), 'utf8');
  const declaration = new RegExp(`export type ${typeName} =([^;]+);`).exec(source);
  if (!declaration?.[1]) throw new Error(`${typeName} not found in ${file}`);
  return [...declaration[1].matchAll(/'([^']+)'/g)].map((m) => m[1]!);
}
