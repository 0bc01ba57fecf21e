/**
 * Build-time, validators only. A family schema checks each item of its list (`JobsDetail`, or the
 * family's own: FamilySpec.list) against the common
 * fields and then against the one `ByKey` branch (dsl.ts) its `Tag` (or `Type`) selects. Most of
 * the generated validator code is in those branches, and one request needs one or two of them, so
 * the build compiles them apart and the function loads a branch the first time it meets its Tag.
 *
 * Sound because the item's `allOf` is a conjunction of `if`/`then` pairs whose conditions only
 * read the key: `base ∧ ⋀(if_i → then_i)` is `base ∧ then_k` for the one branch k whose condition
 * holds. Anything but the exact two condition forms ByKey emits fails the build, so a schema this
 * module does not understand can never be checked more weakly than before.
 */
import { type Node, isNode, sameJson } from './json-node';
import { pruneBranchRepeats, residue } from './prune-branch-repeats';

export interface SplitFamily {
  /** The family schema with the item branches removed: checked on every answer. */
  base: Node;
  /** The item key the branches are chosen by (`Tag`, `Type`); undefined when there are none. */
  key: string | undefined;
  /** Every value the schema knows; a known value without a branch needs nothing beyond the base. */
  known: string[];
  /** value → what an item with that value must satisfy beyond the base. */
  branches: Record<string, Node>;
  /** What an item with an unknown or missing value must satisfy beyond the base, if anything. */
  fallback: Node | undefined;
}

/** The list whose items are split unless a family names its own (FamilySpec.list). */
export const SPLIT_LIST = 'JobsDetail';

function knownValue(condition: unknown, key: string): string | undefined {
  if (!isNode(condition) || Object.keys(condition).sort().join() !== 'properties,required') return undefined;
  const { properties, required } = condition;
  if (!isNode(properties) || Object.keys(properties).join() !== key || !sameJson(required, [key])) return undefined;
  const test = properties[key];
  return isNode(test) && Object.keys(test).join() === 'const' && typeof test.const === 'string' ? test.const : undefined;
}

function fallbackValues(condition: unknown, key: string): string[] | undefined {
  if (!isNode(condition) || Object.keys(condition).join() !== 'not' || !isNode(condition.not)) return undefined;
  const { properties, required, ...other } = condition.not;
  if (Object.keys(other).length || !isNode(properties) || Object.keys(properties).join() !== key) return undefined;
  if (!sameJson(required, [key])) return undefined;
  const test = properties[key];
  if (!isNode(test) || Object.keys(test).join() !== 'enum' || !Array.isArray(test.enum)) return undefined;
  return test.enum.every((v): v is string => typeof v === 'string') ? test.enum : undefined;
}

/**
 * Splits a family schema as written (every branch whole, the fallback included) and cuts each part
 * to what prune-branch-repeats.ts would have left of it, so the parts check exactly what the pruned
 * whole schema checked.
 */
export function splitItemBranches(family: string, root: Node, listName: string = SPLIT_LIST): SplitFamily {
  const fail = (why: string): never => {
    throw new Error(`${family}: cannot split the ${listName} item branches (${why}); extend split-branches.ts`);
  };
  const list = isNode(root.properties) ? root.properties[listName] : undefined;
  const item = isNode(list) ? list.items : undefined;
  if (!isNode(item) || !Array.isArray(item.allOf))
    return { base: pruneBranchRepeats(root) as Node, key: undefined, known: [], branches: {}, fallback: undefined };
  const key = item['x-ci-by'];
  if (typeof key !== 'string') return fail('no x-ci-by key');

  const branches: Record<string, Node> = Object.create(null) as Record<string, Node>;
  let known: string[] | undefined;
  let fallback: Node | undefined;
  for (const branch of item.allOf as unknown[]) {
    if (!isNode(branch) || Object.keys(branch).sort().join() !== 'if,then' || !isNode(branch.then))
      return fail('a branch is not a plain if/then');
    const value = knownValue(branch.if, key);
    const others = value === undefined ? fallbackValues(branch.if, key) : undefined;
    if (value !== undefined) {
      if (value in branches) fail(`two branches for ${value}`);
      branches[value] = branch.then;
    } else if (others !== undefined && known === undefined) {
      known = others;
      fallback = branch.then;
    } else fail('a condition other than ByKey emits');
  }
  if (known === undefined) return fail('no fallback branch naming the known values');
  if (Object.keys(branches).sort().join() !== [...known].sort().join()) fail('the branches and the known values differ');

  const { allOf: _branches, ...itemBase } = item;
  const base = { ...root, properties: { ...(root.properties as Node), [listName]: { ...(list as Node), items: itemBase } } };
  // As pruneBranchRepeats does it: nested branches first, then each branch against its parent.
  const parent = pruneBranchRepeats(itemBase) as Node;
  const cut = (then: Node) => residue(pruneBranchRepeats(then), parent) as Node | undefined;
  const kept: Record<string, Node> = {};
  for (const [value, then] of Object.entries(branches)) {
    const rest = cut(then);
    if (rest !== undefined) kept[value] = rest;
  }
  return { base: pruneBranchRepeats(base) as Node, key, known, branches: kept, fallback: fallback && cut(fallback) };
}
