import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import emojiRegex from 'emoji-regex';
import {build, type Plugin} from 'esbuild';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';

// The stand-ins of scripts/lean-dependencies.mjs, bundled as scripts/build.mjs bundles them, against the real
// packages in node_modules. Run on every Node.js the lab supports: the stand-ins lean on V8's Unicode data.
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const modules = path.join(repo, 'node_modules');
const {leanDependencies} = (await import(pathToFileURL(path.join(repo, 'scripts', 'lean-dependencies.mjs')).href)) as {leanDependencies: Plugin};

let work = '';
beforeAll(async () => {
	work = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-lean-'));
});
afterAll(async () => {
	if (work) await rm(work, {recursive: true, force: true});
});

// Ink's devtools load only with DEV=true, and their package is not installed (scripts/build.mjs stubs it too).
const noDevtools: Plugin = {
	name: 'no-devtools',
	setup(build) {
		build.onResolve({filter: /^react-devtools-core$/}, () => ({path: 'react-devtools-core', namespace: 'no-devtools'}));
		build.onLoad({filter: /.*/, namespace: 'no-devtools'}, () => ({contents: 'export default {};', loader: 'js'}));
	},
};

/** Bundle `source` (an ES module) with the stand-ins, or with the real packages, and load it. */
async function bundled<T>(name: string, source: string, lean = true): Promise<T> {
	const outfile = path.join(work, `${name}.${lean ? 'lean' : 'real'}.mjs`);
	const entry = outfile.replace(/\.mjs$/, '.entry.mjs');
	await writeFile(entry, source);
	await build({
		entryPoints: [entry],
		outfile,
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		supported: {'regexp-set-notation': true},
		mainFields: ['module', 'main'],
		conditions: ['node', 'import', 'production'],
		banner: {js: "import {createRequire} from 'node:module'; const require = createRequire(import.meta.url);"},
		define: {'process.env.NODE_ENV': '"production"'},
		nodePaths: [modules],
		plugins: lean ? [noDevtools, leanDependencies] : [noDevtools],
		logLevel: 'silent',
	});
	return (await import(pathToFileURL(outfile).href)) as T;
}

/** Every code point from first to last, surrogates too (as lone UTF-16 units). */
function* codePoints(first: number, last: number): Generator<string> {
	for (let codePoint = first; codePoint <= last; codePoint++) yield String.fromCodePoint(codePoint);
}

describe('the emoji-regex stand-in', () => {
	it('finds an emoji in exactly the texts emoji-regex finds one in: every code point, keycap and pair of regional indicators', async () => {
		const lean = await bundled<{isEmoji: (text: string) => boolean}>(
			'emoji',
			"import emojiRegex from 'emoji-regex';\nexport const isEmoji = text => emojiRegex().test(text);\n",
		);
		const differences: string[] = [];
		const compare = (text: string): void => {
			if (lean.isEmoji(text) !== emojiRegex().test(text) && differences.length < 20) {
				differences.push([...text].map(character => character.codePointAt(0)!.toString(16)).join(' '));
			}
		};
		let emoji = 0;
		for (const character of codePoints(0, 0x10ffff)) {
			compare(character);
			compare(`${character}\uFE0F`);
			compare(`${character}\u20E3`);
			compare(`${character}\uFE0F\u20E3`);
			if (emojiRegex().test(character)) emoji++;
		}
		for (const first of codePoints(0x1f1e6, 0x1f1ff)) {
			for (const second of codePoints(0x1f1e6, 0x1f1ff)) {
				compare(first + second);
				compare(`x${first}${second}🇦`);
			}
		}
		expect(differences).toEqual([]);
		// What was compared holds emoji: more than a thousand code points are one.
		expect(emoji).toBeGreaterThan(1000);
	});

	const texts = [
		'hello',
		'registry-lab · Share an image through a registry',
		'╭─╮│╰╯ ⠋⠙⠹ ↑↓ ←→ ↔ ✔ ✘ ● ○ ◐ › ▶ ⏩ © ™ ☺ ☺︎ ❤ ❤️',
		'e\u0301 ＡＢ 日本語 한국어 \u1100\u1161 ภาษาไทย العربية a\u200Bb soft\u00ADhyphen',
		'😀 👍🏽 👩‍💻 👨‍👩‍👧‍👦 🏳️‍🌈 🏴‍☠️ 👩‍❤‍👨 🫩 🫆',
		'🇺🇸 🇬🇧 🇦🇦 🇺 🇺🇸🇫 🏴󠁧󠁢󠁥󠁮󠁧󠁿',
		'1️⃣ 1⃣ #️⃣ *⃣ 5︎⃣ x⃣ 0123 #*',
		'🏻 a🏻 \uFE0F \u20E3',
		'\u001B[31m👩‍💻 red\u001B[39m and \u001B]8;;https://example.com\u0007a link\u001B]8;;\u0007',
	];

	it("gives wrap-ansi's string-width the same widths as emoji-regex does", async () => {
		const stringWidth7 = path.join(modules, 'wrap-ansi', 'node_modules', 'string-width', 'index.js');
		const {default: real} = (await import(pathToFileURL(stringWidth7).href)) as {default: (text: string) => number};
		const lean = await bundled<{stringWidth: (text: string) => number}>(
			'string-width',
			`export {default as stringWidth} from ${JSON.stringify(stringWidth7)};\n`,
		);
		const widths = (width: (text: string) => number): number[][] =>
			texts.map(text => [...new Intl.Segmenter().segment(text)].map(({segment}) => width(segment)).concat(width(text)));
		expect(widths(lean.stringWidth)).toEqual(widths(real));
		// Wide where emoji-regex sees an emoji (a flag, a bare keycap, a text-style arrow), narrow where it does not.
		expect(['🇺🇸', '🇦🇦', '1⃣', '5︎⃣', '↔', '─'].map(text => lean.stringWidth(text))).toEqual([2, 1, 2, 1, 2, 1]);
	});

	it('stops the build when a package uses emoji-regex other than as emojiRegex().test(text)', async () => {
		await expect(bundled('emoji-match', "import emojiRegex from 'emoji-regex';\nexport const all = text => text.match(emojiRegex());\n")).rejects.toThrow(
			/uses emoji-regex other than as emojiRegex\(\)\.test\(text\); update scripts\/lean-dependencies\.mjs/,
		);
	});
});

type Execa = (file: string, args: string[], options: Record<string, unknown>) => Promise<Record<string, unknown>>;

describe("execa's figures and human-signals stand-ins", () => {
	const source = "export {execa} from 'execa';\n";

	it('describe the signals the lab sends or meets in the same words, in the result and its message', async () => {
		const [lean, real] = await Promise.all([bundled<{execa: Execa}>('execa', source), bundled<{execa: Execa}>('execa', source, false)]);
		const killedBy = async (execa: Execa, signal: string): Promise<Record<string, unknown>> => {
			const result = await execa('sh', ['-c', `kill -${signal.slice(3)} $$`], {reject: false});
			return {signal: result.signal, signalDescription: result.signalDescription, shortMessage: result.shortMessage, isTerminated: result.isTerminated};
		};
		for (const signal of ['SIGTERM', 'SIGKILL', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGPIPE', 'SIGABRT', 'SIGSEGV']) {
			expect(await killedBy(lean.execa, signal)).toEqual(await killedBy(real.execa, signal));
		}
		expect(await killedBy(lean.execa, 'SIGTERM')).toMatchObject({
			signalDescription: 'Termination',
			shortMessage: "Command was killed with SIGTERM (Termination): sh -c 'kill -TERM $$'",
		});
		// A signal it does not know is named, where human-signals would describe it.
		expect(await killedBy(lean.execa, 'SIGUSR1')).toMatchObject({signal: 'SIGUSR1', signalDescription: 'SIGUSR1', isTerminated: true});
		// A timeout kills with SIGTERM.
		const timedOut = await lean.execa('sleep', ['5'], {reject: false, timeout: 50});
		expect(timedOut).toMatchObject({timedOut: true, signal: 'SIGTERM', signalDescription: 'Termination'});
	});

	it('keep the icons of the verbose log (NODE_DEBUG=execa), with and without Unicode', async () => {
		const logOf = async (execa: Execa): Promise<string[]> => {
			const lines: string[] = [];
			const verbose = (line: string): undefined =>
				void lines.push(line.replace(/\[\d\d:\d\d:\d\d\.\d{3}\]/, '[time]').replace(/done in [\d.]+m?s/, 'done in …'));
			await execa('true', [], {verbose});
			await execa('false', [], {verbose, reject: false});
			await execa('false', [], {verbose}).catch(() => undefined);
			return lines;
		};
		const term = process.env.TERM;
		try {
			for (const value of ['xterm-256color', 'linux']) {
				process.env.TERM = value;
				const [lean, real] = await Promise.all([
					bundled<{execa: Execa}>(`execa-${value}`, source),
					bundled<{execa: Execa}>(`execa-${value}`, source, false),
				]);
				const log = await logOf(lean.execa);
				expect(log).toEqual(await logOf(real.execa));
				expect(log.join('\n')).toContain(value === 'linux' ? '√' : '✔');
			}
		} finally {
			process.env.TERM = term;
		}
	});

	it('stop the build when execa uses figures or human-signals otherwise', async () => {
		await expect(bundled('signals', "import {signalsByNumber} from 'human-signals';\nexport const all = signalsByNumber;\n")).rejects.toThrow(
			/imports human-signals; update scripts\/lean-dependencies\.mjs/,
		);
	});
});

describe("the stack-utils stand-in, for Ink's error overview", () => {
	// Stack lines as V8 writes them, and some it does not, from the usual to the odd.
	const lines = [
		'Error: boom',
		`    at Object.<anonymous> (${repo}/src/main.ts:10:5)`,
		`    at render (file://${repo}/dist/chunk-ABC.js:1:2345)`,
		'    at new Registry (/home/ana/lab/registry.js:4:11)',
		'    at async Promise.all (index 0)',
		'    at async run (/home/ana/lab/run.js:7:3)',
		'    at Foo.bar [as baz] (/home/ana/lab/foo.js:1:2)',
		'    at Array.map (<anonymous>)',
		'    at node:internal/process/task_queues:95:5',
		'    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)',
		'    at eval (eval at compile (/home/ana/lab/c.js:3:9), <anonymous>:1:1)',
		'    at Object.fn (C:\\Users\\ana\\lab\\fn.js:12:34)',
		'    at weird (name) here (/home/ana/odd (dir)/x.js:5:6)',
		'    at /home/ana/lab/anonymous.js:8:9',
		'    at Math.max (native)',
		'    at <anonymous>',
		'',
	];

	it('parses every stack line as stack-utils does', async () => {
		const source = [
			"import StackUtils from 'stack-utils';",
			'const stackUtils = new StackUtils({cwd: process.cwd(), internals: StackUtils.nodeInternals()});',
			'export const parse = line => { const parsed = stackUtils.parseLine(line); return parsed && {...parsed, ctor: parsed.constructor === true}; };',
		].join('\n');
		type Parse = {parse: (line: string) => Record<string, unknown> | null};
		const [lean, real] = await Promise.all([bundled<Parse>('stack-utils', source), bundled<Parse>('stack-utils', source, false)]);
		expect(lines.map(line => lean.parse(line))).toEqual(lines.map(line => real.parse(line)));
		expect(lean.parse('    at Foo.bar [as baz] (/home/ana/lab/foo.js:1:2)')).toEqual({
			line: 1,
			column: 2,
			file: '/home/ana/lab/foo.js',
			function: 'Foo.bar',
			method: 'baz',
			ctor: false,
		});
	});

	it('gives the same error overview: message, the code where it was thrown, and each line of the stack', async () => {
		const errorOverview = path.join(modules, 'ink', 'build', 'components', 'ErrorOverview.js');
		const source = [
			"import React from 'react';",
			"import {renderToString} from 'ink';",
			`import ErrorOverview from ${JSON.stringify(errorOverview)};`,
			'export const overview = error => renderToString(React.createElement(ErrorOverview, {error}), {columns: 200});',
		].join('\n');
		type Overview = {overview: (error: Error) => string};
		const [lean, real] = await Promise.all([bundled<Overview>('error-overview', source), bundled<Overview>('error-overview', source, false)]);
		const error = new Error('the registry answered 500');
		// The first line names a file that exists: the overview shows its code around that line.
		error.stack = [error.message, `    at readManifest (${repo}/package.json:4:3)`, ...lines.slice(2)].join('\n');
		const shown = lean.overview(error);
		expect(shown).toBe(real.overview(error));
		expect(shown).toContain('ERROR');
		expect(shown).toContain('the registry answered 500');
		expect(shown).toContain('package.json:4:3');
		expect(shown).toContain('"type": "module"');
		expect(shown).toMatch(/- readManifest \(package\.json:4:3\)/);
		expect(shown).toMatch(/- Foo\.bar \(\/home\/ana\/lab\/foo\.js:1:2\)/);
	});

	it('stops the build when stack-utils is used for more than parseLine', async () => {
		const source =
			"import StackUtils from 'stack-utils';\nconst stackUtils = new StackUtils({});\nexport const clean = stack => stackUtils.clean(stack);\n";
		await expect(bundled('stack-clean', source)).rejects.toThrow(/uses stack-utils for more than parseLine; update scripts\/lean-dependencies\.mjs/);
	});
});
