import { describe, expect, it } from "vitest";
import { parseLintOutput, parseTestOutput, tail } from "../../src/agent/check-parse.js";

const CARGO = `running 3 tests
test parser::parses_empty ... ok
test parser::parses_nested ... FAILED
test util::clamps ... ok

failures:

---- parser::parses_nested stdout ----
thread 'parser::parses_nested' panicked at src/parser.rs:40:9:
assertion \`left == right\` failed

failures:
    parser::parses_nested

test result: FAILED. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

   Doc-tests mylib

running 1 test
test src/lib.rs - add (line 3) ... ok

test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.20s
`;

const GO = `=== RUN   TestAdd
--- PASS: TestAdd (0.00s)
=== RUN   TestSub
    math_test.go:12: got 1, want 5
--- FAIL: TestSub (0.00s)
=== RUN   TestTable
=== RUN   TestTable/zero
--- PASS: TestTable (0.00s)
    --- PASS: TestTable/zero (0.00s)
FAIL
FAIL\texample.com/m\t0.003s
FAIL
`;

const PYTEST = `.F.                                                                      [100%]
=================================== FAILURES ===================================
_________________________________ test_divide __________________________________

    def test_divide():
>       assert divide(1, 0) == 0
E       ZeroDivisionError: division by zero

test_calc.py:9: ZeroDivisionError
=========================== short test summary info ============================
FAILED test_calc.py::test_divide - ZeroDivisionError: division by zero
1 failed, 2 passed in 0.04s
`;

const JEST = `FAIL src/sum.test.js
  math
    ✓ adds (2 ms)
    ✕ subtracts (3 ms)

  ● math › subtracts

    expect(received).toBe(expected) // Object.is equality

    Expected: 5
    Received: 1

Test Suites: 1 failed, 1 total
Tests:       1 failed, 3 passed, 4 total
Snapshots:   0 total
Time:        0.5 s
`;

const MOCHA = `
  math
    ✔ adds
    1) subtracts

  1 passing (4ms)
  1 failing

  1) math
       subtracts:
     AssertionError [ERR_ASSERTION]: 1 == 5
`;

const VITEST = ` ❯ a.test.mjs (2 tests | 1 failed) 12ms
   ✓ adds numbers 2ms
     × subtracts numbers 7ms

⎯⎯⎯⎯⎯⎯⎯ Failed Tests 1 ⎯⎯⎯⎯⎯⎯⎯

 FAIL  a.test.mjs > math > subtracts numbers
AssertionError: expected 1 to be 5 // Object.is equality

 Test Files  1 failed (1)
      Tests  1 failed | 1 passed (2)
   Duration  292ms
`;

const NODE_TAP = `TAP version 13
# Subtest: adds numbers
ok 1 - adds numbers
# Subtest: math
    # Subtest: subtracts numbers
    not ok 1 - subtracts numbers
      ---
      failureType: 'testCodeFailure'
      error: '1 == 5'
      ...
    1..1
not ok 2 - math
  ---
  type: 'suite'
  failureType: 'subtestsFailed'
  error: '1 subtest failed'
  ...
1..2
# tests 2
# pass 1
# fail 1
`;

const NODE_SPEC = `✔ adds numbers (1.1ms)
▶ math
  ✖ subtracts numbers (2.4ms)
✖ math (5.9ms)
ℹ tests 2
ℹ pass 1
ℹ fail 1

✖ failing tests:

test at b.test.mjs:3:26
✖ subtracts numbers (2.472249ms)
  AssertionError [ERR_ASSERTION]: 1 == 5
`;

describe("parseTestOutput", () => {
  it.each([
    ["cargo", CARGO, 3, 1, ["parser::parses_nested"]],
    ["go", GO, 3, 1, ["TestSub"]],
    ["pytest", PYTEST, 2, 1, ["test_calc.py::test_divide"]],
    ["jest", JEST, 3, 1, ["math › subtracts"]],
    ["mocha", MOCHA, 1, 1, ["math subtracts"]],
    ["vitest", VITEST, 1, 1, ["a.test.mjs > math > subtracts numbers"]],
    ["node", NODE_TAP, 1, 1, ["subtracts numbers"]],
    ["node", NODE_SPEC, 1, 1, ["subtracts numbers"]],
  ])("reads %s output", (runner, output, passed, failed, names) => {
    const counts = parseTestOutput(output);
    expect(counts).toMatchObject({ runner, passed, failed });
    expect(counts?.failures.map((f) => f.name)).toEqual(names);
  });

  it("reads counts through ANSI colour codes", () => {
    const esc = String.fromCharCode(27);
    expect(parseTestOutput(`${esc}[2m      Tests ${esc}[22m ${esc}[1m${esc}[32m4 passed${esc}[39m${esc}[22m (4)`)).toMatchObject({
      runner: "vitest",
      passed: 4,
      failed: 0,
    });
  });

  it("reads go package lines when not verbose, and pytest's no-tests line", () => {
    expect(parseTestOutput("ok  \texample.com/a\t0.01s\nFAIL\texample.com/b\t0.02s\n")).toMatchObject({ passed: 1, failed: 1 });
    expect(parseTestOutput("no tests ran in 0.01s")).toMatchObject({ runner: "pytest", passed: 0, failed: 0 });
  });

  it("returns undefined for output it does not recognise", () => {
    expect(parseTestOutput("Segmentation fault\n")).toBeUndefined();
  });
});

describe("parseLintOutput", () => {
  it("reads eslint's stylish format, prefixing the file, and skips its summary", () => {
    const out =
      "/repo/src/a.js\n  1:7   error    'x' is assigned a value but never used  no-unused-vars\n  2:1   warning  Unexpected console statement  no-console\n\n✖ 2 problems (1 error, 1 warning)\n  0 errors and 1 warning potentially fixable with the `--fix` option.\n";
    expect(parseLintOutput(out)).toEqual([
      { severity: "error", text: "/repo/src/a.js:1:7 error 'x' is assigned a value but never used no-unused-vars" },
      { severity: "warning", text: "/repo/src/a.js:2:1 warning Unexpected console statement no-console" },
    ]);
  });

  it("reads GitHub annotations (biome), eslint compact and ruff concise lines", () => {
    const out = [
      "::warning title=lint/style/useConst,file=/w/a.js,line=2,endLine=2,col=1,endColumn=4::This let declares a variable that is only assigned once.",
      "::error title=lint/suspicious/noDebugger,file=/w/a.js,line=1,endLine=1,col=1,endColumn=10::Unexpected debugger.",
      "/w/b.js: line 3, col 5, Error - Missing semicolon. (semi)",
      "c.py:1:8: F401 [*] `os` imported but unused",
      "Found 1 error.",
      "[*] 1 fixable with the `--fix` option.",
    ].join("\n");
    expect(parseLintOutput(out)).toEqual([
      { severity: "warning", text: "/w/a.js:2 lint/style/useConst: This let declares a variable that is only assigned once." },
      { severity: "error", text: "/w/a.js:1 lint/suspicious/noDebugger: Unexpected debugger." },
      { severity: "error", text: "/w/b.js: line 3, col 5, Error - Missing semicolon. (semi)" },
      { severity: "error", text: "c.py:1:8: F401 [*] `os` imported but unused" },
    ]);
  });

  it("ignores npm's own error lines", () => {
    expect(parseLintOutput("npm error Lifecycle script `lint` failed with error:\nnpm error code 1\n")).toEqual([]);
  });
});

it("tail keeps the last lines", () => {
  expect(tail("a\nb\nc\nd\n", 2)).toBe("c\nd");
});
