// How many partitions each live member should hold: floor(P / n), and one more for the first
// P mod n members in code-point order of their ids. The shares add up to P exactly and every
// member computes the same ones from the same member list, so keepers converge on one
// assignment and stay there until the membership changes (no member is ever asked to hold what
// another must give up to it and then take it back).

/** The share of `member` among `members` (sorted, code-point order); 0 when it is not among them. */
export function fairShare(partitionCount: number, members: readonly string[], member: string): number {
  const rank = members.indexOf(member);
  if (rank < 0) return 0;
  const base = Math.floor(partitionCount / members.length);
  return base + (rank < partitionCount % members.length ? 1 : 0);
}
