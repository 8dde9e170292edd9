// What a reviewer reads: element-level diffs of JSON values laid out as Terraform lays out nested
// changes (value-diff.ts, value-text.ts), the order people read addresses in (address-order.ts),
// and the pieces of a pull-request comment within GitHub's size limit (markdown.ts). A leaf: it
// imports nothing of drctl's own, so plan/, state/, config/ and the views can all use it.
export {
  diffValues,
  diffAttributes,
  valuesEqual,
  type Value,
  type ValueObject,
  type ValueDiff,
  type ObjectDiff,
  type DiffAction,
  type ValueDiffOptions,
} from './value-diff.js';
export { bodyLines, valueLines, terraformLayout, diffBlockLayout, type DiffLine, type Glyph, type BodyOptions } from './value-text.js';
export { compareAddressesForDisplay } from './address-order.js';
export {
  GITHUB_COMMENT_LIMIT,
  fitComment,
  mdText,
  mdCode,
  mdCell,
  mdTable,
  htmlText,
  fencedBlock,
  details,
  type CommentParts,
  type Detail,
  type Omitted,
  type FittedComment,
} from './markdown.js';
