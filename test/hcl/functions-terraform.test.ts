// The functions added after the first 64, each checked against the examples in Terraform's
// documentation (developer.hashicorp.com/terraform/language/functions/NAME), then against the
// edges of its Go implementation (hashicorp/terraform internal/lang/funcs, zclconf/go-cty
// stdlib, go-cty-yaml): error messages, marks and unknowns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Scope } from '../../src/hcl/eval.js';
import { nodeConfigFs } from '../../src/config/node-fs.js';
import { UNKNOWN, isSensitive, objectValue, sensitive, valueToJson, type Value } from '../../src/hcl/value.js';
import { call, evalSrc, ok } from './build.js';

const obj = (o: Record<string, Value>) => objectValue(Object.entries(o));
/** md5 of the two UTF-8 bytes c3 a9 ("é"), from `printf '\xc3\xa9' | md5sum`. */
const MD5_E_ACUTE = '66ddcd97cfdeabb2f6fb8a999b4bc76f';

/** The value of `src` as JSON-like data (objects as plain objects), failing on any diagnostic. */
function run(src: string, vars: Record<string, Value> = {}, extra: Omit<Scope, 'variables'> = {}): unknown {
  const r = evalSrc(src, vars, extra);
  if (r.diagnostics.length) throw new Error(r.diagnostics.map((d) => `${d.summary}: ${d.detail}`).join('; '));
  return valueToJson(r.value);
}

/** "summary: detail" of the one diagnostic of `src`. */
function err(src: string, vars: Record<string, Value> = {}, extra: Omit<Scope, 'variables'> = {}): string {
  const r = evalSrc(src, vars, extra);
  expect(r.diagnostics).toHaveLength(1);
  return `${r.diagnostics[0].summary}: ${r.diagnostics[0].detail}`;
}

describe('regex and regexall (Terraform docs: regex, regexall)', () => {
  it('returns the matching substring when the pattern has no groups', () => {
    expect(run('regex("[a-z]+", "53453453.345345aaabbbccc23454")')).toBe('aaabbbccc');
  });

  it('returns a list of captures for unnamed groups and an object for named ones', () => {
    expect(run('regex("(\\\\d\\\\d\\\\d\\\\d)-(\\\\d\\\\d)-(\\\\d\\\\d)", "2019-02-01")')).toEqual(['2019', '02', '01']);
    expect(run('regex("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?", "https://terraform.io/docs/")')).toEqual({
      authority: 'terraform.io',
      scheme: 'https',
    });
  });

  it('fails when nothing matches, as Terraform does', () => {
    expect(err('regex("[a-z]+", "53453453.34534523454")')).toBe(
      'Error in function call: Call to function "regex" failed: pattern did not match any part of the given string.',
    );
  });

  it('regexall returns every match, and an empty list for none', () => {
    expect(run('regexall("[a-z]+", "1234abcd5678efgh9")')).toEqual(['abcd', 'efgh']);
    expect(run('length(regexall("[a-z]+", "1234abcd5678efgh9"))')).toBe(2);
    expect(run('length(regexall("[a-z]+", "123456789")) > 0')).toBe(false);
  });

  it('gives null for a group that took no part in the match', () => {
    expect(run('regex("(a)|(b)", "b")')).toEqual([null, 'b']);
  });

  it('refuses a pattern that mixes named and unnamed groups, and reports RE2 syntax errors', () => {
    expect(err('regex("(?P<a>x)(y)", "xy")')).toBe(
      'Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: cannot mix both named and unnamed capture groups.',
    );
    expect(err('regex("a(b", "ab")')).toBe(
      'Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: missing closing ): `a(b`.',
    );
    // Lookbehind is not RE2: Terraform refuses it too.
    expect(err('regex("(?<=a)b", "ab")')).toMatch(/invalid regexp pattern: invalid named capture/);
  });

  it('finds matches as Go does: no empty match right after a match, across astral characters', () => {
    expect(run('regexall("a*", "baaab")')).toEqual(['', 'aaa', '']);
    expect(run('replace("bab", "/a|/", "X")')).toBe('XbXbX');
    expect(run('regexall(".", "a😀b")')).toEqual(['a', '😀', 'b']);
  });
});

describe('strcontains (Terraform docs)', () => {
  it('says whether a string contains a substring', () => {
    expect(run('strcontains("hello world", "wor")')).toBe(true);
    expect(run('strcontains("hello world", "wod")')).toBe(false);
  });
});

describe('templatefile and templatestring (Terraform docs)', () => {
  let dir: string;
  let files: Omit<Scope, 'variables'>;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drctl-tmpl-'));
    fs.writeFileSync(path.join(dir, 'backends.tftpl'), '%{ for addr in ip_addrs ~}\nbackend ${addr}:${port}\n%{ endfor ~}\n');
    fs.writeFileSync(path.join(dir, 'config.tftpl'), '${jsonencode({"backends": [for addr in ip_addrs : "${addr}:${port}"]})}\n');
    fs.writeFileSync(path.join(dir, 'broken.tftpl'), 'hello ${name\n');
    fs.writeFileSync(path.join(dir, 'nested.tftpl'), '${templatefile("backends.tftpl", {})}');
    fs.writeFileSync(path.join(dir, 'unknown-var.tftpl'), 'hi ${who}\n');
    files = fileScope(dir);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('renders a template file with the given variables', () => {
    expect(run('templatefile("backends.tftpl", { port = 8080, ip_addrs = ["10.0.0.1", "10.0.0.2"] })', {}, files)).toBe(
      'backend 10.0.0.1:8080\nbackend 10.0.0.2:8080\n',
    );
    expect(run('templatefile("config.tftpl", { port = 8080, ip_addrs = ["10.0.0.1", "10.0.0.2"] })', {}, files)).toBe(
      '{"backends":["10.0.0.1:8080","10.0.0.2:8080"]}\n',
    );
  });

  it('reports a template that refers to a variable it was not given, and one that does not parse', () => {
    expect(err('templatefile("unknown-var.tftpl", {})', {}, files)).toBe(
      'Invalid function argument: Invalid value for "vars" parameter: vars map does not contain key "who", referenced at unknown-var.tftpl:1,6-9.',
    );
    expect(err('templatefile("broken.tftpl", {name = "x"})', {}, files)).toMatch(
      /^Error in function call: Call to function "templatefile" failed: invalid template: broken.tftpl:\d+,\d+-\d+: /,
    );
  });

  it('refuses to call templatefile from inside a template, as Terraform does', () => {
    expect(err('templatefile("nested.tftpl", {})', {}, files)).toMatch(/cannot recursively call templatefile from inside another template function/);
  });

  it('keeps the result sensitive when a variable was', () => {
    const r = evalSrc('templatefile("backends.tftpl", { port = var.port, ip_addrs = ["10.0.0.1"] })', { var: obj({ port: sensitive(8080) }) }, files);
    expect(r.diagnostics).toEqual([]);
    expect(isSensitive(r.value)).toBe(true);
  });

  it('templatestring renders a template held in a reference, and refuses a template written in place', () => {
    const vars = { local: obj({ motd: 'Hello, ${name}!' }) };
    expect(run('templatestring(local.motd, { name = "ops" })', vars)).toBe('Hello, ops!');
    expect(err('templatestring("Hello, ${name}!", { name = "ops" })', vars)).toMatch(
      /templatestring is only for rendering templates retrieved dynamically from elsewhere; to render an inline template/,
    );
    expect(err('templatestring("plain", {})', vars)).toMatch(/does not support providing a literal template/);
  });

  it('templatestring may not read files', () => {
    const vars = { local: obj({ t: '${file("backends.tftpl")}' }) };
    expect(err('templatestring(local.t, {})', vars, files)).toMatch(/cannot use filesystem access functions like file in templatestring templates/);
  });
});

describe('yamlencode and yamldecode (Terraform docs)', () => {
  it('encodes maps and lists in block style with quoted strings, as the docs show', () => {
    expect(run('yamlencode({"a":"b", "c":"d"})')).toBe('"a": "b"\n"c": "d"\n');
    expect(run('yamlencode({"foo":[1, 2, 3], "bar": "baz"})')).toBe('"bar": "baz"\n"foo":\n- 1\n- 2\n- 3\n');
    expect(run('yamlencode({"foo":[1, {"a":"b","c":"d"}, 3], "bar": "baz"})')).toBe('"bar": "baz"\n"foo":\n- 1\n- "a": "b"\n  "c": "d"\n- 3\n');
  });

  it('writes multi-line strings as literal blocks, empty collections in flow style, and nested lists on the dash line', () => {
    expect(run('yamlencode("a\\nb")')).toBe('|-\n  a\n  b\n');
    expect(run('yamlencode({k = "line1\\nline2\\n"})')).toBe('"k": |\n  line1\n  line2\n');
    expect(run('yamlencode({a = [], b = {}, c = null, d = true, e = 1.5})')).toBe('"a": []\n"b": {}\n"c": null\n"d": true\n"e": 1.5\n');
    expect(run('yamlencode([[1, 2], {x = {y = "z"}}])')).toBe('- - 1\n  - 2\n- "x":\n    "y": "z"\n');
    expect(run('yamlencode("tab\\there")')).toBe('"tab\\there"\n');
  });

  it('decodes YAML to values, aliases included', () => {
    expect(run('yamldecode("hello: world")')).toEqual({ hello: 'world' });
    expect(run('yamldecode("true")')).toBe(true);
    expect(run('yamldecode("{a: &foo [1, 2, 3], b: *foo}")')).toEqual({ a: [1, 2, 3], b: [1, 2, 3] });
  });

  it('refuses what Terraform refuses: an alias inside its own anchor, an unsupported tag', () => {
    expect(err('yamldecode("{a: &foo [1, *foo, 3]}")')).toMatch(/cannot refer to an anchor from inside its own definition/);
    expect(err('yamldecode("{a: !not-supported foo}")')).toMatch(/unsupported tag "!not-supported"/);
  });

  it('refuses a document whose aliases would multiply it (billion laughs)', () => {
    const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++)
      laughs.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const r = evalSrc('yamldecode(doc)', { doc: laughs.join('\n') });
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0].detail).toMatch(/aliases too often|Value too large|too expensive/);
  });

  it('round-trips through yamlencode and yamldecode', () => {
    expect(run('yamldecode(yamlencode({a = [1, "two", true, null], b = {c = "multi\\nline"}}))')).toEqual({
      a: [1, 'two', true, null],
      b: { c: 'multi\nline' },
    });
  });
});

describe('sensitive, nonsensitive and issensitive (Terraform docs)', () => {
  it('sensitive marks a value, and the mark follows what is computed from it', () => {
    const r = evalSrc('upper(sensitive("secret"))');
    expect(isSensitive(r.value)).toBe(true);
    expect(valueToJson(r.value)).toBe('(sensitive)');
  });

  it('nonsensitive takes the mark off, and issensitive tells', () => {
    const vars = { var: obj({ secret: sensitive('s3cr3t') }) };
    expect(run('issensitive(var.secret)', vars)).toBe(true);
    expect(run('issensitive("hello")', vars)).toBe(false);
    expect(run('nonsensitive(var.secret)', vars)).toBe('s3cr3t');
    expect(run('issensitive(nonsensitive(sha256(var.secret)))', vars)).toBe(false);
    expect(run('issensitive(sha256(var.secret))', vars)).toBe(true);
  });

  it('issensitive of an unknown value is unknown; nonsensitive of a plain value is the value', () => {
    expect(call('issensitive', UNKNOWN).value).toBe(UNKNOWN);
    expect(ok('nonsensitive', 'plain')).toBe('plain');
  });
});

describe('hash functions (Terraform docs)', () => {
  it('digests "hello world" as the docs show', () => {
    expect(ok('md5', 'hello world')).toBe('5eb63bbbe01eeed093cb22bb8f5acdc3');
    expect(ok('sha1', 'hello world')).toBe('2aae6c35c94fcfb415dbe95f408b9ce91ee846ed');
    expect(ok('sha256', 'hello world')).toBe('b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9');
    expect(ok('sha512', 'hello world')).toBe(
      '309ecc489c12d6eb4cc40f50c902f2b4d0ed77ee511a7c7a9bcd3ca86d4cd86f989dd35bc5ff499670da34255b45b0cfd830e81f605dcf7dc5542e93ae9cd76f',
    );
    expect(ok('base64sha256', 'hello world')).toBe('uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=');
  });

  it('hashes the UTF-8 bytes of the string', () => {
    expect(ok('md5', 'é')).toBe(MD5_E_ACUTE);
    expect(ok('sha256', '')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('urlencode (Terraform docs)', () => {
  it('escapes as Go url.QueryEscape does', () => {
    expect(ok('urlencode', 'Hello World!')).toBe('Hello+World%21');
    expect(ok('urlencode', '☃')).toBe('%E2%98%83');
    expect(run('"http://example.com/search?q=${urlencode("terraform urlencode")}"')).toBe('http://example.com/search?q=terraform+urlencode');
    expect(ok('urlencode', "a-b_c.d~e*f'(g)")).toBe('a-b_c.d~e%2Af%27%28g%29');
  });
});

describe('set functions (Terraform docs)', () => {
  it('setunion, setintersection and setsubtract combine sets, in set order', () => {
    expect(run('setunion(["a", "b"], ["b", "c"], ["d"])')).toEqual(['a', 'b', 'c', 'd']);
    expect(run('setintersection(["a", "b"], ["b", "c"], ["b", "d"])')).toEqual(['b']);
    expect(run('setsubtract(["a", "b", "c"], ["a", "c"])')).toEqual(['b']);
  });

  it('unifies element types across the sets, as cty converts', () => {
    expect(run('setunion([1, 2], ["2", "x"])')).toEqual(['1', '2', 'x']);
    expect(err('setunion([1], [[1]])')).toBe('Error in function call: Call to function "setunion" failed: given sets must all have compatible element types.');
  });

  it("setproduct gives every combination, keeping the lists' order", () => {
    expect(run('setproduct(["development", "staging", "production"], ["app1", "app2"])')).toEqual([
      ['development', 'app1'],
      ['development', 'app2'],
      ['staging', 'app1'],
      ['staging', 'app2'],
      ['production', 'app1'],
      ['production', 'app2'],
    ]);
    expect(run('setproduct(["staging", "production"], [])')).toEqual([]);
    expect(err('setproduct(["a"])')).toBe('Error in function call: Call to function "setproduct" failed: at least two arguments are required.');
  });

  it('setproduct refuses a product past the collection limit before making it', () => {
    const started = performance.now();
    const d = err('setproduct(range(1000), range(1000), range(1000))');
    expect(d).toMatch(/^Collection too large: This makes a collection of 1,000,000,000 elements/);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('date and time functions (Terraform docs)', () => {
  const clock = { now: () => Date.UTC(2018, 4, 13, 7, 44, 12, 345) };

  it('timestamp is the clock passed in, in RFC 3339 UTC to the second', () => {
    expect(run('timestamp()', {}, clock)).toBe('2018-05-13T07:44:12Z');
    expect(err('timestamp()')).toMatch(/timestamp\(\) is not available here/);
  });

  it('formatdate formats as the docs show', () => {
    expect(run('formatdate("DD MMM YYYY hh:mm ZZZ", "2018-01-02T23:12:01Z")')).toBe('02 Jan 2018 23:12 UTC');
    expect(run('formatdate("EEEE, DD-MMM-YY hh:mm:ss ZZZ", "2018-01-02T23:12:01Z")')).toBe('Tuesday, 02-Jan-18 23:12:01 UTC');
    expect(run('formatdate("EEE, DD MMM YYYY hh:mm:ss ZZZ", "2018-01-02T23:12:01-08:00")')).toBe('Tue, 02 Jan 2018 23:12:01 -0800');
    expect(run('formatdate("MMM DD, YYYY", "2018-01-02T23:12:01Z")')).toBe('Jan 02, 2018');
    expect(run('formatdate("HH:mmaa", "2018-01-02T23:12:01Z")')).toBe('11:12pm');
  });

  it('formatdate quotes literals and refuses unknown verbs and bad timestamps', () => {
    expect(run("formatdate(\"YYYY-MM-DD'T'hh 'o''clock' Z ZZZZZ\", \"2018-01-02T03:04:05+05:30\")")).toBe("2018-01-02T03 o'clock +05:30 +05:30");
    expect(err('formatdate("YYYYY", "2018-01-02T23:12:01Z")')).toBe(
      'Invalid function argument: Invalid value for "format" parameter: invalid date format verb "YYYYY": year must either be "YY" or "YYYY".',
    );
    expect(err('formatdate("Q", "2018-01-02T23:12:01Z")')).toBe(
      'Invalid function argument: Invalid value for "format" parameter: invalid date format verb "Q".',
    );
    expect(err('formatdate("YYYY", "2018-01-02")')).toBe(
      'Invalid function argument: Invalid value for "time" parameter: not a valid RFC3339 timestamp: missing required time introducer \'T\'.',
    );
  });

  it('timeadd adds a Go duration and keeps the offset', () => {
    expect(run('timeadd("2017-11-22T00:00:00Z", "10m")')).toBe('2017-11-22T00:10:00Z');
    expect(run('timeadd("2017-11-22T00:00:00-05:00", "-1h30m")')).toBe('2017-11-21T22:30:00-05:00');
    expect(err('timeadd("2017-11-22T00:00:00Z", "10x")')).toBe(
      'Invalid function argument: Invalid value for "duration" parameter: time: unknown unit "x" in duration "10x".',
    );
    expect(err('timeadd("2017-11-22T00:00:00Z", "10")')).toBe(
      'Invalid function argument: Invalid value for "duration" parameter: time: missing unit in duration "10".',
    );
    expect(err('timeadd("2017-11-22T00:00:00Z", "h")')).toBe('Invalid function argument: Invalid value for "duration" parameter: time: invalid duration "h".');
  });

  it('timecmp compares instants, whatever their offsets', () => {
    expect(run('timecmp("2017-11-22T00:00:00Z", "2017-11-22T00:00:00Z")')).toBe(0);
    expect(run('timecmp("2017-11-22T00:00:00Z", "2017-11-22T01:00:00Z")')).toBe(-1);
    expect(run('timecmp("2017-11-22T01:00:00Z", "2017-11-22T00:00:00Z")')).toBe(1);
    expect(run('timecmp("2017-11-22T01:00:00Z", "2017-11-22T00:00:00-01:00")')).toBe(0);
  });
});

/** File access over a real directory, through the ConfigFs commands use. */
function fileScope(dir: string): Omit<Scope, 'variables'> {
  const dec = new TextDecoder('utf-8', { fatal: true });
  return {
    baseDir: dir,
    readFile: (p, max) => dec.decode(nodeConfigFs.readFile(p, max)),
    realPath: (p) => fs.realpathSync(p),
    stat: (p) => nodeConfigFs.stat!(p),
    readdir: (p) => fs.readdirSync(p),
  };
}

describe('file functions (Terraform docs)', () => {
  let root: string;
  let dir: string;
  let files: Omit<Scope, 'variables'>;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'drctl-files-'));
    dir = path.join(root, 'cfg');
    fs.mkdirSync(path.join(dir, 'files', 'subdirectory'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'files', 'hello.txt'), 'hello');
    fs.writeFileSync(path.join(dir, 'files', 'world.txt'), 'world');
    fs.writeFileSync(path.join(dir, 'files', 'subdirectory', 'anotherfile.txt'), 'x');
    fs.writeFileSync(path.join(root, 'outside.txt'), 'secret');
    fs.symlinkSync(path.join(root, 'outside.txt'), path.join(dir, 'files', 'link-out.txt'));
    fs.symlinkSync(root, path.join(dir, 'files', 'dir-out'));
    files = fileScope(dir);
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('fileexists says whether a regular file exists, and refuses a directory', () => {
    expect(run('fileexists("files/hello.txt")', {}, files)).toBe(true);
    expect(run('fileexists("files/nope.txt")', {}, files)).toBe(false);
    expect(err('fileexists("files")', {}, files)).toBe('Invalid function argument: Invalid value for "path" parameter: "files" is a directory, not a file.');
    expect(err('fileexists("../outside.txt")', {}, files)).toMatch(/path escapes the configuration directory/);
    expect(err('fileexists("files/link-out.txt")', {}, files)).toMatch(/path escapes the configuration directory/);
  });

  it('fileset lists matching regular files, as the docs show, never following a link out', () => {
    expect(run('fileset(".", "files/*.txt")', {}, files)).toEqual(['files/hello.txt', 'files/world.txt']);
    expect(run('fileset(".", "files/{hello,world}.txt")', {}, files)).toEqual(['files/hello.txt', 'files/world.txt']);
    expect(run('fileset("files", "*")', {}, files)).toEqual(['hello.txt', 'world.txt']);
    expect(run('fileset("files", "**")', {}, files)).toEqual(['hello.txt', 'subdirectory/anotherfile.txt', 'world.txt']);
    expect(err('fileset("..", "*")', {}, files)).toMatch(/path escapes the configuration directory/);
  });

  it('basename and dirname follow Go path rules', () => {
    expect(ok('basename', 'foo/bar/baz.txt')).toBe('baz.txt');
    expect(ok('dirname', 'foo/bar/baz.txt')).toBe('foo/bar');
    expect(ok('basename', 'foo/bar/')).toBe('bar');
    expect(ok('basename', '')).toBe('.');
    expect(ok('basename', '/')).toBe('/');
    expect(ok('dirname', 'baz.txt')).toBe('.');
    expect(ok('dirname', '/')).toBe('/');
    expect(ok('dirname', 'foo/')).toBe('foo');
  });

  it('abspath resolves against the configuration directory and cleans the path', () => {
    expect(run('abspath("files/../files/hello.txt")', {}, files)).toBe(`${path.resolve(dir)}/files/hello.txt`);
    expect(run('abspath("/a/./b/../c")', {}, files)).toBe('/a/c');
  });
});

describe('collection functions (Terraform docs)', () => {
  it('transpose swaps the keys and the values of a map of lists', () => {
    expect(run('transpose({"a" = ["1", "2"], "b" = ["2", "3"]})')).toEqual({ '1': ['a'], '2': ['a', 'b'], '3': ['b'] });
    expect(err('transpose({"a" = "x"})')).toBe('Invalid function argument: Invalid value for "values" parameter: input must be a map of lists of strings.');
  });

  it('matchkeys picks the values whose keys are in the search set', () => {
    expect(run('matchkeys(["i-123", "i-abc", "i-def"], ["us-west", "us-east", "us-east"], ["us-east"])')).toEqual(['i-abc', 'i-def']);
    expect(err('matchkeys(["a"], [], ["x"])')).toBe('Error in function call: Call to function "matchkeys" failed: length of keys and values should be equal.');
  });

  it('chunklist splits a list into chunks of a size', () => {
    expect(run('chunklist(["a", "b", "c", "d", "e"], 2)')).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(run('chunklist(["a", "b", "c", "d", "e"], 1)')).toEqual([['a'], ['b'], ['c'], ['d'], ['e']]);
    expect(run('chunklist(["a", "b"], 0)')).toEqual([['a', 'b']]);
    expect(err('chunklist(["a"], -1)')).toBe('Invalid function argument: Invalid value for "size" parameter: the size argument must be positive.');
  });

  it('csvdecode reads CSV with a header line into a list of objects', () => {
    expect(run('csvdecode("a,b,c\\n1,2,3\\n4,5,6")')).toEqual([
      { a: '1', b: '2', c: '3' },
      { a: '4', b: '5', c: '6' },
    ]);
    expect(run('csvdecode("name,note\\r\\n\\"x, y\\",\\"say \\"\\"hi\\"\\"\\"\\r\\n")')).toEqual([{ name: 'x, y', note: 'say "hi"' }]);
    expect(err('csvdecode("a,b\\n1\\n")')).toBe(
      'Invalid function argument: Invalid value for "str" parameter: CSV parse error on line 2: wrong number of fields.',
    );
    expect(err('csvdecode("")')).toBe('Invalid function argument: Invalid value for "str" parameter: missing header line.');
  });
});

describe('unknown and sensitive arguments to the new functions', () => {
  it('an unknown argument makes the result unknown; a sensitive one marks it', () => {
    expect(call('sha256', UNKNOWN).value).toBe(UNKNOWN);
    expect(isSensitive(ok('regexall', '[a-z]+', sensitive('abc1def')))).toBe(true);
    expect(isSensitive(ok('setunion', [sensitive('a')], ['b']))).toBe(true);
  });

  it('error messages do not quote a sensitive path', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drctl-sens-'));
    try {
      const r = evalSrc('fileexists(var.p)', { var: obj({ p: sensitive('../secret-name') }) }, fileScope(dir));
      expect(r.diagnostics).toHaveLength(1);
      expect(r.diagnostics[0].detail).not.toContain('secret-name');
      expect(r.diagnostics[0].detail).toContain('(sensitive value)');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
