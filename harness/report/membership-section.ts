/**
 * The "Membership" section of report.html: one row per join or leave, with how far ownership moved
 * on the members' own rings beside consistent hashing at best and a hash-mod-n placement, and how
 * long the members took to agree on the new ring. Pure: rows in, HTML out; no script.
 */
import type { OwnershipChange } from '../checks/ownership.js';
import { esc } from './html.js';

export function membershipSection(rows: readonly OwnershipChange[]): string {
  if (rows.length === 0) return '';
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const out = ['<section id="membership"><h2>Membership: how far ownership moved</h2>'];
  out.push(
    `<p class="help">At each join or leave the members were asked for the replica sets of ${rows[0]!.keys} probe keys on their own rings, before the change and once they all routed by the new members. ` +
      '<i>At best</i> is consistent hashing\'s promise (a member more or less moves 1/n of the owners and changes N/n of the replica sets, n the larger count); ' +
      '<i>mod n</i> is what placing key k on member hash(k) mod n would have moved. Unless the system hands data over when members change, every key whose replica set changed has a replica with no copy of it.</p>',
  );
  out.push(
    '<table id="ownership"><tr><th class="num">at</th><th>change</th><th class="num">members</th>' +
      '<th class="num">owners moved</th><th class="num">at best</th><th class="num">mod n</th>' +
      '<th class="num">replica sets changed</th><th class="num">at best</th><th class="num">mod n</th>' +
      '<th class="num" title="of the keys whose owner moved, the share that moved to the node that joined (or from the one that left)">of the node</th>' +
      '<th class="num" title="from the change until every member routed by the same members">ring agreed after</th><th class="num">rings</th></tr>',
  );
  for (const r of rows) {
    out.push(
      `<tr><td class="num">${r.atS.toFixed(3)} s</td><td>${esc(r.node)} ${r.f === 'join' ? 'joined' : 'left'}</td><td class="num">${r.membersBefore.length} → ${r.membersAfter.length}</td>` +
        `<td class="num"><b>${pct(r.measured.owner)}</b></td><td class="num">${pct(r.ideal.owner)}</td><td class="num">${pct(r.modN.owner)}</td>` +
        `<td class="num"><b>${pct(r.measured.replicas)}</b></td><td class="num">${pct(r.ideal.replicas)}</td><td class="num">${pct(r.modN.replicas)}</td>` +
        `<td class="num">${r.ownerMovesOfNode === null ? '–' : pct(r.ownerMovesOfNode)}</td>` +
        `<td class="num">${r.agreedMs === null ? 'not within the window' : `${r.agreedMs} ms`}</td><td class="num">${r.ringsAfter}</td></tr>`,
    );
  }
  out.push('</table>');
  out.push(`<p class="muted">The members were asked every ${rows[0]!.pollMs} ms while they settled: an agreement time is known to within that.</p>`);
  out.push('</section>');
  return out.join('\n');
}
