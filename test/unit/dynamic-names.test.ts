/**
 * Containers whose child names are data (dsl.ts `Dict`, a workflow's Topology.Nodes): the derived
 * shape gives every child the one value shape whatever its name, so the converter types, lists and
 * reports drift inside each child, keeps every child, and still treats a named child by its own shape.
 */
import { Bool, Dict, List, Obj, Text } from '../../schemas/dsl';
import { deriveShape } from '../../schemas/derive-shape';
import { parseXml } from '../../shared/xml/parse';
import { DriftCollector, applyShape } from '../../shared/xml/shape';

const plain = (s: unknown) => JSON.parse(JSON.stringify(s)) as Record<string, unknown>;
const node = Obj({ Type: Text(), Flag: Bool(), Ids: List(Text()) });
const schema = Obj({ Name: Text(), Nodes: Dict(node), Deps: Dict(Text()) });
const shape = deriveShape(plain(schema));
const convert = (xml: string, drift?: DriftCollector) => applyShape(parseXml(`<R>${xml}</R>`).R ?? '', shape, drift) as any;

test('the derived shape carries the value shape for unnamed children', () => {
  expect(shape).toMatchObject({
    k: 'o',
    p: { Nodes: { k: 'o', m: { k: 'o', p: { Flag: { k: 'b' }, Ids: { k: 'a' } } } }, Deps: { k: 'o', m: { k: 's' } } },
  });
});

test('every child is converted with the value shape, whatever it is called', () => {
  const json = convert(
    '<Name>w</Name><Nodes><Start><Type>Start</Type><Flag>TRUE</Flag><Ids>a</Ids></Start>' +
      '<Snap_1><Type>Snapshot</Type><Flag>0</Flag><Ids>b</Ids><Ids>c</Ids><Extra>kept</Extra></Snap_1>' +
      '<toString><Flag>false</Flag></toString></Nodes><Deps><Start>Snap_1</Start><Snap_1>End</Snap_1></Deps>',
  );
  expect(json.Nodes.Start).toEqual({ Type: 'Start', Flag: true, Ids: ['a'] });
  expect(json.Nodes.Snap_1).toEqual({ Type: 'Snapshot', Flag: false, Ids: ['b', 'c'], Extra: 'kept' });
  // The parser renames Object.prototype names (xml-to-json.md); the child is kept and converted all the same.
  expect(Object.values(json.Nodes)).toContainEqual({ Flag: false });
  expect(json.Deps).toEqual({ Start: 'Snap_1', Snap_1: 'End' });
});

test('drift inside a named-by-data child is reported under its name, and the value kept', () => {
  const drift = new DriftCollector();
  const json = convert('<Nodes><Snap_1><Flag>maybe</Flag><Type><x>1</x></Type></Snap_1></Nodes><Deps><A><B>c</B></A></Deps>', drift);
  expect(json.Nodes.Snap_1).toEqual({ Flag: 'maybe', Type: { x: '1' } });
  expect(json.Deps.A).toEqual({ B: 'c' });
  expect(drift.issues).toEqual([
    { at: ['Nodes', 'Snap_1', 'Flag'], expected: 'boolean', received: 'string' },
    { at: ['Nodes', 'Snap_1', 'Type'], expected: 'string', received: 'object' },
    { at: ['Deps', 'A'], expected: 'string', received: 'object' },
  ]);
});
