// The in-memory changes a transaction made, kept as steps that undo them, so that a rolled-back
// transaction leaves memory exactly as before (record-sink.ts). Changes are made at once, so
// later writes in the same transaction see them; a step is journaled only for a change to a
// cache or index (a new group, a probe, a failed 6.23), never per record.

export interface UndoJournal {
  /** Journals the step that undoes a change just made. */
  add(undo: () => void): void;
  /** The transaction committed: the changes stay. */
  commit(): void;
  /** The transaction rolled back: undoes every change, latest first. */
  rollBack(): void;
}

export function createUndoJournal(): UndoJournal {
  const steps: (() => void)[] = [];
  return {
    add: (undo) => void steps.push(undo),
    commit: () => void (steps.length = 0),
    rollBack() {
      for (let i = steps.length - 1; i >= 0; i--) steps[i]!();
      steps.length = 0;
    },
  };
}
