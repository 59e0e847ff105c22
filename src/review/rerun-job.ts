/**
 * Which checks a TA's re-run request covers. The `rerun` job itself (name, payload schema, id) is
 * declared with the other jobs in src/queue/queue.names.ts.
 */
/** Without an explicit list, a re-run covers what went wrong: the failed and errored checks. */
export function checksToRerun(
  checks: { id: string; status: string }[],
  requested: string[] | undefined,
): { checkIds: string[]; unknown: string[] } {
  if (requested) {
    const known = new Set(checks.map((c) => c.id));
    const unique = [...new Set(requested)].sort();
    return { checkIds: unique.filter((id) => known.has(id)), unknown: unique.filter((id) => !known.has(id)) };
  }
  const failed = checks.filter((c) => c.status === 'fail' || c.status === 'error').map((c) => c.id);
  return { checkIds: [...new Set(failed)].sort(), unknown: [] };
}
