import ipaddr from 'ipaddr.js';

/**
 * The network a request came from, as the per-IP limits count it: an IPv4 address itself, an
 * IPv6 address by its /64. A household or a server is given a whole /64, so counting single IPv6
 * addresses would hand one attacker 2^64 budgets. What cannot be read counts as 'unknown'.
 */
export function clientNetwork(ip: string | undefined): string {
  if (!ip || !ipaddr.isValid(ip)) return 'unknown';
  const address = ipaddr.process(ip); // an IPv4-mapped IPv6 address becomes the IPv4 one
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${parts.join(':')}::/64`;
}
