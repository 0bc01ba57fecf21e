/**
 * applyShape straight from fast-xml-parser's ordered form: the same answer and the same drift
 * issues, in the same order, as `applyShape(compact(entries)…)`, without building the plain-object
 * tree in between (a third of the XML stage's allocations). Only what has no shape, or does not
 * have the shape it should (drift, kept as CI sent it), is folded into plain objects, exactly as
 * `compact` would have. test/unit/shape-ordered.test.ts holds the two paths equal.
 *
 * The walk empties the tree's child lists as it goes, so a shaped part can be collected at once:
 * the worst request's peak memory does not hold the parsed answer and its JSON in full together.
 */
import { type OrderedEntry, TEXT, foldElement, nameOf } from './parse';
import { type DriftCollector, type Json, type Shape, type XmlValue, convert, own, shapeOf } from './shape';

type Drift = DriftCollector | undefined;
type Path = (string | number)[];

/** A document's top-level element(s) of one name: one, unless the document repeats its root. */
export type XmlRoot = OrderedEntry[][];

/** The document's top-level elements named `name` (as `name in compact(entries)` finds them), or undefined. */
export function findRoot(entries: OrderedEntry[], name: string): XmlRoot | undefined {
  const found: OrderedEntry[][] = [];
  for (const entry of entries) if (entry[TEXT] === undefined && nameOf(entry) === name) found.push(entry[name] as OrderedEntry[]);
  return found.length === 0 ? undefined : found;
}

/**
 * `applyShape(compact(entries)[name], shape, drift)` for the root findRoot found. The tree is
 * consumed: each part is released as soon as its JSON is built.
 */
export function shapeRoot(root: XmlRoot, shape: Shape | undefined, drift?: DriftCollector): Json {
  return root.length === 1 ? shapeElement(root[0] as OrderedEntry[], shape, drift, []) : shapeRepeated(root, shape, drift, []);
}

/** One element (given by its children) under `shape`: what `convert(foldElement(children), …)` gives. */
function shapeElement(children: OrderedEntry[], shape: Shape | undefined, drift: Drift, at: Path): Json {
  if (shape === undefined) return foldElement(children);
  if (shape.k === 'o') return shapeObject(children, shape, drift, at);
  if (shape.k === 'a') {
    // A lone empty element (`<Audio/>`) is an empty list; otherwise a list of this one element.
    if (isEmpty(children)) return [];
    at.push(0);
    const item = shapeElement(children, shape.i, drift, at);
    at.pop();
    return [item];
  }
  return convert(foldElement(children), shape, drift, at);
}

/** Several same-named siblings: a list in document order, as `compact` folds them. */
function shapeRepeated(elements: OrderedEntry[][], shape: Shape | undefined, drift: Drift, at: Path): Json {
  if (shape?.k !== 'a') return convert(elements.map(foldElement), shape, drift, at);
  // `map` allocates the list at its final length (one built by `push` keeps spare capacity: several MB
  // over a large answer's many short lists).
  return elements.map((children, i) => {
    elements[i] = CONSUMED_ELEMENT;
    at.push(i);
    const item = shapeElement(children, shape.i, drift, at);
    at.pop();
    return item;
  });
}

function shapeObject(children: OrderedEntry[], shape: Extract<Shape, { k: 'o' }>, drift: Drift, at: Path): Json {
  // Child elements grouped by name in order of first appearance (the key order `compact` gives),
  // and the element's own text pieces joined. Most names come once: a name's first element is kept
  // as is, and only a repeated name gets a list of its elements, so an element costs no list and no
  // map entry per child (shaping was a tenth of a lookup's allocations before the parser's).
  const names: string[] = [];
  const firsts: OrderedEntry[][] = [];
  let repeated: Map<number, OrderedEntry[][]> | undefined;
  let index: Map<string, number> | undefined;
  let text: string | undefined;
  for (const entry of children) {
    const piece = entry[TEXT];
    if (typeof piece === 'string') {
      text = text === undefined ? piece : text + piece;
      continue;
    }
    const name = nameOf(entry);
    if (name === undefined) continue;
    const element = entry[name] as OrderedEntry[];
    const seen = index ? (index.get(name) ?? -1) : names.indexOf(name);
    if (seen === -1) {
      index?.set(name, names.length);
      names.push(name);
      firsts.push(element);
      // A scan of a few names beats a map; a hostile element with thousands of names gets the map.
      if (index === undefined && names.length === LINEAR_NAMES) index = new Map(names.map((n, i) => [n, i]));
    } else {
      repeated ??= new Map();
      const all = repeated.get(seen);
      if (all) all.push(element);
      else repeated.set(seen, [firsts[seen] as OrderedEntry[], element]);
    }
  }
  // The tree is consumed as it is shaped: each part can be collected once its JSON is built, so a
  // large answer is never held twice over (a third more peak memory for the worst request otherwise).
  children.length = 0;
  if (text === '') text = undefined;
  // Without child elements the element folds to text, or to '' when empty: not an object.
  if (names.length === 0) return convert(text ?? '', shape, drift, at);

  let props = shape.p;
  if (shape.by !== undefined) {
    let key: XmlValue | undefined;
    if (shape.by === TEXT) key = text;
    else {
      const byIndex = index ? (index.get(shape.by) ?? -1) : names.indexOf(shape.by);
      if (byIndex !== -1 && !repeated?.has(byIndex)) key = foldElement(firsts[byIndex] as OrderedEntry[]);
    }
    // Own properties only: a Tag of `constructor` or `__proto__` is just a Tag we do not know.
    props = (typeof key === 'string' && own(shape.v, key)) || shape.f || props;
  }
  // Null prototype: V8 keeps such an object in dictionary mode, under one map shared by all of them.
  // A job's object otherwise gets a hidden class per Tag and per field order CI sends, so with ids
  // rotating over the families the property loads that read it (each family's ajv validator, the
  // merge) went megamorphic: docs/performance.md, "Ids rotating over all families".
  // It also makes `out.__proto__ = x` a plain own property, as CI's element must stay.
  const out = Object.create(null) as { [key: string]: Json };
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    const first = firsts[i] as OrderedEntry[];
    firsts[i] = CONSUMED_ELEMENT;
    const all = repeated?.get(i);
    at.push(name);
    const childShape = shapeOf(props, name) ?? shape.m;
    const converted = all === undefined ? shapeElement(first, childShape, drift, at) : shapeRepeated(all, childShape, drift, at);
    at.pop();
    out[name] = converted;
  }
  if (text !== undefined) {
    at.push(TEXT);
    out[TEXT] = convert(text, shapeOf(props, TEXT) ?? shape.m, drift, at);
    at.pop();
  }
  return out;
}

/** Past this many distinct child names, an element's names are looked up in a map instead of scanned. */
const LINEAR_NAMES = 16;

const CONSUMED_ELEMENT: OrderedEntry[] = [];

/** Whether the element folds to '': no child element and no text. */
function isEmpty(children: OrderedEntry[]): boolean {
  for (const entry of children) if (entry[TEXT] !== '' && nameOf(entry) !== undefined) return false;
  return true;
}
