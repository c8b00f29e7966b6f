/** The href of the link with `text` in the pager labelled `label` (views/components/paging/nav.ejs), or undefined. */
export function pagerLink(html: string, label: string, text: string): string | undefined {
  const nav = new RegExp(`<nav aria-label="${label}">([\\s\\S]*?)</nav>`).exec(html)?.[1] ?? '';
  return new RegExp(`<a href="([^"]+)">${text}</a>`).exec(nav)?.[1];
}
