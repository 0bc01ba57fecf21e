/**
 * Generated XML element content for property tests of the parser and the shaper: text pieces and
 * elements nested up to a depth, in any order. One generator, so the tests that compare our parse
 * paths against each other and against fast-xml-parser's own output draw from the same documents.
 */
import fc from 'fast-check';

/** Content of an element: `depth` levels of `<name>…</name>` mixed with `text` pieces. */
export function elementContent(text: fc.Arbitrary<string>, name: fc.Arbitrary<string>, maxLength: number): fc.Memo<string> {
  const node: fc.Memo<string> = fc.memo((depth) =>
    depth <= 1
      ? text
      : fc
          .array(
            fc.oneof(
              text,
              fc.tuple(name, node(depth - 1)).map(([n, inner]) => `<${n}>${inner}</${n}>`),
            ),
            { maxLength },
          )
          .map((parts) => parts.join('')),
  );
  return node;
}
