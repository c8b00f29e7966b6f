/**
 * The body rows of the page's first table (or of table `index`), each as the text of its cells:
 * tags taken out, spaces trimmed, entities left as they are.
 */
export function tableRows(html: string, index = 0): string[][] {
  const body = [...html.matchAll(/<tbody[^>]*>([\s\S]*?)<\/tbody>/g)][index]?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) => cell[1]!.replace(/<[^>]+>/g, '').trim()));
}
