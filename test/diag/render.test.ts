import { describe, expect, it } from 'vitest';
import { renderDiagnostic, shouldColor, formatDiagnosticLine } from '../../src/diag/render.js';
import { didYouMean, levenshtein, suggestName } from '../../src/diag/suggest.js';
import type { Diagnostic, Range } from '../../src/diag/types.js';

const source = ['site "home" {', '  location = "dal13"', '}', '', 'vm "db01" {', '  site   = site.home', '  regoin = "x"', '}', ''].join('\n');
const sources = new Map([['plans/erp.hcl', source]]);

function range(line: number, col: number, endCol: number): Range {
  return { filename: 'plans/erp.hcl', start: { line, column: col, byte: 0 }, end: { line, column: endCol, byte: 0 } };
}

describe('renderDiagnostic', () => {
  it('prints summary, location with the enclosing block, the source line with carets, and the detail', () => {
    const d: Diagnostic = {
      severity: 'error',
      summary: 'Unsupported argument',
      detail: 'An argument named "regoin" is not expected here. Did you mean "region"?',
      subject: range(7, 3, 9),
    };
    expect(renderDiagnostic(d, { sources })).toBe(
      [
        'Error: Unsupported argument',
        '',
        '  on plans/erp.hcl line 7, in vm "db01":',
        '   7:   regoin = "x"',
        '        ^^^^^^',
        '',
        'An argument named "regoin" is not expected here. Did you mean "region"?',
        '',
      ].join('\n'),
    );
  });

  it('names the block when the subject is its header line', () => {
    const d: Diagnostic = { severity: 'warning', summary: 'Check this', subject: range(5, 1, 3) };
    const text = renderDiagnostic(d, { sources });
    expect(text).toContain('Warning: Check this');
    expect(text).toContain('on plans/erp.hcl line 5, in vm "db01":');
  });

  it('omits the block context for a line outside any block, and the frame when the source is unknown', () => {
    const outside: Diagnostic = { severity: 'error', summary: 'X', subject: range(4, 1, 1) };
    expect(renderDiagnostic(outside, { sources })).toContain('on plans/erp.hcl line 4:\n');
    const unknownFile: Diagnostic = { severity: 'error', summary: 'X', subject: { ...range(1, 1, 2), filename: 'other.hcl' } };
    expect(renderDiagnostic(unknownFile, { sources })).toBe('Error: X\n\n  on other.hcl line 1:\n');
  });

  it('ignores braces inside strings and comments when finding the enclosing block', () => {
    const src = 'a "x" {\n  s = "{{{"\n  # }}}\n  b = 1\n}\n';
    const d: Diagnostic = {
      severity: 'error',
      summary: 'S',
      subject: { filename: 'f.hcl', start: { line: 4, column: 3, byte: 0 }, end: { line: 4, column: 4, byte: 0 } },
    };
    expect(renderDiagnostic(d, { sources: new Map([['f.hcl', src]]) })).toContain('line 4, in a "x":');
  });

  it('uses ANSI colour only when asked', () => {
    const d: Diagnostic = { severity: 'error', summary: 'S', subject: range(7, 3, 9) };
    expect(renderDiagnostic(d, { sources, color: false })).not.toMatch(/\u001b\[/);
    expect(renderDiagnostic(d, { sources, color: true })).toMatch(/\u001b\[4mregoin\u001b\[0m/);
  });

  it('wraps the detail at the given width', () => {
    const d: Diagnostic = { severity: 'error', summary: 'S', detail: 'one two three four five six' };
    expect(renderDiagnostic(d, { width: 10 })).toBe('Error: S\n\none two\nthree four\nfive six\n');
  });

  it('formats a one-line form with file:line:col', () => {
    const d: Diagnostic = { severity: 'error', summary: 'Bad', detail: 'Fix it.', subject: range(7, 3, 9) };
    expect(formatDiagnosticLine(d)).toBe('plans/erp.hcl:7:3: error: Bad — Fix it.');
  });
});

describe('shouldColor', () => {
  it('colours a TTY, never with NO_COLOR or --no-color, and never a pipe', () => {
    expect(shouldColor({ isTTY: true }, {})).toBe(true);
    expect(shouldColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(shouldColor({ isTTY: true }, {}, true)).toBe(false);
    expect(shouldColor({ isTTY: false }, {})).toBe(false);
    expect(shouldColor({}, { FORCE_COLOR: '1' })).toBe(true);
  });
});

describe('did you mean', () => {
  it('measures edit distance', () => {
    expect(levenshtein('regoin', 'region')).toBe(2);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('same', 'same')).toBe(0);
  });
  it('suggests the closest name within reach, and nothing for a distant one', () => {
    expect(suggestName('regoin', ['region', 'location'])).toBe('region');
    expect(suggestName('memory_gib', ['memory_gb', 'processors'])).toBe('memory_gb');
    expect(didYouMean('zzzzzz', ['region', 'location'])).toBe('');
    expect(didYouMean('locaton', ['region', 'location'])).toBe(' Did you mean "location"?');
  });
});
