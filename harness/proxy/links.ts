/** The directed links between nodes that the proxies carry, and which of them a partition cuts: plain data. */
export type NodeId = string;

/** The connections `from` opens to `to`: requests one way, their replies back. */
export type LinkPair = readonly [from: NodeId, to: NodeId];

/** Which directed links are down, and how. Plain data, as recorded in the history. */
export interface Partition {
  cut: LinkPair[];
  /** `cut` (the default) black-holes the links; `reject` resets their connections at once. */
  mode?: 'cut' | 'reject';
}
